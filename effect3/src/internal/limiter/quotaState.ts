/**
 * The rules of the quota state, shared by the quota stores and re-exported by `ChatsLimiter`: the
 * margin past an announced reset, and how a newer answer merges with the state kept.
 */
import type { QuotaState } from "../../ChatsLimiter.js"

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
