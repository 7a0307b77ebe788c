/**
 * The limiters as Effect 4 services: `ChatsGate` and `ChatsQuotaStore` are `Context.Reference`s whose
 * defaults one process shares per business and API, whose layers provide no new service (they are
 * typed `Layer<never>`), and whose quota store fails open with a warning that `it.effect`'s
 * `TestConsole` receives.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Redacted } from "effect"
import { TestConsole } from "effect/testing"
import { ChatsClient, ChatsError, ChatsLimiter } from "../../src/index.js"
import { makeFake, ok, secretKey } from "./fakeHttp.js"
import { chatJson } from "../../../core/cases/answers.js"

const businessId = 12345

describe("the limiters are Context.References", () => {
  it("their layers are typed Layer<never> (a Reference adds no service to the requirements)", () => {
    const store: Layer.Layer<never> = ChatsLimiter.layerMemoryQuotaStore
    const both: Layer.Layer<never, ChatsError.InvalidOptionsError> = ChatsLimiter.layerMemory()
    const given: Layer.Layer<never> = Layer.succeed(ChatsLimiter.ChatsGate, ChatsLimiter.makeMemoryGate())
    expect([store, both, given].every(Layer.isLayer)).toBe(true)
  })

  it.effect("without a layer, every client gets the process-wide defaults: one gate and one store", () =>
    Effect.gen(function*() {
      const gate = yield* ChatsLimiter.ChatsGate
      const store = yield* ChatsLimiter.ChatsQuotaStore
      expect(yield* ChatsLimiter.ChatsGate).toBe(gate)
      expect(yield* ChatsLimiter.ChatsQuotaStore).toBe(store)
      // a layer replaces them for what it is provided to, and only there
      const own = yield* Effect.provide(
        Effect.gen(function*() {
          return yield* ChatsLimiter.ChatsGate
        }),
        ChatsLimiter.layerMemoryGate()
      )
      expect(own).not.toBe(gate)
      expect(yield* ChatsLimiter.ChatsGate).toBe(gate)
    }))

  it.effect("two clients built apart share the default store: a quota spent through one holds the other back", () => {
    const fake = makeFake(() => ({
      ...ok(chatJson(1)),
      headers: {
        "X-RateLimit-Resource-Remaining": "0",
        "X-RateLimit-Resource-Until": new Date(Date.now() + 3_600_000).toUTCString()
      }
    }))
    // a base URL of this test only, so that no other test's calls share its limits
    const options = { apiKey: Redacted.make(secretKey), baseUrl: "https://shared-defaults.test", retrySchedule: false as const }
    return Effect.gen(function*() {
      const first = yield* ChatsClient.make(options)
      const second = yield* ChatsClient.make(options)
      yield* first.getChat({ businessId, chatId: 1 })
      const error = yield* Effect.flip(second.getChat({ businessId, chatId: 1 }))
      expect(error._tag).toBe("RateLimitError")
      expect(fake.requests).toHaveLength(1)
    }).pipe(Effect.provide(fake.layer))
  })
})

describe("a quota store that cannot answer", () => {
  it.effect("lets the call go and warns through the Console (it.effect provides a TestConsole)", () => {
    const down = new ChatsError.LimiterUnavailableError({ limiter: "quotaStore", description: "store out of reach" })
    const store: ChatsLimiter.QuotaStore = { reserve: () => Effect.fail(down), record: () => Effect.fail(down) }
    const fake = makeFake(() => ok(chatJson(42)))
    const layer = ChatsClient.layer({ apiKey: Redacted.make(secretKey), baseUrl: "https://api.test", retrySchedule: false }).pipe(
      Layer.provide(Layer.mergeAll(fake.layer, ChatsLimiter.layerMemoryGate(), Layer.succeed(ChatsLimiter.ChatsQuotaStore, store)))
    )
    return Effect.gen(function*() {
      const chat = yield* (yield* ChatsClient.ChatsClient).getChat({ businessId, chatId: 42 })
      expect(chat.chatId).toBe(42)
      const lines = [...yield* TestConsole.logLines, ...yield* TestConsole.errorLines, ...yield* TestConsole.warnLines]
      expect(lines.map(String).some((line) => line.includes("quota store could not answer: store out of reach"))).toBe(true)
      expect(lines.map(String).some((line) => line.includes(secretKey))).toBe(false)
    }).pipe(Effect.provide(layer))
  })
})
