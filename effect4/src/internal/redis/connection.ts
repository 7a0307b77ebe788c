/**
 * The Effect side of the Redis layers' connection (see `core/redis/connection.ts`, which does the
 * work): each call an interruptible effect that fails with a {@link RedisFailure}, the pub/sub
 * connection closed with the scope.
 */
import { Data, Effect, type Scope } from "effect"
import * as Core from "../../../../core/redis/connection.js"

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

/** A call of the core connection as an effect: interrupting it abandons the call. */
export const attempt = <A>(call: (signal: AbortSignal) => Promise<A>): Effect.Effect<A, RedisFailure> =>
  Effect.tryPromise({ try: (signal) => call(signal), catch: toFailure })

/** A connection over `client` for the life of the scope (its pub/sub and dedicated connections close with it). */
export const make = (client: Core.RedisClient, options: Core.ConnectionOptions): Effect.Effect<Core.Connection, never, Scope.Scope> =>
  Effect.acquireRelease(Effect.sync(() => Core.makeConnection(client, options)), (connection) => Effect.sync(connection.close))
