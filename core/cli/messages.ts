/**
 * What `ym-chats` reads from the environment, and the words of its usage errors (exit code 2), the
 * same in both editions. Written without Effect.
 */

/** The environment variables the command reads. */
export const env = {
  /** The business (cabinet) id, when `--business` is not given. */
  businessId: "YANDEX_MARKET_BUSINESS_ID",
  /** The API key. */
  apiKey: "YANDEX_MARKET_API_KEY",
  /** An OAuth token, used when there is no API key. */
  oauthToken: "YANDEX_MARKET_OAUTH_TOKEN",
  /** The base URL, when `--base-url` is not given. */
  baseUrl: "YANDEX_MARKET_BASE_URL"
} as const

/** The usage errors' messages. */
export const usage = {
  /** Neither a key in the environment nor `--api-key-prompt`. */
  noKey: `no API key: set ${env.apiKey} (or ${env.oauthToken}), or pass --api-key-prompt`,
  /** `--api-key-prompt` with stdin a pipe whose first line is blank. */
  noKeyOnStdin: "--api-key-prompt: stdin is not a terminal and its first line holds no key",
  /** `--api-key-prompt` at a terminal, left without a key (Escape, Ctrl+C, Ctrl+D). */
  noKeyEntered: "--api-key-prompt: no key entered",
  /** Neither `--business` nor the environment's business id. */
  noBusiness: `no business: pass --business <id> or set ${env.businessId}`,
  /** A business id that is not a positive safe integer. */
  badBusiness: (id: number) => `--business must be an integer of at least 1, got ${id}`,
  /** A `--limit` under 1. */
  badLimit: (limit: number) => `--limit must be at least 1, got ${limit}`,
  /** `open` without `--order` or `--return`, or with both. */
  openNeedsOne: "open needs exactly one of --order <id> and --return <id>",
  /** A `--content-type` that is not a media type. */
  badContentType: (given: string) => `--content-type must be a media type such as application/pdf, got ${JSON.stringify(given)}`,
  /**
   * A base URL the client refuses (`description` is the client's reason); the library's way out,
   * `allowInsecureHttp`, is deliberately not offered on the command line.
   */
  badBaseUrl: (description: string) => `--base-url: ${description.replace(/, or set allowInsecureHttp: true$/, "")}`
} as const

/** The failures of `send-file` before anything is sent (exit code 1). */
export const fileFailures = {
  /** The file cannot be read. */
  cannotRead: (path: string, reason: string) => `cannot read ${path}: ${reason}`,
  /** The path is a folder or another non-file. */
  notAFile: (path: string) => `${path} is not a file`,
  /** The file is over the market's limit. */
  tooBig: (path: string, size: bigint | number, maxBytes: number) =>
    `${path} is ${size} bytes; the market accepts files of at most ${maxBytes} bytes (5 MB)`
} as const
