/**
 * The library's own transport error, built from `@effect/platform`'s `RequestError` or `ResponseError`
 * by copying what is safe (the way `@effect/ai`'s `HttpRequestError.fromRequestError` does): no
 * request, response or cause object crosses over, so no path leads from the error to a credential.
 */
import type { HttpClientError } from "@effect/platform"
import { TransportError } from "../../ChatsError.js"
import type { RequestInfo } from "./response.js"

/** The message of an error cause, or its string form; `Error` objects name their own class. */
const describeCause = (cause: unknown): string | undefined => {
  if (cause === undefined) return undefined
  if (cause instanceof Error) {
    const code = (cause as { readonly code?: unknown }).code
    return `${cause.name}: ${cause.message}${typeof code === "string" ? ` (${code})` : ""}`
  }
  return typeof cause === "string" ? cause : undefined
}

/** Replaces every occurrence of each secret in `text` with `<redacted>`. */
const redact = (text: string, secrets: ReadonlyArray<string>): string =>
  secrets.reduce((out, secret) => secret === "" ? out : out.split(secret).join("<redacted>"), text)

/** A `TransportError` describing `error` without holding any of it. */
export const toTransportError = (
  info: RequestInfo,
  error: HttpClientError.HttpClientError,
  secrets: ReadonlyArray<string>
): TransportError => {
  const description = [error.description, describeCause(error.cause)].filter((s) => s !== undefined && s !== "").join(": ")
  return new TransportError({
    operation: info.operation,
    method: info.method,
    path: info.path,
    reason: error.reason,
    ...(error._tag === "ResponseError" ? { status: error.response.status } : {}),
    description: redact(description === "" ? error.reason : description, secrets)
  }, { disableValidation: true })
}
