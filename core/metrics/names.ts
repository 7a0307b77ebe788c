/**
 * The metrics the library records, without Effect: each one's name, instrument, unit, attributes and
 * description, and the bucket boundaries of its histograms. Names follow the OpenTelemetry semantic
 * conventions where one exists (`http.client.request.duration`, `db.client.operation.duration`) and
 * carry the `yandex_market.` prefix otherwise. Both editions define their metrics from this table, and
 * the README's "Metrics" table is checked against it.
 */
import { chatEventTags, knownNotificationTypes } from "../notifications/wire.js"

/** The instrument of a metric, as OpenTelemetry names it. */
export type Instrument = "counter" | "histogram" | "gauge"

/** One metric as documented. */
export interface MetricName {
  /** The metric's name (OpenTelemetry's dotted form; Prometheus shows the dots as underscores). */
  readonly name: string
  readonly instrument: Instrument
  /** The unit, in UCUM as OpenTelemetry wants it: `s`, or an annotation such as `{call}`. */
  readonly unit: string
  /** The attributes each series may carry (the business id only when the application opts in). */
  readonly attributes: ReadonlyArray<string>
  /** One line: what it counts or measures. */
  readonly description: string
}

/** The attribute names the metrics use. */
export const attributes = {
  operation: "yandex_market.operation",
  outcome: "outcome",
  method: "http.request.method",
  status: "http.response.status_code",
  errorType: "error.type",
  rateLimitKind: "yandex_market.rate_limit.kind",
  businessId: "yandex_market.business_id",
  dbSystem: "db.system.name",
  component: "yandex_market.redis.component",
  notificationType: "yandex_market.notification.type",
  queue: "yandex_market.queue.name"
} as const

/** OpenTelemetry's advised boundaries for HTTP durations, in seconds. */
const httpSeconds = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10] as const

/** The bucket boundaries of each histogram, in its unit. */
export const boundaries = {
  /** An attempt: one HTTP exchange. */
  attempt: httpSeconds,
  /** A call: its attempts, the pauses between them and any wait for a quota, up to minutes. */
  call: [...httpSeconds, 30, 60, 120, 300],
  /** A wait at the gate: nothing at all in the common case, up to the length of a long request or more. */
  gateWait: [0, 0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  /** One call to Redis: OpenTelemetry's advised boundaries for database calls. */
  redis: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10]
} as const

const { operation, outcome, method, status, errorType, rateLimitKind, businessId, dbSystem, component, notificationType, queue } =
  attributes

/** Every metric of the library, by the key the editions define it under. */
export const metricNames = {
  calls: {
    name: "yandex_market.client.calls",
    instrument: "counter",
    unit: "{call}",
    attributes: [operation, outcome, businessId],
    description: "Calls of each operation, by how they ended: success, or the tag of the error."
  },
  callDuration: {
    name: "yandex_market.client.call.duration",
    instrument: "histogram",
    unit: "s",
    attributes: [operation, outcome, businessId],
    description: "How long a whole call took: its attempts, the pauses between them and any quota wait."
  },
  attemptDuration: {
    name: "http.client.request.duration",
    instrument: "histogram",
    unit: "s",
    attributes: [operation, method, status, errorType],
    description: "How long each attempt (one HTTP exchange with the market) took."
  },
  rateLimited: {
    name: "yandex_market.rate_limit.responses",
    instrument: "counter",
    unit: "{response}",
    attributes: [operation, rateLimitKind, businessId],
    description: "420 answers of the market, by limit: parallel, quota or unknown."
  },
  retries: {
    name: "yandex_market.client.retries",
    instrument: "counter",
    unit: "{retry}",
    attributes: [operation, errorType, businessId],
    description: "Attempts made again after a failure, by the tag of that failure."
  },
  gateWait: {
    name: "yandex_market.gate.wait.duration",
    instrument: "histogram",
    unit: "s",
    attributes: [operation, businessId],
    description: "How long an attempt waited at the concurrency gate for a slot."
  },
  quotaRefused: {
    name: "yandex_market.quota.refused",
    instrument: "counter",
    unit: "{call}",
    attributes: [operation, businessId],
    description: "Calls refused without a request because the operation's hourly quota is spent past the wait budget."
  },
  quotaRemaining: {
    name: "yandex_market.quota.remaining",
    instrument: "gauge",
    unit: "{request}",
    attributes: [operation, businessId],
    description: "Requests left in the operation's hourly quota, as the market last reported it."
  },
  leasesLost: {
    name: "yandex_market.gate.leases_lost",
    instrument: "counter",
    unit: "{lease}",
    attributes: [],
    description: "Leases of the Redis gate lost while their request was in flight."
  },
  redisDuration: {
    name: "db.client.operation.duration",
    instrument: "histogram",
    unit: "s",
    attributes: [dbSystem, errorType],
    description: "How long each call to Redis took (error.type: answered, or unreachable)."
  },
  redisUnavailable: {
    name: "yandex_market.redis.unavailable",
    instrument: "counter",
    unit: "{error}",
    attributes: [component],
    description: "Typed errors because Redis could not answer in time, by component: gate, quotaStore or notificationQueue."
  },
  gateFallbacks: {
    name: "yandex_market.gate.fallbacks",
    instrument: "counter",
    unit: "{call}",
    attributes: [],
    description: "Attempts that waited at the process's own gate because Redis was out of reach (fallback memory)."
  },
  notificationsReceived: {
    name: "yandex_market.notifications.received",
    instrument: "counter",
    unit: "{notification}",
    attributes: [notificationType, status],
    description: "Notifications the receiver answered, by type and answer status (200, 400, 403, 404, 500)."
  },
  notificationDuplicates: {
    name: "yandex_market.notifications.duplicates",
    instrument: "counter",
    unit: "{notification}",
    attributes: [notificationType],
    description: "Repeats of a notification already stored, answered 200 and not queued again."
  },
  notificationsPending: {
    name: "yandex_market.notifications.pending",
    instrument: "gauge",
    unit: "{event}",
    attributes: [queue],
    description: "Events stored and not yet acknowledged, as last seen."
  },
  handlerFailures: {
    name: "yandex_market.notifications.handler_failures",
    instrument: "counter",
    unit: "{failure}",
    attributes: [notificationType],
    description: "Events whose handler failed or died."
  },
  redeliveries: {
    name: "yandex_market.notifications.redeliveries",
    instrument: "counter",
    unit: "{delivery}",
    attributes: [notificationType],
    description: "Events handed to a consumer again (after a failure, or a consumer that stopped)."
  },
  deadLettered: {
    name: "yandex_market.notifications.dead_lettered",
    instrument: "counter",
    unit: "{event}",
    attributes: [queue],
    description: "Events this process moved to the dead letters."
  },
  deadLetters: {
    name: "yandex_market.notifications.dead_letters",
    instrument: "gauge",
    unit: "{event}",
    attributes: [queue],
    description: "Events in the dead letters, as last seen."
  }
} as const satisfies Record<string, MetricName>

/** The key of a metric in {@link metricNames}. */
export type MetricKey = keyof typeof metricNames

/**
 * The notification types the metrics name: the known ones as the market writes them, `OTHER` for any
 * other (a sender chooses the type, so taking it as it comes would let anyone add series), and `none`
 * when the answer came before the body was read or the body was no notification.
 */
export const notificationTypeLabels = {
  other: "OTHER",
  none: "none"
} as const

/** Milliseconds as the seconds the metrics record. */
export const toSeconds = (millis: number): number => millis / 1000

/** The type a metric names for an event's `_tag`: its wire type for a chat event, `OTHER` for any other notification. */
export const notificationTypeOfTag = (tag: string): string => wireTypeOfTag.get(tag) ?? notificationTypeLabels.other

/** The label of a wire `notificationType`: itself when the library knows it, `OTHER` otherwise. */
export const notificationTypeLabel = (type: string): string =>
  (knownNotificationTypes as ReadonlyArray<string>).includes(type) ? type : notificationTypeLabels.other

const wireTypeOfTag: ReadonlyMap<string, string> = new Map(
  Object.entries(chatEventTags).map(([wire, tag]) => [tag, wire])
)
