/**
 * The Redis quota store: one hash per business and operation (remaining, reset, limit), reserved and
 * merged atomically by the scripts of `scripts.ts`, expiring past its reset.
 */
import { Effect, Option } from "effect"
import { LimiterUnavailableError } from "../../ChatsError.js"
import { type QuotaState, type QuotaStore, resetMarginMillis } from "../../ChatsLimiter.js"
import type { Connection, RedisFailure } from "./connection.js"
import { quotaKey } from "./keys.js"
import * as Scripts from "./scripts.js"

const unavailable = (failure: RedisFailure) =>
  new LimiterUnavailableError({ limiter: "quotaStore", description: failure.description })

/** The state a `reserve` script returned: 0 to go, else remaining, reset and limit (or ''). */
const spentState = (reply: unknown): Option.Option<QuotaState> => {
  if (!Array.isArray(reply)) return Option.none()
  const [remaining, resetsAt, limit] = reply as [unknown, unknown, unknown]
  return Option.some({
    remaining: Number(remaining),
    resetsAt: Number(resetsAt),
    ...(limit === "" || limit === undefined || limit === null ? {} : { limit: Number(limit) })
  })
}

/** Makes a quota store over Redis. */
export const make = (connection: Connection, prefix: string): QuotaStore => ({
  reserve: (key, operation) =>
    connection.run(Scripts.reserve, [quotaKey(prefix, key, operation)], [resetMarginMillis]).pipe(
      Effect.mapBoth({ onFailure: unavailable, onSuccess: spentState })
    ),
  record: (key, operation, state) =>
    connection.run(Scripts.record, [quotaKey(prefix, key, operation)], [
      state.remaining,
      state.resetsAt,
      state.limit ?? "",
      resetMarginMillis
    ]).pipe(Effect.mapBoth({ onFailure: unavailable, onSuccess: () => undefined }))
})
