/**
 * The Effect side of the Redis layers' connection (see `core/redis/connection.ts`, which does the
 * work): each call an interruptible effect that fails with a {@link RedisFailure}, the pub/sub
 * connection closed with the scope.
 */
import { Data, Effect, type Scope } from "effect"
import * as Core from "../../../../core/redis/connection.js"
import { recordRedisCall } from "../../ChatsMetrics.js"

/**
 * A call to Redis that failed, described without credentials; `answered` when Redis itself answered
 * with an error (it is reachable), rather than the call timing out or the connection failing.
 */
export class RedisFailure extends Data.TaggedError("RedisFailure")<{
  readonly description: string
  readonly answered: boolean
}> {}

/** A failure of the core connection as a {@link RedisFailure}. */
const toFailure = (error: unknown): RedisFailure =>
  error instanceof Core.RedisCallError
    ? new RedisFailure({ description: error.description, answered: error.answered })
    : new RedisFailure({ description: Core.describeError(error, []), answered: false })

/**
 * A call of the core connection as an effect: interrupting it abandons the call. Its time is recorded
 * (`db.client.operation.duration`), with how it failed if it did; an abandoned call is not.
 */
export const attempt = <A>(call: (signal: AbortSignal) => Promise<A>): Effect.Effect<A, RedisFailure> =>
  Effect.suspend(() => {
    const started = Core.monotonicMillis()
    const took = () => Core.monotonicMillis() - started
    return Effect.tryPromise({ try: (signal) => call(signal), catch: toFailure }).pipe(
      Effect.tap(() => recordRedisCall(took())),
      Effect.tapError((failure) => recordRedisCall(took(), failure.answered ? "answered" : "unreachable"))
    )
  })

/**
 * Like {@link attempt}, for a call that waits on purpose (a blocking read): its time says how long
 * nothing came, not how long Redis took, so it is not recorded.
 */
export const attemptBlocking = <A>(call: (signal: AbortSignal) => Promise<A>): Effect.Effect<A, RedisFailure> =>
  Effect.tryPromise({ try: (signal) => call(signal), catch: toFailure })

/** A connection over `client` for the life of the scope (its pub/sub and dedicated connections close with it). */
export const make = (client: Core.RedisClient, options: Core.ConnectionOptions): Effect.Effect<Core.Connection, never, Scope.Scope> =>
  Effect.acquireRelease(Effect.sync(() => Core.makeConnection(client, options)), (connection) => Effect.sync(connection.close))
