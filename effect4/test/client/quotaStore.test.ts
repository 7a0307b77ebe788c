/**
 * A quota store given as a layer (`ChatsLimiter.ChatsQuotaStore`) is the one the client uses: it
 * sees every reservation and every answer's quota, its refusals stop calls before sending, and a
 * store that cannot answer lets calls go (fail open) with a warning.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Logger, Option, References } from "effect"
import { ChatsClient, ChatsError, ChatsLimiter } from "../../src/index.js"
import { ok } from "./fakeHttp.js"
import { chatJson } from "../../../core/cases/answers.js"
import { clientWithLimiter } from "./limiterClient.js"

const businessId = 12345
const key: ChatsLimiter.LimitKey = { api: "https://api.test", businessId }

/** The client over a fake server answering `answer`, with the given store and a gate of its own. */
const withStore = (store: ChatsLimiter.QuotaStore, answer = ok(chatJson(42))) =>
  clientWithLimiter(
    Layer.merge(ChatsLimiter.layerMemoryGate(), Layer.succeed(ChatsLimiter.ChatsQuotaStore, store)),
    () => answer
  )

describe("a custom quota store", () => {
  it.effect("is the one used: it is asked before the request and told the answer's quota headers", () => {
    const calls: Array<unknown> = []
    const store: ChatsLimiter.QuotaStore = {
      reserve: (k, operation) => Effect.sync(() => (calls.push(["reserve", k, operation]), Option.none())),
      record: (k, operation, state) => Effect.sync(() => void calls.push(["record", k, operation, state]))
    }
    const { requests, layer } = withStore(store, {
      ...ok(chatJson(42)),
      headers: {
        "X-RateLimit-Resource-Limit": "1000",
        "X-RateLimit-Resource-Remaining": "998",
        "X-RateLimit-Resource-Until": "Wed, 02 Dec 2026 18:00:00 GMT"
      }
    })
    return Effect.gen(function*() {
      yield* (yield* ChatsClient.ChatsClient).getChat({ businessId, chatId: 42 })
      expect(requests).toHaveLength(1)
      expect(calls).toEqual([
        ["reserve", key, "getChat"],
        ["record", key, "getChat", { remaining: 998, resetsAt: Date.UTC(2026, 11, 2, 18), limit: 1000 }]
      ])
    }).pipe(Effect.provide(layer))
  })

  it.effect("a spent quota it reports with a reset past quotaWaitBudget fails the call at once, without sending", () => {
    const spent: ChatsLimiter.QuotaState = { remaining: 0, resetsAt: 2 * 3_600_000, limit: 1000 }
    const store: ChatsLimiter.QuotaStore = {
      reserve: () => Effect.succeed(Option.some(spent)),
      record: () => Effect.void
    }
    const { requests, layer } = withStore(store)
    return Effect.gen(function*() {
      const error = yield* Effect.flip((yield* ChatsClient.ChatsClient).getChat({ businessId, chatId: 42 }))
      expect(requests).toHaveLength(0)
      if (!ChatsError.isRateLimitError(error)) throw new Error(`expected a RateLimitError, got ${error._tag}`)
      expect(error.kind).toBe("quota")
      expect(error.rateLimit?.resetsAt?.epochMilliseconds).toBe(spent.resetsAt)
      expect(error.rateLimit?.limit).toBe(1000)
    }).pipe(Effect.provide(layer))
  })

  it.effect("a store that cannot answer lets the call go (fail open) and logs a warning", () => {
    const down = new ChatsError.LimiterUnavailableError({ limiter: "quotaStore", description: "store out of reach" })
    const store: ChatsLimiter.QuotaStore = { reserve: () => Effect.fail(down), record: () => Effect.fail(down) }
    const { requests, layer } = withStore(store, {
      ...ok(chatJson(42)),
      headers: { "X-RateLimit-Resource-Remaining": "5", "X-RateLimit-Resource-Until": "Wed, 02 Dec 2026 18:00:00 GMT" }
    })
    const warnings: Array<string> = []
    const logger = Logger.make(({ logLevel, message }) => {
      if (logLevel === "Warn") warnings.push(String(message))
    })
    return Effect.gen(function*() {
      const chat = yield* (yield* ChatsClient.ChatsClient).getChat({ businessId, chatId: 42 })
      expect(chat.chatId).toBe(42)
      expect(requests).toHaveLength(1)
      // once for the reservation, once for the answer's quota
      expect(warnings).toHaveLength(2)
      for (const warning of warnings) expect(warning).toContain("quota store could not answer: store out of reach")
    }).pipe(
      Effect.provide(layer),
      Effect.provide(Logger.layer([logger])),
      Effect.provideService(References.MinimumLogLevel, "Warn")
    )
  })
})
