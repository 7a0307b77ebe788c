/**
 * A Promise-level connection to Redis over a node-redis client (`redis` / `@redis/client`, a single
 * server or a Cluster), shared by both editions' Redis layers: scripts by SHA-1 (`EVALSHA`, then `EVAL`
 * when the server does not know one), a bound on every call, no call for one timeout after a failure
 * that leaves Redis out of reach, one pub/sub connection per process, connections of their own for
 * blocking commands, and error descriptions that never carry the URL or its password. Every time it
 * measures is monotonic (`performance.now()`): a wall clock stepped back or forth changes no bound.
 */
import { redactSecrets } from "../client/redact.js"
import type { Script } from "./scripts.js"

/**
 * A connected node-redis client or cluster, typed by the little the layers call, so that any of its
 * modules, scripts and RESP versions fits.
 */
export interface RedisClient {
  /** node-redis's `sendCommand` (of a client or of a cluster). */
  readonly sendCommand: (...args: Array<any>) => Promise<unknown>
  /** node-redis's `duplicate`: the process's pub/sub connection is one. */
  readonly duplicate: (...args: Array<any>) => unknown
  /** node-redis's `on("error", ...)`. */
  readonly on: (event: "error", listener: (error: Error) => void) => unknown
}

/** Which pub/sub the wake-ups use: `PUBLISH`/`SUBSCRIBE`, or the sharded `SPUBLISH`/`SSUBSCRIBE` (Redis 7+). */
export type PubSub = "classic" | "sharded"

/** What this module calls on a client, a cluster or a duplicate of either. */
interface NodeRedis extends RedisClient {
  readonly connect: () => Promise<unknown>
  readonly destroy: () => void
  readonly subscribe: (channel: string, listener: (message: string) => void) => Promise<unknown>
  readonly sSubscribe: (channel: string, listener: (message: string) => void) => Promise<unknown>
}

/**
 * A call to Redis that failed, described without credentials; `answered` when Redis itself answered
 * with an error (it is reachable), rather than the call timing out or the connection failing.
 */
export class RedisCallError extends Error {
  override readonly name = "RedisCallError"
  constructor(readonly description: string, readonly answered: boolean = false) {
    super(description)
  }
}

/** How one call is made. */
export interface CallOptions {
  /** Aborting it stops waiting for the answer (the command may still run on the server). */
  readonly signal?: AbortSignal | undefined
  /**
   * Whether the call honours the pause after a failure (default true): a clean-up that must land
   * (a waiter leaving the queue) passes false, and is then only bounded.
   */
  readonly pausable?: boolean | undefined
}

/** What the gate, the quota store and the notification queue need from Redis. */
export interface Connection {
  /** Runs a script by its SHA-1, sending its text once if the server does not know it; bounded by the timeout. */
  readonly run: (script: Script, keys: ReadonlyArray<string>, args: ReadonlyArray<string | number>, options?: CallOptions) => Promise<unknown>
  /** Sends one command (`firstKey` routes it on a cluster); bounded by the timeout, never paused. */
  readonly command: (firstKey: string, args: ReadonlyArray<string | number>, options?: CallOptions) => Promise<unknown>
  /** Listens on a channel (on the process's one pub/sub connection); bounded by the timeout. */
  readonly subscribe: (channel: string, listener: (message: string) => void, options?: CallOptions) => Promise<void>
  /**
   * A connection of its own (a duplicate, made on first use; closed by its `close` or with this
   * connection), for commands that block (`XREADGROUP ... BLOCK`).
   */
  readonly dedicated: () => Dedicated
  /** The command the scripts publish wake-ups with. */
  readonly publishCommand: "PUBLISH" | "SPUBLISH"
  /** The bound on one call, in milliseconds. */
  readonly timeoutMillis: number
  /** Closes the pub/sub and dedicated connections (the client itself stays its owner's); later calls fail. */
  readonly close: () => void
  /** Whether {@link Connection.close} was called. */
  readonly closed: () => boolean
}

/** A connection of its own, for blocking commands. */
export interface Dedicated {
  /** Sends one command, bounded by the timeout plus `blockMillis`; a failure drops the connection (the next call makes a new one). */
  readonly command: (firstKey: string, args: ReadonlyArray<string | number>, blockMillis: number, options?: CallOptions) => Promise<unknown>
  /** Closes it. */
  readonly close: () => void
}

/** Settings of a connection. */
export interface ConnectionOptions {
  /** The bound on one call, in milliseconds. */
  readonly timeoutMillis: number
  /** The pub/sub of the wake-ups; default: sharded for a cluster, classic for a single server. */
  readonly pubsub?: PubSub | undefined
  /** Texts that must never appear in an error (the URL, its password). */
  readonly secrets: ReadonlyArray<string>
}

/** The monotonic clock every bound and pause is measured on, in milliseconds. */
export const monotonicMillis = (): number => performance.now()

/** Tells a cluster from a single client. */
const isCluster = (client: RedisClient): boolean => "masters" in client

/** An error as text: its name, its code and its message, with every secret removed. */
export const describeError = (error: unknown, secrets: ReadonlyArray<string>): string => {
  const e = error instanceof Error ? error : new Error(String(error))
  const name = e.name !== "Error" ? e.name : e.constructor.name
  const code = (e as { code?: unknown }).code
  return redactSecrets(`${name}${typeof code === "string" && !e.message.includes(code) ? ` (${code})` : ""}: ${e.message}`, secrets)
}

/** Whether an error is an error reply of the server (node-redis's `ErrorReply` and its subclasses). */
const isErrorReply = (error: unknown): boolean => {
  for (let proto = Object.getPrototypeOf(error); proto !== null; proto = Object.getPrototypeOf(proto)) {
    if (proto.constructor?.name === "ErrorReply") return true
  }
  return false
}

const isNoScript = (error: unknown): boolean => error instanceof Error && error.message.startsWith("NOSCRIPT")

/** Destroys a node-redis connection, if still open. */
const destroy = (connection: NodeRedis | undefined): void => {
  try {
    connection?.destroy()
  } catch {
    // already closed
  }
}

/** A duplicate of a client, connected on first use (a failed one is made again next time). */
interface LazyDuplicate {
  readonly get: () => Promise<NodeRedis>
  /** Drops the current connection (one stuck on a call that timed out): the next call makes a new one. */
  readonly reset: () => void
  readonly close: () => void
}

const lazyDuplicate = (client: NodeRedis, options: Record<string, unknown>): LazyDuplicate => {
  let connecting: Promise<NodeRedis> | undefined
  let current: NodeRedis | undefined
  let closed = false
  // bumped by every reset: a connect that was pending across one is not the current connection any
  // more, so it closes what it opened (no one would close it later) and leaves `connecting` alone
  let generation = 0
  const open = async (): Promise<NodeRedis> => {
    if (closed) throw new Error("the connection is closed")
    const mine = generation
    const duplicate = client.duplicate(options) as NodeRedis
    current = duplicate
    duplicate.on("error", () => {}) // node-redis reconnects on its own; the calls report failures
    try {
      await duplicate.connect()
    } catch (error) {
      if (mine === generation) connecting = undefined
      destroy(duplicate)
      throw error
    }
    if (closed || mine !== generation) {
      destroy(duplicate)
      throw new Error(closed ? "the connection is closed" : "the connection was reset")
    }
    return duplicate
  }
  const reset = () => {
    generation++
    connecting = undefined
    destroy(current)
    current = undefined
  }
  return {
    get: () => connecting ??= open(),
    reset,
    close: () => {
      closed = true
      reset()
    }
  }
}

/** Makes a connection over a connected `client`, which stays its owner's to close. */
export const makeConnection = (redisClient: RedisClient, options: ConnectionOptions): Connection => {
  const client = redisClient as NodeRedis
  const cluster = isCluster(client)
  const pubsub = options.pubsub ?? (cluster ? "sharded" : "classic")
  const { timeoutMillis, secrets } = options
  let closed = false
  const toError = (error: unknown): RedisCallError =>
    error instanceof RedisCallError ? error : new RedisCallError(describeError(error, secrets), isErrorReply(error))

  // Every call is bounded by one ticker per connection rather than a timer per call (a timer costs
  // more CPU than the call itself): a call still pending past its deadline fails at the next tick, so
  // within 1.25 × the timeout.
  const pending = new Set<{ readonly deadline: number; readonly expire: () => void }>()
  let ticker: ReturnType<typeof setInterval> | undefined
  const stopTicker = () => {
    if (ticker !== undefined) clearInterval(ticker)
    ticker = undefined
  }
  const tick = () => {
    const now = monotonicMillis()
    for (const call of pending) {
      if (call.deadline <= now) {
        pending.delete(call)
        call.expire()
      }
    }
    if (pending.size === 0) stopTicker()
  }

  const bounded = <A>(call: () => Promise<A>, extraMillis: number, signal: AbortSignal | undefined): Promise<A> =>
    new Promise<A>((resolve, reject) => {
      if (closed) return reject(new RedisCallError("the Redis connection is closed"))
      if (signal?.aborted === true) return reject(new RedisCallError("the call was abandoned"))
      const entry = {
        deadline: monotonicMillis() + timeoutMillis + extraMillis,
        expire: () => {
          signal?.removeEventListener("abort", abandon)
          reject(new RedisCallError(`Redis did not answer within ${timeoutMillis} ms`))
        }
      }
      const abandon = () => {
        pending.delete(entry)
        reject(new RedisCallError("the call was abandoned"))
      }
      signal?.addEventListener("abort", abandon, { once: true })
      pending.add(entry)
      if (ticker === undefined) {
        ticker = setInterval(tick, Math.max(5, Math.floor(timeoutMillis / 4)))
        ticker.unref()
      }
      const settle = (done: () => void) => {
        if (!pending.delete(entry)) return
        signal?.removeEventListener("abort", abandon)
        done()
      }
      let started: Promise<A>
      try {
        started = call()
      } catch (error) {
        started = Promise.reject(error)
      }
      started.then(
        (value) => settle(() => resolve(value)),
        (error: unknown) => settle(() => reject(toError(error)))
      )
    })

  // After a failure that leaves Redis out of reach (a timeout, a lost connection; not an error reply,
  // which Redis answers at once), pausable calls fail at once until one timeout has passed; the first
  // call after that tries Redis again. With Redis out of reach, the in-process fallback gate and the
  // fail-open quota store then answer at once instead of each call waiting out the timeout.
  let lastFailure = ""
  let retryAt = -Infinity
  const guarded = <A>(call: () => Promise<A>, callOptions: CallOptions | undefined): Promise<A> => {
    const pausable = callOptions?.pausable ?? true
    if (pausable) {
      const now = monotonicMillis()
      if (now < retryAt) {
        return Promise.reject(new RedisCallError(`${lastFailure} (not tried again for ${Math.ceil(retryAt - now)} ms)`))
      }
    }
    return bounded(call, 0, callOptions?.signal).catch((error: RedisCallError) => {
      if (!error.answered && callOptions?.signal?.aborted !== true) {
        lastFailure = error.description
        retryAt = monotonicMillis() + timeoutMillis
      }
      throw error
    })
  }

  const sendOn = (target: NodeRedis, firstKey: string | undefined, args: Array<string>): Promise<unknown> =>
    isCluster(target) ? target.sendCommand(firstKey, false, args) : target.sendCommand(args)

  const run: Connection["run"] = (script, keys, args, callOptions) =>
    guarded(() => {
      const tail = [String(keys.length), ...keys, ...args.map(String)]
      return sendOn(client, keys[0], ["EVALSHA", script.sha, ...tail]).catch((error: unknown) =>
        isNoScript(error) ? sendOn(client, keys[0], ["EVAL", script.text, ...tail]) : Promise.reject(error)
      )
    }, callOptions)

  const command: Connection["command"] = (firstKey, args, callOptions) =>
    bounded(() => sendOn(client, firstKey, args.map(String)), 0, callOptions?.signal)

  // the process's pub/sub connection, made on first use; a failed one is made again next time
  const subscriber = lazyDuplicate(client, { disableOfflineQueue: false })
  const duplicates = new Set<LazyDuplicate>([subscriber])

  const subscribe: Connection["subscribe"] = (channel, listener, callOptions) =>
    guarded(async () => {
      const s = await subscriber.get()
      await (pubsub === "sharded" ? s.sSubscribe(channel, listener) : s.subscribe(channel, listener))
    }, callOptions)

  const dedicated: Connection["dedicated"] = () => {
    const connection = lazyDuplicate(client, {})
    duplicates.add(connection)
    return {
      command: (firstKey, args, blockMillis, callOptions) =>
        bounded(async () => sendOn(await connection.get(), firstKey, args.map(String)), blockMillis, callOptions?.signal).catch(
          (error: unknown) => {
            connection.reset()
            throw error
          }
        ),
      close: () => {
        duplicates.delete(connection)
        connection.close()
      }
    }
  }

  return {
    run,
    command,
    subscribe,
    dedicated,
    publishCommand: pubsub === "sharded" ? "SPUBLISH" : "PUBLISH",
    timeoutMillis,
    closed: () => closed,
    close: () => {
      closed = true
      stopTicker()
      for (const duplicate of duplicates) duplicate.close()
      duplicates.clear()
    }
  }
}
