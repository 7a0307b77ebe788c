/**
 * The Redis gate's options are checked before anything connects: a `ConfigError` names the bad one
 * (a lease under a second would turn the waiters' re-checks into a busy poll of Redis; a gate of 0
 * slots would never admit). No redis-server is needed.
 */
import { describe, expect, it } from "@effect/vitest"
import { ConfigError, Duration, Effect, Layer } from "effect"
import * as Redis from "../../src/Redis.js"

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
  ["lease 0", { lease: 0 }, "lease"],
  ["lease under a second", { lease: "200 millis" }, "lease"],
  ["lease infinite", { lease: Duration.infinity }, "lease"],
  ["timeout 0", { timeout: 0 }, "timeout"]
]

describe("the Redis gate's options", () => {
  for (const [name, options, key] of refused) {
    it.scoped(`${name}: a ConfigError naming ${key}, before any call to Redis`, () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(Redis.make(untouchable, options))
        expect(ConfigError.isConfigError(error)).toBe(true)
        expect(error).toMatchObject({ _op: "InvalidData", path: [key] })
      }))
  }

  it.effect("Redis.layer refuses a bad option before it connects", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Layer.build(Redis.layer({ url: "redis://127.0.0.1:1", lease: 10 })).pipe(Effect.scoped))
      expect(error).toMatchObject({ _op: "InvalidData", path: ["lease"] })
    }))

  it.scoped("the defaults and a lease of one second are taken", () =>
    Effect.gen(function*() {
      const limiters = yield* Redis.make(untouchable, { lease: "1 second", maxInFlight: 1, timeout: "10 millis" })
      expect(typeof limiters.gate.withPermit).toBe("function")
      expect(typeof (yield* Redis.make(untouchable)).quotaStore.reserve).toBe("function")
    }))
})
