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
 * opens a connection (without it they fail, naming the package and its install); {@link make},
 * {@link layerClient} and {@link layerNotificationQueueClient} take a client of yours.
 *
 * @since 0.2.0
 */
import { Config, ConfigError, Context, Duration, Effect, Layer, type Option, Redacted, Scope } from "effect"
import { ChatsGate, ChatsQuotaStore, type Gate, marketParallelLimit, type QuotaStore } from "./ChatsLimiter.js"
import {
  ChatsEventQueue,
  type Event,
  type EventQueue,
  type NotificationQueueFullError,
  type NotificationQueueUnavailableError
} from "./ChatsNotifications.js"
import { invalid, positiveInt } from "./internal/configChecks.js"
import { nodeRedis } from "./internal/peers.js"
import type * as CoreConnection from "../../core/redis/connection.js"
import { defaultHandoffs } from "../../core/redis/gate.js"
import { keyCache } from "../../core/redis/keys.js"
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
 * @since 0.2.0
 * @category models
 */
export interface RedisClient extends CoreConnection.RedisClient {}

/**
 * Which pub/sub the wake-ups use: `PUBLISH`/`SUBSCRIBE`, or the sharded `SPUBLISH`/`SSUBSCRIBE`
 * (Redis 7+, for a cluster).
 *
 * @since 0.2.0
 * @category models
 */
export type PubSub = CoreConnection.PubSub

/**
 * Settings of the Redis gate and quota store.
 *
 * @since 0.2.0
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

/** The `handoffs` option when it is a non-negative safe integer; else a `ConfigError` naming it. */
const nonNegativeInt = (handoffs: number) =>
  Number.isSafeInteger(handoffs) && handoffs >= 0 ? Effect.succeed(handoffs) : invalid("handoffs", "handoffs must be a non-negative integer")

/** The settings of the gate and the connection, checked: a `ConfigError` names a bad option. */
const gateSettings = (options: Options) =>
  Effect.gen(function*() {
    return {
      maxInFlight: yield* positiveInt("maxInFlight", options.maxInFlight ?? marketParallelLimit),
      handoffs: yield* nonNegativeInt(options.handoffs ?? defaultHandoffs),
      // shorter leases would make the waiters' re-checks (a sixth of a lease) a busy poll of Redis
      lease: yield* millis("lease", options.lease ?? "10 seconds", 1000),
      timeout: Duration.millis(yield* millis("timeout", options.timeout ?? defaultTimeout, 1)),
      prefix: options.prefix ?? "ymc",
      fallback: options.fallback === "memory",
      pubsub: options.pubsub
    }
  })

type GateSettings = Effect.Effect.Success<ReturnType<typeof gateSettings>>

/** Builds the gate and the quota store over `client`, with the secrets an error must not show. */
const makeWith = (client: RedisClient, settings: GateSettings, secrets: ReadonlyArray<string>) =>
  Effect.map(
    Connection.make(client, { timeout: settings.timeout, pubsub: settings.pubsub, secrets }),
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
 * The process's pub/sub connection, a duplicate of it, is closed with the scope. Fails with a
 * `ConfigError` on a bad option (`maxInFlight` not a positive integer, `lease` under 1 second,
 * `timeout` not positive).
 *
 * @since 0.2.0
 * @category constructors
 */
export const make = (
  client: RedisClient,
  options: Options = {}
): Effect.Effect<Limiters, ConfigError.ConfigError, Scope.Scope> =>
  Effect.flatMap(gateSettings(options), (settings) => makeWith(client, settings, []))

const toContext = (limiters: Limiters): Context.Context<ChatsGate | ChatsQuotaStore> =>
  Context.make(ChatsGate, limiters.gate).pipe(Context.add(ChatsQuotaStore, limiters.quotaStore))

/**
 * A layer that gives the client the Redis gate and quota store, over a connected client of yours.
 * Fails with a `ConfigError` on a bad option (see {@link make}).
 *
 * @since 0.2.0
 * @category layers
 */
export const layerClient = (
  client: RedisClient,
  options: Options = {}
): Layer.Layer<ChatsGate | ChatsQuotaStore, ConfigError.ConfigError> =>
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
 * A client connected to `url` for the life of the scope, with the secrets an error must not show. It
 * waits at most `timeout` for the first connection; until Redis answers, every call fails at once.
 */
const urlClient = (
  urlOption: Redacted.Redacted<string> | string,
  timeout: Duration.Duration
): Effect.Effect<{ readonly client: RedisClient; readonly secrets: ReadonlyArray<string> }, never, Scope.Scope> =>
  Effect.gen(function*() {
    const url = Redacted.isRedacted(urlOption) ? Redacted.value(urlOption) : urlOption
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
    return { client, secrets: secretsOf(url) }
  })

/**
 * A layer that gives the client the Redis gate and quota store, over a connection to `url` that it
 * opens and closes. It waits at most `timeout` for the first connection: until Redis answers, the
 * gate fails (or falls back) and the quota store fails open. Fails with a `ConfigError` on a bad
 * option (see {@link make}), before connecting.
 *
 * @since 0.2.0
 * @category layers
 */
export const layer = (options: UrlOptions): Layer.Layer<ChatsGate | ChatsQuotaStore, ConfigError.ConfigError> =>
  Layer.scopedContext(Effect.gen(function*() {
    const settings = yield* gateSettings(options)
    const { client, secrets } = yield* urlClient(options.url, settings.timeout)
    return toContext(yield* makeWith(client, settings, secrets))
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

// -----------------------------------------------------------------------------
// Durable notification queue
// -----------------------------------------------------------------------------

/**
 * Settings of the durable notification queue.
 *
 * @since 0.2.0
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
  readonly duplicateWindow?: Duration.DurationInput | undefined
  /**
   * How long an event may stay delivered without an acknowledgement or a heartbeat before another
   * consumer takes it over (its consumer died, or its handler failed). Default 30 seconds.
   */
  readonly claimIdle?: Duration.DurationInput | undefined
  /** After this many deliveries without an acknowledgement, an event goes to the dead letters. Default 5. */
  readonly maxDeliveries?: number | undefined
  /** Most events a consumer reads at once. Default 10. */
  readonly batchSize?: number | undefined
  /** The longest any call to Redis may take (a blocking read: this beyond its wait). Default 2 seconds. */
  readonly timeout?: Duration.DurationInput | undefined
  /** The prefix of every key. Default `ymc`. */
  readonly prefix?: string | undefined
}

/**
 * An event that was delivered `maxDeliveries` times without an acknowledgement (or could not be read
 * back), kept in the dead-letter stream until it is replayed.
 *
 * @since 0.2.0
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
 * @since 0.2.0
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
 * @since 0.2.0
 * @category tags
 */
export class DurableNotificationQueue extends Context.Tag("effect-yandex-market-chats/DurableNotificationQueue")<
  DurableNotificationQueue,
  NotificationQueue
>() {}

const millis = (key: string, value: Duration.DurationInput, minimum: number) =>
  Effect.flatMap(Effect.sync(() => Duration.toMillis(Duration.decode(value))), (ms) =>
    Number.isFinite(ms) && ms >= minimum ? Effect.succeed(Math.floor(ms)) : invalid(key, `${key} must be at least ${minimum} ms`))

/** Reads the settings of the queue, or fails with a `ConfigError`. */
const queueSettings = (options: NotificationQueueOptions) =>
  Effect.gen(function*() {
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

const makeQueueWith = (client: RedisClient, options: NotificationQueueOptions, secrets: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const settings = yield* queueSettings(options)
    const connection = yield* Connection.make(client, {
      timeout: Duration.decode(options.timeout ?? defaultTimeout),
      pubsub: undefined,
      secrets
    })
    return yield* RedisNotificationQueue.make(connection, settings)
  })

/**
 * Builds the durable notification queue over a connected client of yours (which stays yours to close);
 * its consumers' connections, duplicates of it, are closed with the scope. Fails with a `ConfigError`
 * on a bad option.
 *
 * @since 0.2.0
 * @category constructors
 */
export const makeNotificationQueue = (
  client: RedisClient,
  options: NotificationQueueOptions = {}
): Effect.Effect<NotificationQueue, ConfigError.ConfigError, Scope.Scope> => makeQueueWith(client, options, [])

const queueContext = (queue: NotificationQueue): Context.Context<ChatsEventQueue | DurableNotificationQueue> =>
  Context.make(ChatsEventQueue, queue).pipe(Context.add(DurableNotificationQueue, queue))

/**
 * A layer of the durable notification queue over a connected client of yours: provide it to
 * `ChatsNotifications.layer`/`layerServer` (or `make`), and the receiver stores each event in it.
 *
 * @since 0.2.0
 * @category layers
 */
export const layerNotificationQueueClient = (
  client: RedisClient,
  options: NotificationQueueOptions = {}
): Layer.Layer<ChatsEventQueue | DurableNotificationQueue, ConfigError.ConfigError> =>
  Layer.scopedContext(Effect.map(makeNotificationQueue(client, options), queueContext))

/**
 * A layer of the durable notification queue over a connection to `url` that it opens and closes:
 * provide it to `ChatsNotifications.layer`/`layerServer` (or `make`). Until Redis answers, the
 * receiver answers the market 500 (it retries) and consumers wait.
 *
 * @since 0.2.0
 * @category layers
 */
export const layerNotificationQueue = (
  options: NotificationQueueOptions & { readonly url: Redacted.Redacted<string> | string }
): Layer.Layer<ChatsEventQueue | DurableNotificationQueue, ConfigError.ConfigError> =>
  Layer.scopedContext(Effect.gen(function*() {
    const { client, secrets } = yield* urlClient(options.url, Duration.decode(options.timeout ?? defaultTimeout))
    return queueContext(yield* makeQueueWith(client, options, secrets))
  }))

/**
 * {@link layerNotificationQueue} with the URL read through Effect `Config`: `REDIS_URL` by default.
 *
 * @since 0.2.0
 * @category layers
 */
export const layerNotificationQueueConfig = (
  options: NotificationQueueOptions & { readonly url?: Config.Config<Redacted.Redacted<string>> | undefined } = {}
): Layer.Layer<ChatsEventQueue | DurableNotificationQueue, ConfigError.ConfigError> =>
  Layer.unwrapEffect(
    Effect.map(options.url ?? Config.redacted("REDIS_URL"), (url) => layerNotificationQueue({ ...options, url }))
  )
