/**
 * The in-memory quota store: the state each answer reported per business, API and operation, units
 * reserved from it, and states dropped once their reset has passed.
 */
import { Clock, Effect, Option } from "effect"
import type { LimitKey, QuotaState, QuotaStore } from "../../ChatsLimiter.js"
import { mergeQuotaState, quotaBackAt } from "./quotaState.js"
import type { Operation } from "../../ChatsError.js"

/** An in-memory quota store, and how many states it holds. */
export const makeTrackedMemoryQuotaStore = (): { readonly store: QuotaStore; readonly tracked: () => number } => {
  const states = new Map<string, QuotaState>()
  const id = (key: LimitKey, operation: Operation) => `${key.businessId} ${operation} ${key.api}`
  let sweepAt = 1024
  /** Drops the states whose reset has passed, once the store has doubled since the last sweep. */
  const sweep = (now: number) => {
    if (states.size < sweepAt) return
    for (const [k, state] of states) if (now >= quotaBackAt(state.resetsAt)) states.delete(k)
    sweepAt = Math.max(1024, 2 * states.size)
  }
  const store: QuotaStore = {
    reserve: (key, operation) =>
      Effect.map(Clock.currentTimeMillis, (now) => {
        const k = id(key, operation)
        const state = states.get(k)
        if (state === undefined) return Option.none()
        if (now >= quotaBackAt(state.resetsAt)) {
          states.delete(k)
          return Option.none()
        }
        if (state.remaining <= 0) return Option.some(state)
        states.set(k, { ...state, remaining: state.remaining - 1 })
        return Option.none()
      }),
    record: (key, operation, state) =>
      Effect.map(Clock.currentTimeMillis, (now) => {
        const k = id(key, operation)
        states.set(k, mergeQuotaState(states.get(k), state))
        sweep(now)
      })
  }
  return { store, tracked: () => states.size }
}
