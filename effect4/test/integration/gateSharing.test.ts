/**
 * The default gate belongs to a business at an API, not to a client value: two client layers of one
 * application that call the same API for the same business wait at one gate (4 in flight together),
 * and clients of two APIs (two simulators, two base URLs, the same business id) do not wait for each
 * other. Real HTTP on loopback, against simulators that count the requests in flight.
 */
import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Fiber, Layer, Redacted, Result, Schedule } from "effect"
import { ChatsClient, ChatsLimiter } from "../../src/index.js"
import * as Simulator from "../../src/Simulator.js"

/** One client layer of the application, as a user writes it, built on its own. */
const buildClient = (sim: Simulator.Service, options: Partial<ChatsClient.Options> = {}) =>
  Effect.map(
    Layer.build(
      ChatsClient.layer({ baseUrl: sim.url, apiKey: Redacted.make(sim.apiKey), ...options }).pipe(
        Layer.provide(NodeHttpClient.layerUndici)
      )
    ),
    Context.get(ChatsClient.ChatsClient)
  )

/** `getChat` over the first `n` chats of the simulator, `concurrency` at a time. */
const getChats = (client: ChatsClient.Service, sim: Simulator.Service, n: number, concurrency: number) =>
  Effect.flatMap(sim.chats(), (chats) =>
    Effect.forEach(
      chats.slice(0, n),
      (chat) => Effect.result(client.getChat({ businessId: sim.businessId, chatId: chat.chatId })),
      { concurrency }
    ))

const simulator = Simulator.make({ seed: 11, chats: 40, messages: 200 })

describe("the default gate is shared per business and API", () => {
  it.live("two client layers, same API, same business: at most 4 in flight together", () =>
    Effect.gen(function*() {
      const sim = yield* simulator
      const first = yield* buildClient(sim)
      const second = yield* buildClient(sim)
      yield* sim.setFaults([{ kind: "latency", millis: 20 }])
      yield* sim.resetStats
      const [a, b] = yield* Effect.all([getChats(first, sim, 40, 8), getChats(second, sim, 40, 8)], { concurrency: 2 })
      const stats = yield* sim.stats
      expect([...a, ...b].filter(Result.isFailure)).toEqual([])
      expect(stats.maxInFlight).toBe(4)
      expect(stats.rateLimited.parallel).toBe(0)
    }).pipe(Effect.provide(ChatsLimiter.layerMemoryQuotaStore)))

  it.live("the same two clients with gates of their own pass 4 together (what the shared gate prevents)", () =>
    Effect.gen(function*() {
      const sim = yield* simulator
      const own = { retrySchedule: false as const }
      const first = yield* buildClient(sim, own).pipe(Effect.provide(ChatsLimiter.layerMemoryGate()))
      const second = yield* buildClient(sim, own).pipe(Effect.provide(ChatsLimiter.layerMemoryGate()))
      yield* sim.setFaults([{ kind: "latency", millis: 20 }])
      yield* sim.resetStats
      yield* Effect.all([getChats(first, sim, 40, 8), getChats(second, sim, 40, 8)], { concurrency: 2 })
      const stats = yield* sim.stats
      expect(stats.rateLimited.parallel).toBeGreaterThan(0)
    }).pipe(Effect.provide(ChatsLimiter.layerMemoryQuotaStore)))

  it.live("two simulators (two base URLs), the same business id: each reaches 4 while the other holds 4", () =>
    Effect.gen(function*() {
      const simA = yield* simulator
      const simB = yield* simulator
      expect(simA.businessId).toBe(simB.businessId)
      expect(simA.url).not.toBe(simB.url)
      const clientA = yield* buildClient(simA)
      const clientB = yield* buildClient(simB)
      // A's requests are held at the server (were the gate shared, B's calls would wait for them: A would finish first)
      yield* simA.setFaults([{ kind: "latency", millis: 10_000 }])
      yield* simB.setFaults([{ kind: "latency", millis: 20 }])
      yield* Effect.all([simA.resetStats, simB.resetStats])
      const fiberA = yield* Effect.forkChild(getChats(clientA, simA, 8, 8))
      // A holds its 4 slots (the other 4 of its calls wait at the gate)
      yield* Effect.repeat(simA.stats, { until: (s) => s.inFlight === 4, schedule: Schedule.spaced("10 millis") })
      const b = yield* getChats(clientB, simB, 16, 8)
      const statsA = yield* simA.stats
      const statsB = yield* simB.stats
      const doneA = fiberA.pollUnsafe()
      yield* Fiber.interrupt(fiberA)
      expect(b.filter(Result.isFailure)).toEqual([])
      expect(doneA).toBeUndefined()
      expect(statsA.inFlight).toBe(4)
      expect(statsA.maxInFlight).toBe(4)
      expect(statsB.maxInFlight).toBe(4)
      expect(statsA.rateLimited.parallel + statsB.rateLimited.parallel).toBe(0)
    }).pipe(Effect.provide(ChatsLimiter.layerMemoryQuotaStore)), 60_000)
})
