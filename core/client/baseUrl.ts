/**
 * The checks of the client's settings that need no Effect: the base URL (credentials travel only over
 * TLS, or on loopback) and the credential (never empty or blank).
 */

/** Loopback hosts, where plain HTTP carries no credential across a network. */
export const isLoopback = (hostname: string): boolean =>
  hostname === "localhost" || hostname === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(hostname)

/** The outcome of a settings check: the value to use, or why it is refused. */
export type Checked<A> = { readonly ok: true; readonly value: A } | { readonly ok: false; readonly message: string }

/** The base URL without trailing slashes, refused when it would send credentials in the clear. */
export const checkBaseUrl = (raw: string, allowInsecureHttp: boolean): Checked<string> => {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return { ok: false, message: `baseUrl is not a URL: ${JSON.stringify(raw)}` }
  }
  if (url.protocol === "https:" || (url.protocol === "http:" && (allowInsecureHttp || isLoopback(url.hostname)))) {
    return { ok: true, value: raw.replace(/\/+$/, "") }
  }
  return {
    ok: false,
    message: url.protocol === "http:"
      ? `baseUrl ${url.origin} is plain http and not on loopback: credentials would travel in the clear; use https, or set allowInsecureHttp: true`
      : `baseUrl must be an http(s) URL, got ${url.protocol}`
  }
}

/** Whether a credential's value is empty or blank. */
export const isBlank = (secret: string): boolean => secret.trim() === ""

/** The messages of the credential checks, the same in both editions. */
export const credentialMessages = {
  apiKeyEmpty: "the API key is empty",
  oauthTokenEmpty: "the OAuth token is empty",
  none: "no credentials: give an API key (apiKey) or an OAuth token (oauthToken)",
  noneInEnvironment: "no credentials: set YANDEX_MARKET_API_KEY (or YANDEX_MARKET_OAUTH_TOKEN)",
  noneInConfig: "no credentials: neither the apiKey nor the oauthToken Config has a value"
} as const
