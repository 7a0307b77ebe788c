/**
 * Real worker processes sharing businesses of the simulator through the Redis gate and quota store:
 * 1, 4 and 8 workers × concurrency 8 within the market's limit; a worker killed while holding every
 * slot; Redis restarted under load.
 */
import { Effect, Scope } from "effect"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import * as Simulator from "../../src/Simulator.js"
import { graceAfterStart, type RedisServer, redisAvailable, startRedis } from "./server.js"
import { killWorkers, spawnWorker, until } from "./workers.js"

const available = redisAvailable("test/redis/processes")
const lease = 2000
const timeout = 1000

let redis: RedisServer
let scope: Scope.CloseableScope
let sim: Simulator.Service
let busy: { businessId: number; apiKey: string; chatIds: Array<number> }
let quiet: { businessId: number; apiKey: string; chatIds: Array<number> }

const run = <A>(effect: Effect.Effect<A>) => Effect.runPromise(effect)

describe.skipIf(!available)("worker processes sharing a business through Redis", () => {
  beforeAll(async () => {
    redis = await startRedis()
    scope = Effect.runSync(Scope.make())
    sim = await Effect.runPromise(Scope.extend(Simulator.make({ seed: 11, chats: 40, messages: 200, quotaScale: 1000 }), scope))
    busy = { businessId: sim.businessId, apiKey: sim.apiKey, chatIds: (await run(sim.chats())).map((c) => c.chatId) }
    const added = await run(sim.addBusiness({ chats: 10, messages: 50 }))
    quiet = { ...added, chatIds: (await run(sim.chats(added.businessId))).map((c) => c.chatId) }
    // a server younger than a lease grants nothing yet
    await new Promise((resolve) => setTimeout(resolve, graceAfterStart(lease)))
  })
  afterEach(async () => {
    await killWorkers()
    await run(sim.clearFaults)
  })
  afterAll(async () => {
    await killWorkers()
    if (scope !== undefined) await Effect.runPromise(Scope.close(scope, Effect.void.pipe(Effect.exit) as never))
    await redis?.stop()
  })

  const base = () => ({ redisUrl: redis.url, simulatorUrl: sim.url, lease, timeout, maxMs: 90_000 })

  for (const workers of [1, 4, 8]) {
    it(`${workers} worker(s) × concurrency 8 on one business, a second business beside it: no 420, at most 4 in flight, the quiet business never waits`, async () => {
      await run(sim.setFaults([{ kind: "latency", millis: 20 }]))
      await run(sim.resetStats)
      const calls = 40
      const running = Array.from({ length: workers }, (_, i) =>
        spawnWorker({
          ...base(),
          businesses: [
            { ...busy, concurrency: 8, calls },
            ...(i === 0 ? [{ ...quiet, concurrency: 4, calls: 2 * calls }] : [])
          ]
        }))
      const exits = await Promise.all(running.map((w) => w.exit))
      const stats = await run(sim.stats)
      for (const [i, exit] of exits.entries()) {
        expect(exit.stderr).toBe("")
        expect(exit.code).toBe(0)
        expect(exit.results?.[busy.businessId]).toMatchObject({ ok: calls, errors: {} })
        expect(exit.results?.[busy.businessId]?.queued).toBeGreaterThan(0)
        if (i === 0) expect(exit.results?.[quiet.businessId]).toEqual({ ok: 2 * calls, errors: {}, queued: 0 })
      }
      expect(stats.rateLimited.parallel).toBe(0)
      expect(stats.maxInFlight).toBeLessThanOrEqual(4)
      expect(stats.totalRequests).toBe(workers * calls + 2 * calls)
    }, 120_000)
  }

  it("a worker killed (SIGKILL) while it holds every slot: another goes on once its leases run out, within the lease plus one second", async () => {
    await run(sim.setFaults([{ kind: "latency", millis: 60_000, operations: ["getChatMessage"] }]))
    await run(sim.resetStats)
    const holder = spawnWorker({ ...base(), businesses: [{ ...busy, concurrency: 4, calls: 4, operation: "getChatMessage" }] })
    await until("the holder has 4 requests in flight", async () => (await run(sim.stats)).inFlight === 4)
    const other = spawnWorker({ ...base(), verbose: true, businesses: [{ ...busy, concurrency: 4, calls: 20 }] })
    await other.ready
    await new Promise((resolve) => setTimeout(resolve, lease / 2))
    expect(other.events.filter((e) => e.event === "call")).toEqual([]) // it waits: the holder has every slot
    const killedAt = Date.now()
    holder.child.kill("SIGKILL")
    const exit = await other.exit
    expect(exit.code).toBe(0)
    expect(exit.results?.[busy.businessId]).toMatchObject({ ok: 20, errors: {} })
    const firstCall = Math.min(...other.events.filter((e) => e.event === "call").map((e) => e["at"] as number))
    expect(firstCall).toBeGreaterThan(killedAt)
    expect(firstCall - killedAt).toBeLessThan(lease + 1000)
  }, 120_000)

  it("Redis restarted under load: no worker crashes, at most 4 in flight once it is back, and the calls resume", async () => {
    await run(sim.setFaults([{ kind: "latency", millis: 20 }]))
    await run(sim.resetStats)
    const forMs = 4 * lease + 8000
    const running = Array.from({ length: 4 }, () => spawnWorker({ ...base(), forMs, businesses: [{ ...busy, concurrency: 8 }] }))
    await Promise.all(running.map((w) => w.ready))
    await until("calls go through", async () => (await run(sim.stats)).totalRequests > 100)
    await redis.restart()
    await run(sim.resetStats)
    const exits = await Promise.all(running.map((w) => w.exit))
    const stats = await run(sim.stats)
    for (const exit of exits) {
      expect(exit.stderr).toBe("")
      expect(exit.code).toBe(0)
    }
    expect(stats.totalRequests).toBeGreaterThan(0)
    expect(stats.maxInFlight).toBeLessThanOrEqual(4)
    expect(stats.rateLimited.parallel).toBe(0)
  }, 120_000)
})
