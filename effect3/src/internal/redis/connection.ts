/**
 * The Effect side of the layers' Redis connection (see `core/redis/connection.ts`, which does the
 * work): each call an interruptible effect that fails with a {@link RedisFailure}, the pub/sub and
 * dedicated connections closed with the scope.
 */
import { Data, Duration, Effect, Scope } from "effect"
import * as Core from "../../../../core/redis/connection.js"
import type { Script } from "../../../../core/redis/scripts.js"
import { recordRedisCall } from "../../ChatsMetrics.js"
import type { PubSub, RedisClient } from "../../Redis.js"

/**
 * A call to Redis that failed, described without credentials; `answered` when Redis itself answered
 * with an error (it is reachable), rather than the call timing out or the connection failing.
 */
export class RedisFailure extends Data.TaggedError("RedisFailure")<{
  readonly description: string
  readonly answered?: boolean
}> {}

/** A failure of the core connection as a {@link RedisFailure}. */
const toFailure = (error: unknown): RedisFailure =>
  error instanceof Core.RedisCallError
    ? new RedisFailure({ description: error.description, answered: error.answered })
    : new RedisFailure({ description: Core.describeError(error, []) })

/**
 * A call of the core connection as an effect: interrupting it abandons the call. Its time is recorded
 * (`db.client.operation.duration`), with how it failed if it did; an abandoned call is not.
 */
export const attempt = <A>(call: (signal: AbortSignal) => Promise<A>): Effect.Effect<A, RedisFailure> =>
  Effect.suspend(() => {
    const started = Core.monotonicMillis()
    const took = () => Core.monotonicMillis() - started
    return Effect.tryPromise({ try: call, catch: toFailure }).pipe(
      Effect.tap(() => recordRedisCall(took())),
      Effect.tapError((failure) => recordRedisCall(took(), failure.answered === true ? "answered" : "unreachable"))
    )
  })

/**
 * Like {@link attempt}, for a call that waits on purpose (a blocking read): its time says how long
 * nothing came, not how long Redis took, so it is not recorded.
 */
export const attemptBlocking = <A>(call: (signal: AbortSignal) => Promise<A>): Effect.Effect<A, RedisFailure> =>
  Effect.tryPromise({ try: call, catch: toFailure })

/** What the gate, the quota store and the notification queue need from Redis. */
export interface Connection {
  /** The Promise-level connection under this one. */
  readonly core: Core.Connection
  /** Runs a script by its SHA-1, sending its text once if the server does not know it; bounded by the timeout. */
  readonly run: (script: Script, keys: ReadonlyArray<string>, args: ReadonlyArray<string | number>) => Effect.Effect<unknown, RedisFailure>
  /** Listens on a channel (on the process's one pub/sub connection); bounded by the timeout. */
  readonly subscribe: (channel: string, listener: (message: string) => void) => Effect.Effect<void, RedisFailure>
  /** Sends one command (`firstKey` routes it on a cluster); bounded by the timeout. */
  readonly command: (firstKey: string, args: ReadonlyArray<string | number>) => Effect.Effect<unknown, RedisFailure>
  /**
   * A connection of its own (a duplicate, made on first use and closed with the scope), for commands
   * that block (`XREADGROUP ... BLOCK`); each call is bounded by the timeout plus `blockMillis`.
   */
  readonly dedicated: Effect.Effect<Dedicated, never, Scope.Scope>
  /** The command the scripts publish wake-ups with. */
  readonly publishCommand: "PUBLISH" | "SPUBLISH"
  /** The bound on one call. */
  readonly timeout: Duration.Duration
}

/** A connection of its own, for blocking commands. */
export interface Dedicated {
  readonly command: (firstKey: string, args: ReadonlyArray<string | number>, blockMillis: number) => Effect.Effect<unknown, RedisFailure>
}

/** Settings of a connection. */
export interface ConnectionOptions {
  readonly timeout: Duration.Duration
  readonly pubsub: PubSub | undefined
  /** Texts that must never appear in an error (the URL, its password). */
  readonly secrets: ReadonlyArray<string>
}

/** Makes a connection over `client`; the pub/sub and dedicated connections (duplicates) are closed with the scope. */
export const make = (client: RedisClient, options: ConnectionOptions): Effect.Effect<Connection, never, Scope.Scope> =>
  Effect.map(
    Effect.acquireRelease(
      Effect.sync(() =>
        Core.makeConnection(client, {
          timeoutMillis: Duration.toMillis(options.timeout),
          pubsub: options.pubsub,
          secrets: options.secrets
        })
      ),
      (core) => Effect.sync(core.close)
    ),
    (core): Connection => ({
      core,
      run: (script, keys, args) => attempt((signal) => core.run(script, keys, args, { signal })),
      subscribe: (channel, listener) => attempt((signal) => core.subscribe(channel, listener, { signal })),
      command: (firstKey, args) => attempt((signal) => core.command(firstKey, args, { signal })),
      dedicated: Effect.map(
        Effect.acquireRelease(Effect.sync(core.dedicated), (dedicated) => Effect.sync(dedicated.close)),
        (dedicated): Dedicated => ({
          command: (firstKey, args, blockMillis) =>
            attemptBlocking((signal) => dedicated.command(firstKey, args, blockMillis, { signal }))
        })
      ),
      publishCommand: core.publishCommand,
      timeout: options.timeout
    })
  )
