/**
 * Shared code of the metrics tests (not a test file). Effect 3's metrics live in one registry per
 * process, so a test reads what it recorded as the change of each series since it began: `measuring`
 * takes a snapshot first (`Metric.snapshot`, as an exporter reads the registry) and gives the test a
 * reader of the changes; gauges are read as they are.
 */
import { Effect, Metric, type MetricPair, type MetricState } from "effect"
import { type MetricKey, metricNames } from "../../../core/metrics/names.js"
import type { ExpectedSeries } from "../../../core/testing/metricCases.js"

type Pair = MetricPair.MetricPair.Untyped

/** Whether `pair` is the series of `name` whose attributes are exactly `attributes` (besides `unit`). */
const isSeries = (pair: Pair, name: string, attributes: Record<string, string>) => {
  if (pair.metricKey.name !== name) return false
  const tags = pair.metricKey.tags.filter((tag) => tag.key !== "unit")
  return tags.length === Object.keys(attributes).length && tags.every((tag) => attributes[tag.key] === tag.value)
}

/** Whether `pair` is a series of `name` whose attributes include `attributes`. */
const isAmong = (pair: Pair, name: string, attributes: Record<string, string>) =>
  pair.metricKey.name === name && Object.entries(attributes).every(([k, v]) => pair.metricKey.tags.some((t) => t.key === k && t.value === v))

/** A histogram's change: observations, their sum, and the observations at or under each boundary. */
export interface HistogramChange {
  readonly count: number
  readonly sum: number
  readonly atMost: (boundary: number) => number
}

/** What a test reads: the change of a series since it began, or a gauge's value. */
export interface Reader {
  /** A counter's change (0 when it has no such series). */
  readonly counted: (name: string, attributes?: Record<string, string>) => Effect.Effect<number>
  /** The sum of the changes of a counter over every series whose attributes include `attributes`. */
  readonly countedOver: (name: string, attributes?: Record<string, string>) => Effect.Effect<number>
  /** A gauge's value (`undefined` when it has no such series). */
  readonly gauged: (name: string, attributes?: Record<string, string>) => Effect.Effect<number | undefined>
  /** A histogram's change. */
  readonly histogram: (name: string, attributes?: Record<string, string>) => Effect.Effect<HistogramChange>
  /** How much the series of a shared case moved: a counter's count, a histogram's observations. */
  readonly moved: (series: ExpectedSeries) => Effect.Effect<number>
}

const counterOf = (pair: Pair | undefined) => pair === undefined ? 0 : Number((pair.metricState as MetricState.MetricState.Counter<number>).count)
const histogramOf = (pair: Pair | undefined) => pair as unknown as { readonly metricState: MetricState.MetricState.Histogram } | undefined

/** Runs `test` with a reader of what changed since it began. */
export const measuring = <A, E, R>(test: (read: Reader) => Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.flatMap(Metric.snapshot, (before) => {
    const find = (pairs: ReadonlyArray<Pair>, name: string, attributes: Record<string, string>) =>
      pairs.find((pair) => isSeries(pair, name, attributes))
    const counted = (name: string, attributes: Record<string, string> = {}) =>
      Effect.map(Metric.snapshot, (now) => counterOf(find(now, name, attributes)) - counterOf(find(before, name, attributes)))
    const histogram = (name: string, attributes: Record<string, string> = {}) =>
      Effect.map(Metric.snapshot, (now): HistogramChange => {
        const [was, is] = [histogramOf(find(before, name, attributes)), histogramOf(find(now, name, attributes))]
        const under = (state: MetricState.MetricState.Histogram | undefined, boundary: number) =>
          state?.buckets.find(([b]) => b === boundary)?.[1] ?? 0
        return {
          count: (is?.metricState.count ?? 0) - (was?.metricState.count ?? 0),
          sum: (is?.metricState.sum ?? 0) - (was?.metricState.sum ?? 0),
          atMost: (boundary) => under(is?.metricState, boundary) - under(was?.metricState, boundary)
        }
      })
    const instrumentOf = (key: MetricKey) => metricNames[key].instrument
    return test({
      counted,
      countedOver: (name, attributes = {}) =>
        Effect.map(Metric.snapshot, (now) => {
          const sum = (pairs: ReadonlyArray<Pair>) =>
            pairs.filter((pair) => isAmong(pair, name, attributes)).reduce((total, pair) => total + counterOf(pair), 0)
          return sum(now) - sum(before)
        }),
      gauged: (name, attributes = {}) =>
        Effect.map(Metric.snapshot, (now) => {
          const pair = find(now, name, attributes)
          return pair === undefined ? undefined : Number((pair.metricState as MetricState.MetricState.Gauge<number>).value)
        }),
      histogram,
      moved: ({ attributes, metric }) =>
        instrumentOf(metric) === "histogram"
          ? Effect.map(histogram(metricNames[metric].name, attributes), (change) => change.count)
          : counted(metricNames[metric].name, attributes)
    })
  })
