import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Fiber, Stream, TestClock } from "effect"
import { ChatsClient, ChatsRetry } from "../../src/index.js"
import { type Answer, fail, fakeClient, ok, type Recorded } from "./fakeHttp.js"
import { chatJson, messageJson, orderContextJson } from "../../../core/cases/answers.js"

const businessId = 12345

/** A server of `total` chats in pages of the requested limit, with tokens `t<offset>`. */
const chatPages = (total: number) => (request: Recorded): Answer => {
  const limit = Number(request.url.searchParams.get("limit") ?? 10)
  const token = request.url.searchParams.get("page_token")
  const offset = token === null ? 0 : Number(token.slice(1))
  const chats = Array.from({ length: Math.max(0, Math.min(limit, total - offset)) }, (_, i) => chatJson(offset + i + 1))
  const next = offset + limit < total ? { paging: { nextPageToken: `t${offset + limit}` } } : {}
  return ok({ chats, ...next })
}

describe("streamChats", () => {
  it.effect("reads every page in order and stops at the page without a next token", () => {
    const { requests, layer } = fakeClient(chatPages(95))
    return Effect.gen(function*() {
      const client = yield* ChatsClient.ChatsClient
      const ids = yield* client.streamChats({ businessId, limit: 20, filter: { types: ["CHAT"] } }).pipe(
        Stream.map((c) => c.chatId),
        Stream.runCollect
      )
      expect(Chunk.toReadonlyArray(ids)).toEqual(Array.from({ length: 95 }, (_, i) => i + 1))
      expect(requests.map((r) => r.url.searchParams.get("page_token"))).toEqual([null, "t20", "t40", "t60", "t80"])
      expect(requests.every((r) => r.text === "{\"types\":[\"CHAT\"]}")).toBe(true)
    }).pipe(Effect.provide(layer))
  })

  it.effect("fetches lazily: nothing before it runs, and only the pages consumed", () => {
    const { requests, layer } = fakeClient(chatPages(1_000))
    return Effect.gen(function*() {
      const client = yield* ChatsClient.ChatsClient
      const stream = client.streamChats({ businessId, limit: 10 })
      expect(requests).toHaveLength(0)
      const first = yield* stream.pipe(Stream.take(15), Stream.runCollect)
      expect(Chunk.size(first)).toBe(15)
      expect(requests).toHaveLength(2)
    }).pipe(Effect.provide(layer))
  })

  it.effect("fails with PageTokenLoopError after the page that repeats a token, having emitted its items", () => {
    const { requests, layer } = fakeClient((r) => {
      const token = r.url.searchParams.get("page_token")
      return ok({ chats: [chatJson(token === null ? 1 : 2)], paging: { nextPageToken: "same" } })
    })
    return Effect.gen(function*() {
      const client = yield* ChatsClient.ChatsClient
      const seen: Array<number> = []
      const error = yield* client.streamChats({ businessId }).pipe(
        Stream.runForEach((c) => Effect.sync(() => seen.push(c.chatId))),
        Effect.flip
      )
      expect(error._tag).toBe("PageTokenLoopError")
      expect(seen).toEqual([1, 2])
      expect(requests).toHaveLength(2)
    }).pipe(Effect.provide(layer))
  })

  it.effect("a retried page is fetched again with the same token: nothing skipped, nothing repeated", () => {
    const pages = chatPages(50)
    let secondPageTries = 0
    const { requests, layer } = fakeClient((r) => {
      if (r.url.searchParams.get("page_token") === "t20" && secondPageTries++ < 2) {
        return fail(420, "LIMIT_EXCEEDED", "Hit rate limit of 4 parallel requests for businessId 12345")
      }
      return pages(r)
    }, { retrySchedule: ChatsRetry.defaultSchedule() })
    return Effect.gen(function*() {
      const client = yield* ChatsClient.ChatsClient
      const fiber = yield* client.streamChats({ businessId, limit: 20 }).pipe(
        Stream.map((c) => c.chatId),
        Stream.runCollect,
        Effect.fork
      )
      yield* TestClock.adjust(10_000)
      const ids = Chunk.toReadonlyArray(yield* Fiber.join(fiber))
      expect(ids).toEqual(Array.from({ length: 50 }, (_, i) => i + 1))
      expect(requests.map((r) => r.url.searchParams.get("page_token"))).toEqual([null, "t20", "t20", "t20", "t40"])
    }).pipe(Effect.provide(layer))
  })

  it.effect("interrupting the stream stops the fetching", () => {
    const { requests, layer } = fakeClient(chatPages(10_000))
    return Effect.gen(function*() {
      const client = yield* ChatsClient.ChatsClient
      const fiber = yield* client.streamChats({ businessId, limit: 20 }).pipe(
        Stream.tap(() => Effect.sleep("1 second")),
        Stream.runDrain,
        Effect.fork
      )
      yield* TestClock.adjust("30 seconds")
      yield* Fiber.interrupt(fiber)
      const count = requests.length
      yield* TestClock.adjust("10 minutes")
      expect(requests.length).toBe(count)
      expect(count).toBeLessThanOrEqual(3)
    }).pipe(Effect.provide(layer))
  })

  it.effect("the same stream value can run twice, each run from the first page", () => {
    const { requests, layer } = fakeClient(chatPages(30))
    return Effect.gen(function*() {
      const stream = (yield* ChatsClient.ChatsClient).streamChats({ businessId, limit: 20 })
      const a = yield* Stream.runCount(stream)
      const b = yield* Stream.runCount(stream)
      expect([a, b]).toEqual([30, 30])
      expect(requests).toHaveLength(4)
    }).pipe(Effect.provide(layer))
  })
})

describe("streamChatHistory", () => {
  it.effect("streams every message across pages, with messageIdFrom in each request", () => {
    const { requests, layer } = fakeClient((r) => {
      const token = r.url.searchParams.get("page_token")
      const offset = token === null ? 0 : Number(token)
      const messages = Array.from({ length: offset < 200 ? 100 : 37 }, (_, i) => messageJson(1_000 + offset + i))
      return ok({ context: orderContextJson, messages, ...(offset < 200 ? { paging: { nextPageToken: `${offset + 100}` } } : {}) })
    })
    return Effect.gen(function*() {
      const ids = yield* (yield* ChatsClient.ChatsClient).streamChatHistory({
        businessId,
        chatId: 42,
        limit: 100,
        messageIdFrom: 1_000
      }).pipe(Stream.map((m) => m.messageId), Stream.runCollect)
      expect(Chunk.toReadonlyArray(ids)).toEqual(Array.from({ length: 237 }, (_, i) => 1_000 + i))
      expect(requests).toHaveLength(3)
      for (const r of requests) {
        expect(r.url.searchParams.get("chatId")).toBe("42")
        expect(JSON.parse(r.text!)).toEqual({ messageIdFrom: 1_000 })
      }
    }).pipe(Effect.provide(layer))
  })
})
