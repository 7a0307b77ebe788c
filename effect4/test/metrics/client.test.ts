/**
 * The client's metrics after real calls over loopback against the simulator and its faults, read from
 * the registry: the shared cases (`core/testing/metricCases.ts`: a success, a 420 of each kind, a 500
 * and a timeout), then the quota left, 420s of parallel calls, quotas refused locally, retries, the
 * wait at the gate, and the business id as an attribute only when the application names the business.
 *
 * These need the call path (internal/client/call.ts) to call the recording functions of ChatsMetrics.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Layer, Option, Redacted, type Scope } from "effect"
import { FetchHttpClient, type HttpClient } from "effect/http"
import { metricNames } from "../../../core/metrics/names.js"
import { clientMetricCases } from "../../../core/testing/metricCases.js"
import { ChatsClient, ChatsLimiter, ChatsMetrics, ChatsRetry } from "../../src/index.js"
import * as Simulator from "../../src/Simulator.js"
import { counted, countedOver, gauged, histogram, moved, withRegistry } from "./helpers.js"

const operation = (name: string) => ({ "yandex_market.operation": name })

/** Runs `test` with a simulator of its own (its limits given), a fresh gate and store, and a registry of its own. */
const withSimulator = <A, E>(
  limits: Simulator.Options,
  test: (sim: Simulator.Simulator["Service"]) => Effect.Effect<A, E, Scope.Scope | HttpClient.HttpClient>
) =>
  withRegistry(
    Effect.flatMap(Simulator.make({ seed: 7, chats: 10, messages: 50, ...limits }), test).pipe(
      Effect.provide(Layer.merge(FetchHttpClient.layer, ChatsLimiter.layerMemory())),
      Effect.scoped
    )
  )

/** A client of the simulator (no retries unless given). */
const clientOf = (sim: Simulator.Simulator["Service"], options: Partial<ChatsClient.Options> = {}) =>
  ChatsClient.make({ baseUrl: sim.url, apiKey: Redacted.make(sim.apiKey), retrySchedule: false, ...options })

const chatOf = (sim: Simulator.Simulator["Service"]) => Effect.map(sim.chats(), (chats) => chats[0]!.chatId)

describe("the client's metrics against the simulator", () => {
  for (const c of clientMetricCases) {
    it.live(`${c.title}: the shared case's series move as listed`, () =>
      withSimulator({}, (sim) =>
        Effect.gen(function*() {
          const client = yield* clientOf(sim, c.requestTimeoutMillis === undefined ? {} : { requestTimeout: c.requestTimeoutMillis })
          if (c.failure !== undefined) yield* sim.failNext("getChat", c.failure)
          if (c.latencyMillis !== undefined) yield* sim.addFault({ kind: "latency", millis: c.latencyMillis, operations: ["getChat"] })
          const exit = yield* Effect.exit(client.getChat({ businessId: sim.businessId, chatId: yield* chatOf(sim) }))
          expect(Exit.isSuccess(exit) ? "success" : Exit.findErrorOption(exit).pipe(Option.match({ onNone: () => "defect", onSome: (e) => e._tag })))
            .toBe(c.outcome)
          for (const series of c.expected) {
            expect({ ...series, value: yield* moved(series) }).toEqual(series)
          }
          // nothing else moved: one call, one attempt, no retry, no business id
          expect(yield* countedOver(metricNames.calls.name)).toBe(1)
          expect(yield* countedOver(metricNames.retries.name)).toBe(0)
          expect(yield* countedOver(metricNames.rateLimited.name)).toBe(c.expected.some((s) => s.metric === "rateLimited") ? 1 : 0)
          expect(yield* countedOver(metricNames.calls.name, { "yandex_market.business_id": String(sim.businessId) })).toBe(0)
          const call = yield* histogram(metricNames.callDuration.name, { ...operation("getChat"), outcome: c.outcome })
          expect(call!.sum).toBeGreaterThan(0)
          expect(call!.sum).toBeLessThan(5) // seconds, not milliseconds
        })))
  }

  it.live("successes: calls, call and attempt durations, gate waits, and the quota left as reported", () =>
    withSimulator({ quotas: { getChat: 50 } }, (sim) =>
      Effect.gen(function*() {
        const client = yield* clientOf(sim)
        const chatId = yield* chatOf(sim)
        for (let i = 0; i < 3; i++) yield* client.getChat({ businessId: sim.businessId, chatId })
        expect(yield* counted(metricNames.calls.name, { ...operation("getChat"), outcome: "success" })).toBe(3)
        const calls = yield* histogram(metricNames.callDuration.name, { ...operation("getChat"), outcome: "success" })
        expect(calls?.count).toBe(3)
        expect(calls!.sum).toBeGreaterThan(0)
        const attempts = yield* histogram(metricNames.attemptDuration.name, {
          ...operation("getChat"),
          "http.request.method": "GET",
          "http.response.status_code": "200"
        })
        expect(attempts?.count).toBe(3)
        expect((yield* histogram(metricNames.gateWait.name, operation("getChat")))?.count).toBe(3)
        expect(yield* gauged(metricNames.quotaRemaining.name, operation("getChat"))).toBe(47)
        // no business id: the application named none
        expect(yield* countedOver(metricNames.calls.name, { "yandex_market.business_id": String(sim.businessId) })).toBe(0)
      })))

  it.live("the business id is an attribute for the businesses the application names, and only those", () =>
    withSimulator({}, (sim) =>
      Effect.gen(function*() {
        const client = yield* clientOf(sim)
        const chatId = yield* chatOf(sim)
        yield* client.getChat({ businessId: sim.businessId, chatId }).pipe(
          Effect.provide(ChatsMetrics.layerBusinessIdAttribute([sim.businessId]))
        )
        expect(
          yield* counted(metricNames.calls.name, {
            ...operation("getChat"),
            outcome: "success",
            "yandex_market.business_id": String(sim.businessId)
          })
        ).toBe(1)
      })))

  it.live("parallel 420s of calls in flight at once are counted by kind, and each call by its error's tag", () =>
    withSimulator({ parallelLimit: 1 }, (sim) =>
      Effect.gen(function*() {
        const client = yield* clientOf(sim)
        const chatId = yield* chatOf(sim)
        // the market allows one request in flight, the client's gate four: the others get a parallel 420
        yield* sim.addFault({ kind: "latency", millis: 300, operations: ["getChatHistory"] })
        const exits = yield* Effect.all(
          Array.from({ length: 3 }, () => Effect.exit(client.getChatHistory({ businessId: sim.businessId, chatId }))),
          { concurrency: "unbounded" }
        )
        const refused = exits.filter((exit) => Exit.isFailure(exit)).length
        expect(refused).toBeGreaterThanOrEqual(1)
        expect(
          yield* counted(metricNames.rateLimited.name, { ...operation("getChatHistory"), "yandex_market.rate_limit.kind": "parallel" })
        ).toBe(refused)
        expect(yield* counted(metricNames.calls.name, { ...operation("getChatHistory"), outcome: "RateLimitError" })).toBe(refused)
        expect(yield* counted(metricNames.calls.name, { ...operation("getChatHistory"), outcome: "success" })).toBe(3 - refused)
      })))

  it.live("a spent quota refuses the next call locally: counted as refused, not as a 420 of the market", () =>
    withSimulator({ quotas: { getChats: 1 } }, (sim) =>
      Effect.gen(function*() {
        const client = yield* clientOf(sim, { quotaWaitBudget: 0 })
        yield* client.getChats({ businessId: sim.businessId, limit: 1 })
        expect(yield* gauged(metricNames.quotaRemaining.name, operation("getChats"))).toBe(0)
        const error = yield* Effect.flip(client.getChats({ businessId: sim.businessId, limit: 1 }))
        expect(error).toMatchObject({ _tag: "RateLimitError", kind: "quota" })
        expect(yield* counted(metricNames.quotaRefused.name, operation("getChats"))).toBe(1)
        expect(yield* countedOver(metricNames.rateLimited.name, operation("getChats"))).toBe(0)
      })))

  it.live("a retried failure counts one retry, one successful call and the failed attempt's status", () =>
    withSimulator({}, (sim) =>
      Effect.gen(function*() {
        const chatId = yield* chatOf(sim)
        const retrying = yield* clientOf(sim, { retrySchedule: ChatsRetry.defaultSchedule({ initialDelay: "1 millis" }) })
        yield* sim.failNext("getChat", { kind: "status", status: 500 })
        yield* retrying.getChat({ businessId: sim.businessId, chatId })
        expect(yield* counted(metricNames.retries.name, { ...operation("getChat"), "error.type": "InternalServerError" })).toBe(1)
        expect(yield* counted(metricNames.calls.name, { ...operation("getChat"), outcome: "success" })).toBe(1)
        expect(
          (yield* histogram(metricNames.attemptDuration.name, {
            ...operation("getChat"),
            "http.request.method": "GET",
            "http.response.status_code": "500",
            "error.type": "500"
          }))?.count
        ).toBe(1)

      })))

  it.live("a call that waits at the gate records the wait", () =>
    withSimulator({}, (sim) =>
      Effect.gen(function*() {
        // a client whose gate lets one request through at a time
        const client = yield* clientOf(sim).pipe(Effect.provide(ChatsLimiter.layerMemoryGate({ maxInFlight: 1 })))
        const chatId = yield* chatOf(sim)
        yield* sim.addFault({ kind: "latency", millis: 300, operations: ["getChat"] })
        yield* Effect.all(
          Array.from({ length: 2 }, () => client.getChat({ businessId: sim.businessId, chatId })),
          { concurrency: "unbounded" }
        )
        const waits = yield* histogram(metricNames.gateWait.name, operation("getChat"))
        expect(waits?.count).toBe(2)
        expect(waits!.max).toBeGreaterThanOrEqual(0.2) // seconds: the second waited for the first
        expect(waits!.min).toBeLessThan(0.1)
      })))
})
