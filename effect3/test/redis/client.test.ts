/**
 * The client through the Redis gate and quota store of one connection, against the simulator: the unit
 * of the quota is taken with the slot and the answer's quota recorded as it is freed (two scripts fewer
 * per call than with a quota store apart from the gate), and concurrent calls of two processes'
 * clients against a quota never over-send.
 */
import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Redacted } from "effect"
import { afterAll, beforeAll } from "vitest"
import { ChatsClient, ChatsLimiter } from "../../src/index.js"
import * as Redis from "../../src/Redis.js"
import * as Simulator from "../../src/Simulator.js"
import { type RedisServer, redisAvailable, adminClient, startGrantingRedis } from "./server.js"

const available = redisAvailable("test/redis/client")
const lease = 3000
let server: RedisServer

/** A connected node-redis client for the scope. */
const connect = Effect.suspend(() => adminClient(server.url))

/** The scripts Redis has run so far (`EVALSHA` and `EVAL`), from `INFO commandstats`. */
const scriptsRun = Effect.flatMap(connect, (client) =>
  Effect.promise(async () => {
    const info = await client.info("commandstats")
    const calls = (name: string) => Number(new RegExp(`cmdstat_${name}:calls=(\\d+)`).exec(info)?.[1] ?? 0)
    return calls("evalsha") + calls("eval")
  }))

/** A client of the simulator behind `gate` and `quotaStore`. */
const clientWith = (sim: Simulator.Service, gate: ChatsLimiter.Gate, quotaStore: ChatsLimiter.QuotaStore) =>
  ChatsClient.make({ apiKey: Redacted.make(sim.apiKey), baseUrl: sim.url, retrySchedule: false, quotaWaitBudget: 0 }).pipe(
    Effect.provideService(ChatsLimiter.ChatsGate, gate),
    Effect.provideService(ChatsLimiter.ChatsQuotaStore, quotaStore)
  )

describe.skipIf(!available)("the client through Redis", () => {
  beforeAll(async () => {
    server = await startGrantingRedis(lease)
  })
  afterAll(async () => server?.stop())

  it.scopedLive("takes its unit of the quota with its slot and records the answer's as it frees it: two scripts fewer per call than with a quota store apart", () =>
    Effect.gen(function*() {
      const sim = yield* Simulator.make({ seed: 3, chats: 5, messages: 5 })
      const chatId = (yield* sim.chats())[0]!.chatId
      const paired = yield* Redis.make(yield* connect, { lease })
      const apart = yield* Redis.make(yield* connect, { lease })
      const calls = 10
      /** The scripts run for `calls` calls one after another (after one that loads them into Redis). */
      const scriptsFor = (client: ChatsClient.Service) =>
        Effect.gen(function*() {
          yield* client.getChat({ businessId: sim.businessId, chatId })
          const before = yield* scriptsRun
          for (let i = 0; i < calls; i++) yield* client.getChat({ businessId: sim.businessId, chatId })
          return (yield* scriptsRun) - before
        })
      const together = yield* scriptsFor(yield* clientWith(sim, paired.gate, paired.quotaStore))
      const separately = yield* scriptsFor(yield* clientWith(sim, paired.gate, apart.quotaStore))
      expect(separately - together).toBe(2 * calls)
    }).pipe(Effect.provide(NodeHttpClient.layerUndici)))

  it.scopedLive("two processes' clients against a quota of 6: 6 sent, the others refused before sending, no quota 420", () =>
    Effect.gen(function*() {
      const sim = yield* Simulator.make({ seed: 4, chats: 5, messages: 5, quotas: { getChat: 6 }, quotaWindow: "1 minute" })
      const chatId = (yield* sim.chats())[0]!.chatId
      const processes = [yield* Redis.make(yield* connect, { lease }), yield* Redis.make(yield* connect, { lease })]
      const clients = yield* Effect.forEach(processes, (p) => clientWith(sim, p.gate, p.quotaStore))
      const call = (i: number) => Effect.either(clients[i % 2]!.getChat({ businessId: sim.businessId, chatId }))
      yield* call(0) // the quota is learnt from the first answer
      const results = yield* Effect.forEach(Array.from({ length: 20 }, (_, i) => i), call, { concurrency: "unbounded" })
      const refusals = results.filter(Either.isLeft).map((r) => r.left)
      expect(results.filter(Either.isRight)).toHaveLength(5)
      expect(refusals).toHaveLength(15)
      expect(refusals.every((e) => e._tag === "RateLimitError" && e.kind === "quota")).toBe(true)
      const stats = yield* sim.stats
      expect(stats.rateLimited).toEqual({ parallel: 0, quota: 0 })
      expect(stats.maxInFlight).toBeLessThanOrEqual(ChatsLimiter.marketParallelLimit)
    }).pipe(Effect.provide(NodeHttpClient.layerUndici)))
})
