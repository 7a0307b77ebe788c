/**
 * The attributes of the client's series, and the caches the editions keep them in (each operation's,
 * made once): plain TypeScript both editions' metric modules build on, given how to make a series
 * ({@link Instruments}: only the `Metric` calls differ between the editions).
 */
import { endpoints } from "../client/endpoints.js"
import { attributes as names, boundaries, type MetricKey } from "./names.js"

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

/** Series made on first use and kept under a key of their attributes. */
export const cached = <M>() => {
  const series = new Map<string, M>()
  return (key: string, build: () => M): M => once(series, key, build)
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

/** The series of one operation's calls for one business (or none), made on first use. */
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
    return once(this.#calls, outcome, () => {
      const attributes = operationAttributes(this.#operation, this.#business, { [names.outcome]: outcome })
      return [this.#instruments.counter("calls", attributes), this.#instruments.histogram("callDuration", boundaries.call, attributes)] as const
    })
  }

  /** The counter of the market's 420s of `kind`. */
  rateLimitedOf(kind: string): Counter {
    return once(this.#rateLimited, kind, () =>
      this.#instruments.counter("rateLimited", operationAttributes(this.#operation, this.#business, { [names.rateLimitKind]: kind })))
  }

  /** The counter of retries after a failure tagged `errorTag`. */
  retriesOf(errorTag: string): Counter {
    return once(this.#retries, errorTag, () =>
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

  /** The series of a call of `businessId`: with its id when the application names it in `named`. */
  seriesOf(named: ReadonlySet<number>, businessId: number): CallSeries<Counter, Gauge, Histogram> {
    if (named.size === 0 || !named.has(businessId)) return this.#anyBusiness
    return once(this.#named, businessId, () => new CallSeries(this.#instruments, this.operation, String(businessId)))
  }

  /** The duration of the attempts answered with status `result`, or failed with the error tagged `result` (no business id). */
  attemptOf(result: number | string): Histogram {
    return once(this.#attempts, result, () =>
      this.#instruments.histogram("attemptDuration", boundaries.attempt, attemptAttributes(this.operation, result)))
  }
}
