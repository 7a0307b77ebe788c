/**
 * The client's metrics after real calls over loopback against the simulator and its faults, read from
 * the registry: the shared cases (`core/testing/metricCases.ts`: a success, a 420 of each kind, a 500
 * and a timeout), then the quota left, a spent quota refused locally, a retry, a wait at the gate, the
 * business id as an attribute only when the application names the business, and the fiber's own
 * metric labels on the call's series.
 */
import { FetchHttpClient, type HttpClient } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Layer, Redacted, type Scope } from "effect"
import { metricNames } from "../../../core/metrics/names.js"
import { clientMetricCases } from "../../../core/testing/metricCases.js"
import { type SimulatorOptions, type SimulatorServer, startSimulator } from "../../../core/simulator/server.js"
import { ChatsClient, ChatsLimiter, ChatsMetrics, ChatsRetry } from "../../src/index.js"
import { measuring } from "./helpers.js"

const operation = (name: string) => ({ "yandex_market.operation": name })

/** Runs `test` with a simulator of its own (its limits given) and a fresh gate and store. */
const withSimulator = <A, E>(
  limits: SimulatorOptions,
  test: (sim: SimulatorServer) => Effect.Effect<A, E, Scope.Scope | HttpClient.HttpClient | ChatsLimiter.ChatsGate | ChatsLimiter.ChatsQuotaStore>
) =>
  Effect.acquireRelease(
    Effect.promise(() => startSimulator({ seed: 7, chats: 10, messages: 50, ...limits })),
    (sim) => Effect.promise(sim.close)
  ).pipe(
    Effect.flatMap(test),
    Effect.provide(Layer.merge(FetchHttpClient.layer, ChatsLimiter.layerMemory())),
    Effect.scoped
  )

/** A client of the simulator (no retries unless given). */
const clientOf = (sim: SimulatorServer, options: ChatsClient.Options = {}) =>
  ChatsClient.make({ baseUrl: sim.url, apiKey: Redacted.make(sim.apiKey), retrySchedule: false, ...options })

const chatOf = (sim: SimulatorServer) => sim.chats()[0]!.chatId

describe("the client's metrics against the simulator (Effect 3)", () => {
  for (const c of clientMetricCases) {
    it.live(`${c.title}: the shared case's series move as listed`, () =>
      withSimulator({}, (sim) =>
        measuring((read) =>
          Effect.gen(function*() {
            const client = yield* clientOf(sim, c.requestTimeoutMillis === undefined ? {} : { requestTimeout: c.requestTimeoutMillis })
            if (c.failure !== undefined) sim.failNext("getChat", c.failure)
            if (c.latencyMillis !== undefined) sim.addFault({ kind: "latency", millis: c.latencyMillis, operations: ["getChat"] })
            const exit = yield* Effect.exit(client.getChat({ businessId: sim.businessId, chatId: chatOf(sim) }))
            expect(Exit.isSuccess(exit) ? "success" : exit.cause._tag === "Fail" ? exit.cause.error._tag : "defect").toBe(c.outcome)
            for (const series of c.expected) {
              expect({ ...series, value: yield* read.moved(series) }).toEqual(series)
            }
            // nothing else moved: one call, one attempt, no retry, no business id
            expect(yield* read.countedOver(metricNames.calls.name)).toBe(1)
            expect(yield* read.countedOver(metricNames.retries.name)).toBe(0)
            expect(yield* read.countedOver(metricNames.rateLimited.name)).toBe(c.expected.some((s) => s.metric === "rateLimited") ? 1 : 0)
            expect(yield* read.countedOver(metricNames.calls.name, { "yandex_market.business_id": String(sim.businessId) })).toBe(0)
            const call = yield* read.histogram(metricNames.callDuration.name, { ...operation("getChat"), outcome: c.outcome })
            expect(call.sum).toBeGreaterThan(0)
            expect(call.sum).toBeLessThan(5) // seconds, not milliseconds
          }))), 20_000)
  }

  it.live("the quota left as the market reports it, and a spent quota refused locally (not a 420 of the market)", () =>
    withSimulator({ quotas: { getChats: 2 } }, (sim) =>
      measuring((read) =>
        Effect.gen(function*() {
          const client = yield* clientOf(sim, { quotaWaitBudget: 0 })
          yield* client.getChats({ businessId: sim.businessId, limit: 1 })
          expect(yield* read.gauged(metricNames.quotaRemaining.name, operation("getChats"))).toBe(1)
          yield* client.getChats({ businessId: sim.businessId, limit: 1 })
          expect(yield* read.gauged(metricNames.quotaRemaining.name, operation("getChats"))).toBe(0)
          const error = yield* Effect.flip(client.getChats({ businessId: sim.businessId, limit: 1 }))
          expect(error).toMatchObject({ _tag: "RateLimitError", kind: "quota" })
          expect(yield* read.counted(metricNames.quotaRefused.name, operation("getChats"))).toBe(1)
          expect(yield* read.countedOver(metricNames.rateLimited.name, operation("getChats"))).toBe(0)
          expect(yield* read.counted(metricNames.calls.name, { ...operation("getChats"), outcome: "RateLimitError" })).toBe(1)
          // two attempts went out; the refused call made none
          expect((yield* read.histogram(metricNames.attemptDuration.name, {
            ...operation("getChats"),
            "http.request.method": "POST",
            "http.response.status_code": "200"
          })).count).toBe(2)
        }))), 20_000)

  it.live("a retried failure counts one retry by its tag, two attempts and one successful call", () =>
    withSimulator({}, (sim) =>
      measuring((read) =>
        Effect.gen(function*() {
          const client = yield* clientOf(sim, { retrySchedule: ChatsRetry.defaultSchedule({ initialDelay: "1 millis" }) })
          sim.failNext("getChat", { kind: "status", status: 500 })
          yield* client.getChat({ businessId: sim.businessId, chatId: chatOf(sim) })
          expect(yield* read.counted(metricNames.retries.name, { ...operation("getChat"), "error.type": "InternalServerError" })).toBe(1)
          expect(yield* read.countedOver(metricNames.retries.name)).toBe(1)
          expect(yield* read.counted(metricNames.calls.name, { ...operation("getChat"), outcome: "success" })).toBe(1)
          expect(yield* read.countedOver(metricNames.calls.name)).toBe(1)
          expect((yield* read.histogram(metricNames.gateWait.name, operation("getChat"))).count).toBe(2)
        }))), 20_000)

  it.live("a call that waits at the gate records the wait", () =>
    withSimulator({}, (sim) =>
      measuring((read) =>
        Effect.gen(function*() {
          // a client whose gate lets one request through at a time
          const client = yield* clientOf(sim).pipe(Effect.provide(ChatsLimiter.layerMemoryGate({ maxInFlight: 1 })))
          sim.addFault({ kind: "latency", millis: 400, operations: ["getChat"] })
          yield* Effect.all(
            Array.from({ length: 2 }, () => client.getChat({ businessId: sim.businessId, chatId: chatOf(sim) })),
            { concurrency: "unbounded" }
          )
          const waits = yield* read.histogram(metricNames.gateWait.name, operation("getChat"))
          expect(waits.count).toBe(2)
          expect(waits.atMost(0.1)).toBe(1) // the first went at once
          expect(waits.atMost(0.25)).toBe(1) // the second waited for the first (seconds)
        }))), 20_000)

  it.live("the business id is an attribute for the businesses the application names, and only those", () =>
    withSimulator({}, (sim) =>
      measuring((read) =>
        Effect.gen(function*() {
          const client = yield* clientOf(sim)
          const named = ChatsMetrics.layerBusinessIdAttribute([sim.businessId])
          yield* client.getChat({ businessId: sim.businessId, chatId: chatOf(sim) }).pipe(Effect.provide(named))
          const other = ChatsMetrics.layerBusinessIdAttribute([sim.businessId + 1])
          yield* client.getChat({ businessId: sim.businessId, chatId: chatOf(sim) }).pipe(Effect.provide(other))
          const business = { "yandex_market.business_id": String(sim.businessId) }
          expect(yield* read.counted(metricNames.calls.name, { ...operation("getChat"), outcome: "success", ...business })).toBe(1)
          expect(yield* read.counted(metricNames.calls.name, { ...operation("getChat"), outcome: "success" })).toBe(1)
          expect((yield* read.histogram(metricNames.gateWait.name, { ...operation("getChat"), ...business })).count).toBe(1)
          // the attempts never carry it
          expect(yield* read.countedOver(metricNames.attemptDuration.name, business)).toBe(0)
        }))), 20_000)

  it.live("the fiber's metric labels (Effect.tagMetrics) join the call's series", () =>
    withSimulator({}, (sim) =>
      measuring((read) =>
        Effect.gen(function*() {
          const client = yield* clientOf(sim)
          yield* client.getChat({ businessId: sim.businessId, chatId: chatOf(sim) }).pipe(Effect.tagMetrics("tenant", "a"))
          expect(yield* read.counted(metricNames.calls.name, { ...operation("getChat"), outcome: "success", tenant: "a" })).toBe(1)
          expect(yield* read.counted(metricNames.calls.name, { ...operation("getChat"), outcome: "success" })).toBe(0)
        }))), 20_000)
})
