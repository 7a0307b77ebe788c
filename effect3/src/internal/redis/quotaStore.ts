/**
 * The Redis quota store: one hash per business and operation (remaining, reset, limit), reserved and
 * merged atomically by the scripts of `scripts.ts`, expiring past its reset.
 */
import { Effect, Option } from "effect"
import { LimiterUnavailableError } from "../../ChatsError.js"
import type { LimitKey, QuotaState, QuotaStore } from "../../ChatsLimiter.js"
import type { Connection, RedisFailure } from "./connection.js"
import type { GateKeys } from "./keys.js"
import * as Scripts from "./scripts.js"

/** The error of the quota store when Redis cannot answer. */
const unavailable = (failure: RedisFailure) =>
  new LimiterUnavailableError({ limiter: "quotaStore", description: failure.description })

/** The answer of the `takeUnit` script function: '' to go, else 'remaining resetsAt limit' (limit may be ''). */
export const spentState = (answer: unknown): Option.Option<QuotaState> => {
  if (typeof answer !== "string" || answer === "") return Option.none()
  const [remaining, resetsAt, limit] = answer.split(" ")
  return Option.some({
    remaining: Number(remaining),
    resetsAt: Number(resetsAt),
    ...(limit === "" || limit === undefined ? {} : { limit: Number(limit) })
  })
}

/** The arguments of a state to record: remaining, resetsAt and limit (or ''). */
export const stateArgs = (state: QuotaState): ReadonlyArray<string | number> => [state.remaining, state.resetsAt, state.limit ?? ""]

/** Makes a quota store over Redis, with the keys of each business from `keysFor`. */
export const make = (connection: Connection, keysFor: (key: LimitKey) => GateKeys): QuotaStore => ({
  reserve: (key, operation) =>
    connection.run(Scripts.reserve, [keysFor(key).quotaPrefix + operation], []).pipe(
      Effect.mapBoth({ onFailure: unavailable, onSuccess: spentState })
    ),
  record: (key, operation, state) =>
    connection.run(Scripts.record, [keysFor(key).quotaPrefix + operation], stateArgs(state)).pipe(Effect.mapBoth({ onFailure: unavailable, onSuccess: () => undefined }))
})
