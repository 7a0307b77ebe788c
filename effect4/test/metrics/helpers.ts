/**
 * Shared code of the metrics tests (not a test file): a registry of the test's own, and the value of
 * one series read from it by name and attributes (as an exporter reads it, through `Metric.snapshot`).
 */
import { Effect, Metric } from "effect"
import { metricNames } from "../../../core/metrics/names.js"
import type { ExpectedSeries } from "../../../core/testing/metricCases.js"

/** Runs `effect` with a metric registry of its own, so that a test sees only what it recorded. */
export const withRegistry = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.suspend(() => Effect.provideService(effect, Metric.MetricRegistry, new Map()))

/** The series of metric `name` whose attributes are exactly `attributes` (besides `unit`). */
export const seriesOf = (name: string, attributes: Record<string, string>) =>
  Effect.map(Metric.snapshot, (snapshot) =>
    snapshot.filter((s) => {
      if (s.id !== name) return false
      const { unit: _, ...rest } = s.attributes ?? {}
      const keys = Object.keys(rest)
      return keys.length === Object.keys(attributes).length && keys.every((k) => rest[k] === attributes[k])
    }))

/** A counter's count (0 when it has no such series). */
export const counted = (name: string, attributes: Record<string, string> = {}) =>
  Effect.map(seriesOf(name, attributes), ([s]) => (s === undefined ? 0 : Number((s.state as Metric.CounterState<number>).count)))

/** A gauge's value (`undefined` when it has no such series). */
export const gauged = (name: string, attributes: Record<string, string> = {}) =>
  Effect.map(seriesOf(name, attributes), ([s]) => (s === undefined ? undefined : Number((s.state as Metric.GaugeState<number>).value)))

/** A histogram's state (`undefined` when it has no such series). */
export const histogram = (name: string, attributes: Record<string, string> = {}) =>
  Effect.map(seriesOf(name, attributes), ([s]) => (s === undefined ? undefined : (s.state as Metric.HistogramState)))

/** The sum of a counter over every series whose attributes include `attributes`. */
export const countedOver = (name: string, attributes: Record<string, string> = {}) =>
  Effect.map(Metric.snapshot, (snapshot) =>
    snapshot
      .filter((s) => s.id === name && Object.entries(attributes).every(([k, v]) => s.attributes?.[k] === v))
      .reduce((sum, s) => sum + Number((s.state as Metric.CounterState<number>).count), 0))

/** The value of a shared case's series (`core/testing/metricCases.ts`): a counter's count, a histogram's observations. */
export const moved = ({ attributes, metric }: ExpectedSeries) =>
  metricNames[metric].instrument === "histogram"
    ? Effect.map(histogram(metricNames[metric].name, attributes), (state) => state?.count ?? 0)
    : counted(metricNames[metric].name, attributes)
