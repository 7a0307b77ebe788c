/**
 * What a call's span tells about its waits: `yandex_market.gate_queued` when it waited at the gate,
 * a `quota wait` event when it waited for a spent quota, and a `retry` event for each retry the
 * schedule decided on (and none when it gave up).
 */
import { HttpClient } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, Schedule, TestClock } from "effect"
import { ChatsClient, ChatsLimiter, ChatsRetry } from "../../src/index.js"
import { type Answer, fail, fakeClient, ok } from "./fakeHttp.js"
import { chatJson } from "../../../core/cases/answers.js"
import { callSpans, clientWithLimiter, eventsOf, withSpans } from "./limiterClient.js"

const businessId = 12345

describe("the gate_queued attribute", () => {
  it.effect("is set on a call that waited at a gate of 1, and not on the one that went straight through", () => {
    const { requests, layer } = clientWithLimiter(
      ChatsLimiter.layerMemory({ maxInFlight: 1 }),
      (r) => ok(chatJson(Number(r.url.searchParams.get("chatId")))),
      // each exchange takes 100 ms of test time, holding the slot
      { transformClient: HttpClient.tap(() => Effect.sleep("100 millis")) }
    )
    return Effect.gen(function*() {
      const client = yield* ChatsClient.ChatsClient
      const { spans } = yield* withSpans(Effect.gen(function*() {
        const first = yield* Effect.fork(client.getChat({ businessId, chatId: 1 }))
        yield* TestClock.adjust(10)
        const second = yield* Effect.fork(client.getChat({ businessId, chatId: 2 }))
        yield* TestClock.adjust(10)
        expect(requests).toHaveLength(1) // the second waits for the slot
        yield* TestClock.adjust(1_000)
        yield* Fiber.join(first)
        yield* Fiber.join(second)
      }))
      const [first, second] = [1, 2].map((chatId) =>
        callSpans(spans, "getChat").find((s) => s.attributes.get("yandex_market.chat_id") === chatId)!
      )
      expect(first!.attributes.has("yandex_market.gate_queued")).toBe(false)
      expect(second!.attributes.get("yandex_market.gate_queued")).toBe(true)
      expect(requests).toHaveLength(2)
    }).pipe(Effect.provide(layer))
  })
})

describe("the quota wait event", () => {
  it.effect("is recorded on a call that waits for a spent quota, with how long, and not on the call before", () => {
    // every answer says the quota is spent until 00:00:05 GMT (epoch 5 s): the next call waits for 6 s
    const spent: Answer = {
      ...ok(chatJson(1)),
      headers: {
        "X-RateLimit-Resource-Limit": "100",
        "X-RateLimit-Resource-Remaining": "0",
        "X-RateLimit-Resource-Until": new Date(5_000).toUTCString()
      }
    }
    const { requests, layer } = fakeClient(() => spent)
    return Effect.gen(function*() {
      const client = yield* ChatsClient.ChatsClient
      const { spans } = yield* withSpans(Effect.gen(function*() {
        yield* client.getChat({ businessId, chatId: 1 })
        // (the wait itself is checked in limits.test.ts; here, what the span says of it)
        const waiting = yield* Effect.fork(client.getChat({ businessId, chatId: 2 }))
        yield* TestClock.adjust(6_000)
        yield* Fiber.join(waiting)
      }))
      const [first, second] = callSpans(spans, "getChat")
      expect(eventsOf(first!)).toEqual([])
      const events = eventsOf(second!)
      expect(events.map(([name]) => name)).toEqual(["quota wait"])
      expect(events[0]![2]).toEqual({ operation: "getChat", waitMillis: 6_000 })
      expect(requests).toHaveLength(2)
    }).pipe(Effect.provide(layer))
  })
})

/** The error of a `getChat` that fails, with a minute of test time for its retries. */
const getChatFailure = Effect.gen(function*() {
  const client = yield* ChatsClient.ChatsClient
  const fiber = yield* Effect.fork(Effect.flip(client.getChat({ businessId, chatId: 42 })))
  yield* TestClock.adjust(60_000)
  return yield* Fiber.join(fiber)
})

describe("the retry event", () => {
  it.effect("is recorded only when the schedule then retries: 2 retries of 420s, 3 requests, 2 events", () => {
    const parallel420 = fail(420, "LIMIT_EXCEEDED", "Hit rate limit of 4 parallel requests for businessId 12345")
    const { requests, layer } = fakeClient(() => parallel420, {
      retrySchedule: ChatsRetry.defaultSchedule({ maxRateLimitRetries: 2 })
    })
    return Effect.gen(function*() {
      const { result: error, spans } = yield* withSpans(getChatFailure)
      expect(error._tag).toBe("RateLimitError")
      expect(requests).toHaveLength(3)
      const [span] = callSpans(spans, "getChat")
      expect(eventsOf(span!).map(([name, , attributes]) => [name, attributes])).toEqual([
        ["retry", { operation: "getChat", error: "RateLimitError" }],
        ["retry", { operation: "getChat", error: "RateLimitError" }]
      ])
      expect(span!.attributes.get("outcome")).toBe("RateLimitError")
    }).pipe(Effect.provide(layer))
  })

  it.effect("is not recorded for a failure that is not retried, even by a schedule that would go on: a 503, then a 404", () => {
    const { requests, layer } = fakeClient((_, n) => n === 1 ? fail(503, "SERVICE_UNAVAILABLE") : fail(404, "NOT_FOUND"), {
      retrySchedule: Schedule.recurs(5)
    })
    return Effect.gen(function*() {
      const { result: error, spans } = yield* withSpans(getChatFailure)
      expect(error._tag).toBe("NotFoundError")
      expect(requests).toHaveLength(2)
      const [span] = callSpans(spans, "getChat")
      expect(eventsOf(span!).map(([name, , attributes]) => [name, attributes])).toEqual([
        ["retry", { operation: "getChat", error: "UnexpectedStatusError" }]
      ])
    }).pipe(Effect.provide(layer))
  })
})
