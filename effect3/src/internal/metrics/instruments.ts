/**
 * How the library makes its metrics' series from the table of `core/metrics/names.ts` with Effect 3's
 * `Metric`: each tagged with its attributes and its unit (`unit`, as the Effect 4 edition does), so
 * that both editions record the same names and attributes. Shared by `ChatsMetrics` and the call path
 * (`internal/client/callMetrics.ts`).
 */
import { Metric, MetricBoundaries, MetricKey, type MetricKeyType, MetricLabel } from "effect"
import { type MetricKey as MetricName, metricNames } from "../../../../core/metrics/names.js"
import { type Attributes, type Instruments, type OperationSeries, seriesByOperation } from "../../../../core/metrics/series.js"

/** A counter of numbers. */
export type Counter = Metric.Metric.Counter<number>
/** A gauge of numbers. */
export type Gauge = Metric.Metric.Gauge<number>
/** A histogram of numbers. */
export type Histogram = Metric.Metric.Histogram<number>

/** The labels of a series of `key`: `attributes` and the unit. */
const labelsOf = (key: MetricName, attributes: Attributes): ReadonlyArray<MetricLabel.MetricLabel> =>
  Object.entries({ ...attributes, unit: metricNames[key].unit }).map(([name, value]) => MetricLabel.make(name, value))

/**
 * The metric of a key tagged with its labels. (`Metric.taggedWithLabels` would merge the labels and
 * look the series up in the registry at each update; a metric made from the tagged key finds its
 * series once.)
 */
const tagged = <Type extends MetricKeyType.MetricKeyType<number, unknown>>(
  key: MetricKey.MetricKey<Type>,
  name: MetricName,
  attributes: Attributes
) => Metric.fromMetricKey(MetricKey.taggedWithLabels(key, labelsOf(name, attributes)))

/** A counter of `key`, with `attributes` besides its unit. */
export const counterOf = (key: MetricName, attributes: Attributes = {}): Counter =>
  tagged(MetricKey.counter(metricNames[key].name, { description: metricNames[key].description, incremental: true }), key, attributes)

/** A gauge of `key`, with `attributes` besides its unit. */
export const gaugeOf = (key: MetricName, attributes: Attributes = {}): Gauge =>
  tagged(MetricKey.gauge(metricNames[key].name, { description: metricNames[key].description }), key, attributes)

/** A histogram of `key` over `bounds`, with `attributes` besides its unit. */
export const histogramOf = (key: MetricName, bounds: ReadonlyArray<number>, attributes: Attributes = {}): Histogram =>
  tagged(
    MetricKey.histogram(metricNames[key].name, MetricBoundaries.fromIterable(bounds), metricNames[key].description),
    key,
    attributes
  )

/** How the Effect 3 edition makes a series (for `core/metrics/series.ts`). */
export const instruments: Instruments<Counter, Gauge, Histogram> = { counter: counterOf, gauge: gaugeOf, histogram: histogramOf }

/** The series of one operation's calls. */
export type Series = OperationSeries<Counter, Gauge, Histogram>

/** The series of an operation's calls, made once per process (Effect 3's metrics live in one registry per process). */
export const seriesOfOperation = seriesByOperation(instruments)
