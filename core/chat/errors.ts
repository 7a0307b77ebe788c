/**
 * How the client's errors become `effect/chat` reasons: a table from the error's tag (and status,
 * operation) to the reason, its retry class and a redacted detail, without Effect. The retry class
 * follows `effect/chat`: `retry` when nothing happened, `uncertain` when a send may have landed,
 * `denied` when sending again gives the same answer.
 */
import { quotaBackAt } from "../limiter/quotaState.js"

/** The reasons of `effect/chat`'s `ChatError` the adapter uses. */
export type ReasonTag =
  | "RateLimited"
  | "Transport"
  | "PlatformUnavailable"
  | "Unauthenticated"
  | "Forbidden"
  | "NotFound"
  | "TooLarge"
  | "InvalidRequest"
  | "InvalidResponse"

/** A retry class of `effect/chat`. */
export type RetryClass = "retry" | "uncertain" | "denied"

/** The detail of a refused file, fixed by `effect/chat`: nothing was posted. */
export const fileRefused = "file_refused"

/** What the mapping reads of a client error: its tag and, where it has them, status, operation, codes, reset. */
export interface ErrorFacts {
  readonly _tag: string
  readonly operation?: string | undefined
  readonly status?: number | undefined
  /** The `code`s of the answer's `errors`. */
  readonly codes?: ReadonlyArray<string> | undefined
  /** For a 420: when the quota resets (epoch millis), when the answer said. */
  readonly resetsAt?: number | undefined
}

/** The reason an error maps to. */
export interface Mapped {
  readonly reason: ReasonTag
  readonly retry: RetryClass
  /** A code such as `not_found`: never message text, ids or a secret. */
  readonly detail: string
  /** For `RateLimited`: how long to wait, in millis, when the answer said when the quota resets. */
  readonly retryAfterMillis?: number | undefined
}

/** A market error code when it looks like one (`NOT_FOUND`), lower-cased; else `fallback`. */
const codeOr = (facts: ErrorFacts, fallback: string): string => {
  const code = facts.codes?.[0]
  return code !== undefined && /^[A-Z][A-Z0-9_]{0,63}$/.test(code) ? code.toLowerCase() : fallback
}

/** The operations that post (a 4xx refusal of them means nothing was posted). */
const isSend = (operation: string | undefined) => operation === "sendMessageToChat" || operation === "sendFileToChat"

/** The reason of an answer with a status the client has no tag for. */
const byStatus = (facts: ErrorFacts): Mapped => {
  const status = facts.status ?? 0
  if (status === 413) return { reason: "TooLarge", retry: "denied", detail: codeOr(facts, "payload_too_large") }
  if (status === 423) return { reason: "Forbidden", retry: "denied", detail: codeOr(facts, "locked") }
  if (status >= 500) {
    return { reason: "PlatformUnavailable", retry: isSend(facts.operation) ? "uncertain" : "retry", detail: `http_${status}` }
  }
  if (status >= 400) return { reason: "InvalidRequest", retry: "denied", detail: codeOr(facts, `http_${status}`) }
  return { reason: "InvalidResponse", retry: "denied", detail: `http_${status}` }
}

/**
 * Maps a client error (by its facts) to a reason, at `now` (epoch millis, for `retryAfterMillis`).
 *
 * | client error | reason | retry |
 * |---|---|---|
 * | `RateLimitError` (420) | `RateLimited`, `retryAfter` until the quota's reset when the answer gave one | retry |
 * | `DeliveryUnknownError` (a send with no answer, or a 5xx) | `Transport` | uncertain |
 * | `TransportError`, `RequestTimeoutError` (a read) | `Transport` | retry |
 * | `LimiterUnavailableError` (not sent) | `Transport` | retry |
 * | `InternalServerError` (a read) | `PlatformUnavailable` | retry |
 * | `UnexpectedStatusError` | 5xx `PlatformUnavailable` (retry; uncertain for a send), 413 `TooLarge`, 423 `Forbidden`, else `InvalidRequest` | |
 * | `BadRequestError` (400) | `InvalidRequest`; detail `file_refused` for `sendFileToChat` | denied |
 * | `UnauthorizedError` (401) | `Unauthenticated` | denied |
 * | `ForbiddenError` (403) | `Forbidden` | denied |
 * | `NotFoundError` (404) | `NotFound` | denied |
 * | `InvalidRequestError` (refused before sending) | `InvalidRequest` | denied |
 * | `ResponseDecodeError`, `PageTokenLoopError` | `InvalidResponse` | denied |
 */
export const mapError = (facts: ErrorFacts, now: number): Mapped => {
  switch (facts._tag) {
    case "RateLimitError":
      return {
        reason: "RateLimited",
        retry: "retry",
        detail: codeOr(facts, "limit_exceeded"),
        ...(facts.resetsAt === undefined ? {} : { retryAfterMillis: Math.max(0, quotaBackAt(facts.resetsAt) - now) })
      }
    case "DeliveryUnknownError":
      return { reason: "Transport", retry: "uncertain", detail: "delivery_unknown" }
    case "TransportError":
      return { reason: "Transport", retry: "retry", detail: "transport" }
    case "RequestTimeoutError":
      return { reason: "Transport", retry: "retry", detail: "timeout" }
    case "LimiterUnavailableError":
      return { reason: "Transport", retry: "retry", detail: "limiter_unavailable" }
    case "InternalServerError":
      return { reason: "PlatformUnavailable", retry: isSend(facts.operation) ? "uncertain" : "retry", detail: "http_500" }
    case "UnexpectedStatusError":
      return byStatus(facts)
    case "BadRequestError":
      return {
        reason: "InvalidRequest",
        retry: "denied",
        detail: facts.operation === "sendFileToChat" ? fileRefused : codeOr(facts, "bad_request")
      }
    case "UnauthorizedError":
      return { reason: "Unauthenticated", retry: "denied", detail: codeOr(facts, "unauthorized") }
    case "ForbiddenError":
      return { reason: "Forbidden", retry: "denied", detail: codeOr(facts, "forbidden") }
    case "NotFoundError":
      return { reason: "NotFound", retry: "denied", detail: codeOr(facts, "not_found") }
    case "InvalidRequestError":
      return { reason: "InvalidRequest", retry: "denied", detail: "invalid_request" }
    case "ResponseDecodeError":
      return { reason: "InvalidResponse", retry: "denied", detail: "undecodable_response" }
    case "PageTokenLoopError":
      return { reason: "InvalidResponse", retry: "denied", detail: "page_token_loop" }
    default:
      return { reason: "InvalidResponse", retry: "denied", detail: "unclassified" }
  }
}
