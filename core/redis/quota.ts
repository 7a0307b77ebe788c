/**
 * The Redis quota store's calls: one hash per business and operation (remaining, reset, limit),
 * reserved and merged atomically by the scripts of `scripts.ts`, expiring past its reset.
 */
import type { QuotaState } from "../limiter/quotaState.js"
import type { CallOptions, Connection } from "./connection.js"
import * as Scripts from "./scripts.js"

/**
 * The answer of the `takeUnit` script function: '' to go (`undefined`), else the spent state as
 * 'remaining resetsAt limit' (limit may be '').
 */
export const spentState = (answer: unknown): QuotaState | undefined => {
  if (typeof answer !== "string" || answer === "") return undefined
  const [remaining, resetsAt, limit] = answer.split(" ")
  return {
    remaining: Number(remaining),
    resetsAt: Number(resetsAt),
    ...(limit === "" || limit === undefined ? {} : { limit: Number(limit) })
  }
}

/** The arguments of a state to record: remaining, resetsAt and limit (or ''). */
export const stateArgs = (state: QuotaState): ReadonlyArray<string | number> => [state.remaining, state.resetsAt, state.limit ?? ""]

/** Takes a unit of the quota whose state is at `quotaKey`: `undefined` to go, else the spent state. */
export const reserve = (connection: Connection, quotaKey: string, options?: CallOptions): Promise<QuotaState | undefined> =>
  connection.run(Scripts.reserve, [quotaKey], [], options).then(spentState)

/** Records the state an answer reported at `quotaKey` (see `scripts.ts`'s `recordState`). */
export const record = (connection: Connection, quotaKey: string, state: QuotaState, options?: CallOptions): Promise<void> =>
  connection.run(Scripts.record, [quotaKey], stateArgs(state), options).then(() => undefined)
