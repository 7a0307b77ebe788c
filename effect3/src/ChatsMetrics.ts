/**
 * The library's metrics, recorded with Effect's `Metric` (Effect 3: the global metric registry, read
 * with `Metric.snapshot`): calls and their outcomes, attempts, the market's 420s, retries, waits at the
 * gate, quotas, the Redis gate and connection, and the notification receiver and its queues. The
 * names, units, descriptions and attributes are those of the Effect 4 edition, from one table
 * (`core/metrics/names.ts`), and are listed in the README ("Metrics"); export them with
 * `@effect/opentelemetry`'s metrics (its Prometheus or OTLP exporters).
 *
 * Each series carries its unit as the `unit` attribute, as in the Effect 4 edition.
 *
 * Business ids are not an attribute by default: every business an application serves would add a
 * series to each metric, without bound (one process may serve thousands of businesses). An
 * application with a known, small set of businesses names them with {@link layerBusinessIdAttribute};
 * the calls of those businesses then carry `yandex_market.business_id`, and the others none.
 *
 * The recording functions cost little per call: the series of each operation, outcome and business
 * are made once and kept, and a call updates its series in one step.
 *
 * @since 1.0.0
 */
import { Context, Effect, Layer, Metric } from "effect"
import { boundaries, type MetricKey, notificationTypeOfTag, toSeconds } from "../../core/metrics/names.js"
import {
  type CallSeries,
  NotificationSeries,
  type RedisComponent as SeriesRedisComponent,
  type RedisFailure,
  RedisSeries
} from "../../core/metrics/series.js"
import type { Operation, RateLimitKind } from "./ChatsError.js"
import {
  type Counter,
  counterOf,
  type Gauge,
  gaugeOf,
  type Histogram,
  histogramOf,
  instruments,
  seriesOfOperation
} from "./internal/metrics/instruments.js"

// -----------------------------------------------------------------------------
// Definitions
// -----------------------------------------------------------------------------

/**
 * Calls of each operation, by how they ended (`outcome`: `success`, or the tag of the error).
 *
 * @since 1.0.0
 * @category metrics
 */
export const calls: Counter = counterOf("calls")

/**
 * How long a whole call took, retries and quota waits included, in seconds.
 *
 * @since 1.0.0
 * @category metrics
 */
export const callDuration: Histogram = histogramOf("callDuration", boundaries.call)

/**
 * How long each attempt (one HTTP exchange) took, in seconds: OpenTelemetry's `http.client.request.duration`.
 *
 * @since 1.0.0
 * @category metrics
 */
export const attemptDuration: Histogram = histogramOf("attemptDuration", boundaries.attempt)

/**
 * The market's 420 answers, by `yandex_market.rate_limit.kind` (`parallel`, `quota`, `unknown`) and operation.
 *
 * @since 1.0.0
 * @category metrics
 */
export const rateLimited: Counter = counterOf("rateLimited")

/**
 * Attempts made again after a failure, by operation and the failure's tag.
 *
 * @since 1.0.0
 * @category metrics
 */
export const retries: Counter = counterOf("retries")

/**
 * How long an attempt waited at the concurrency gate, in seconds.
 *
 * @since 1.0.0
 * @category metrics
 */
export const gateWait: Histogram = histogramOf("gateWait", boundaries.gateWait)

/**
 * Calls refused before sending because the operation's quota is spent past the wait budget.
 *
 * @since 1.0.0
 * @category metrics
 */
export const quotaRefused: Counter = counterOf("quotaRefused")

/**
 * Requests left in each operation's hourly quota, as the market last reported it.
 *
 * @since 1.0.0
 * @category metrics
 */
export const quotaRemaining: Gauge = gaugeOf("quotaRemaining")

/**
 * Leases of the Redis gate lost while their request was in flight.
 *
 * @since 1.0.0
 * @category metrics
 */
export const leasesLost: Counter = counterOf("leasesLost")

/**
 * How long each call to Redis took, in seconds: OpenTelemetry's `db.client.operation.duration`.
 *
 * @since 1.0.0
 * @category metrics
 */
export const redisDuration: Histogram = histogramOf("redisDuration", boundaries.redis)

/**
 * Typed errors because Redis was out of reach, by component (`gate`, `quotaStore`, `notificationQueue`).
 *
 * @since 1.0.0
 * @category metrics
 */
export const redisUnavailable: Counter = counterOf("redisUnavailable")

/**
 * Attempts that waited at the process's own gate because Redis was out of reach.
 *
 * @since 1.0.0
 * @category metrics
 */
export const gateFallbacks: Counter = counterOf("gateFallbacks")

/**
 * Notifications the receiver answered, by type and answer status.
 *
 * @since 1.0.0
 * @category metrics
 */
export const notificationsReceived: Counter = counterOf("notificationsReceived")

/**
 * Repeats of a stored notification (answered 200, not queued again), by type.
 *
 * @since 1.0.0
 * @category metrics
 */
export const notificationDuplicates: Counter = counterOf("notificationDuplicates")

/**
 * Events stored and not yet acknowledged, per queue, as last seen.
 *
 * @since 1.0.0
 * @category metrics
 */
export const notificationsPending: Gauge = gaugeOf("notificationsPending")

/**
 * Events whose handler failed or died, by type.
 *
 * @since 1.0.0
 * @category metrics
 */
export const handlerFailures: Counter = counterOf("handlerFailures")

/**
 * Events handed to a consumer again, by type.
 *
 * @since 1.0.0
 * @category metrics
 */
export const redeliveries: Counter = counterOf("redeliveries")

/**
 * Events this process moved to a queue's dead letters.
 *
 * @since 1.0.0
 * @category metrics
 */
export const deadLettered: Counter = counterOf("deadLettered")

/**
 * Events in a queue's dead letters, as last seen.
 *
 * @since 1.0.0
 * @category metrics
 */
export const deadLetters: Gauge = gaugeOf("deadLetters")

/**
 * Every metric of the library by its key in `core/metrics/names.ts` (without attributes but its unit).
 *
 * @since 1.0.0
 * @category metrics
 */
export const metrics: { readonly [K in MetricKey]: Counter | Gauge | Histogram } = {
  calls,
  callDuration,
  attemptDuration,
  rateLimited,
  retries,
  gateWait,
  quotaRefused,
  quotaRemaining,
  leasesLost,
  redisDuration,
  redisUnavailable,
  gateFallbacks,
  notificationsReceived,
  notificationDuplicates,
  notificationsPending,
  handlerFailures,
  redeliveries,
  deadLettered,
  deadLetters
}

// -----------------------------------------------------------------------------
// The business id as an attribute (opt-in)
// -----------------------------------------------------------------------------

/**
 * The businesses whose calls carry `yandex_market.business_id`; empty by default (see the module's
 * description for why).
 *
 * @since 1.0.0
 * @category options
 */
export class BusinessIdAttribute extends Context.Reference<BusinessIdAttribute>()(
  "effect-yandex-market-chats/ChatsMetrics/BusinessIdAttribute",
  { defaultValue: (): ReadonlySet<number> => new Set() }
) {}

/**
 * Makes the calls of `businessIds`, a small known set, carry `yandex_market.business_id` in their metrics.
 *
 * @since 1.0.0
 * @category options
 */
export const layerBusinessIdAttribute = (businessIds: Iterable<number>): Layer.Layer<never> =>
  Layer.succeed(BusinessIdAttribute, new Set(businessIds))

// -----------------------------------------------------------------------------
// Series, made once
// -----------------------------------------------------------------------------

/** No business named: the series without a business id. */
const noneNamed: ReadonlySet<number> = new Set()

/** Runs `record` with the series of `operation`'s calls of `businessId` (with its id when the application named it). */
const withSeries = (
  operation: Operation,
  businessId: number | undefined,
  record: (series: CallSeries<Counter, Gauge, Histogram>) => Effect.Effect<void>
): Effect.Effect<void> =>
  businessId === undefined
    ? record(seriesOfOperation(operation).seriesOf(noneNamed, undefined))
    : Effect.flatMap(BusinessIdAttribute, (named) => record(seriesOfOperation(operation).seriesOf(named, businessId)))

/** The series of the calls to Redis and of its failures. */
const redisSeries = new RedisSeries(instruments)
/** The series of the notification receiver and its queues. */
const notificationSeries = new NotificationSeries(instruments)

// -----------------------------------------------------------------------------
// Recording: the client
// -----------------------------------------------------------------------------

/**
 * Records a whole call of `operation`: its outcome (`success`, or the tag of its error) and how long
 * it took, retries and waits included.
 *
 * @since 1.0.0
 * @category recording
 */
export const recordCall = (
  operation: Operation,
  outcome: string,
  durationMillis: number,
  businessId?: number
): Effect.Effect<void> =>
  withSeries(operation, businessId, (series) => {
    const [counter, histogram] = series.callsOf(outcome)
    return Effect.zipRight(Metric.update(counter, 1), Metric.update(histogram, toSeconds(durationMillis)))
  })

/**
 * Records one attempt of `operation` (one HTTP exchange): the status of its answer, or the tag of the
 * error when no answer came (`RequestTimeoutError`, `TransportError`), and how long it took.
 *
 * @since 1.0.0
 * @category recording
 */
export const recordAttempt = (operation: Operation, result: number | string, durationMillis: number): Effect.Effect<void> =>
  Metric.update(seriesOfOperation(operation).attemptOf(result), toSeconds(durationMillis))

/**
 * Records a 420 answer of the market to `operation`, by the limit it names.
 *
 * @since 1.0.0
 * @category recording
 */
export const record420 = (kind: RateLimitKind, operation: Operation, businessId?: number): Effect.Effect<void> =>
  withSeries(operation, businessId, (series) => Metric.update(series.rateLimitedOf(kind), 1))

/**
 * Records a retry of `operation` after a failure with the tag `errorTag`.
 *
 * @since 1.0.0
 * @category recording
 */
export const recordRetry = (operation: Operation, errorTag: string, businessId?: number): Effect.Effect<void> =>
  withSeries(operation, businessId, (series) => Metric.update(series.retriesOf(errorTag), 1))

/**
 * Records how long an attempt of `operation` waited at the gate for its slot (0 when it went at once).
 *
 * @since 1.0.0
 * @category recording
 */
export const recordGateWait = (operation: Operation, waitedMillis: number, businessId?: number): Effect.Effect<void> =>
  withSeries(operation, businessId, (series) => Metric.update(series.gateWait, toSeconds(waitedMillis)))

/**
 * Records a call of `operation` refused without a request because its quota is spent.
 *
 * @since 1.0.0
 * @category recording
 */
export const recordQuotaRefused = (operation: Operation, businessId?: number): Effect.Effect<void> =>
  withSeries(operation, businessId, (series) => Metric.update(series.quotaRefused, 1))

/**
 * Sets the requests left in `operation`'s quota, as an answer of the market reported them.
 *
 * @since 1.0.0
 * @category recording
 */
export const setQuotaRemaining = (operation: Operation, remaining: number, businessId?: number): Effect.Effect<void> =>
  withSeries(operation, businessId, (series) => Metric.update(series.quotaRemaining, remaining))

// -----------------------------------------------------------------------------
// Recording: Redis
// -----------------------------------------------------------------------------

/**
 * Records a lease of the Redis gate lost while its request was in flight.
 *
 * @since 1.0.0
 * @category recording
 */
export const recordLeaseLost: Effect.Effect<void> = Metric.update(leasesLost, 1)

/**
 * Records an attempt that waited at the process's own gate because Redis was out of reach.
 *
 * @since 1.0.0
 * @category recording
 */
export const recordGateFallback: Effect.Effect<void> = Metric.update(gateFallbacks, 1)

/**
 * Which part of the library a Redis failure surfaced in.
 *
 * @since 1.0.0
 * @category recording
 */
export type RedisComponent = SeriesRedisComponent

/**
 * Records a typed error of `component` because Redis was out of reach.
 *
 * @since 1.0.0
 * @category recording
 */
export const recordRedisUnavailable = (component: RedisComponent): Effect.Effect<void> =>
  Metric.update(redisSeries.unavailableOf(component), 1)

/**
 * Records how long a call to Redis took; `failure` when it failed: `answered` (Redis answered with an
 * error) or `unreachable` (it timed out, or the connection failed).
 *
 * @since 1.0.0
 * @category recording
 */
export const recordRedisCall = (durationMillis: number, failure?: RedisFailure): Effect.Effect<void> =>
  Metric.update(redisSeries.callOf(failure), toSeconds(durationMillis))

// -----------------------------------------------------------------------------
// Recording: notifications
// -----------------------------------------------------------------------------

/**
 * The type label of an event (`CHAT_MESSAGE_SENT`, ..., `OTHER` for a notification the library does not
 * decode field by field).
 *
 * @since 1.0.0
 * @category recording
 */
export const notificationTypeOf = (event: { readonly _tag: string }): string => notificationTypeOfTag(event._tag)

/**
 * Records a notification the receiver answered: its wire type (`none` when the answer came before the
 * type was read; any type the library does not know counts as `OTHER`) and the answer's status.
 *
 * @since 1.0.0
 * @category recording
 */
export const recordNotification = (wireType: string | undefined, status: number): Effect.Effect<void> =>
  Metric.update(notificationSeries.receivedOf(wireType, status), 1)

/**
 * Records a repeat of a stored notification of type `type` (see {@link notificationTypeOf}).
 *
 * @since 1.0.0
 * @category recording
 */
export const recordDuplicate = (type: string): Effect.Effect<void> =>
  Metric.update(notificationSeries.byTypeOf("notificationDuplicates", type), 1)

/**
 * Records an event of type `type` whose handler failed or died.
 *
 * @since 1.0.0
 * @category recording
 */
export const recordHandlerFailure = (type: string): Effect.Effect<void> =>
  Metric.update(notificationSeries.byTypeOf("handlerFailures", type), 1)

/**
 * Records an event of type `type` handed to a consumer again.
 *
 * @since 1.0.0
 * @category recording
 */
export const recordRedelivery = (type: string): Effect.Effect<void> => Metric.update(notificationSeries.byTypeOf("redeliveries", type), 1)

/**
 * Sets how many events of queue `queue` are stored and not yet acknowledged.
 *
 * @since 1.0.0
 * @category recording
 */
export const setPending = (queue: string, pending: number): Effect.Effect<void> =>
  Metric.update(notificationSeries.pendingOf(queue), pending)

/**
 * Records an event this process moved to the dead letters of queue `queue`.
 *
 * @since 1.0.0
 * @category recording
 */
export const recordDeadLettered = (queue: string): Effect.Effect<void> => Metric.update(notificationSeries.deadLetteredOf(queue), 1)

/**
 * Sets how many events are in the dead letters of queue `queue`.
 *
 * @since 1.0.0
 * @category recording
 */
export const setDeadLetters = (queue: string, count: number): Effect.Effect<void> =>
  Metric.update(notificationSeries.deadLettersOf(queue), count)

/**
 * The `yandex_market.queue.name` of the receiver's in-memory queue.
 *
 * @since 1.0.0
 * @category recording
 */
export const memoryQueueName = "memory"
