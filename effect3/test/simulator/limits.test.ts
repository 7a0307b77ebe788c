import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Simulator from "../../src/Simulator.js"
import { call, callConcurrently, type Reply } from "./http.js"

const httpDate = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d GMT$/

const quotaHeaders = (reply: Reply) => ({
  limit: reply.headers.get("x-ratelimit-resource-limit"),
  remaining: reply.headers.get("x-ratelimit-resource-remaining"),
  until: reply.headers.get("x-ratelimit-resource-until")
})

describe("limits", () => {
  it.scoped("more than 4 requests in flight for a business get 420 with the market's message", () =>
    Effect.gen(function*() {
      const sim = yield* Simulator.make({ chats: 5, messages: 5 })
      yield* sim.setFaults([{ kind: "latency", millis: 300 }])
      const replies = yield* callConcurrently(sim, "getChats", 10)
      const statuses = replies.map((r) => r.status).sort()
      expect(statuses).toEqual([200, 200, 200, 200, 420, 420, 420, 420, 420, 420])
      for (const reply of replies.filter((r) => r.status === 420)) {
        expect(reply.json).toEqual({
          status: "ERROR",
          errors: [{ code: "LIMIT_EXCEEDED", message: `Hit rate limit of 4 parallel requests for businessId ${sim.businessId}` }]
        })
        expect(quotaHeaders(reply).limit).toBe("5000")
      }
      const stats = yield* sim.stats
      expect(stats.rateLimited).toEqual({ parallel: 6, quota: 0 })
      expect(stats.maxInFlight).toBe(4)
      expect(stats.inFlight).toBe(0)
      expect(stats.requests.getChats).toBe(10)
      // refused requests use no quota
      expect(quotaHeaders(yield* call(sim, "getChat", { query: { chatId: (yield* sim.chats())[0]!.chatId } })).remaining)
        .toBe("999")
      yield* sim.clearFaults
      const after = yield* call(sim, "getChats")
      expect(quotaHeaders(after).remaining).toBe("4995")
    }))

  it.scoped("the parallel limit is per business and configurable", () =>
    Effect.gen(function*() {
      const sim = yield* Simulator.make({ chats: 5, messages: 5, parallelLimit: 2 })
      yield* sim.setFaults([{ kind: "latency", millis: 200 }])
      const [mine, others] = yield* Effect.all([
        callConcurrently(sim, "getChats", 3),
        callConcurrently(sim, "getChats", 2, { businessId: sim.otherBusinessId, auth: { apiKey: sim.otherApiKey } })
      ], { concurrency: 2 })
      expect(mine.map((r) => r.status).sort()).toEqual([200, 200, 420])
      expect(mine.find((r) => r.status === 420)!.json.errors[0].message).toBe(
        `Hit rate limit of 2 parallel requests for businessId ${sim.businessId}`
      )
      expect(others.map((r) => r.status)).toEqual([200, 200])
    }))

  it.scoped("an hourly quota per operation: 420 once spent, with the market's message, and nothing carried out", () =>
    Effect.gen(function*() {
      const sim = yield* Simulator.make({ chats: 5, messages: 5, quotas: { sendMessageToChat: 3 } })
      const chatId = (yield* sim.chats())[0]!.chatId
      const before = (yield* sim.messages(chatId)).length
      const replies: Array<Reply> = []
      for (let i = 0; i < 5; i++) {
        replies.push(yield* call(sim, "sendMessageToChat", { query: { chatId }, body: { message: `№${i}` } }))
      }
      expect(replies.map((r) => r.status)).toEqual([200, 200, 200, 420, 420])
      expect(replies.map((r) => quotaHeaders(r).remaining)).toEqual(["2", "1", "0", "0", "0"])
      expect(new Set(replies.map((r) => quotaHeaders(r).until)).size).toBe(1)
      expect(replies[3]!.json).toEqual({
        status: "ERROR",
        errors: [{
          code: "LIMIT_EXCEEDED",
          message: "Hit rate limit of 3 requests per 1 hours for resource POST /v2/businesses/{businessId}/chats/message"
        }]
      })
      expect((yield* sim.messages(chatId)).length).toBe(before + 3)
      const stats = yield* sim.stats
      expect(stats.messagesSent).toBe(3)
      expect(stats.rateLimited.quota).toBe(2)
      expect(stats.requests.sendMessageToChat).toBe(5)
      // other operations have their own quota
      expect((yield* call(sim, "getChat", { query: { chatId } })).status).toBe(200)
      // a reset makes it full again
      yield* sim.resetQuotas
      const again = yield* call(sim, "sendMessageToChat", { query: { chatId }, body: { message: "снова" } })
      expect(again.status).toBe(200)
      expect(quotaHeaders(again).remaining).toBe("2")
    }))

  it.scoped("every response carries the rate-limit headers, refusals and faults included", () =>
    Effect.gen(function*() {
      const sim = yield* Simulator.make({ chats: 5, messages: 5 })
      const chatId = (yield* sim.chats())[0]!.chatId
      const replies = [
        yield* call(sim, "getChats"),
        yield* call(sim, "getChatHistory", { query: { chatId } }),
        yield* call(sim, "getChat", { query: { chatId: 1 } }),
        yield* call(sim, "getChat", { auth: "none", query: { chatId } }),
        yield* call(sim, "getChat", { auth: { apiKey: "bad" }, query: { chatId } }),
        yield* call(sim, "getChat", { query: { chatId: "x" } }),
        yield* Effect.zipRight(
          sim.setFaults([{ kind: "error500", times: 1 }]),
          call(sim, "getChat", { query: { chatId } })
        )
      ]
      expect(replies.map((r) => r.status)).toEqual([200, 200, 404, 401, 403, 400, 500])
      for (const reply of replies) {
        const headers = quotaHeaders(reply)
        expect(Number(headers.limit)).toBeGreaterThan(0)
        expect(Number(headers.remaining)).toBeLessThanOrEqual(Number(headers.limit))
        expect(headers.until).toMatch(httpDate)
        // the window closes after the answer (by the server's own clock: its Date header), at most an hour later
        const date = reply.headers.get("date")
        expect(date).toMatch(httpDate)
        const left = (Date.parse(headers.until!) - Date.parse(date!)) / 1000
        expect(left > 0 && left <= 3_601).toBe(true)
      }
      // a window opened by the request itself: an hour from then, rounded up to the second
      const opened = replies[0]!
      expect((Date.parse(quotaHeaders(opened).until!) - Date.parse(opened.headers.get("date")!)) / 1000).toBeOneOf([
        3_599,
        3_600,
        3_601
      ])
      expect(quotaHeaders(replies[0]!)).toMatchObject({ limit: "5000", remaining: "4999" })
      expect(quotaHeaders(replies[1]!)).toMatchObject({ limit: "10000", remaining: "9999" })
      // 401 and 403 use no quota; 404, 400 and the 500 fault do
      expect(replies.slice(2).map((r) => quotaHeaders(r).remaining)).toEqual(["999", "999", "999", "998", "997"])
    }))

  it.live("a short quota window lifts at the X-RateLimit-Resource-Until it announced", () =>
    Effect.scoped(Effect.gen(function*() {
      const sim = yield* Simulator.make({ chats: 3, messages: 3, quotas: { getChats: 2 }, quotaWindow: "2 seconds" })
      const replies = [yield* call(sim, "getChats"), yield* call(sim, "getChats"), yield* call(sim, "getChats")]
      expect(replies.map((r) => r.status)).toEqual([200, 200, 420])
      expect(replies[2]!.json.errors[0].message).toBe(
        "Hit rate limit of 2 requests per 2 seconds for resource POST /v2/businesses/{businessId}/chats"
      )
      // one window, announced alike by every answer in it
      expect(new Set(replies.map((r) => quotaHeaders(r).until)).size).toBe(1)
      expect(replies.map((r) => quotaHeaders(r).remaining)).toEqual(["1", "0", "0"])
      // waiting for the announced reset, not a guess, is enough
      const until = Date.parse(quotaHeaders(replies[2]!).until!)
      yield* Effect.sleep(Math.max(0, until - Date.now()) + 20) // (a Node timer may fire a millisecond early)
      const later = yield* call(sim, "getChats")
      expect(later.status).toBe(200)
      expect(quotaHeaders(later).remaining).toBe("1")
      expect(Date.parse(quotaHeaders(later).until!)).toBeGreaterThan(until)
    })))

  it.scoped("quotas scale, and limits change at run time", () =>
    Effect.gen(function*() {
      const sim = yield* Simulator.make({ chats: 3, messages: 3, quotaScale: 0.01 })
      expect(quotaHeaders(yield* call(sim, "getChats")).limit).toBe("50")
      expect(quotaHeaders(yield* call(sim, "getChatHistory", { query: { chatId: (yield* sim.chats())[0]!.chatId } })).limit)
        .toBe("100")
      yield* sim.setLimits({ quotas: { getChats: 1 } })
      expect((yield* call(sim, "getChats")).status).toBe(420)
      yield* sim.setLimits({})
      expect(quotaHeaders(yield* call(sim, "getChats")).limit).toBe("5000")
    }))
})
