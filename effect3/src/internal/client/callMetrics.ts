/**
 * The client's metrics as its call path records them (see `ChatsMetrics` for what each one means):
 * the series of an operation are made once per process and operation, those of a business the
 * application names (`ChatsMetrics.layerBusinessIdAttribute`) on its first call, and a call updates
 * them in plain steps with the metric labels and clock of the fiber it started in: no effect of its
 * own, no fiber. The series and the steps are `core/metrics/series.ts`'s; this module adds Effect 3's
 * clock and `Metric` update.
 */
import { Clock, Context, DefaultServices, FiberRef, type MetricLabel } from "effect"
import { notRecording, type Recording, SeriesRecording } from "../../../../core/metrics/series.js"
import type { Operation } from "../../ChatsError.js"
import { BusinessIdAttribute } from "../../ChatsMetrics.js"
import { type Counter, type Gauge, type Histogram, type Series, seriesOfOperation } from "../metrics/instruments.js"

export type { Recording } from "../../../../core/metrics/series.js"

/**
 * Whether calls record their metrics: always, but for the bench's row that measures what recording
 * costs. Not part of the public API.
 */
export class CallMetricsEnabled extends Context.Reference<CallMetricsEnabled>()(
  "effect-yandex-market-chats/internal/CallMetricsEnabled",
  { defaultValue: () => true }
) {}

/** The part of a fiber a recording reads when its call starts. */
export interface FiberView {
  readonly currentContext: Context.Context<never>
  getFiberRef<A>(fiberRef: FiberRef.FiberRef<A>): A
}

/** The time of `clock`, in milliseconds with their fraction. */
const millisOf = (clock: Clock.Clock): number => Number(clock.unsafeCurrentTimeNanos()) / 1_000_000

/** What one call records, with the fiber's metric labels and clock. */
class CallRecording extends SeriesRecording<Counter, Gauge, Histogram> {
  readonly #labels: ReadonlyArray<MetricLabel.MetricLabel>
  readonly #clock: Clock.Clock

  constructor(
    metrics: Series,
    named: ReadonlySet<number>,
    businessId: number,
    labels: ReadonlyArray<MetricLabel.MetricLabel>,
    clock: Clock.Clock
  ) {
    super(metrics, metrics.seriesOf(named, businessId), millisOf(clock))
    this.#labels = labels
    this.#clock = clock
  }

  /** The clock's time, in milliseconds with their fraction. */
  now(): number {
    return millisOf(this.#clock)
  }

  /** Updates `metric` with the fiber's metric labels. */
  protected update(metric: Counter | Gauge | Histogram, value: number): void {
    metric.unsafeUpdate(value, this.#labels)
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
