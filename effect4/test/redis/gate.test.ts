/**
 * The Effect 4 edition's Redis gate and quota store, over a real redis-server (the scripts and the
 * connection are the core's, tested in depth by the Effect 3 edition's suite): two processes share
 * the limit of a business, first come first served; a slot comes with a unit of the quota; a restarted Redis grants nothing for one lease; the client goes
 * through the Redis layer (a `Context.Reference`'s layer, typed `Layer<never>`); Redis out of reach is
 * a `LimiterUnavailableError` within the timeout without the URL's password, or the process's own gate.
 * The gate's regression cases (restarts, pauses, clocks, leases, interruption) are the shared ones
 * (`core/testing/gateCases.ts`, run by `cases.test.ts`).
 */
import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, Layer, Option, Redacted, Result } from "effect"
import { quotaKey } from "../../../core/redis/keys.js"
import { ChatsClient, ChatsLimiter } from "../../src/index.js"
import * as Redis from "../../src/Redis.js"
import * as Simulator from "../../src/Simulator.js"
import { adminClient, redisAvailable, scopedGrantingRedis, startRedis } from "./server.js"

const available = redisAvailable("effect4 test/redis/gate")
const lease = 1000
let businessCounter = 0
/** A business of its own for each test. */
const nextKey = (): ChatsLimiter.LimitKey => ({ api: "https://api.test", businessId: ++businessCounter })

/** The gate and the quota store of one process (a connection of its own) at `url`. */
const processAt = (url: string, options: Redis.Options = {}) =>
  Effect.flatMap(adminClient(url), (client) => Redis.make(client, { maxInFlight: 1, lease, ...options }))

describe.skipIf(!available)("the Redis gate and quota store (Effect 4)", () => {
  it.live("two processes share the business's slots: never more than maxInFlight in flight, first come first served", () =>
    Effect.gen(function*() {
      const server = yield* scopedGrantingRedis(lease)
      const one = yield* processAt(server.url, { maxInFlight: 2 })
      const two = yield* processAt(server.url, { maxInFlight: 2 })
      const key = nextKey()
      let inFlight = 0
      let most = 0
      const order: Array<number> = []
      yield* Effect.forEach(Array.from({ length: 12 }, (_, i) => i), (i) =>
        (i % 2 === 0 ? one : two).gate.withPermit(key)(Effect.gen(function*() {
          most = Math.max(most, ++inFlight)
          order.push(i)
          yield* Effect.sleep(10)
          inFlight--
        })), { concurrency: 6 })
      expect(most).toBe(2)
      expect(order).toHaveLength(12)
    }))

  it.live("a slot comes with a unit of the quota (the reserving pair); freeing it records the answer's quota", () =>
    Effect.gen(function*() {
      const server = yield* scopedGrantingRedis(lease)
      const admin = yield* adminClient(server.url)
      const { gate, quotaStore } = yield* processAt(server.url)
      const key = nextKey()
      const later = Date.now() + 60_000
      const remaining = Effect.promise(() => admin.hGet(quotaKey("ymc", key, "getChat"), "remaining"))
      const reserving = gate.reserving!
      expect(reserving.store).toBe(quotaStore)
      yield* quotaStore.record(key, "getChat", { remaining: 1, resetsAt: later })
      // the unit is taken with the slot: the reservation is already answered, and Redis holds 0 left
      const first = yield* reserving.withPermit(key, "getChat")(
        (reservation) => Effect.zip(remaining, reservation),
        () => ({ remaining: 3, resetsAt: later })
      )
      expect(first).toEqual(["0", Option.none()])
      // the answer's quota (3) was recorded as the slot was freed (same reset, smaller remaining kept: 0)
      expect(yield* remaining).toBe("0")
      const spent = yield* reserving.withPermit(key, "getChat")((reservation) => reservation, () => undefined)
      expect(spent).toEqual(Option.some({ remaining: 0, resetsAt: later }))
      // a later reset replaces the state
      yield* reserving.withPermit(key, "getChat")(() => Effect.void, () => ({ remaining: 5, resetsAt: later + 60_000 }))
      expect(yield* remaining).toBe("5")
      expect(yield* quotaStore.reserve(key, "getChat")).toEqual(Option.none())
      expect(yield* remaining).toBe("4")
    }))

  it.live("after Redis restarts empty, nothing is granted for one lease; then grants go on", () =>
    Effect.gen(function*() {
      const server = yield* scopedGrantingRedis(lease)
      const { gate } = yield* processAt(server.url)
      const key = nextKey()
      expect(yield* gate.withPermit(key)(Effect.succeed("went"))).toBe("went")
      yield* Effect.promise(() => server.restart())
      const restartedAt = Date.now()
      const grantedAt = yield* gate.withPermit(key)(Effect.sync(() => Date.now()))
      expect(grantedAt - restartedAt).toBeGreaterThanOrEqual(lease)
      expect(grantedAt - restartedAt).toBeLessThan(lease + 2000)
    }))

  it.live("the client through Redis.layerClient: a Context.Reference's layer (Layer<never>) replaces the process's gate and store", () =>
    Effect.gen(function*() {
      const server = yield* scopedGrantingRedis(lease)
      const sim = yield* Simulator.make({ seed: 3, chats: 5, messages: 5, quotas: { getChat: 3 }, quotaWindow: "1 minute" })
      const chatId = (yield* sim.chats())[0]!.chatId
      const redisLayer: Layer.Layer<never, unknown> = Redis.layerClient(yield* adminClient(server.url), { lease })
      const results = yield* Effect.gen(function*() {
        const gate = yield* ChatsLimiter.ChatsGate
        expect(gate.reserving).toBeDefined() // the Redis gate, not the in-memory default
        const client = yield* ChatsClient.make({ apiKey: Redacted.make(sim.apiKey), baseUrl: sim.url, retrySchedule: false, quotaWaitBudget: 0 })
        yield* client.getChat({ businessId: sim.businessId, chatId }) // the quota is learnt from the first answer
        return yield* Effect.forEach(Array.from({ length: 6 }), () => Effect.result(client.getChat({ businessId: sim.businessId, chatId })), {
          concurrency: 3
        })
      }).pipe(Effect.provide(Layer.merge(redisLayer, NodeHttpClient.layerUndici)))
      expect(results.filter(Result.isSuccess)).toHaveLength(2)
      expect(results.filter(Result.isFailure).map((r) => r.failure)).toMatchObject(
        Array.from({ length: 4 }, () => ({ _tag: "RateLimitError", kind: "quota" }))
      )
      expect((yield* sim.stats).rateLimited).toEqual({ parallel: 0, quota: 0 })
    }))

  it.live("Redis paused: the gate fails with LimiterUnavailableError within the timeout, without the password; with fallback \"memory\" the call goes through", () =>
    Effect.gen(function*() {
      const password = "s3cret-Pa55"
      const server = yield* Effect.acquireRelease(
        Effect.promise(() => startRedis({ args: ["--requirepass", password] })),
        (s) => Effect.promise(() => s.stop())
      )
      const url = `redis://:${password}@127.0.0.1:${server.port}`
      const timeout = 300
      const key = nextKey()
      const permit = Effect.flatMap(ChatsLimiter.ChatsGate, (gate) => gate.withPermit(key)(Effect.succeed("went")))
      const admin = yield* adminClient(url)
      yield* Effect.promise(() => admin.sendCommand(["CLIENT", "PAUSE", "3000", "ALL"]))
      const start = performance.now()
      const failed = yield* Effect.flip(permit.pipe(Effect.provide(Redis.layer({ url: Redacted.make(url), timeout, lease }))))
      expect(failed).toMatchObject({ _tag: "LimiterUnavailableError", limiter: "gate" })
      expect(failed.message).not.toContain(password)
      // the layer waits at most `timeout` for its first connection, the permit at most 1.25 × `timeout` more
      expect(performance.now() - start).toBeLessThan(3 * timeout + 1500)
      const fallback = yield* permit.pipe(Effect.provide(Redis.layer({ url: Redacted.make(url), timeout, lease, fallback: "memory" })))
      expect(fallback).toBe("went")
    }))
})

describe("the Redis layers' options (Effect 4)", () => {
  /** A client that must never be used: the options are refused first. */
  const untouchable: Redis.RedisClient = {
    sendCommand: () => Promise.reject(new Error("used")),
    duplicate: () => {
      throw new Error("used")
    },
    on: () => undefined
  }
  const refused: ReadonlyArray<readonly [string, Redis.Options, string]> = [
    ["maxInFlight 0", { maxInFlight: 0 }, "maxInFlight"],
    ["maxInFlight fractional", { maxInFlight: 2.5 }, "maxInFlight"],
    ["lease under a second", { lease: "200 millis" }, "lease"],
    ["lease infinite", { lease: "Infinity" }, "lease"],
    ["timeout 0", { timeout: 0 }, "timeout"]
  ]
  for (const [name, options, option] of refused) {
    it.effect(`${name}: an InvalidOptionsError naming ${option}, before any call to Redis`, () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(Redis.make(untouchable, options))
        expect(error).toMatchObject({ _tag: "InvalidOptionsError", option, reason: "invalid" })
      }))
  }

  it.effect("Redis.layer refuses a bad option before it connects", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Layer.build(Redis.layer({ url: "redis://127.0.0.1:1", lease: 10 })))
      expect(error).toMatchObject({ _tag: "InvalidOptionsError", option: "lease" })
    }))

  it.effect("Redis.layerConfig reads REDIS_URL as a secret; without it, an InvalidOptionsError (missing) names REDIS_URL", () =>
    Effect.gen(function*() {
      const missing = yield* Effect.flip(Layer.build(Redis.layerConfig()).pipe(
        Effect.provide(ConfigProvider.layer(ConfigProvider.fromUnknown({})))
      ))
      expect(missing).toMatchObject({ _tag: "InvalidOptionsError", option: "REDIS_URL", reason: "missing" })
      const bad = yield* Effect.flip(Layer.build(Redis.layerConfig({ maxInFlight: 0 })).pipe(
        Effect.provide(ConfigProvider.layer(ConfigProvider.fromUnknown({ REDIS_URL: "redis://:pw@127.0.0.1:1" })))
      ))
      expect(bad).toMatchObject({ _tag: "InvalidOptionsError", option: "maxInFlight" })
      expect(String(bad.message)).not.toContain("pw")
    }))
})
