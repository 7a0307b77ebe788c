/**
 * The client's metrics as its call path records them (see `ChatsMetrics` for what each one means):
 * the series of an operation are made once per client and operation, those of a business the
 * application names (`ChatsMetrics.layerBusinessIdAttribute`) on its first call, and a call updates
 * them in plain steps with the context it started in: no effect of its own, no fiber. The series and
 * the steps are `core/metrics/series.ts`'s; this module adds Effect 4's clock and `Metric` update.
 */
import { Clock, Context } from "effect"
import { notRecording, OperationSeries, type Recording, SeriesRecording } from "../../../../core/metrics/series.js"
import type { Operation } from "../../ChatsError.js"
import { BusinessIdAttribute } from "../../ChatsMetrics.js"
import { type Counter, type Gauge, type Histogram, instruments } from "../metrics/instruments.js"

export type { Recording } from "../../../../core/metrics/series.js"

/**
 * Whether calls record their metrics: always, but for the bench's row that measures what recording
 * costs (`effect4/bench/rows.ts`). Not part of the public API.
 */
export const CallMetricsEnabled = Context.Reference<boolean>("effect-yandex-market-chats/internal/CallMetricsEnabled", {
  defaultValue: () => true
})

/** The time of `clock`, in milliseconds with their fraction. */
const millisOf = (clock: Clock.Clock): number => Number(clock.currentTimeNanosUnsafe()) / 1_000_000

/** What one call records, in the context it started in. */
class CallRecording extends SeriesRecording<Counter, Gauge, Histogram> {
  readonly #context: Context.Context<never>
  readonly #clock: Clock.Clock

  constructor(metrics: OperationMetrics, context: Context.Context<never>, clock: Clock.Clock, businessId: number) {
    super(metrics, metrics.seriesOf(Context.get(context, BusinessIdAttribute), businessId), millisOf(clock))
    this.#context = context
    this.#clock = clock
  }

  /** The clock's time, in milliseconds with their fraction. */
  now(): number {
    return millisOf(this.#clock)
  }

  /** Updates `metric` with the call's context. */
  protected update(metric: Counter | Gauge | Histogram, value: number): void {
    metric.updateUnsafe(value, this.#context)
  }
}

/** The series of one operation (`core/metrics/series.ts`), made once per client and operation. */
export class OperationMetrics extends OperationSeries<Counter, Gauge, Histogram> {
  constructor(operation: Operation) {
    super(instruments, operation)
  }

  /** The recording of a call of `businessId` starting now in `context`. */
  start(context: Context.Context<never>, businessId: number): Recording {
    return Context.get(context, CallMetricsEnabled)
      ? new CallRecording(this, context, Context.get(context, Clock.Clock), businessId)
      : notRecording
  }
}
