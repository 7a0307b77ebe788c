/**
 * The Redis quota store (see `core/redis/quota.ts`): one hash per business and operation, reserved
 * and merged atomically on the server, expiring past its reset.
 */
import { Effect, Option } from "effect"
import type { GateKeys } from "../../../../core/redis/keys.js"
import * as Core from "../../../../core/redis/quota.js"
import { LimiterUnavailableError } from "../../ChatsError.js"
import type { LimitKey, QuotaState, QuotaStore } from "../../ChatsLimiter.js"
import { recordRedisUnavailable } from "../../ChatsMetrics.js"
import { attempt, type Connection, type RedisFailure } from "./connection.js"

/** The error of the quota store when Redis cannot answer. */
const unavailable = (failure: RedisFailure) =>
  new LimiterUnavailableError({ limiter: "quotaStore", description: failure.description })

/** Counts a typed error of the store because Redis could not answer (`yandex_market.redis.unavailable`). */
const countUnavailable = <A>(effect: Effect.Effect<A, RedisFailure>) =>
  Effect.tapError(effect, () => recordRedisUnavailable("quotaStore"))

/** The answer of the `takeUnit` script function as an option: none to go, else the spent state. */
export const spentState = (answer: unknown): Option.Option<QuotaState> => Option.fromNullable(Core.spentState(answer))

/** Makes a quota store over Redis, with the keys of each business from `keysFor`. */
export const make = (connection: Connection, keysFor: (key: LimitKey) => GateKeys): QuotaStore => ({
  reserve: (key, operation) =>
    attempt((signal) => Core.reserve(connection.core, keysFor(key).quotaPrefix + operation, { signal })).pipe(
      countUnavailable,
      Effect.mapBoth({ onFailure: unavailable, onSuccess: Option.fromNullable })
    ),
  record: (key, operation, state) =>
    attempt((signal) => Core.record(connection.core, keysFor(key).quotaPrefix + operation, state, { signal })).pipe(
      countUnavailable,
      Effect.mapError(unavailable)
    )
})
