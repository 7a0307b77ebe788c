/**
 * Limits shared by several processes: the concurrency gate and the quota store over Redis, for
 * processes (or machines) that call the market for the same business.
 *
 * - The gate is a counting semaphore across processes: at most `maxInFlight` (4) requests in flight
 *   per business, first come first served, with leases that free the slots of a killed process
 *   within `lease` (10 s) and are renewed while a long request runs. Every time comes from the Redis
 *   server. Waiters are woken through pub/sub, and re-check at least every second in case a wake-up
 *   is lost. After Redis restarts (told by its `run_id`: empty, or from a snapshot) it grants nothing
 *   for one lease, so that the slots it forgot run out first. The keys of one business share a hash
 *   slot: it works on Redis Cluster.
 * - The quota store keeps one state per business and operation, reserves units atomically and lets
 *   a state expire past its reset.
 * - When Redis cannot answer, the gate fails with `LimiterUnavailableError` within `timeout`
 *   (or, with `fallback: "memory"`, waits at the process's own gate), and the quota store fails open:
 *   the client logs a warning and sends, and the market's headers stay the authority.
 *
 * Needs the `redis` package (node-redis), an optional peer dependency, loaded when a layer of a URL
 * opens a connection (without it that layer fails, naming the package and its install); {@link make}
 * and {@link layerClient} take a client of yours.
 *
 * @since 1.0.0
 */
import { Config, Context, Duration, Effect, Layer, Redacted, type Scope } from "effect"
import type * as CoreConnection from "../../core/redis/connection.js"
import { keyCache } from "../../core/redis/keys.js"
import { InvalidOptionsError } from "./ChatsError.js"
import { ChatsGate, ChatsQuotaStore, type Gate, marketParallelLimit, type QuotaStore } from "./ChatsLimiter.js"
import { importPeer } from "./internal/peers.js"
import * as Connection from "./internal/redis/connection.js"
import * as RedisGate from "./internal/redis/gate.js"
import * as RedisQuotaStore from "./internal/redis/quotaStore.js"
import * as Wakeups from "./internal/redis/wakeups.js"

/**
 * A connected node-redis client or cluster (`createClient(...)` / `createCluster(...)` of `redis` or
 * `@redis/client`, after `await client.connect()`), whatever its modules, scripts and RESP version:
 * typed by the little the layers call, so that any of them fits.
 *
 * @since 1.0.0
 * @category models
 */
export interface RedisClient extends CoreConnection.RedisClient {}

/**
 * Which pub/sub the wake-ups use: `PUBLISH`/`SUBSCRIBE`, or the sharded `SPUBLISH`/`SSUBSCRIBE`
 * (Redis 7+, for a cluster).
 *
 * @since 1.0.0
 * @category models
 */
export type PubSub = CoreConnection.PubSub

/**
 * Settings of the Redis gate and quota store.
 *
 * @since 1.0.0
 * @category models
 */
export interface Options {
  /** Most requests in flight at once per business, across every process: a positive integer. Default 4, the market's limit. */
  readonly maxInFlight?: number | undefined
  /**
   * How long a slot stays held without renewal: the slots of a process killed while holding them come
   * back after at most this long. Renewed every third of it while a request runs. At least 1 second;
   * default 10 seconds.
   */
  readonly lease?: Duration.Input | undefined
  /**
   * The longest any call to Redis may take; past it the call fails as unavailable, and Redis is not
   * tried again for this long (the calls in between fail at once). Default 2 seconds.
   */
  readonly timeout?: Duration.Input | undefined
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
 * @since 1.0.0
 * @category models
 */
export interface UrlOptions extends Options {
  /** `redis://[[user]:password@]host[:port][/db]` (or `rediss://`); it never appears in an error or a log. */
  readonly url: Redacted.Redacted<string> | string
}

/**
 * The gate and the quota store over Redis, built on a client of the caller's.
 *
 * @since 1.0.0
 * @category models
 */
export interface Limiters {
  /** The concurrency gate shared through Redis. */
  readonly gate: Gate
  /** The quota store shared through Redis. */
  readonly quotaStore: QuotaStore
}

/** An `InvalidOptionsError` for a value that is wrong. */
const invalid = (option: string, description: string) => new InvalidOptionsError({ option, reason: "invalid", description })

/** A duration option in whole milliseconds, at least `minimum`. */
const millis = (option: string, value: Duration.Input, minimum: number): Effect.Effect<number, InvalidOptionsError> => {
  const ms = Duration.fromInput(value)
  return ms._tag === "Some" && Number.isFinite(Duration.toMillis(ms.value)) && Duration.toMillis(ms.value) >= minimum
    ? Effect.succeed(Math.floor(Duration.toMillis(ms.value)))
    : Effect.fail(invalid(option, `${option} must be at least ${minimum} ms`))
}

/** The settings of the gate and the connection, checked: an `InvalidOptionsError` names a bad option. */
const gateSettings = Effect.fnUntraced(function*(options: Options) {
  const maxInFlight = options.maxInFlight ?? marketParallelLimit
  if (!Number.isSafeInteger(maxInFlight) || maxInFlight <= 0) {
    return yield* invalid("maxInFlight", `maxInFlight must be a positive integer, got ${maxInFlight}`)
  }
  return {
    maxInFlight,
    // shorter leases would make the waiters' re-checks (a sixth of a lease) a busy poll of Redis
    lease: yield* millis("lease", options.lease ?? "10 seconds", 1000),
    timeoutMillis: yield* millis("timeout", options.timeout ?? "2 seconds", 1),
    prefix: options.prefix ?? "ymc",
    fallback: options.fallback === "memory",
    pubsub: options.pubsub
  }
})

type GateSettings = Effect.Success<ReturnType<typeof gateSettings>>

/** Builds the gate and the quota store over `client`, with the secrets an error must not show. */
const makeWith = (client: RedisClient, settings: GateSettings, secrets: ReadonlyArray<string>) =>
  Effect.map(
    Connection.make(client, { timeoutMillis: settings.timeoutMillis, pubsub: settings.pubsub, secrets }),
    (connection): Limiters => {
      const keysFor = keyCache(settings.prefix)
      const quotaStore = RedisQuotaStore.make(connection, keysFor)
      return {
        gate: RedisGate.make(connection, Wakeups.make(connection), keysFor, quotaStore, {
          maxInFlight: settings.maxInFlight,
          lease: settings.lease,
          fallback: settings.fallback
        }),
        quotaStore
      }
    }
  )

/**
 * Builds the gate and the quota store over a connected client of yours (which stays yours to close).
 * The process's pub/sub connection, a duplicate of it, is closed with the scope. Fails with an
 * `InvalidOptionsError` on a bad option (`maxInFlight` not a positive integer, `lease` under 1 second,
 * `timeout` not positive).
 *
 * @since 1.0.0
 * @category constructors
 */
export const make = (client: RedisClient, options: Options = {}): Effect.Effect<Limiters, InvalidOptionsError, Scope.Scope> =>
  Effect.flatMap(gateSettings(options), (settings) => makeWith(client, settings, []))

/** The gate and the quota store as the client's services. */
const toContext = (limiters: Limiters) =>
  Context.make(ChatsGate, limiters.gate).pipe(Context.add(ChatsQuotaStore, limiters.quotaStore))

/**
 * A layer that gives the client the Redis gate and quota store, over a connected client of yours.
 * Fails with an `InvalidOptionsError` on a bad option (see {@link make}). (The gate and the store are
 * `Context.Reference`s: the layer provides no new service, and is typed `Layer<never>`.)
 *
 * @since 1.0.0
 * @category layers
 */
export const layerClient = (client: RedisClient, options: Options = {}): Layer.Layer<never, InvalidOptionsError> =>
  Layer.effectContext(Effect.map(make(client, options), toContext))

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
 * A client connected to `url` for the life of the scope, with the secrets an error must not show. It
 * waits at most `timeout` for the first connection; until Redis answers, every call fails at once.
 */
const urlClient = Effect.fnUntraced(function*(urlOption: Redacted.Redacted<string> | string, timeoutMillis: number) {
  const url = Redacted.isRedacted(urlOption) ? Redacted.value(urlOption) : urlOption
  const { createClient } = yield* Effect.promise(() => importPeer("effect-yandex-market-chats/redis", "redis", () => import("redis")))
  const client = yield* Effect.acquireRelease(
    Effect.try({
      try: () =>
        createClient({
          url,
          // a call while disconnected fails at once rather than waiting in a queue
          disableOfflineQueue: true,
          socket: {
            connectTimeout: timeoutMillis,
            reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 1000)
          }
        }),
      catch: () => invalid("url", "the Redis URL is not valid")
    }).pipe(
      Effect.tap((client) =>
        Effect.sync(() => {
          client.on("error", () => {}) // node-redis reconnects on its own; each call reports its failure
        })
      )
    ),
    (client) =>
      // a release cannot be interrupted: only an interruptible close can be cut short by the timeout
      Effect.interruptible(Effect.promise(() => client.close().catch(() => undefined))).pipe(
        Effect.timeout(timeoutMillis),
        Effect.ignore,
        Effect.andThen(Effect.sync(() => {
          try {
            client.destroy()
          } catch {
            // already closed
          }
        }))
      )
  )
  yield* Effect.promise(() => client.connect().then(() => undefined, () => undefined)).pipe(
    Effect.timeout(timeoutMillis),
    Effect.ignore
  )
  return { client: client as RedisClient, secrets: secretsOf(url) }
})

/**
 * A layer that gives the client the Redis gate and quota store, over a connection to `url` that it
 * opens and closes. It waits at most `timeout` for the first connection: until Redis answers, the
 * gate fails (or falls back) and the quota store fails open. Fails with an `InvalidOptionsError` on a
 * bad option (see {@link make}) or URL, before connecting.
 *
 * @since 1.0.0
 * @category layers
 */
export const layer = (options: UrlOptions): Layer.Layer<never, InvalidOptionsError> =>
  Layer.effectContext(Effect.gen(function*() {
    const settings = yield* gateSettings(options)
    const { client, secrets } = yield* urlClient(options.url, settings.timeoutMillis)
    return toContext(yield* makeWith(client, settings, secrets))
  }))

/**
 * {@link layer} with the URL read through Effect `Config` (`Config.Redacted`): `REDIS_URL` by default.
 * A URL that is not set, or cannot be read, fails the layer with an `InvalidOptionsError` (`missing`
 * naming `REDIS_URL` or `url`, `invalid` naming `url`).
 *
 * @since 1.0.0
 * @category layers
 */
export const layerConfig = (
  options: Options & { readonly url?: Config.Config<Redacted.Redacted<string>> | undefined } = {}
): Layer.Layer<never, InvalidOptionsError> =>
  Layer.unwrap(Effect.gen(function*() {
    const url = yield* Effect.mapError(
      Config.withDefault(options.url ?? Config.Redacted("REDIS_URL"), undefined),
      (error: Config.ConfigError) => invalid("url", `the Redis URL could not be read from the configuration: ${error.message}`)
    )
    if (url === undefined) {
      return yield* new InvalidOptionsError({
        option: options.url === undefined ? "REDIS_URL" : "url",
        reason: "missing",
        description: "no Redis URL is configured"
      })
    }
    return layer({ ...options, url })
  }))
