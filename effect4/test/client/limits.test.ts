/**
 * The limits, under the `TestClock`: the gate (4 in flight per business, first come first served),
 * the quota (waited out within the budget, refused past it), the request timeout and the base URL check.
 */
import { describe, expect, it } from "@effect/vitest"
import { Clock, Effect, Fiber, Layer, Option, Redacted, Result } from "effect"
import { HttpClient, HttpClientResponse } from "effect/http"
import { TestClock } from "effect/testing"
import { ChatsClient, ChatsLimiter, ChatsRetry } from "../../src/index.js"
import { makeTrackedMemoryGate } from "../../src/internal/limiter/memoryGate.js"
import { makeTrackedMemoryQuotaStore } from "../../src/internal/limiter/memoryQuotaStore.js"
import { type Answer, fakeClient, ok, secretKey } from "./fakeHttp.js"
import { chatJson } from "../../../core/cases/answers.js"

const businessId = 12345

/** A server that takes `latency` of (test) time per request, answers with `answer`, and tracks how many are in flight. */
const slowServerWith = (latency: number, answer: () => Answer) => {
  const stats = { inFlight: 0, maxInFlight: 0, started: [] as Array<number> }
  const client = HttpClient.make((request, url) =>
    Effect.gen(function*() {
      stats.inFlight++
      stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight)
      stats.started.push(Number(url.searchParams.get("chatId")))
      yield* Effect.sleep(latency).pipe(Effect.ensuring(Effect.sync(() => stats.inFlight--)))
      const { body, headers, status } = answer()
      return HttpClientResponse.fromWeb(request, new Response(JSON.stringify(body), { status, ...(headers === undefined ? {} : { headers }) }))
    })
  )
  return { stats, layer: Layer.succeed(HttpClient.HttpClient, client) }
}

/** A server that takes `latency` of (test) time per request and tracks how many are in flight. */
const slowServer = (latency: number) => slowServerWith(latency, () => ok(chatJson(1)))

const clientLayer = (
  http: Layer.Layer<HttpClient.HttpClient>,
  options: Partial<ChatsClient.Options> = {},
  limiter: Layer.Layer<never, unknown> = ChatsLimiter.layerMemory()
) =>
  ChatsClient.layer({ apiKey: Redacted.make(secretKey), baseUrl: "https://api.test", ...options }).pipe(
    Layer.provide(Layer.merge(http, limiter))
  )

describe("the concurrency gate", () => {
  it.effect("50 concurrent calls: at most 4 in flight, started in the order they were made", () => {
    const server = slowServer(100)
    return Effect.gen(function*() {
      const client = yield* ChatsClient.ChatsClient
      const fiber = yield* Effect.forkChild(Effect.forEach(
        Array.from({ length: 50 }, (_, i) => i + 1),
        (chatId) => client.getChat({ businessId, chatId }),
        { concurrency: 50 }
      ))
      yield* TestClock.adjust(10_000)
      const chats = yield* Fiber.join(fiber)
      expect(chats).toHaveLength(50)
      expect(server.stats.maxInFlight).toBe(4)
      expect(server.stats.started).toEqual(Array.from({ length: 50 }, (_, i) => i + 1))
    }).pipe(Effect.provide(clientLayer(server.layer)))
  })

  it.effect("the limit is per business and configurable", () => {
    const server = slowServer(100)
    return Effect.gen(function*() {
      const client = yield* ChatsClient.ChatsClient
      const fiber = yield* Effect.forkChild(Effect.forEach(
        Array.from({ length: 20 }, (_, i) => i),
        (i) => client.getChat({ businessId: 1 + (i % 2), chatId: 1 }),
        { concurrency: "unbounded" }
      ))
      yield* TestClock.adjust(10_000)
      yield* Fiber.join(fiber)
      expect(server.stats.maxInFlight).toBe(4) // two businesses, two slots each
    }).pipe(Effect.provide(clientLayer(server.layer, {}, ChatsLimiter.layerMemory({ maxInFlight: 2 }))))
  })

  it.effect("a waiting call that is interrupted gives up its place and leaks no slot", () => {
    const server = slowServer(100)
    const gate = ChatsLimiter.makeMemoryGate({ maxInFlight: 1 })
    return Effect.gen(function*() {
      const client = yield* ChatsClient.ChatsClient
      const first = yield* Effect.forkChild(client.getChat({ businessId, chatId: 1 }))
      const waiting = yield* Effect.forkChild(client.getChat({ businessId, chatId: 2 }))
      yield* TestClock.adjust(10)
      yield* Fiber.interrupt(waiting)
      yield* TestClock.adjust(100)
      yield* Fiber.join(first)
      const third = yield* Effect.forkChild(client.getChat({ businessId, chatId: 3 }))
      yield* TestClock.adjust(100)
      yield* Fiber.join(third)
      expect(server.stats.started).toEqual([1, 3])
    }).pipe(Effect.provide(clientLayer(server.layer, {}, Layer.merge(Layer.succeed(ChatsLimiter.ChatsGate, gate), ChatsLimiter.layerMemoryQuotaStore))))
  })

  it.effect("an uncontended call is sent at once; the next one waits for the slot", () => {
    const server = slowServer(100)
    return Effect.gen(function*() {
      const client = yield* ChatsClient.ChatsClient
      const first = yield* Effect.forkChild(client.getChat({ businessId, chatId: 1 }))
      yield* TestClock.adjust(1)
      expect(server.stats.started).toEqual([1]) // sent at once, with no suspension at the gate
      const second = yield* Effect.forkChild(client.getChat({ businessId, chatId: 2 }))
      yield* TestClock.adjust(1)
      expect(server.stats.started).toEqual([1])
      yield* TestClock.adjust(200)
      yield* Fiber.join(first)
      yield* Fiber.join(second)
      expect(server.stats.started).toEqual([1, 2])
    }).pipe(Effect.provide(clientLayer(server.layer, {}, ChatsLimiter.layerMemory({ maxInFlight: 1 }))))
  })

  it.effect("a gate of maxInFlight 0 (or not an integer) is refused with an InvalidOptionsError", () =>
    Effect.gen(function*() {
      for (const maxInFlight of [0, -1, 1.5, Number.NaN]) {
        const built = yield* Effect.result(Layer.build(ChatsLimiter.layerMemoryGate({ maxInFlight })))
        expect(Result.isFailure(built) && built.failure).toMatchObject({ _tag: "InvalidOptionsError", option: "maxInFlight" })
      }
      expect(Result.isSuccess(yield* Effect.result(Layer.build(ChatsLimiter.layerMemory({ maxInFlight: 12 }))))).toBe(true)
    }))
})

describe("quota awareness", () => {
  const spent = (untilMillis: number) => ({
    status: 200,
    body: ok(chatJson(1)).body,
    headers: {
      "X-RateLimit-Resource-Limit": "1000",
      "X-RateLimit-Resource-Remaining": "0",
      "X-RateLimit-Resource-Until": new Date(untilMillis).toUTCString()
    }
  })

  it.effect("after an answer that spends the quota, the next call waits for the reset before sending", () => {
    const { requests, layer } = fakeClient(() => spent(20_000))
    return Effect.gen(function*() {
      const client = yield* ChatsClient.ChatsClient
      yield* client.getChat({ businessId, chatId: 1 })
      const fiber = yield* Effect.forkChild(client.getChat({ businessId, chatId: 1 }))
      // the reset is announced to the second: the call waits past that second
      yield* TestClock.adjust(20_999)
      expect(requests).toHaveLength(1)
      yield* TestClock.adjust(1)
      yield* Fiber.join(fiber)
      expect(requests).toHaveLength(2)
      // another operation has its own quota
      yield* client.getChatMessage({ businessId, chatId: 1, messageId: 1 }).pipe(Effect.result)
      expect(requests).toHaveLength(3)
    }).pipe(Effect.provide(layer))
  })

  it.effect("a reset past the budget fails at once, without sending, saying when it resets", () => {
    const { requests, layer } = fakeClient(() => spent(3_600_000))
    return Effect.gen(function*() {
      const client = yield* ChatsClient.ChatsClient
      yield* client.getChat({ businessId, chatId: 1 })
      const error = yield* Effect.flip(client.getChat({ businessId, chatId: 1 }))
      expect(requests).toHaveLength(1)
      if (error._tag !== "RateLimitError") throw new Error(`expected RateLimitError, got ${error._tag}`)
      expect(error.kind).toBe("quota")
      expect(error.message).toContain("1970-01-01T01:00:00.000Z")
      expect(error.rateLimit?.resetsAt?.epochMilliseconds).toBe(3_600_000)
    }).pipe(Effect.provide(layer))
  })
})

describe("timeouts", () => {
  const hanging = Layer.succeed(HttpClient.HttpClient, HttpClient.make(() => Effect.never))

  it.effect("a read that gets no answer fails with RequestTimeoutError after its retries", () =>
    Effect.gen(function*() {
      const client = yield* ChatsClient.ChatsClient
      const fiber = yield* Effect.forkChild(Effect.flip(client.getChat({ businessId, chatId: 1 })))
      yield* TestClock.adjust("10 minutes")
      const error = yield* Fiber.join(fiber)
      expect(error._tag).toBe("RequestTimeoutError")
      expect(error.message).toContain("within 2000 ms")
    }).pipe(Effect.provide(clientLayer(hanging, { requestTimeout: "2 seconds" }))))

  it.effect("a send that times out says its outcome is unknown", () =>
    Effect.gen(function*() {
      const client = yield* ChatsClient.ChatsClient
      const fiber = yield* Effect.forkChild(Effect.flip(client.sendMessageToChat({ businessId, chatId: 1, message: "hi" })))
      yield* TestClock.adjust("1 minute")
      const error = yield* Fiber.join(fiber)
      expect(error._tag).toBe("DeliveryUnknownError")
      if (error._tag === "DeliveryUnknownError") expect((error.cause as { _tag: string })._tag).toBe("RequestTimeoutError")
    }).pipe(Effect.provide(clientLayer(hanging))))
})

describe("the base URL", () => {
  const build = (options: Partial<ChatsClient.Options>) =>
    ChatsClient.make({ apiKey: Redacted.make(secretKey), ...options }).pipe(
      Effect.provide(fakeClient(() => ok()).http),
      Effect.result
    )

  it.effect("plain http off loopback is refused with a clear InvalidOptionsError", () =>
    Effect.gen(function*() {
      const result = yield* build({ baseUrl: "http://api.partner.market.yandex.ru" })
      expect(Result.isFailure(result)).toBe(true)
      if (Result.isFailure(result)) {
        expect(result.failure).toMatchObject({ _tag: "InvalidOptionsError", option: "baseUrl", reason: "invalid" })
        expect(result.failure.message).toContain("allowInsecureHttp")
      }
      expect(Result.isFailure(yield* build({ baseUrl: "not a url" }))).toBe(true)
      expect(Result.isFailure(yield* build({ baseUrl: "ftp://example.com" }))).toBe(true)
    }))

  it.effect("https, loopback http, and http with explicit opt-in are accepted", () =>
    Effect.gen(function*() {
      for (const options of [
        {},
        { baseUrl: "https://example.com/" },
        { baseUrl: "http://127.0.0.1:8080" },
        { baseUrl: "http://localhost:1" },
        { baseUrl: "http://[::1]:9000" },
        { baseUrl: "http://proxy.internal", allowInsecureHttp: true }
      ]) {
        expect(Result.isSuccess(yield* build(options))).toBe(true)
      }
    }))
})

describe("quota bookkeeping", () => {
  /** A success that reports `remaining` units left until `untilMillis`. */
  const left = (remaining: number, untilMillis: number) => ({
    status: 200,
    body: ok(chatJson(1)).body,
    headers: {
      "X-RateLimit-Resource-Limit": "10",
      "X-RateLimit-Resource-Remaining": String(remaining),
      "X-RateLimit-Resource-Until": new Date(untilMillis).toUTCString()
    }
  })

  it.effect("a spent quota past quotaWaitBudget fails at once, whatever the retry schedule", () => {
    const { requests, layer } = fakeClient(() => left(0, 3_000), {
      quotaWaitBudget: "1 second",
      retrySchedule: ChatsRetry.defaultSchedule()
    })
    return Effect.gen(function*() {
      const client = yield* ChatsClient.ChatsClient
      yield* client.getChat({ businessId, chatId: 1 })
      const fiber = yield* Effect.forkChild(Effect.flip(client.getChat({ businessId, chatId: 1 })))
      yield* TestClock.adjust(10) // long before the reset: a schedule that waited for it would still be waiting
      expect(fiber.pollUnsafe()).toBeDefined() // already done
      const error = yield* Fiber.join(fiber)
      expect(error._tag).toBe("RateLimitError")
      if (error._tag === "RateLimitError") expect(error.kind).toBe("quota")
      expect(requests).toHaveLength(1)
    }).pipe(Effect.provide(layer))
  })

  it.effect("with one unit left, one of four concurrent calls is sent; the others are refused before sending", () => {
    let served = 0
    const { requests, layer } = fakeClient(() => left(Math.max(0, 1 - served++), 3_600_000))
    return Effect.gen(function*() {
      const client = yield* ChatsClient.ChatsClient
      yield* client.getChat({ businessId, chatId: 1 }) // reports 1 left
      const results = yield* Effect.forEach([1, 2, 3, 4], (chatId) => Effect.result(client.getChat({ businessId, chatId })), {
        concurrency: 4
      })
      expect(requests).toHaveLength(2)
      expect(results.filter(Result.isSuccess)).toHaveLength(1)
      for (const r of results.filter(Result.isFailure)) expect(r.failure._tag).toBe("RateLimitError")
    }).pipe(Effect.provide(layer))
  })

  it.effect("the quota is checked when the slot is taken: calls queued behind an answer that spends it are not sent", () => {
    const server = slowServerWith(100, () => left(0, 3_600_000))
    return Effect.gen(function*() {
      const client = yield* ChatsClient.ChatsClient
      const fiber = yield* Effect.forkChild(Effect.forEach([1, 2, 3, 4], (chatId) => Effect.result(client.getChat({ businessId, chatId })), {
        concurrency: 4
      }))
      yield* TestClock.adjust(1_000)
      const results = yield* Fiber.join(fiber)
      expect(server.stats.started).toEqual([1])
      expect(results.filter(Result.isFailure)).toHaveLength(3)
    }).pipe(Effect.provide(clientLayer(server.layer, {}, ChatsLimiter.layerMemory({ maxInFlight: 1 }))))
  })

  it.effect("an older answer does not overwrite a newer one: for the same reset the smaller remaining is kept", () =>
    Effect.gen(function*() {
      const store = ChatsLimiter.makeMemoryQuotaStore()
      const key = { api: "https://api.test", businessId }
      yield* store.record(key, "getChat", { remaining: 0, resetsAt: 60_000 })
      yield* store.record(key, "getChat", { remaining: 1, resetsAt: 60_000 }) // arrives last, was sent first
      expect(Option.isSome(yield* store.reserve(key, "getChat"))).toBe(true)
      // a later reset replaces the state; an earlier one is stale
      yield* store.record(key, "getChat", { remaining: 2, resetsAt: 120_000 })
      yield* store.record(key, "getChat", { remaining: 0, resetsAt: 60_000 })
      expect(Option.isNone(yield* store.reserve(key, "getChat"))).toBe(true)
      expect(Option.isNone(yield* store.reserve(key, "getChat"))).toBe(true)
      expect(Option.isSome(yield* store.reserve(key, "getChat"))).toBe(true)
      // the reset is announced to the second: the state holds until that second is over
      yield* TestClock.adjust(120_999)
      expect(Option.isSome(yield* store.reserve(key, "getChat"))).toBe(true)
      yield* TestClock.adjust(1)
      expect(Option.isNone(yield* store.reserve(key, "getChat"))).toBe(true)
    }))
})

describe("the in-memory gate", () => {
  it.effect("keeps no state for businesses with nothing in flight", () =>
    Effect.gen(function*() {
      const { gate, tracked } = makeTrackedMemoryGate(2)
      yield* Effect.forEach(Array.from({ length: 200 }, (_, i) => i), (businessId) =>
        gate.withPermit({ api: "https://api.test", businessId })(Effect.sleep(10)), { concurrency: "unbounded", discard: true }).pipe(
          Effect.forkChild,
          Effect.tap(() => TestClock.adjust(5)),
          Effect.tap(() => Effect.sync(() => expect(tracked()).toBe(200))),
          Effect.tap(() => TestClock.adjust(10)),
          Effect.flatMap(Fiber.join)
        )
      expect(tracked()).toBe(0)
    }))
})

describe("the in-memory quota store", () => {
  it.effect("drops the states whose reset has passed: calls to many businesses do not grow it for ever", () =>
    Effect.gen(function*() {
      const { store, tracked } = makeTrackedMemoryQuotaStore()
      const record = (businessId: number, resetsAt: number) =>
        store.record({ api: "https://api.test", businessId }, "getChat", { remaining: 5, resetsAt })
      for (let businessId = 0; businessId < 3000; businessId++) {
        // half of them reset before the other half is recorded
        if (businessId === 1500) yield* TestClock.adjust("1 minute")
        yield* record(businessId, (yield* Clock.currentTimeMillis) + 10)
      }
      expect(tracked()).toBeLessThanOrEqual(2048)
      const still = yield* store.reserve({ api: "https://api.test", businessId: 2999 }, "getChat")
      expect(Option.isNone(still)).toBe(true) // a unit reserved from a live state
      expect(tracked()).toBeGreaterThan(0)
    }))
})
