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
 * - The durable notification queue (`layerNotificationQueue`) replaces the receiver's in-memory queue
 *   with a Redis Stream: the market gets its 200 only once the event is stored (duplicate check,
 *   bound and append in one script), consumers read through a consumer group and acknowledge each
 *   event when their handler succeeds (at-least-once), the events of a consumer that died or failed
 *   go to another after `claimIdle`, and an event delivered `maxDeliveries` times goes to a
 *   dead-letter stream that can be listed and replayed.
 *
 * Needs the `redis` package (node-redis), an optional peer dependency, loaded when a layer of a URL
 * opens a connection (without it that layer fails, naming the package and its install); {@link make},
 * {@link layerClient} and {@link layerNotificationQueueClient} take a client of yours, and
 * {@link layerNodeRedis} and {@link layerNotificationQueueNodeRedis} the client of an application's
 * `NodeRedis` (`@effect/platform-node`), so that one Redis client serves the whole application.
 *
 * @since 1.0.0
 */
import type { NodeRedis } from "@effect/platform-node/NodeRedis"
import { Config, Context, Duration, Effect, Layer, type Option, Redacted, type Scope } from "effect"
import type * as CoreConnection from "../../core/redis/connection.js"
import { defaultHandoffs } from "../../core/redis/gate.js"
import { keyCache } from "../../core/redis/keys.js"
import { InvalidOptionsError } from "./ChatsError.js"
import { ChatsGate, ChatsQuotaStore, type Gate, marketParallelLimit, type QuotaStore } from "./ChatsLimiter.js"
import {
  ChatsEventQueue,
  type Event,
  type EventQueue,
  type NotificationQueueFullError,
  type NotificationQueueUnavailableError
} from "./ChatsNotifications.js"
import { importPeer } from "./internal/peers.js"
import * as Connection from "./internal/redis/connection.js"
import * as RedisGate from "./internal/redis/gate.js"
import * as RedisNotificationQueue from "./internal/redis/notificationQueue.js"
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
  /**
   * How many times in a row a slot freed in a process may go straight to a caller waiting in that
   * process, past the oldest waiter of another process, before it goes to that waiter: this saves
   * the trip to the other process, and bounds how often a waiter can be passed over. 0: first come,
   * first served across processes. A non-negative integer; default 4.
   */
  readonly handoffs?: number | undefined
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

/** A positive integer option. */
const positiveInt = (option: string, value: number): Effect.Effect<number, InvalidOptionsError> =>
  Number.isSafeInteger(value) && value > 0
    ? Effect.succeed(value)
    : Effect.fail(invalid(option, `${option} must be a positive integer, got ${value}`))

/** The `handoffs` option when it is a non-negative safe integer. */
const nonNegativeInt = (handoffs: number): Effect.Effect<number, InvalidOptionsError> =>
  Number.isSafeInteger(handoffs) && handoffs >= 0 ? Effect.succeed(handoffs) : Effect.fail(invalid("handoffs", `handoffs must be a non-negative integer, got ${handoffs}`))

/** The settings of the gate and the connection, checked: an `InvalidOptionsError` names a bad option. */
const gateSettings = Effect.fnUntraced(function*(options: Options) {
  return {
    maxInFlight: yield* positiveInt("maxInFlight", options.maxInFlight ?? marketParallelLimit),
    handoffs: yield* nonNegativeInt(options.handoffs ?? defaultHandoffs),
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
          handoffs: settings.handoffs,
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
 * `@effect/platform-node`'s `NodeRedis` service, found by its key: only its type is imported, so this
 * module loads neither `@effect/platform-node` nor `redis` until an application provides it.
 */
const NodeRedisService = Context.Service<NodeRedis, NodeRedis["Service"]>("@effect/platform-node/NodeRedis")

/** The client of the application's `NodeRedis`, with the texts of its options (URL, password) no error may show. */
const nodeRedisClient = Effect.map(Effect.service(NodeRedisService), ({ client }) => {
  const { url, password } = client.options ?? {}
  return {
    client: client as RedisClient,
    secrets: [...(url === undefined ? [] : secretsOf(url)), ...(password === undefined || password === "" ? [] : [password])]
  }
})

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
 * A layer that gives the client the Redis gate and quota store over the client of the application's
 * `NodeRedis` (`@effect/platform-node`'s `NodeRedis.layer`/`layerConfig`), so that one client serves
 * the whole application. The calls keep this module's bounds: each gives up after at most
 * 1.25 × `timeout`, Redis is not tried again for one `timeout` after a failure, scripts go by `EVALSHA`
 * then `EVAL`, the process's wake-ups share one pub/sub connection (a duplicate of the client, closed
 * with the layer), and no error shows the client's URL or password. The client stays `NodeRedis`'s.
 * Fails with an `InvalidOptionsError` on a bad option (see {@link make}).
 *
 * @since 1.0.0
 * @category layers
 */
export const layerNodeRedis = (options: Options = {}): Layer.Layer<never, InvalidOptionsError, NodeRedis> =>
  Layer.effectContext(Effect.gen(function*() {
    const settings = yield* gateSettings(options)
    const { client, secrets } = yield* nodeRedisClient
    return toContext(yield* makeWith(client, settings, secrets))
  }))

/** The Redis URL read through `Config` (`REDIS_URL` by default), or an `InvalidOptionsError`. */
const configuredUrl = Effect.fnUntraced(function*(config: Config.Config<Redacted.Redacted<string>> | undefined) {
  const url = yield* Effect.mapError(
    Config.withDefault(config ?? Config.Redacted("REDIS_URL"), undefined),
    (error: Config.ConfigError) => invalid("url", `the Redis URL could not be read from the configuration: ${error.message}`)
  )
  if (url === undefined) {
    return yield* new InvalidOptionsError({
      option: config === undefined ? "REDIS_URL" : "url",
      reason: "missing",
      description: "no Redis URL is configured"
    })
  }
  return url
})

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
  Layer.unwrap(Effect.map(configuredUrl(options.url), (url) => layer({ ...options, url })))

// -----------------------------------------------------------------------------
// Durable notification queue
// -----------------------------------------------------------------------------

/**
 * Settings of the durable notification queue.
 *
 * @since 1.0.0
 * @category models
 */
export interface NotificationQueueOptions {
  /**
   * The queue's name: receivers and consumers with the same name (and prefix) share one queue. Letters,
   * digits and `-._:`. Default `notifications`.
   */
  readonly name?: string | undefined
  /**
   * Most events stored and not yet acknowledged. When it is reached, the market is answered 500 (it
   * retries later) and nothing stored is dropped. Default 10,000.
   */
  readonly maxLength?: number | undefined
  /** How long an event's duplicate key lives: a repeat within it is answered 200 and not stored. 0 turns it off. Default 1 hour. */
  readonly duplicateWindow?: Duration.Input | undefined
  /**
   * How long an event may stay delivered without an acknowledgement or a heartbeat before another
   * consumer takes it over (its consumer died, or its handler failed). Default 30 seconds.
   */
  readonly claimIdle?: Duration.Input | undefined
  /** After this many deliveries without an acknowledgement, an event goes to the dead letters. Default 5. */
  readonly maxDeliveries?: number | undefined
  /** Most events a consumer reads at once. Default 10. */
  readonly batchSize?: number | undefined
  /** The longest any call to Redis may take (a blocking read: this beyond its wait). Default 2 seconds. */
  readonly timeout?: Duration.Input | undefined
  /** The prefix of every key. Default `ymc`. */
  readonly prefix?: string | undefined
}

/**
 * An event that was delivered `maxDeliveries` times without an acknowledgement (or could not be read
 * back), kept in the dead-letter stream until it is replayed.
 *
 * @since 1.0.0
 * @category models
 */
export interface DeadLetter {
  /** Its id in the dead-letter stream (what `replay` takes). */
  readonly id: string
  /** The id it had in the queue. */
  readonly originalId: string
  /** The notification's JSON, as the market sent it. */
  readonly body: string
  /** The event, when the body decodes to one. */
  readonly event: Option.Option<Event>
  /** How many times it was delivered. */
  readonly deliveries: number
  /** Why it was given up: the handler's last failure, or the deliveries without an acknowledgement. */
  readonly reason: string
}

/**
 * The durable notification queue: the receiver's `EventQueue`, with its dead letters.
 *
 * @since 1.0.0
 * @category models
 */
export interface NotificationQueue extends EventQueue {
  /** The oldest dead letters, at most `count` (default 100). */
  readonly deadLetters: (count?: number) => Effect.Effect<ReadonlyArray<DeadLetter>, NotificationQueueUnavailableError>
  /**
   * Puts a dead letter back on the queue as a new event (delivery count from 0); `false` when there is
   * no such dead letter. Fails with `NotificationQueueFullError` when the queue is at its maximum length.
   */
  readonly replay: (id: string) => Effect.Effect<boolean, NotificationQueueFullError | NotificationQueueUnavailableError>
}

/**
 * The durable notification queue, provided by the `layerNotificationQueue*` layers beside
 * `ChatsNotifications.ChatsEventQueue`: for its dead letters.
 *
 * @since 1.0.0
 * @category services
 */
export class DurableNotificationQueue extends Context.Service<DurableNotificationQueue, NotificationQueue>()(
  "effect-yandex-market-chats/DurableNotificationQueue"
) {}

/** The settings of the queue, checked: an `InvalidOptionsError` names a bad option. */
const queueSettings = Effect.fnUntraced(function*(options: NotificationQueueOptions) {
  const name = options.name ?? "notifications"
  if (!/^[A-Za-z0-9._:-]{1,100}$/.test(name)) {
    return yield* invalid("name", "name must be 1 to 100 letters, digits or -._:")
  }
  return {
    prefix: options.prefix ?? "ymc",
    name,
    group: "consumers",
    maxLength: yield* positiveInt("maxLength", options.maxLength ?? 10_000),
    duplicateWindow: yield* millis("duplicateWindow", options.duplicateWindow ?? "1 hour", 0),
    claimIdle: yield* millis("claimIdle", options.claimIdle ?? "30 seconds", 10),
    maxDeliveries: yield* positiveInt("maxDeliveries", options.maxDeliveries ?? 5),
    batchSize: yield* positiveInt("batchSize", options.batchSize ?? 10)
  } satisfies RedisNotificationQueue.QueueSettings
})

/** Builds the queue over `client`, with the secrets an error must not show. */
const makeQueueWith = Effect.fnUntraced(function*(
  client: RedisClient,
  settings: RedisNotificationQueue.QueueSettings,
  timeoutMillis: number,
  secrets: ReadonlyArray<string>
) {
  const connection = yield* Connection.make(client, { timeoutMillis, pubsub: undefined, secrets })
  return yield* RedisNotificationQueue.make(connection, settings)
})

/**
 * Builds the durable notification queue over a connected client of yours (which stays yours to close);
 * its consumers' connections, duplicates of it, are closed with the scope. Fails with an
 * `InvalidOptionsError` on a bad option.
 *
 * @since 1.0.0
 * @category constructors
 */
export const makeNotificationQueue = (
  client: RedisClient,
  options: NotificationQueueOptions = {}
): Effect.Effect<NotificationQueue, InvalidOptionsError, Scope.Scope> =>
  Effect.gen(function*() {
    const settings = yield* queueSettings(options)
    const timeoutMillis = yield* millis("timeout", options.timeout ?? "2 seconds", 1)
    return yield* makeQueueWith(client, settings, timeoutMillis, [])
  })

/** The queue as the receiver's `ChatsEventQueue` and as the `DurableNotificationQueue`. */
const queueContext = (queue: NotificationQueue) =>
  Context.make(ChatsEventQueue, queue).pipe(Context.add(DurableNotificationQueue, queue))

/**
 * A layer of the durable notification queue over a connected client of yours: provide it to
 * `ChatsNotifications.layer`/`layerServer` (or `make`), and the receiver stores each event in it.
 *
 * @since 1.0.0
 * @category layers
 */
export const layerNotificationQueueClient = (
  client: RedisClient,
  options: NotificationQueueOptions = {}
): Layer.Layer<ChatsEventQueue | DurableNotificationQueue, InvalidOptionsError> =>
  Layer.effectContext(Effect.map(makeNotificationQueue(client, options), queueContext))

/**
 * A layer of the durable notification queue over a connection to `url` that it opens and closes:
 * provide it to `ChatsNotifications.layer`/`layerServer` (or `make`). Until Redis answers, the
 * receiver answers the market 500 (it retries) and consumers wait. Fails with an `InvalidOptionsError`
 * on a bad option or URL, before connecting.
 *
 * @since 1.0.0
 * @category layers
 */
export const layerNotificationQueue = (
  options: NotificationQueueOptions & { readonly url: Redacted.Redacted<string> | string }
): Layer.Layer<ChatsEventQueue | DurableNotificationQueue, InvalidOptionsError> =>
  Layer.effectContext(Effect.gen(function*() {
    const settings = yield* queueSettings(options)
    const timeoutMillis = yield* millis("timeout", options.timeout ?? "2 seconds", 1)
    const { client, secrets } = yield* urlClient(options.url, timeoutMillis)
    return queueContext(yield* makeQueueWith(client, settings, timeoutMillis, secrets))
  }))

/**
 * A layer of the durable notification queue over the client of the application's `NodeRedis`
 * (`@effect/platform-node`), with the bounds of {@link layerNodeRedis}: provide it to
 * `ChatsNotifications.layer`/`layerServer` (or `make`). Each consumer's blocking reads go through a
 * duplicate of the client of its own, closed with the layer. Fails with an `InvalidOptionsError` on a
 * bad option.
 *
 * @since 1.0.0
 * @category layers
 */
export const layerNotificationQueueNodeRedis = (
  options: NotificationQueueOptions = {}
): Layer.Layer<ChatsEventQueue | DurableNotificationQueue, InvalidOptionsError, NodeRedis> =>
  Layer.effectContext(Effect.gen(function*() {
    const settings = yield* queueSettings(options)
    const timeoutMillis = yield* millis("timeout", options.timeout ?? "2 seconds", 1)
    const { client, secrets } = yield* nodeRedisClient
    return queueContext(yield* makeQueueWith(client, settings, timeoutMillis, secrets))
  }))

/**
 * {@link layerNotificationQueue} with the URL read through Effect `Config` (`Config.Redacted`):
 * `REDIS_URL` by default. A URL that is not set, or cannot be read, fails the layer with an
 * `InvalidOptionsError` (as {@link layerConfig}).
 *
 * @since 1.0.0
 * @category layers
 */
export const layerNotificationQueueConfig = (
  options: NotificationQueueOptions & { readonly url?: Config.Config<Redacted.Redacted<string>> | undefined } = {}
): Layer.Layer<ChatsEventQueue | DurableNotificationQueue, InvalidOptionsError> =>
  Layer.unwrap(Effect.map(configuredUrl(options.url), (url) => layerNotificationQueue({ ...options, url })))
