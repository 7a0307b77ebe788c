/**
 * One-shot failures of the next calls of one operation, for tests: a 420 whose quota resets after
 * a given time, or an error status with the market's error body. Each is answered instead of
 * carrying the request out (nothing is stored), once per queued call.
 */
import { formatHttpDate } from "./dates.js"
import { errorBody } from "./errors.js"
import type { Operation } from "./operations.js"
import { quotaMessage } from "./rateLimits.js"
import { jsonReply, type Reply } from "./replies.js"

/** A failure to answer the next call of an operation with. */
export type NextFailure =
  /** A quota 420 (`LIMIT_EXCEEDED`) whose `X-RateLimit-Resource-Until` is `retryAfterMillis` from now (rounded up to the second). */
  | { readonly kind: "rateLimit"; readonly retryAfterMillis: number }
  /** An error status with `{ status: "ERROR", errors: [{ code, message }] }`. */
  | { readonly kind: "status"; readonly status: number; readonly code?: string; readonly message?: string }

/** The queued one-shot failures, per operation, in order. */
export class NextFailures {
  private readonly queues = new Map<Operation, Array<NextFailure>>()

  /** Queues `failure` for the next `times` calls of `operation` (default 1); throws on a bad failure. */
  add(operation: Operation, failure: NextFailure, times = 1): void {
    if (failure.kind === "rateLimit" && !(failure.retryAfterMillis >= 0)) throw new Error("retryAfterMillis must be >= 0")
    if (failure.kind === "status" && !(Number.isInteger(failure.status) && failure.status >= 400 && failure.status <= 599)) {
      throw new Error("status must be an error status, 400 to 599")
    }
    const queue = this.queues.get(operation) ?? []
    for (let i = 0; i < times; i++) queue.push(failure)
    this.queues.set(operation, queue)
  }

  /** Forgets every queued failure. */
  clear(): void {
    this.queues.clear()
  }

  /** The reply replacing this call of `operation` at `now`, if one is queued (it is used up). */
  take(operation: Operation, now: number, resource: string): Reply | undefined {
    const failure = this.queues.get(operation)?.shift()
    if (failure === undefined) return undefined
    if (failure.kind === "status") {
      return jsonReply(failure.status, errorBody(failure.code ?? `HTTP_${failure.status}`, failure.message ?? "Injected failure"))
    }
    const until = now + failure.retryAfterMillis
    return jsonReply(420, errorBody("LIMIT_EXCEEDED", quotaMessage(1000, 3_600_000, resource)), {
      "x-ratelimit-resource-limit": "1000",
      "x-ratelimit-resource-remaining": "0",
      "x-ratelimit-resource-until": formatHttpDate(until)
    })
  }
}
