/**
 * The library's own transport error, built from `effect/http`'s `HttpClientError` by copying what is
 * safe: the reason's kind, the status when an answer had started, and a description with credentials
 * removed. No request, response or cause object crosses over, so no path leads from it to a credential.
 */
import type { HttpClientError } from "effect/http"
import { transportDescription } from "../../../../core/client/redact.js"
import { TransportError } from "../../ChatsError.js"
import type { RequestInfo } from "./response.js"

/** The reason's kind without its `Error` suffix: `TransportError` is `Transport`, `DecodeError` is `Decode`. */
const reasonOf = (reason: HttpClientError.HttpClientErrorReason): TransportError["reason"] => {
  switch (reason._tag) {
    case "TransportError":
      return "Transport"
    case "EncodeError":
      return "Encode"
    case "InvalidUrlError":
      return "InvalidUrl"
    case "StatusCodeError":
      return "StatusCode"
    case "DecodeError":
      return "Decode"
    case "EmptyBodyError":
      return "EmptyBody"
  }
}

/** A `TransportError` describing `error` without holding any of it. */
export const toTransportError = (
  info: RequestInfo,
  error: HttpClientError.HttpClientError,
  secrets: ReadonlyArray<string>
): TransportError => {
  const reason = error.reason
  const kind = reasonOf(reason)
  return new TransportError({
    operation: info.operation,
    method: info.method,
    path: info.path,
    reason: kind,
    ...("response" in reason ? { status: reason.response.status } : {}),
    description: transportDescription(reason.description, reason.cause, kind, secrets)
  }, { disableChecks: true })
}
