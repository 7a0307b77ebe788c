/**
 * Describing a transport's failure without holding it: the text of its cause, with every credential
 * replaced, so that the library's own transport error leads to no credential.
 */

/** The message of an error cause, or its string form; `Error` objects name their own class and code. */
export const describeCause = (cause: unknown): string | undefined => {
  if (cause === undefined) return undefined
  if (cause instanceof Error) {
    const code = (cause as { readonly code?: unknown }).code
    return `${cause.name}: ${cause.message}${typeof code === "string" ? ` (${code})` : ""}`
  }
  return typeof cause === "string" ? cause : undefined
}

/** Replaces every occurrence of each secret in `text` with `<redacted>`. */
export const redactSecrets = (text: string, secrets: ReadonlyArray<string>): string =>
  secrets.reduce((out, secret) => secret === "" ? out : out.split(secret).join("<redacted>"), text)

/** A transport failure's description from its own description and its cause, credentials removed; `fallback` when both say nothing. */
export const transportDescription = (
  description: string | undefined,
  cause: unknown,
  fallback: string,
  secrets: ReadonlyArray<string>
): string => {
  const text = [description, describeCause(cause)].filter((s) => s !== undefined && s !== "").join(": ")
  return redactSecrets(text === "" ? fallback : text, secrets)
}
