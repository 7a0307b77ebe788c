/**
 * How the library makes its metrics' series from the table of `core/metrics/names.ts`, each with its
 * unit as the `unit` attribute (Effect's convention); the attributes and caches of the series come from
 * `core/metrics/series.ts`. Shared by `ChatsMetrics` and the client's call path (`internal/client/callMetrics.ts`).
 */
import { Metric } from "effect"
import { type MetricKey, metricNames } from "../../../../core/metrics/names.js"
import type { Attributes, Instruments } from "../../../../core/metrics/series.js"

/** A counter of numbers. */
export type Counter = Metric.Counter<number>
/** A gauge of numbers. */
export type Gauge = Metric.Gauge<number>
/** A histogram of numbers. */
export type Histogram = Metric.Histogram<number>

/** The base attributes of a metric: its unit. */
const unitOf = (key: MetricKey): Attributes => ({ unit: metricNames[key].unit })

/** A counter of `key`, with `attributes` besides its unit. */
export const counterOf = (key: MetricKey, attributes: Attributes = {}): Metric.Counter<number> =>
  Metric.counter(metricNames[key].name, {
    description: metricNames[key].description,
    incremental: true,
    attributes: { ...attributes, ...unitOf(key) }
  })

/** A gauge of `key`, with `attributes` besides its unit. */
export const gaugeOf = (key: MetricKey, attributes: Attributes = {}): Metric.Gauge<number> =>
  Metric.gauge(metricNames[key].name, { description: metricNames[key].description, attributes: { ...attributes, ...unitOf(key) } })

/** A histogram of `key` over `bounds`, with `attributes` besides its unit. */
export const histogramOf = (key: MetricKey, bounds: ReadonlyArray<number>, attributes: Attributes = {}): Metric.Histogram<number> =>
  Metric.histogram(metricNames[key].name, {
    description: metricNames[key].description,
    boundaries: bounds,
    attributes: { ...attributes, ...unitOf(key) }
  })

/** How the Effect 4 edition makes a series (for `core/metrics/series.ts`). */
export const instruments: Instruments<Counter, Gauge, Histogram> = { counter: counterOf, gauge: gaugeOf, histogram: histogramOf }
