/**
 * The attributes of the client's series, and the caches the editions keep them in (each operation's,
 * made once): plain TypeScript both editions' metric modules build on, given how to make a series
 * ({@link Instruments}: only the `Metric` calls differ between the editions).
 */
import { endpoints } from "../client/endpoints.js"
import {
  attributes as names,
  boundaries,
  type MetricKey,
  notificationTypeLabel,
  notificationTypeLabels,
  toSeconds
} from "./names.js"

/** A series' attributes. */
export type Attributes = Readonly<Record<string, string>>

/** An operation's name (a key of the endpoints table). */
export type OperationName = keyof typeof endpoints

/** The value of `map` at `key`, made with `make` and kept the first time. */
export const once = <K, V>(map: Map<K, V>, key: K, make: () => V): V => {
  let found = map.get(key)
  if (found === undefined) {
    found = make()
    map.set(key, found)
  }
  return found
}

/** The key of a series. */
export const keyOf = (...parts: ReadonlyArray<string | number | undefined>): string => parts.join("\u0000")

/** The attributes of an operation's series, with the business's when given. */
export const operationAttributes = (operation: OperationName, business: string | undefined, extra: Attributes = {}): Attributes =>
  business === undefined
    ? { [names.operation]: operation, ...extra }
    : { [names.operation]: operation, ...extra, [names.businessId]: business }

/**
 * The attributes of an attempt of `operation`: its method, and the status of its answer (with
 * `error.type` for a status of 400 or more), or the tag of the error when no answer came.
 */
export const attemptAttributes = (operation: OperationName, result: number | string): Attributes => ({
  [names.operation]: operation,
  [names.method]: endpoints[operation].method,
  ...(typeof result === "number"
    ? { [names.status]: String(result), ...(result >= 400 ? { [names.errorType]: String(result) } : {}) }
    : { [names.errorType]: result })
})

/** How an edition makes a series of a metric of the table (its `Metric` calls). */
export interface Instruments<Counter, Gauge, Histogram> {
  readonly counter: (key: MetricKey, attributes: Attributes) => Counter
  readonly gauge: (key: MetricKey, attributes: Attributes) => Gauge
  readonly histogram: (key: MetricKey, bounds: ReadonlyArray<number>, attributes: Attributes) => Histogram
}

/**
 * The series of one operation's calls for one business (or none), made on first use. A lookup of a
 * series already made allocates nothing (it reads its map before making a function to build one).
 */
export class CallSeries<Counter, Gauge, Histogram> {
  readonly #instruments: Instruments<Counter, Gauge, Histogram>
  readonly #operation: OperationName
  readonly #business: string | undefined
  readonly #calls = new Map<string, readonly [Counter, Histogram]>()
  readonly #rateLimited = new Map<string, Counter>()
  readonly #retries = new Map<string, Counter>()
  readonly gateWait: Histogram
  readonly quotaRemaining: Gauge
  readonly quotaRefused: Counter

  constructor(instruments: Instruments<Counter, Gauge, Histogram>, operation: OperationName, business: string | undefined) {
    this.#instruments = instruments
    this.#operation = operation
    this.#business = business
    const attributes = operationAttributes(operation, business)
    this.gateWait = instruments.histogram("gateWait", boundaries.gateWait, attributes)
    this.quotaRemaining = instruments.gauge("quotaRemaining", attributes)
    this.quotaRefused = instruments.counter("quotaRefused", attributes)
    this.callsOf("success")
  }

  /** The call counter and duration of `outcome`. */
  callsOf(outcome: string): readonly [Counter, Histogram] {
    return this.#calls.get(outcome) ?? once(this.#calls, outcome, () => {
      const attributes = operationAttributes(this.#operation, this.#business, { [names.outcome]: outcome })
      return [this.#instruments.counter("calls", attributes), this.#instruments.histogram("callDuration", boundaries.call, attributes)] as const
    })
  }

  /** The counter of the market's 420s of `kind`. */
  rateLimitedOf(kind: string): Counter {
    return this.#rateLimited.get(kind) ?? once(this.#rateLimited, kind, () =>
      this.#instruments.counter("rateLimited", operationAttributes(this.#operation, this.#business, { [names.rateLimitKind]: kind })))
  }

  /** The counter of retries after a failure tagged `errorTag`. */
  retriesOf(errorTag: string): Counter {
    return this.#retries.get(errorTag) ?? once(this.#retries, errorTag, () =>
      this.#instruments.counter("retries", operationAttributes(this.#operation, this.#business, { [names.errorType]: errorTag })))
  }
}

/** The series of one operation's calls: by business (see {@link CallSeries}) and its attempts', made on first use. */
export class OperationSeries<Counter, Gauge, Histogram> {
  readonly operation: OperationName
  readonly #instruments: Instruments<Counter, Gauge, Histogram>
  readonly #attempts = new Map<number | string, Histogram>()
  readonly #anyBusiness: CallSeries<Counter, Gauge, Histogram>
  readonly #named = new Map<number, CallSeries<Counter, Gauge, Histogram>>()

  constructor(instruments: Instruments<Counter, Gauge, Histogram>, operation: OperationName) {
    this.operation = operation
    this.#instruments = instruments
    this.#anyBusiness = new CallSeries(instruments, operation, undefined)
  }

  /** The series of a call of `businessId`: with its id when the application names it in `named` (none when not given). */
  seriesOf(named: ReadonlySet<number>, businessId: number | undefined): CallSeries<Counter, Gauge, Histogram> {
    if (businessId === undefined || named.size === 0 || !named.has(businessId)) return this.#anyBusiness
    return this.#named.get(businessId) ?? once(this.#named, businessId, () => new CallSeries(this.#instruments, this.operation, String(businessId)))
  }

  /** The duration of the attempts answered with status `result`, or failed with the error tagged `result` (no business id). */
  attemptOf(result: number | string): Histogram {
    return this.#attempts.get(result) ?? once(this.#attempts, result, () =>
      this.#instruments.histogram("attemptDuration", boundaries.attempt, attemptAttributes(this.operation, result)))
  }
}

/** Each operation's series, made once by `instruments` on first use (an edition keeps one per process). */
export const seriesByOperation = <Counter, Gauge, Histogram>(
  instruments: Instruments<Counter, Gauge, Histogram>
): (operation: OperationName) => OperationSeries<Counter, Gauge, Histogram> => {
  const byOperation = new Map<OperationName, OperationSeries<Counter, Gauge, Histogram>>()
  return (operation) => byOperation.get(operation) ?? once(byOperation, operation, () => new OperationSeries(instruments, operation))
}

/** Which part of the library a Redis failure surfaced in. */
export type RedisComponent = "gate" | "quotaStore" | "notificationQueue"

/** How a call to Redis failed: Redis answered with an error, or it timed out or the connection failed. */
export type RedisFailure = "answered" | "unreachable"

/** The series of the calls to Redis and of its failures, made on first use. */
export class RedisSeries<Counter, Gauge, Histogram> {
  readonly #instruments: Instruments<Counter, Gauge, Histogram>
  readonly #unavailable = new Map<RedisComponent, Counter>()
  readonly #calls = new Map<RedisFailure | undefined, Histogram>()

  constructor(instruments: Instruments<Counter, Gauge, Histogram>) {
    this.#instruments = instruments
  }

  /** The counter of the typed errors of `component` because Redis was out of reach. */
  unavailableOf(component: RedisComponent): Counter {
    return once(this.#unavailable, component, () => this.#instruments.counter("redisUnavailable", { [names.component]: component }))
  }

  /** The duration of the calls to Redis that ended with `failure` (none: they succeeded). */
  callOf(failure: RedisFailure | undefined): Histogram {
    return once(this.#calls, failure, () =>
      this.#instruments.histogram("redisDuration", boundaries.redis, {
        [names.dbSystem]: "redis",
        ...(failure === undefined ? {} : { [names.errorType]: failure })
      }))
  }
}

/** The series of the notification receiver and its queues, made on first use. */
export class NotificationSeries<Counter, Gauge, Histogram> {
  readonly #instruments: Instruments<Counter, Gauge, Histogram>
  readonly #received = new Map<string, Counter>()
  readonly #byType = new Map<string, Counter>()
  readonly #pending = new Map<string, Gauge>()
  readonly #deadLettered = new Map<string, Counter>()
  readonly #deadLetters = new Map<string, Gauge>()

  constructor(instruments: Instruments<Counter, Gauge, Histogram>) {
    this.#instruments = instruments
  }

  /**
   * The counter of the notifications answered with `status` of wire type `wireType` (`none` when the
   * answer came before the type was read; a type the library does not know counts as `OTHER`).
   */
  receivedOf(wireType: string | undefined, status: number): Counter {
    const type = wireType === undefined ? notificationTypeLabels.none : notificationTypeLabel(wireType)
    return once(this.#received, keyOf(type, status), () =>
      this.#instruments.counter("notificationsReceived", { [names.notificationType]: type, [names.status]: String(status) }))
  }

  /** The counter of `metric` (repeats, handler failures, redeliveries) for events of type `type`. */
  byTypeOf(metric: "notificationDuplicates" | "handlerFailures" | "redeliveries", type: string): Counter {
    return once(this.#byType, keyOf(metric, type), () => this.#instruments.counter(metric, { [names.notificationType]: type }))
  }

  /** The gauge of the events of queue `queue` stored and not yet acknowledged. */
  pendingOf(queue: string): Gauge {
    return once(this.#pending, queue, () => this.#instruments.gauge("notificationsPending", { [names.queue]: queue }))
  }

  /** The counter of the events this process moved to the dead letters of queue `queue`. */
  deadLetteredOf(queue: string): Counter {
    return once(this.#deadLettered, queue, () => this.#instruments.counter("deadLettered", { [names.queue]: queue }))
  }

  /** The gauge of the events in the dead letters of queue `queue`. */
  deadLettersOf(queue: string): Gauge {
    return once(this.#deadLetters, queue, () => this.#instruments.gauge("deadLetters", { [names.queue]: queue }))
  }
}

/** What one call records (see {@link SeriesRecording}). */
export interface Recording {
  /** When the call started, in milliseconds of the clock. */
  readonly started: number
  /** The clock's time, in milliseconds with their fraction. */
  readonly now: () => number
  readonly call: (outcome: string) => void
  readonly attempt: (result: number | string, startedAt: number) => void
  readonly gateWait: (askedAt: number) => void
  readonly quotaRemaining: (remaining: number) => void
  readonly quotaRefused: () => void
  readonly rateLimited: (kind: string) => void
  readonly retry: (errorTag: string) => void
}

/** A recording that records nothing (for the bench's row that measures what recording costs). */
export const notRecording: Recording = {
  started: 0,
  now: () => 0,
  call: () => {},
  attempt: () => {},
  gateWait: () => {},
  quotaRemaining: () => {},
  quotaRefused: () => {},
  rateLimited: () => {},
  retry: () => {}
}

/**
 * What one call records into its operation's series, each method a plain step; an edition says what
 * time it is and how a series is updated (with the metric labels or context the call started in).
 */
export abstract class SeriesRecording<Counter, Gauge, Histogram> implements Recording {
  readonly #operation: OperationSeries<Counter, Gauge, Histogram>
  readonly #series: CallSeries<Counter, Gauge, Histogram>
  /** When the call started, in milliseconds of the clock. */
  readonly started: number

  constructor(operation: OperationSeries<Counter, Gauge, Histogram>, series: CallSeries<Counter, Gauge, Histogram>, started: number) {
    this.#operation = operation
    this.#series = series
    this.started = started
  }

  /** The clock's time, in milliseconds with their fraction. */
  abstract now(): number

  /** Adds `value` to a counter or histogram, or sets a gauge to it. */
  protected abstract update(metric: Counter | Gauge | Histogram, value: number): void

  /** The whole call ended with `outcome` (`success`, or the tag of its error). */
  call(outcome: string): void {
    const [counter, duration] = this.#series.callsOf(outcome)
    this.update(counter, 1)
    this.update(duration, toSeconds(this.now() - this.started))
  }

  /** An attempt that started at `startedAt` ended with an answer of status `result`, or the error tagged `result`. */
  attempt(result: number | string, startedAt: number): void {
    this.update(this.#operation.attemptOf(result), toSeconds(this.now() - startedAt))
  }

  /** An attempt that asked for its slot at `askedAt` holds it now. */
  gateWait(askedAt: number): void {
    this.update(this.#series.gateWait, toSeconds(this.now() - askedAt))
  }

  /** An answer reported `remaining` requests left in the operation's quota. */
  quotaRemaining(remaining: number): void {
    this.update(this.#series.quotaRemaining, remaining)
  }

  /** The call was refused without a request: the quota is spent. */
  quotaRefused(): void {
    this.update(this.#series.quotaRefused, 1)
  }

  /** The market answered 420 for the limit `kind`. */
  rateLimited(kind: string): void {
    this.update(this.#series.rateLimitedOf(kind), 1)
  }

  /** The call goes again after a failure tagged `errorTag`. */
  retry(errorTag: string): void {
    this.update(this.#series.retriesOf(errorTag), 1)
  }
}
