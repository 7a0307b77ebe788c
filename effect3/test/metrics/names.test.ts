/**
 * What the recording functions put in the registry is what `core/metrics/names.ts` (and so the
 * README's table, checked against it by the Effect 4 suite) says: each metric's name, instrument,
 * description, unit (the `unit` attribute) and attributes, the same as in the Effect 4 edition.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Metric, MetricKeyType } from "effect"
import { type Instrument, type MetricKey, metricNames } from "../../../core/metrics/names.js"
import { ChatsMetrics } from "../../src/index.js"

const isInstrument: Record<Instrument, (keyType: unknown) => boolean> = {
  counter: MetricKeyType.isCounterKey,
  gauge: MetricKeyType.isGaugeKey,
  histogram: MetricKeyType.isHistogramKey
}

describe("the Effect 3 edition's metrics, as core/metrics/names.ts lists them", () => {
  it.effect("each recording function records its metric with the table's name, instrument, description, unit and attributes", () =>
    Effect.gen(function*() {
      const recorded: ReadonlyArray<readonly [MetricKey, Effect.Effect<void>]> = [
        ["calls", ChatsMetrics.recordCall("getChat", "success", 12, 1)],
        ["callDuration", ChatsMetrics.recordCall("getChat", "success", 12, 1)],
        ["attemptDuration", ChatsMetrics.recordAttempt("getChat", 420, 5)],
        ["rateLimited", ChatsMetrics.record420("quota", "getChat", 1)],
        ["retries", ChatsMetrics.recordRetry("getChat", "InternalServerError", 1)],
        ["gateWait", ChatsMetrics.recordGateWait("getChat", 0, 1)],
        ["quotaRefused", ChatsMetrics.recordQuotaRefused("getChat", 1)],
        ["quotaRemaining", ChatsMetrics.setQuotaRemaining("getChat", 5, 1)],
        ["leasesLost", ChatsMetrics.recordLeaseLost],
        ["redisDuration", ChatsMetrics.recordRedisCall(3, "answered")],
        ["redisUnavailable", ChatsMetrics.recordRedisUnavailable("gate")],
        ["gateFallbacks", ChatsMetrics.recordGateFallback],
        ["notificationsReceived", ChatsMetrics.recordNotification("PING", 200)],
        ["notificationDuplicates", ChatsMetrics.recordDuplicate("CHAT_CREATED")],
        ["notificationsPending", ChatsMetrics.setPending("memory", 2)],
        ["handlerFailures", ChatsMetrics.recordHandlerFailure("CHAT_CREATED")],
        ["redeliveries", ChatsMetrics.recordRedelivery("CHAT_CREATED")],
        ["deadLettered", ChatsMetrics.recordDeadLettered("q")],
        ["deadLetters", ChatsMetrics.setDeadLetters("q", 1)]
      ]
      expect(recorded.map(([key]) => key).sort()).toEqual(Object.keys(metricNames).sort())
      // the business is named: its id is an attribute
      yield* Effect.all(recorded.map(([, record]) => record)).pipe(Effect.provide(ChatsMetrics.layerBusinessIdAttribute([1])))
      const snapshot = yield* Metric.snapshot
      for (const [key] of recorded) {
        const table = metricNames[key]
        const pairs = snapshot.filter((pair) => pair.metricKey.name === table.name)
        expect(pairs.length, table.name).toBeGreaterThan(0)
        for (const { metricKey } of pairs) {
          expect(isInstrument[table.instrument](metricKey.keyType), table.name).toBe(true)
          expect(metricKey.description._tag === "Some" ? metricKey.description.value : undefined).toBe(table.description)
          const tags = Object.fromEntries(metricKey.tags.map((tag) => [tag.key, tag.value]))
          expect(tags["unit"]).toBe(table.unit)
          const { unit: _, ...attributes } = tags
          expect(Object.keys(attributes).sort()).toEqual([...table.attributes].sort())
        }
      }
      // the same metrics as values, for an application's own use
      expect(Object.keys(ChatsMetrics.metrics).sort()).toEqual(Object.keys(metricNames).sort())
    }))
})
