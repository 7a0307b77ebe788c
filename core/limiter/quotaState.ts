/**
 * The rules of an operation's quota state, shared by every quota store of both editions: what an
 * answer's `X-RateLimit-Resource-*` headers say, the margin past an announced reset, and how a newer
 * answer merges with the state kept.
 */

/** What an answer said about its operation's quota. */
export interface QuotaState {
  /** Requests left in the window. */
  readonly remaining: number
  /** When the window resets, in epoch milliseconds, as `X-RateLimit-Resource-Until` announced it (to the second). */
  readonly resetsAt: number
  /** The quota of the window, when the answer said. */
  readonly limit?: number | undefined
}

/** The margin past an announced reset before the quota is sure to be back (the reset has second resolution). */
export const resetMarginMillis = 1000

/** The first moment a request may be sent after a reset announced for `resetsAt` (epoch millis). */
export const quotaBackAt = (resetsAt: number): number => resetsAt + resetMarginMillis

/** The state to keep: a later reset replaces, the same reset keeps the smaller `remaining`, an earlier one is stale. */
export const mergeQuotaState = (current: QuotaState | undefined, next: QuotaState): QuotaState => {
  if (current === undefined || next.resetsAt > current.resetsAt) return next
  if (next.resetsAt < current.resetsAt || next.remaining >= current.remaining) return current
  return next.limit === undefined && current.limit !== undefined ? { ...next, limit: current.limit } : next
}
