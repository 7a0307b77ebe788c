import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, Schedule, TestClock } from "effect"
import { ChatsClient, ChatsRetry } from "../../src/index.js"
import { type Answer, fail, fakeClient, ok } from "./fakeHttp.js"
import { chatJson } from "../../../core/cases/answers.js"

const businessId = 12345
const parallel420 = fail(420, "LIMIT_EXCEEDED", "Hit rate limit of 4 parallel requests for businessId 12345")
const quota420 = (untilMillis: number): Answer =>
  fail(420, "LIMIT_EXCEEDED", "Hit rate limit of 1000 requests per 1 hours for resource 249", {
    "X-RateLimit-Resource-Limit": "1000",
    "X-RateLimit-Resource-Remaining": "0",
    "X-RateLimit-Resource-Until": new Date(untilMillis).toUTCString()
  })

/** A client whose first `failures` answers are `failure`, then success; with the default schedule. */
const flaky = (failure: (n: number) => Answer, failures: number, schedule?: ChatsRetry.RetrySchedule | false) =>
  fakeClient((_, n) => n <= failures ? failure(n) : ok(chatJson(42)), {
    retrySchedule: schedule ?? ChatsRetry.defaultSchedule()
  })

/** Advances the test clock, running the fibers it wakes. */
const advance = (millis: number) => TestClock.adjust(millis)

describe("420 retries with the default schedule", () => {
  it.effect("parallel-limit 420s back off exponentially with ±20% jitter", () => {
    const { requests, layer } = flaky(() => parallel420, 3)
    return Effect.gen(function*() {
      const client = yield* ChatsClient.ChatsClient
      const fiber = yield* Effect.fork(client.getChat({ businessId, chatId: 42 }))
      // step the clock 5 ms at a time and note when each request arrives
      const arrivals: Array<number> = []
      for (let t = 0; t <= 3_000; t += 5) {
        while (arrivals.length < requests.length) arrivals.push(t)
        yield* advance(5)
      }
      expect(arrivals).toHaveLength(4)
      const gaps = arrivals.slice(1).map((t, i) => t - arrivals[i]!)
      // 200, 400 and 800 ms, each ±20%, give or take one 5 ms step
      expect(gaps[0]).toBeGreaterThanOrEqual(155)
      expect(gaps[0]).toBeLessThanOrEqual(245)
      expect(gaps[1]).toBeGreaterThanOrEqual(315)
      expect(gaps[1]).toBeLessThanOrEqual(485)
      expect(gaps[2]).toBeGreaterThanOrEqual(635)
      expect(gaps[2]).toBeLessThanOrEqual(965)
      const chat = yield* Fiber.join(fiber)
      expect(chat.chatId).toBe(42)
    }).pipe(Effect.provide(layer))
  })

  it.effect("a quota 420 waits until the end of the second X-RateLimit-Resource-Until announces", () => {
    const { requests, layer } = flaky(() => quota420(30_000), 1)
    return Effect.gen(function*() {
      const client = yield* ChatsClient.ChatsClient
      const fiber = yield* Effect.fork(client.getChat({ businessId, chatId: 42 }))
      // the header says 00:00:30 GMT; the real reset may fall anywhere in that second
      yield* advance(30_999)
      expect(requests).toHaveLength(1)
      yield* advance(1)
      expect(requests).toHaveLength(2)
      expect((yield* Fiber.join(fiber)).chatId).toBe(42)
    }).pipe(Effect.provide(layer))
  })

  it.effect("a quota reset beyond the budget fails at once with the RateLimitError", () => {
    const { requests, layer } = flaky(() => quota420(2 * 3600_000), 1)
    return Effect.gen(function*() {
      const client = yield* ChatsClient.ChatsClient
      const error = yield* Effect.flip(client.getChat({ businessId, chatId: 42 }))
      expect(error._tag).toBe("RateLimitError")
      expect(requests).toHaveLength(1)
      if (error._tag === "RateLimitError") expect(error.kind).toBe("quota")
    }).pipe(Effect.provide(layer))
  })

  it.effect("once the retries are spent the RateLimitError reaches the caller", () => {
    const { requests, layer } = flaky(() => parallel420, 1_000)
    return Effect.gen(function*() {
      const client = yield* ChatsClient.ChatsClient
      const fiber = yield* Effect.fork(Effect.flip(client.getChat({ businessId, chatId: 42 })))
      yield* advance(120_000)
      const error = yield* Fiber.join(fiber)
      expect(error._tag).toBe("RateLimitError")
      expect(requests).toHaveLength(11) // the first try and 10 retries, well within the 1-minute budget
    }).pipe(Effect.provide(layer))
  })

  it.effect("sends are retried on 420 (the request was refused, not carried out)", () => {
    const { requests, layer } = fakeClient((_, n) => n === 1 ? parallel420 : ok(), {
      retrySchedule: ChatsRetry.defaultSchedule()
    })
    return Effect.gen(function*() {
      const client = yield* ChatsClient.ChatsClient
      const fiber = yield* Effect.fork(client.sendMessageToChat({ businessId, chatId: 1, message: "hi" }))
      yield* advance(1_000)
      yield* Fiber.join(fiber)
      expect(requests).toHaveLength(2)
    }).pipe(Effect.provide(layer))
  })
})

describe("transient failures", () => {
  it.effect("a read is retried after 500s", () => {
    const { requests, layer } = flaky(() => fail(500, "INTERNAL"), 2)
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(Effect.flatMap(ChatsClient.ChatsClient, (c) => c.getChat({ businessId, chatId: 42 })))
      yield* advance(5_000)
      expect((yield* Fiber.join(fiber)).chatId).toBe(42)
      expect(requests).toHaveLength(3)
    }).pipe(Effect.provide(layer))
  })

  it.effect("a send is not retried after a 500: it may have been delivered", () => {
    const { requests, layer } = fakeClient((_, n) => n === 1 ? fail(500, "INTERNAL") : ok(), {
      retrySchedule: ChatsRetry.defaultSchedule()
    })
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(Effect.flip(Effect.flatMap(
        ChatsClient.ChatsClient,
        (c) => c.sendMessageToChat({ businessId, chatId: 1, message: "hi" })
      )))
      yield* advance(5_000)
      const error = yield* Fiber.join(fiber)
      expect(error._tag).toBe("DeliveryUnknownError")
      if (error._tag === "DeliveryUnknownError") {
        expect((error.cause as { _tag: string })._tag).toBe("InternalServerError")
        expect(error.message).toContain("outcome is unknown")
      }
      expect(requests).toHaveLength(1)
    }).pipe(Effect.provide(layer))
  })

  it.effect("400s are never retried", () => {
    const { requests, layer } = flaky(() => fail(400, "BAD"), 5)
    return Effect.gen(function*() {
      const error = yield* Effect.flip(Effect.flatMap(ChatsClient.ChatsClient, (c) => c.getChat({ businessId, chatId: 42 })))
      expect(error._tag).toBe("BadRequestError")
      expect(requests).toHaveLength(1)
    }).pipe(Effect.provide(layer))
  })
})

describe("the schedule is the user's to replace", () => {
  it.effect("a custom schedule is used as given", () => {
    const { requests, layer } = flaky(() => parallel420, 1_000, Schedule.recurs(2))
    return Effect.gen(function*() {
      const error = yield* Effect.flip(Effect.flatMap(ChatsClient.ChatsClient, (c) => c.getChat({ businessId, chatId: 42 })))
      expect(error._tag).toBe("RateLimitError")
      expect(requests).toHaveLength(3)
    }).pipe(Effect.provide(layer))
  })

  it.effect("retrySchedule: false turns retrying off", () => {
    const { requests, layer } = flaky(() => parallel420, 1_000, false)
    return Effect.gen(function*() {
      const error = yield* Effect.flip(Effect.flatMap(ChatsClient.ChatsClient, (c) => c.getChat({ businessId, chatId: 42 })))
      expect(error._tag).toBe("RateLimitError")
      expect(requests).toHaveLength(1)
    }).pipe(Effect.provide(layer))
  })

  it.effect("a custom schedule still never sees an unsafe failure", () => {
    const { requests, layer } = fakeClient(() => fail(503, "OVERLOADED"), { retrySchedule: Schedule.recurs(5) })
    return Effect.gen(function*() {
      const error = yield* Effect.flip(Effect.flatMap(
        ChatsClient.ChatsClient,
        (c) => c.sendMessageToChat({ businessId, chatId: 1, message: "hi" })
      ))
      expect(error._tag).toBe("DeliveryUnknownError")
      expect(requests).toHaveLength(1)
    }).pipe(Effect.provide(layer))
  })
})
