/**
 * The layers' use of a node-redis client (`redis` / `@redis/client`, a single server or a Cluster):
 * scripts by SHA-1 with a reload after a restart, a bound on every call, no call for one timeout after
 * a failure, one pub/sub connection per process, and error descriptions that never carry the URL or
 * its password.
 */
import { Data, Duration, Effect, Scope } from "effect"
import type { RedisClientType, RedisClusterType } from "redis"
import type { PubSub, RedisClient } from "../../Redis.js"
import type { Script } from "./scripts.js"

/** The node-redis types behind {@link RedisClient}. */
type NodeRedisClient = RedisClientType<any, any, any, any, any>
type NodeRedisCluster = RedisClusterType<any, any, any, any, any>
type AnyNodeRedis = NodeRedisClient | NodeRedisCluster

/**
 * A call to Redis that failed, described without credentials; `answered` when Redis itself answered
 * with an error (it is reachable), rather than the call timing out or the connection failing.
 */
export class RedisFailure extends Data.TaggedError("RedisFailure")<{
  readonly description: string
  readonly answered?: boolean
}> {}

/** What the gate and the quota store need from Redis. */
export interface Connection {
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

/** Tells a cluster from a single client. */
const isCluster = (client: AnyNodeRedis): client is NodeRedisCluster => "masters" in client

/** An error as text: its name, its code and its message, with every secret removed. */
export const describeError = (error: unknown, secrets: ReadonlyArray<string>): string => {
  const e = error instanceof Error ? error : new Error(String(error))
  const name = e.name !== "Error" ? e.name : e.constructor.name
  const code = (e as { code?: unknown }).code
  let text = `${name}${typeof code === "string" && !e.message.includes(code) ? ` (${code})` : ""}: ${e.message}`
  for (const secret of secrets) if (secret.length > 0) text = text.split(secret).join("***")
  return text
}

/** Destroys a node-redis connection, if still open. */
const destroy = (connection: AnyNodeRedis | undefined): void => {
  try {
    connection?.destroy()
  } catch {
    // already closed
  }
}

/**
 * A duplicate of `client` with `options`, connected on first use (a failed one is made again next
 * time) and destroyed when the scope closes.
 */
const lazyDuplicate = (
  client: AnyNodeRedis,
  options: Record<string, unknown>
): Effect.Effect<{ readonly get: () => Promise<AnyNodeRedis>; readonly reset: () => void }, never, Scope.Scope> =>
  Effect.gen(function*() {
    let connecting: Promise<AnyNodeRedis> | undefined
    let current: AnyNodeRedis | undefined
    let closed = false
    yield* Effect.addFinalizer(() =>
      Effect.sync(() => {
        closed = true
        destroy(current)
      })
    )
    const get = (): Promise<AnyNodeRedis> =>
      connecting ??= (async () => {
        if (closed) throw new Error("the connection is closed")
        const duplicate = client.duplicate(options) as AnyNodeRedis
        current = duplicate
        duplicate.on("error", () => {}) // node-redis reconnects on its own; the calls report failures
        try {
          await duplicate.connect()
          return duplicate
        } catch (error) {
          connecting = undefined
          destroy(duplicate)
          throw error
        }
      })()
    // a connection stuck on a call that timed out is dropped: the next call makes a new one
    const reset = () => {
      connecting = undefined
      destroy(current)
      current = undefined
    }
    return { get, reset }
  })

const isNoScript = (error: unknown): boolean => error instanceof Error && error.message.startsWith("NOSCRIPT")

/** Whether an error is an error reply of the server (node-redis's `ErrorReply` and its subclasses). */
const isErrorReply = (error: unknown): boolean => {
  for (let proto = Object.getPrototypeOf(error); proto !== null; proto = Object.getPrototypeOf(proto)) {
    if (proto.constructor?.name === "ErrorReply") return true
  }
  return false
}


/** Makes a connection over `client`; the pub/sub connection (a duplicate) is closed with the scope. */
export const make = (redisClient: RedisClient, options: ConnectionOptions): Effect.Effect<Connection, never, Scope.Scope> =>
  Effect.gen(function*() {
    const client = redisClient as AnyNodeRedis
    const cluster = isCluster(client)
    const pubsub = options.pubsub ?? (cluster ? "sharded" : "classic")
    const timeoutMillis = Duration.toMillis(options.timeout)
    const fail = (error: unknown) =>
      new RedisFailure({ description: describeError(error, options.secrets), answered: isErrorReply(error) })
    const timedOut = () => new RedisFailure({ description: `Redis did not answer within ${timeoutMillis} ms` })

    // Every call is bounded by one ticker per connection rather than a timer per call (a timer, or
    // node-redis's AbortSignal.timeout, costs more CPU than the call itself): a call still pending
    // past its deadline fails at the next tick, so within 1.25 × the timeout.
    const pending = new Set<{ readonly deadline: number; readonly expire: () => void }>()
    let ticker: ReturnType<typeof setInterval> | undefined
    const tick = () => {
      const now = Date.now()
      for (const call of pending) {
        if (call.deadline <= now) {
          pending.delete(call)
          call.expire()
        }
      }
      if (pending.size === 0 && ticker !== undefined) {
        clearInterval(ticker)
        ticker = undefined
      }
    }
    yield* Effect.addFinalizer(() => Effect.sync(() => ticker !== undefined && clearInterval(ticker)))
    const bounded = <A>(call: () => Promise<A>, extraMillis = 0): Effect.Effect<A, RedisFailure> =>
      Effect.async<A, RedisFailure>((resume) => {
        const entry = { deadline: Date.now() + timeoutMillis + extraMillis, expire: () => resume(Effect.fail(timedOut())) }
        pending.add(entry)
        if (ticker === undefined) {
          ticker = setInterval(tick, Math.max(5, Math.floor(timeoutMillis / 4)))
          ticker.unref()
        }
        call().then(
          (value) => pending.delete(entry) && resume(Effect.succeed(value)),
          (error: unknown) => pending.delete(entry) && resume(Effect.fail(fail(error)))
        )
        return Effect.sync(() => pending.delete(entry))
      })

    // After a failure that leaves Redis out of reach (a timeout, a lost connection; not an error reply,
    // which Redis answers at once), calls fail at once until one timeout has passed; the first call
    // after that tries Redis again. With Redis out of reach, the in-process fallback gate and the
    // fail-open quota store then answer at once instead of each call waiting out the timeout.
    let lastFailure = ""
    let retryAt = 0
    const guarded = <A>(call: () => Promise<A>): Effect.Effect<A, RedisFailure> =>
      Effect.suspend(() => {
        const now = Date.now()
        if (now < retryAt) {
          return Effect.fail(new RedisFailure({ description: `${lastFailure} (not tried again for ${retryAt - now} ms)` }))
        }
        return Effect.tapError(bounded(call), (failure) =>
          Effect.sync(() => {
            if (failure.answered === true) return
            lastFailure = failure.description
            retryAt = Date.now() + timeoutMillis
          }))
      })

    const sendOn = (target: AnyNodeRedis, firstKey: string | undefined, args: Array<string>): Promise<unknown> =>
      isCluster(target) ? target.sendCommand(firstKey, false, args) : target.sendCommand(args)
    const send = (firstKey: string | undefined, args: Array<string>): Promise<unknown> => sendOn(client, firstKey, args)

    const run: Connection["run"] = (script, keys, args) =>
      guarded(() => {
        const tail = [String(keys.length), ...keys, ...args.map(String)]
        return send(keys[0], ["EVALSHA", script.sha, ...tail]).catch((error: unknown) =>
          isNoScript(error) ? send(keys[0], ["EVAL", script.text, ...tail]) : Promise.reject(error)
        )
      })

    // the process's pub/sub connection, made on first use; a failed one is made again next time
    const subscriber = yield* lazyDuplicate(client, { disableOfflineQueue: false })
    const subscriberConnection = subscriber.get

    const subscribe: Connection["subscribe"] = (channel, listener) =>
      guarded(async () => {
        const s = await subscriberConnection()
        await (pubsub === "sharded" ? s.sSubscribe(channel, listener) : s.subscribe(channel, listener))
      })

    const command: Connection["command"] = (firstKey, args) => bounded(() => send(firstKey, args.map(String)))

    const dedicated: Connection["dedicated"] = Effect.map(lazyDuplicate(client, {}), (connection) => ({
      command: (firstKey, args, blockMillis) =>
        bounded(async () => sendOn(await connection.get(), firstKey, args.map(String)), blockMillis).pipe(
          Effect.tapError(() => Effect.sync(connection.reset))
        )
    }))

    return {
      run,
      command,
      dedicated,
      subscribe,
      publishCommand: pubsub === "sharded" ? "SPUBLISH" : "PUBLISH",
      timeout: options.timeout
    } satisfies Connection
  })
