/**
 * The library's own transport error, built from `@effect/platform`'s `RequestError` or `ResponseError`
 * by copying what is safe (the way `@effect/ai`'s `HttpRequestError.fromRequestError` does): no
 * request, response or cause object crosses over, so no path leads from the error to a credential.
 */
import type { HttpClientError } from "@effect/platform"
import { transportDescription } from "../../../../core/client/redact.js"
import { TransportError } from "../../ChatsError.js"
import type { RequestInfo } from "./response.js"

/** A `TransportError` describing `error` without holding any of it. */
export const toTransportError = (
  info: RequestInfo,
  error: HttpClientError.HttpClientError,
  secrets: ReadonlyArray<string>
): TransportError =>
  new TransportError({
    operation: info.operation,
    method: info.method,
    path: info.path,
    reason: error.reason,
    ...(error._tag === "ResponseError" ? { status: error.response.status } : {}),
    description: transportDescription(error.description, error.cause, error.reason, secrets)
  }, { disableValidation: true })
