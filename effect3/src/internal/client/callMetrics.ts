/**
 * The client's metrics as its call path records them (see `ChatsMetrics` for what each one means):
 * the series of an operation are made once per process and operation, those of a business the
 * application names (`ChatsMetrics.layerBusinessIdAttribute`) on its first call, and a call updates
 * them in plain steps with the metric labels and clock of the fiber it started in: no effect of its
 * own, no fiber.
 */
import { Clock, Context, DefaultServices, FiberRef, type MetricLabel } from "effect"
import { toSeconds } from "../../../../core/metrics/names.js"
import type { CallSeries } from "../../../../core/metrics/series.js"
import type { Operation, RateLimitKind } from "../../ChatsError.js"
import { BusinessIdAttribute } from "../../ChatsMetrics.js"
import { type Counter, type Gauge, type Histogram, type Series, seriesOfOperation } from "../metrics/instruments.js"

/**
 * Whether calls record their metrics: always, but for the bench's row that measures what recording
 * costs. Not part of the public API.
 */
export class CallMetricsEnabled extends Context.Reference<CallMetricsEnabled>()(
  "effect-yandex-market-chats/internal/CallMetricsEnabled",
  { defaultValue: () => true }
) {}

/** What one call records (see {@link CallRecording}). */
export interface Recording {
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
  now: () => 0,
  call: () => {},
  attempt: () => {},
  gateWait: () => {},
  quotaRemaining: () => {},
  quotaRefused: () => {},
  rateLimited: () => {},
  retry: () => {}
}

/** The part of a fiber a recording reads when its call starts. */
export interface FiberView {
  readonly currentContext: Context.Context<never>
  getFiberRef<A>(fiberRef: FiberRef.FiberRef<A>): A
}

/** What one call records, with the fiber's metric labels and clock: each method is a plain step. */
class CallRecording implements Recording {
  readonly #metrics: Series
  readonly #series: CallSeries<Counter, Gauge, Histogram>
  readonly #labels: ReadonlyArray<MetricLabel.MetricLabel>
  readonly #clock: Clock.Clock
  readonly #started: number

  constructor(
    metrics: Series,
    named: ReadonlySet<number>,
    businessId: number,
    labels: ReadonlyArray<MetricLabel.MetricLabel>,
    clock: Clock.Clock
  ) {
    this.#metrics = metrics
    this.#series = metrics.seriesOf(named, businessId)
    this.#labels = labels
    this.#clock = clock
    this.#started = this.now()
  }

  /** The clock's time, in milliseconds with their fraction. */
  now(): number {
    return Number(this.#clock.unsafeCurrentTimeNanos()) / 1_000_000
  }

  /** The whole call ended with `outcome` (`success`, or the tag of its error). */
  call(outcome: string): void {
    const [counter, duration] = this.#series.callsOf(outcome)
    counter.unsafeUpdate(1, this.#labels)
    duration.unsafeUpdate(toSeconds(this.now() - this.#started), this.#labels)
  }

  /** An attempt that started at `startedAt` ended with an answer of status `result`, or the error tagged `result`. */
  attempt(result: number | string, startedAt: number): void {
    this.#metrics.attemptOf(result).unsafeUpdate(toSeconds(this.now() - startedAt), this.#labels)
  }

  /** An attempt that asked for its slot at `askedAt` holds it now. */
  gateWait(askedAt: number): void {
    this.#series.gateWait.unsafeUpdate(toSeconds(this.now() - askedAt), this.#labels)
  }

  /** An answer reported `remaining` requests left in the operation's quota. */
  quotaRemaining(remaining: number): void {
    this.#series.quotaRemaining.unsafeUpdate(remaining, this.#labels)
  }

  /** The call was refused without a request: the quota is spent. */
  quotaRefused(): void {
    this.#series.quotaRefused.unsafeUpdate(1, this.#labels)
  }

  /** The market answered 420 for the limit `kind`. */
  rateLimited(kind: RateLimitKind): void {
    this.#series.rateLimitedOf(kind).unsafeUpdate(1, this.#labels)
  }

  /** The call goes again after a failure tagged `errorTag`. */
  retry(errorTag: string): void {
    this.#series.retriesOf(errorTag).unsafeUpdate(1, this.#labels)
  }
}

/** The recording of a call of `operation` for `businessId` starting now in `fiber`. */
export const startRecording = (fiber: FiberView, operation: Operation, businessId: number): Recording => {
  const context = fiber.currentContext
  if (!Context.get(context, CallMetricsEnabled)) return notRecording
  const metrics = seriesOfOperation(operation)
  const clock = Context.get(fiber.getFiberRef(DefaultServices.currentServices), Clock.Clock)
  const labels = fiber.getFiberRef(FiberRef.currentMetricLabels)
  return new CallRecording(metrics, Context.get(context, BusinessIdAttribute), businessId, labels, clock)
}
