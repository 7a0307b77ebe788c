/**
 * Limits shared by several processes: the concurrency gate and the quota store over Redis, for
 * processes (or machines) that call the market for the same business.
 *
 * - The gate is a counting semaphore across processes: at most `maxInFlight` (4) requests in flight
 *   per business, first come first served, with leases that free the slots of a killed process
 *   within `lease` (10 s) and are renewed while a long request runs. Every time comes from the Redis
 *   server. Waiters are woken through pub/sub, and re-check at least every second in case a wake-up
 *   is lost. After Redis restarts empty it grants nothing for one lease, so that the slots it forgot
 *   run out first. The keys of one business share a hash slot: it works on Redis Cluster.
 * - The quota store keeps one state per business and operation, reserves units atomically and lets
 *   a state expire past its reset.
 * - When Redis cannot answer, the gate fails with `LimiterUnavailableError` within `timeout`
 *   (or, with `fallback: "memory"`, waits at the process's own gate), and the quota store fails open:
 *   the client logs a warning and sends, and the market's headers stay the authority.
 *
 * Needs the `redis` package (node-redis), an optional peer dependency, loaded when {@link layer} or
 * {@link layerConfig} opens a connection (without it they fail, naming the package and its install);
 * {@link make} and {@link layerClient} take a client of yours.
 *
 * @since 0.2.0
 */
import { Config, ConfigError, Context, Duration, Effect, Layer, Redacted, Scope } from "effect"
import { ChatsGate, ChatsQuotaStore, type Gate, marketParallelLimit, type QuotaStore } from "./ChatsLimiter.js"
import { nodeRedis } from "./internal/peers.js"
import * as Connection from "./internal/redis/connection.js"
import * as RedisGate from "./internal/redis/gate.js"
import * as RedisQuotaStore from "./internal/redis/quotaStore.js"
import * as Wakeups from "./internal/redis/wakeups.js"

/**
 * A connected node-redis client or cluster (`createClient(...)` / `createCluster(...)` of `redis` or
 * `@redis/client`, after `await client.connect()`), whatever its modules, scripts and RESP version:
 * typed by the little the layers call, so that any of them fits.
 *
 * @since 0.2.0
 * @category models
 */
export interface RedisClient {
  /** node-redis's `sendCommand` (of a client or of a cluster). */
  readonly sendCommand: (...args: Array<any>) => Promise<unknown>
  /** node-redis's `duplicate`: the process's pub/sub connection is one. */
  readonly duplicate: (...args: Array<any>) => unknown
  /** node-redis's `on("error", ...)`. */
  readonly on: (event: "error", listener: (error: Error) => void) => unknown
}

/**
 * Which pub/sub the wake-ups use: `PUBLISH`/`SUBSCRIBE`, or the sharded `SPUBLISH`/`SSUBSCRIBE`
 * (Redis 7+, for a cluster).
 *
 * @since 0.2.0
 * @category models
 */
export type PubSub = "classic" | "sharded"

/**
 * Settings of the Redis gate and quota store.
 *
 * @since 0.2.0
 * @category models
 */
export interface Options {
  /** Most requests in flight at once per business, across every process. Default 4, the market's limit. */
  readonly maxInFlight?: number | undefined
  /**
   * How long a slot stays held without renewal: the slots of a process killed while holding them come
   * back after at most this long. Renewed every third of it while a request runs. Default 10 seconds.
   */
  readonly lease?: Duration.DurationInput | undefined
  /**
   * The longest any call to Redis may take; past it the call fails as unavailable, and Redis is not
   * tried again for this long (the calls in between fail at once). Default 2 seconds.
   */
  readonly timeout?: Duration.DurationInput | undefined
  /**
   * What the gate does when Redis cannot answer: `"fail"` with `LimiterUnavailableError` (default), or
   * `"memory"`: wait at the process's own in-memory gate (the processes together may then exceed the
   * market's limit; its 420s are retried by the schedule).
   */
  readonly fallback?: "fail" | "memory" | undefined
  /** The prefix of every key and channel. Default `ymc`. */
  readonly prefix?: string | undefined
  /**
   * The pub/sub of the wake-ups: `"sharded"` (`SPUBLISH`, Redis 7+) or `"classic"` (`PUBLISH`).
   * Default: sharded for a cluster, classic for a single server.
   */
  readonly pubsub?: PubSub | undefined
}

/**
 * Settings of {@link layer}: a Redis URL and the gate's settings.
 *
 * @since 0.2.0
 * @category models
 */
export interface UrlOptions extends Options {
  /** `redis://[[user]:password@]host[:port][/db]` (or `rediss://`); it never appears in an error or a log. */
  readonly url: Redacted.Redacted<string> | string
}

/**
 * The gate and the quota store over Redis, built on a client of the caller's.
 *
 * @since 0.2.0
 * @category models
 */
export interface Limiters {
  /** The concurrency gate shared through Redis. */
  readonly gate: Gate
  /** The quota store shared through Redis. */
  readonly quotaStore: QuotaStore
}

const defaultTimeout = Duration.seconds(2)

/** Builds the gate and the quota store over `client`, with the secrets an error must not show. */
const makeWith = (client: RedisClient, options: Options, secrets: ReadonlyArray<string>) =>
  Effect.map(
    Connection.make(client, {
      timeout: Duration.decode(options.timeout ?? defaultTimeout),
      pubsub: options.pubsub,
      secrets
    }),
    (connection): Limiters => {
      const prefix = options.prefix ?? "ymc"
      return {
        gate: RedisGate.make(connection, Wakeups.make(connection), {
          maxInFlight: options.maxInFlight ?? marketParallelLimit,
          lease: Duration.toMillis(Duration.decode(options.lease ?? "10 seconds")),
          prefix,
          fallback: options.fallback === "memory"
        }),
        quotaStore: RedisQuotaStore.make(connection, prefix)
      }
    }
  )

/**
 * Builds the gate and the quota store over a connected client of yours (which stays yours to close).
 * The process's pub/sub connection, a duplicate of it, is closed with the scope.
 *
 * @since 0.2.0
 * @category constructors
 */
export const make = (client: RedisClient, options: Options = {}): Effect.Effect<Limiters, never, Scope.Scope> =>
  makeWith(client, options, [])

const toContext = (limiters: Limiters): Context.Context<ChatsGate | ChatsQuotaStore> =>
  Context.make(ChatsGate, limiters.gate).pipe(Context.add(ChatsQuotaStore, limiters.quotaStore))

/**
 * A layer that gives the client the Redis gate and quota store, over a connected client of yours.
 *
 * @since 0.2.0
 * @category layers
 */
export const layerClient = (client: RedisClient, options: Options = {}): Layer.Layer<ChatsGate | ChatsQuotaStore> =>
  Layer.scopedContext(Effect.map(make(client, options), toContext))

/** The URL's password, as written and decoded: texts no error may show. */
const secretsOf = (url: string): ReadonlyArray<string> => {
  try {
    const password = new URL(url).password
    return password === "" ? [url] : [url, password, decodeURIComponent(password)]
  } catch {
    return [url]
  }
}

/**
 * A layer that gives the client the Redis gate and quota store, over a connection to `url` that it
 * opens and closes. It waits at most `timeout` for the first connection: until Redis answers, the
 * gate fails (or falls back) and the quota store fails open.
 *
 * @since 0.2.0
 * @category layers
 */
export const layer = (options: UrlOptions): Layer.Layer<ChatsGate | ChatsQuotaStore> =>
  Layer.scopedContext(Effect.gen(function*() {
    const url = Redacted.isRedacted(options.url) ? Redacted.value(options.url) : options.url
    const timeout = Duration.decode(options.timeout ?? defaultTimeout)
    const { createClient } = yield* Effect.promise(() => nodeRedis("effect-yandex-market-chats/redis"))
    const client = yield* Effect.acquireRelease(
      Effect.try({
        try: () =>
          createClient({
            url,
            // a call while disconnected fails at once rather than waiting in a queue
            disableOfflineQueue: true,
            socket: {
              connectTimeout: Duration.toMillis(timeout),
              reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 1000)
            }
          }),
        catch: () => "effect-yandex-market-chats/redis: the Redis URL is not valid"
      }).pipe(
        Effect.orDie,
        Effect.tap((client) => {
          client.on("error", () => {}) // node-redis reconnects on its own; each call reports its failure
        })
      ),
      (client) =>
        // a release cannot be interrupted: only an interruptible close can be cut short by the timeout
        Effect.interruptible(Effect.promise(() => client.close().catch(() => undefined))).pipe(
          Effect.timeout(timeout),
          Effect.ignore,
          Effect.zipRight(Effect.sync(() => {
            try {
              client.destroy()
            } catch {
              // already closed
            }
          }))
        )
    )
    yield* Effect.promise(() => client.connect().then(() => undefined, () => undefined)).pipe(
      Effect.timeout(timeout),
      Effect.ignore
    )
    return toContext(yield* makeWith(client, options, secretsOf(url)))
  }))

/**
 * {@link layer} with the URL read through Effect `Config`: `REDIS_URL` by default.
 *
 * @since 0.2.0
 * @category layers
 */
export const layerConfig = (
  options: Options & { readonly url?: Config.Config<Redacted.Redacted<string>> | undefined } = {}
): Layer.Layer<ChatsGate | ChatsQuotaStore, ConfigError.ConfigError> =>
  Layer.unwrapEffect(Effect.map(options.url ?? Config.redacted("REDIS_URL"), (url) => layer({ ...options, url })))
