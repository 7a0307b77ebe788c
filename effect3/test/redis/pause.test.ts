/**
 * The bounds of the calls to Redis and the pause after a failure: a waiter whose call failed while
 * Redis was paused still leaves the queue once Redis is back (its clean-up is bounded, not paused, and
 * retried), so the call Redis ran late leaves no slot held; and a wall clock stepped back changes no
 * bound (every bound is measured on a monotonic clock).
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Fiber, Logger, LogLevel } from "effect"
import { afterAll, beforeAll, vi } from "vitest"
import { gateKeys } from "../../../core/redis/keys.js"
import type { ChatsLimiter } from "../../src/index.js"
import * as Redis from "../../src/Redis.js"
import { adminClient, type RedisServer, redisAvailable, startGrantingRedis } from "./server.js"

const available = redisAvailable("test/redis/pause")
const lease = 4000
const timeout = 300
let server: RedisServer
let businessCounter = 0
/** A business of its own for each test. */
const nextKey = (): ChatsLimiter.LimitKey => ({ api: "https://api.test", businessId: ++businessCounter })

/** Pauses every client of the server for `millis` (the admin connection that asks is closed at once). */
const pauseRedis = (millis: number) =>
  Effect.scoped(Effect.flatMap(adminClient(server.url), (admin) =>
    Effect.promise(() => admin.sendCommand(["CLIENT", "PAUSE", String(millis), "ALL"]))))

/** Makes `Date.now()` answer `millis` earlier than the real time until the scope closes (a wall clock stepped back). */
const clockSteppedBack = (millis: number) =>
  Effect.acquireRelease(
    Effect.sync(() => {
      const real = Date.now.bind(Date)
      return vi.spyOn(Date, "now").mockImplementation(() => real() - millis)
    }),
    (spy) => Effect.sync(() => spy.mockRestore())
  )

const elapsedSince = (start: number) => performance.now() - start

describe.skipIf(!available)("the Redis gate's bounds and pause", () => {
  beforeAll(async () => {
    server = await startGrantingRedis(lease)
  })
  afterAll(async () => server?.stop())

  it.scopedLive("a waiter that fails while Redis is paused leaves the queue once Redis is back: the acquire Redis ran late holds no slot for a lease", () =>
    Effect.gen(function*() {
      const admin = yield* adminClient(server.url)
      const { gate } = yield* Redis.make(yield* adminClient(server.url), { maxInFlight: 1, lease, timeout })
      const key = nextKey()
      const keys = gateKeys("ymc", key)
      expect(yield* gate.withPermit(key)(Effect.succeed("went"))).toBe("went") // listening on its wake-up channel
      const pausedFor = 1000
      yield* pauseRedis(pausedFor)
      const pausedAt = performance.now()
      // the acquire is sent, times out, and Redis runs it when the pause ends: the slot is free, so it
      // grants it to a waiter that has already given up
      const failed = yield* Effect.either(gate.withPermit(key)(Effect.succeed("went")))
      expect(Either.getLeft(failed)).toMatchObject({ value: { _tag: "LimiterUnavailableError", limiter: "gate" } })
      yield* Effect.sleep(Math.max(0, pausedFor - elapsedSince(pausedAt)) + 3 * timeout)
      // its clean-up landed: no holder and no waiter left, well before the lease would have ended
      expect(yield* Effect.promise(() => admin.zCard(keys.holders))).toBe(0)
      expect(yield* Effect.promise(() => admin.zCard(keys.queue))).toBe(0)
      expect(yield* gate.withPermit(key)(Effect.succeed("went"))).toBe("went")
    }).pipe(Logger.withMinimumLogLevel(LogLevel.None)), 30_000)

  it.scopedLive("a wall clock stepped back during a call: the call still fails within its bound", () =>
    Effect.gen(function*() {
      const { gate } = yield* Redis.make(yield* adminClient(server.url), { maxInFlight: 1, lease, timeout })
      const key = nextKey()
      expect(yield* gate.withPermit(key)(Effect.succeed("went"))).toBe("went")
      yield* pauseRedis(3000)
      const start = performance.now()
      const call = yield* Effect.fork(Effect.either(gate.withPermit(key)(Effect.succeed("went"))))
      yield* Effect.sleep(50) // the call is on its way, its bound set
      const result = yield* Effect.scoped(Effect.zipRight(clockSteppedBack(60_000), Fiber.join(call)))
      expect(Either.getLeft(result)).toMatchObject({ value: { _tag: "LimiterUnavailableError", limiter: "gate" } })
      expect(elapsedSince(start)).toBeLessThan(1.25 * timeout + 1000)
      yield* Effect.sleep(3000) // the pause ends
    }).pipe(Logger.withMinimumLogLevel(LogLevel.None)), 30_000)

  it.scopedLive("a wall clock stepped back after a failure: Redis is tried again after one timeout, not after a minute", () =>
    Effect.gen(function*() {
      const { gate } = yield* Redis.make(yield* adminClient(server.url), { maxInFlight: 1, lease, timeout })
      const key = nextKey()
      expect(yield* gate.withPermit(key)(Effect.succeed("went"))).toBe("went")
      const pausedFor = 2 * timeout
      yield* pauseRedis(pausedFor)
      const pausedAt = performance.now()
      const failed = yield* Effect.either(gate.withPermit(key)(Effect.succeed("went")))
      expect(Either.isLeft(failed)).toBe(true)
      yield* clockSteppedBack(60_000)
      // the pause has ended and one timeout has passed since the failure
      yield* Effect.sleep(Math.max(0, pausedFor - elapsedSince(pausedAt)) + 2 * timeout)
      const again = yield* Effect.either(gate.withPermit(key)(Effect.succeed("went")))
      expect(again).toEqual(Either.right("went"))
    }).pipe(Logger.withMinimumLogLevel(LogLevel.None)), 30_000)
})
