/**
 * The table behind the in-memory quota stores: the state each answer reported per key (business,
 * API and operation), units reserved from it, and states dropped once their reset has passed.
 * The editions wrap it in their quota store service; the clock's time is passed in.
 */
import { mergeQuotaState, quotaBackAt, type QuotaState } from "./quotaState.js"

/** The key of a business's operation at an API in a quota table. */
export const quotaKey = (businessId: number, operation: string, api: string): string => `${businessId} ${operation} ${api}`

/** The size under which the table is never swept. */
const minimumSweepSize = 1024

/** The quota states of one process, by key. */
export class MemoryQuotaTable {
  private readonly states = new Map<string, QuotaState>()
  private sweepAt = minimumSweepSize

  /** How many states the table holds. */
  get size(): number {
    return this.states.size
  }

  /**
   * Takes one unit of the quota kept under `key` at `now`: `undefined` when the request may go (a unit
   * was taken, or nothing is known), the state when the quota is spent until its reset.
   */
  reserve(key: string, now: number): QuotaState | undefined {
    const state = this.states.get(key)
    if (state === undefined) return undefined
    if (now >= quotaBackAt(state.resetsAt)) {
      this.states.delete(key)
      return undefined
    }
    if (state.remaining <= 0) return state
    this.states.set(key, { ...state, remaining: state.remaining - 1 })
    return undefined
  }

  /** Records the state an answer reported (see `mergeQuotaState`), sweeping the table when it has grown. */
  record(key: string, state: QuotaState, now: number): void {
    this.states.set(key, mergeQuotaState(this.states.get(key), state))
    this.sweep(now)
  }

  /** Drops the states whose reset has passed, once the table has doubled since the last sweep. */
  private sweep(now: number): void {
    if (this.states.size < this.sweepAt) return
    for (const [key, state] of this.states) if (now >= quotaBackAt(state.resetsAt)) this.states.delete(key)
    this.sweepAt = Math.max(minimumSweepSize, 2 * this.states.size)
  }
}
