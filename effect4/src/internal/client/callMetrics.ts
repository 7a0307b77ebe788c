/**
 * The client's metrics as its call path records them (see `ChatsMetrics` for what each one means):
 * the series of an operation are made once per client and operation, those of a business the
 * application names (`ChatsMetrics.layerBusinessIdAttribute`) on its first call, and a call updates
 * them in plain steps with the context it started in: no effect of its own, no fiber.
 */
import { Clock, Context, type Metric } from "effect"
import { attributes as names, boundaries, toSeconds } from "../../../../core/metrics/names.js"
import type { Operation, RateLimitKind } from "../../ChatsError.js"
import { BusinessIdAttribute } from "../../ChatsMetrics.js"
import { attemptAttributes, counterOf, gaugeOf, histogramOf, once, operationAttributes } from "../metrics/instruments.js"

/** The series of one operation's calls for one business (or none), made on first use. */
class Series {
  readonly #operation: Operation
  readonly #business: string | undefined
  readonly #calls = new Map<string, readonly [Metric.Counter<number>, Metric.Histogram<number>]>()
  readonly #rateLimited = new Map<string, Metric.Counter<number>>()
  readonly #retries = new Map<string, Metric.Counter<number>>()
  readonly gateWait: Metric.Histogram<number>
  readonly quotaRemaining: Metric.Gauge<number>
  readonly quotaRefused: Metric.Counter<number>

  constructor(operation: Operation, business: string | undefined) {
    this.#operation = operation
    this.#business = business
    const attributes = operationAttributes(operation, business)
    this.gateWait = histogramOf("gateWait", boundaries.gateWait, attributes)
    this.quotaRemaining = gaugeOf("quotaRemaining", attributes)
    this.quotaRefused = counterOf("quotaRefused", attributes)
    this.callsOf("success")
  }

  /** The call counter and duration of `outcome`. */
  callsOf(outcome: string): readonly [Metric.Counter<number>, Metric.Histogram<number>] {
    return once(this.#calls, outcome, () => {
      const attributes = operationAttributes(this.#operation, this.#business, { [names.outcome]: outcome })
      return [counterOf("calls", attributes), histogramOf("callDuration", boundaries.call, attributes)] as const
    })
  }

  /** The counter of the market's 420s of `kind`. */
  rateLimitedOf(kind: RateLimitKind): Metric.Counter<number> {
    return once(this.#rateLimited, kind, () =>
      counterOf("rateLimited", operationAttributes(this.#operation, this.#business, { [names.rateLimitKind]: kind })))
  }

  /** The counter of retries after a failure tagged `errorTag`. */
  retriesOf(errorTag: string): Metric.Counter<number> {
    return once(this.#retries, errorTag, () =>
      counterOf("retries", operationAttributes(this.#operation, this.#business, { [names.errorType]: errorTag })))
  }
}

/**
 * Whether calls record their metrics: always, but for the bench's row that measures what recording
 * costs (`effect4/bench/rows.ts`). Not part of the public API.
 */
export const CallMetricsEnabled = Context.Reference<boolean>("effect-yandex-market-chats/internal/CallMetricsEnabled", {
  defaultValue: () => true
})

/** What one call records (see {@link CallRecording}). */
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
  readonly rateLimited: (kind: RateLimitKind) => void
  readonly retry: (errorTag: string) => void
}

/** A recording that records nothing (see {@link CallMetricsEnabled}). */
const notRecording: Recording = {
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

/** What one call records, in the context it started in: each method is a plain step. */
class CallRecording implements Recording {
  readonly #series: Series
  readonly #attempts: Map<number | string, Metric.Histogram<number>>
  readonly #operation: Operation
  readonly #context: Context.Context<never>
  readonly #clock: Clock.Clock
  /** When the call started, in milliseconds of the clock. */
  readonly started: number

  constructor(metrics: OperationMetrics, context: Context.Context<never>, businessId: number) {
    this.#operation = metrics.operation
    this.#attempts = metrics.attempts
    this.#series = metrics.seriesOf(Context.get(context, BusinessIdAttribute), businessId)
    this.#context = context
    this.#clock = Context.get(context, Clock.Clock)
    this.started = this.now()
  }

  /** The clock's time, in milliseconds with their fraction. */
  now(): number {
    return Number(this.#clock.currentTimeNanosUnsafe()) / 1_000_000
  }

  /** The whole call ended with `outcome` (`success`, or the tag of its error). */
  call(outcome: string): void {
    const [counter, duration] = this.#series.callsOf(outcome)
    counter.updateUnsafe(1, this.#context)
    duration.updateUnsafe(toSeconds(this.now() - this.started), this.#context)
  }

  /** An attempt that started at `startedAt` ended with an answer of status `result`, or the error tagged `result`. */
  attempt(result: number | string, startedAt: number): void {
    const operation = this.#operation
    once(this.#attempts, result, () => histogramOf("attemptDuration", boundaries.attempt, attemptAttributes(operation, result)))
      .updateUnsafe(toSeconds(this.now() - startedAt), this.#context)
  }

  /** An attempt that asked for its slot at `askedAt` holds it now. */
  gateWait(askedAt: number): void {
    this.#series.gateWait.updateUnsafe(toSeconds(this.now() - askedAt), this.#context)
  }

  /** An answer reported `remaining` requests left in the operation's quota. */
  quotaRemaining(remaining: number): void {
    this.#series.quotaRemaining.updateUnsafe(remaining, this.#context)
  }

  /** The call was refused without a request: the quota is spent. */
  quotaRefused(): void {
    this.#series.quotaRefused.updateUnsafe(1, this.#context)
  }

  /** The market answered 420 for the limit `kind`. */
  rateLimited(kind: RateLimitKind): void {
    this.#series.rateLimitedOf(kind).updateUnsafe(1, this.#context)
  }

  /** The call goes again after a failure tagged `errorTag`. */
  retry(errorTag: string): void {
    this.#series.retriesOf(errorTag).updateUnsafe(1, this.#context)
  }
}

/** The series of one operation, made once per client and operation. */
export class OperationMetrics {
  readonly operation: Operation
  /** The attempts' durations, by status or error tag (they carry no business id). */
  readonly attempts = new Map<number | string, Metric.Histogram<number>>()
  readonly #anyBusiness: Series
  readonly #named = new Map<number, Series>()

  constructor(operation: Operation) {
    this.operation = operation
    this.#anyBusiness = new Series(operation, undefined)
  }

  /** The series of a call of `businessId`: with its id when the application names it in `named`. */
  seriesOf(named: ReadonlySet<number>, businessId: number): Series {
    if (named.size === 0 || !named.has(businessId)) return this.#anyBusiness
    return once(this.#named, businessId, () => new Series(this.operation, String(businessId)))
  }

  /** The recording of a call of `businessId` starting now in `context`. */
  start(context: Context.Context<never>, businessId: number): Recording {
    return Context.get(context, CallMetricsEnabled) ? new CallRecording(this, context, businessId) : notRecording
  }
}
