/**
 * The README's "Metrics" table is the list of metrics: it matches `core/metrics/names.ts` row for row,
 * and what the recording functions put in the registry (name, instrument, unit, attributes, description)
 * is what the table says.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Metric } from "effect"
import { readFileSync } from "node:fs"
import { type Instrument, metricNames } from "../../../core/metrics/names.js"
import { ChatsMetrics } from "../../src/index.js"
import { withRegistry } from "./helpers.js"

/** The rows of the table under "## Metrics", cells without their backquotes. */
const readmeRows = (): ReadonlyArray<ReadonlyArray<string>> => {
  const readme = readFileSync(new URL("../../../README.md", import.meta.url), "utf8")
  const start = readme.indexOf("\n## Metrics\n")
  const end = readme.indexOf("\n## ", start + 1)
  expect(start).toBeGreaterThan(0)
  expect(readme.indexOf("\n## Tracing and logs\n")).toBe(end) // the section comes right before "Tracing and logs"
  return readme.slice(start, end).split("\n")
    .filter((line) => line.startsWith("| `"))
    .map((line) => line.slice(1, -1).split(" | ").map((cell) => cell.trim()))
}

const unquote = (cell: string) => cell.replace(/^`|`$/g, "")
const attributesOf = (cell: string) => cell === "—" ? [] : cell.split(", ").map(unquote)
const types: Record<Instrument, Metric.Metric.Type> = { counter: "Counter", histogram: "Histogram", gauge: "Gauge" }
const byName = new Map(Object.values(metricNames).map((m) => [m.name as string, m]))

describe("the README's metrics table", () => {
  it("lists every metric of core/metrics/names.ts once, with its instrument, unit, attributes and description", () => {
    const rows = readmeRows()
    expect(rows.map(([name]) => unquote(name!))).toEqual(Object.values(metricNames).map((m) => m.name))
    for (const [name, instrument, unit, attributes, description] of rows) {
      const metric = byName.get(unquote(name!))!
      expect({ instrument, unit: unquote(unit!), attributes: attributesOf(attributes!), description }).toEqual({
        instrument: metric.instrument,
        unit: metric.unit,
        attributes: metric.attributes,
        description: metric.description
      })
    }
  })

  it.effect("what the recording functions register is what the table says", () =>
    withRegistry(Effect.gen(function*() {
      // each definition, read once (a read registers it), then every recording function
      for (const metric of Object.values(ChatsMetrics.metrics)) yield* Metric.value(metric)
      yield* ChatsMetrics.recordCall("getChat", "success", 12, 1)
      yield* ChatsMetrics.recordAttempt("getChat", 200, 10)
      yield* ChatsMetrics.recordAttempt("sendMessageToChat", 420, 10)
      yield* ChatsMetrics.recordAttempt("getChats", "TransportError", 10)
      yield* ChatsMetrics.record420("parallel", "getChats", 1)
      yield* ChatsMetrics.recordRetry("getChats", "RateLimitError", 1)
      yield* ChatsMetrics.recordGateWait("getChats", 0, 1)
      yield* ChatsMetrics.recordQuotaRefused("getChats", 1)
      yield* ChatsMetrics.setQuotaRemaining("getChats", 4999, 1)
      yield* ChatsMetrics.recordLeaseLost
      yield* ChatsMetrics.recordGateFallback
      yield* ChatsMetrics.recordRedisUnavailable("quotaStore")
      yield* ChatsMetrics.recordRedisCall(1)
      yield* ChatsMetrics.recordRedisCall(2000, "unreachable")
      yield* ChatsMetrics.recordNotification("CHAT_CREATED", 200)
      yield* ChatsMetrics.recordNotification(undefined, 403)
      yield* ChatsMetrics.recordDuplicate("PING")
      yield* ChatsMetrics.recordHandlerFailure("OTHER")
      yield* ChatsMetrics.recordRedelivery("CHAT_CREATED")
      yield* ChatsMetrics.setPending("memory", 3)
      yield* ChatsMetrics.recordDeadLettered("bot")
      yield* ChatsMetrics.setDeadLetters("bot", 1)
      const snapshot = yield* Metric.snapshot
      // every metric of the table is there, and nothing else
      expect(new Set(snapshot.map((s) => s.id))).toEqual(new Set(byName.keys()))
      for (const series of snapshot) {
        const metric = byName.get(series.id)!
        const { unit, ...attributes } = series.attributes ?? {}
        expect({ type: series.type, description: series.description, unit }, series.id).toEqual({
          type: types[metric.instrument],
          description: metric.description,
          unit: metric.unit
        })
        for (const attribute of Object.keys(attributes)) expect(metric.attributes, series.id).toContain(attribute)
      }
      // the business id only when the application names the business
      expect(snapshot.some((s) => s.attributes?.["yandex_market.business_id"] !== undefined)).toBe(false)
    })))

  it.effect("a named business's calls carry its id, an unnamed one's do not", () =>
    withRegistry(Effect.gen(function*() {
      yield* Effect.provideService(ChatsMetrics.recordCall("getChat", "success", 5, 7), ChatsMetrics.BusinessIdAttribute, new Set([7]))
      yield* Effect.provideService(ChatsMetrics.recordCall("getChat", "success", 5, 8), ChatsMetrics.BusinessIdAttribute, new Set([7]))
      const calls = (yield* Metric.snapshot).filter((s) => s.id === metricNames.calls.name)
      expect(calls.map((s) => [s.attributes?.["yandex_market.business_id"], (s.state as Metric.CounterState<number>).count]))
        .toEqual(expect.arrayContaining([["7", 1], [undefined, 1]]))
      expect(calls).toHaveLength(2)
    })))
})
