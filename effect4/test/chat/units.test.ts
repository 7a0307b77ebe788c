/**
 * The Effect-free tables of the `yandex-market` chat adapter (thread ids, Markdown to text, client
 * errors to `effect/chat` reasons) and their use by the adapter: a malformed thread fails
 * `InvalidRequest` before any request, and a mapped error holds no secret.
 */
import { assert, describe, expect, it } from "@effect/vitest"
import { DateTime, Duration, Effect, Exit, Layer, Redacted } from "effect"
import { Chat, ChatError, ChatThread } from "effect/chat"
import { HttpClient, HttpClientResponse } from "effect/http"
import { mapError } from "../../../core/chat/errors.js"
import { markdownToText, measure } from "../../../core/chat/markdown.js"
import { formatThreadId, parseAttachmentId, parseThreadId } from "../../../core/chat/threadId.js"
import { authorOf, parseUserId } from "../../../core/chat/users.js"
import * as YandexMarketChat from "../../src/Chat.js"
import { ChatsClient, ChatsError } from "../../src/index.js"
import { fromClientError } from "../../src/internal/chat/errors.js"

describe("thread ids", () => {
  it("reads <businessId>:<chatId> and writes it back", () => {
    expect(parseThreadId("12345:10001")).toEqual({ ok: true, value: { businessId: 12345, chatId: 10001 } })
    expect(formatThreadId({ businessId: 12345, chatId: 10001 })).toBe("12345:10001")
  })

  it.each(["", "12345", "12345:", ":10001", "1:2:3", "0:1", "1:0", "01:2", "-1:2", "1.5:2", "a:b", "1: 2", "9007199254740993:1"])(
    "refuses %j",
    (id) => {
      const parsed = parseThreadId(id)
      assert(!parsed.ok)
      expect(parsed.message).not.toContain(id === "" ? "\u0000" : id)
    }
  )

  it("reads attachment ids <messageId>:<index> and refuses URLs", () => {
    expect(parseAttachmentId("1000001:0")).toEqual({ messageId: 1000001, index: 0 })
    expect(parseAttachmentId("1000001:2")).toEqual({ messageId: 1000001, index: 2 })
    expect(parseAttachmentId("https://example.com/f")).toBeUndefined()
    expect(parseAttachmentId("conformance-missing")).toBeUndefined()
  })

  it("names authors by role and chat, and reads the ids back", () => {
    const chat = { businessId: 7, chatId: 9 }
    expect(authorOf("PARTNER", chat)).toMatchObject({ id: "business:7", isSelf: true, isBot: true })
    expect(authorOf("CUSTOMER", chat)).toMatchObject({ id: "customer:7:9", isSelf: false, isBot: false })
    expect(authorOf("MARKET", chat)).toMatchObject({ id: "market", isBot: true })
    expect(authorOf("ROBOT", chat).id).toBe("sender:robot")
    expect(parseUserId("customer:7:9")).toEqual({ kind: "customer", chat })
    expect(parseUserId("business:7")).toEqual({ kind: "self", businessId: 7 })
    expect(parseUserId("customer:7")).toBeUndefined()
  })
})

describe("Markdown to the market's plain text", () => {
  it.each([
    ["**bold** and *italic* and _under_ and ~~gone~~", "bold and italic and under and gone"],
    ["# Title\n\nText", "Title\n\nText"],
    ["- one\n* two\n+ three\n1. four", "• one\n• two\n• three\n1. four"],
    ["see [the order](https://market.yandex.ru/o/1)", "see the order (https://market.yandex.ru/o/1)"],
    ["[https://a.ru](https://a.ru) <https://b.ru>", "https://a.ru https://b.ru"],
    ["`a*b*c` and ```x```", "a*b*c and x"],
    ["```ts\nconst x = 1 < 2 **not bold**\n```\nafter", "const x = 1 < 2 **not bold**\nafter"],
    ["2 * 3 * 4 and snake_case_name", "2 * 3 * 4 and snake_case_name"],
    ["\\*literal\\* \\_x\\_", "*literal* _x_"],
    ["> quoted **text**", "> quoted text"],
    ["a < b & c > d <@U0000>", "a < b & c > d <@U0000>"]
  ])("%j becomes %j", (markdown, text) => {
    expect(markdownToText(markdown)).toBe(text)
  })

  it("never sends more code points than the Markdown measures", () => {
    const samples = ["**a**", "[x](y)", "```\n\u{1D400}\n```", "- \u{1F600}", "plain", "", "<https://a.b>"]
    for (const a of samples) {
      expect([...markdownToText(a)].length).toBeLessThanOrEqual(measure(a))
    }
    expect(measure("\u{1D400}\u{1D401}")).toBe(2)
  })
})

describe("client errors as effect/chat reasons", () => {
  const now = Date.parse("2026-01-01T00:00:00Z")

  it.each([
    [{ _tag: "RateLimitError", status: 420 }, "RateLimited", "retry"],
    [{ _tag: "DeliveryUnknownError", operation: "sendMessageToChat" }, "Transport", "uncertain"],
    [{ _tag: "TransportError", operation: "getChat" }, "Transport", "retry"],
    [{ _tag: "RequestTimeoutError", operation: "getChat" }, "Transport", "retry"],
    [{ _tag: "LimiterUnavailableError" }, "Transport", "retry"],
    [{ _tag: "InternalServerError", operation: "getChatHistory", status: 500 }, "PlatformUnavailable", "retry"],
    [{ _tag: "UnexpectedStatusError", operation: "getChat", status: 503 }, "PlatformUnavailable", "retry"],
    [{ _tag: "UnexpectedStatusError", operation: "sendMessageToChat", status: 502 }, "PlatformUnavailable", "uncertain"],
    [{ _tag: "UnexpectedStatusError", operation: "sendFileToChat", status: 413 }, "TooLarge", "denied"],
    [{ _tag: "UnexpectedStatusError", operation: "getChat", status: 423 }, "Forbidden", "denied"],
    [{ _tag: "BadRequestError", operation: "getChat", status: 400 }, "InvalidRequest", "denied"],
    [{ _tag: "UnauthorizedError", status: 401 }, "Unauthenticated", "denied"],
    [{ _tag: "ForbiddenError", status: 403 }, "Forbidden", "denied"],
    [{ _tag: "NotFoundError", status: 404 }, "NotFound", "denied"],
    [{ _tag: "InvalidRequestError", operation: "sendMessageToChat" }, "InvalidRequest", "denied"],
    [{ _tag: "ResponseDecodeError", operation: "getChat" }, "InvalidResponse", "denied"],
    [{ _tag: "PageTokenLoopError", operation: "getChats" }, "InvalidResponse", "denied"]
  ] as const)("%j is %s (%s)", (facts, reason, retry) => {
    expect(mapError(facts, now)).toMatchObject({ reason, retry })
  })

  it("a refused file is file_refused; a 420 waits until its quota resets (and the margin after)", () => {
    expect(mapError({ _tag: "BadRequestError", operation: "sendFileToChat", status: 400 }, now).detail).toBe("file_refused")
    expect(mapError({ _tag: "RateLimitError", resetsAt: now + 4_000 }, now).retryAfterMillis).toBe(5_000)
    expect(mapError({ _tag: "RateLimitError", resetsAt: now - 9_000 }, now).retryAfterMillis).toBe(0)
    expect(mapError({ _tag: "RateLimitError" }, now).retryAfterMillis).toBeUndefined()
  })

  it("keeps a market code as detail only when it looks like one", () => {
    expect(mapError({ _tag: "NotFoundError", codes: ["CHAT_NOT_FOUND"] }, now).detail).toBe("chat_not_found")
    expect(mapError({ _tag: "NotFoundError", codes: ["chat 10001 of business 12345"] }, now).detail).toBe("not_found")
  })

  it.effect("a RateLimitError becomes RateLimited with retryAfter until the reset", () =>
    Effect.gen(function*() {
      const error = new ChatsError.RateLimitError({
        operation: "sendMessageToChat",
        method: "POST",
        path: "/v2/businesses/1/chats/message",
        status: 420,
        kind: "quota",
        errors: [],
        rateLimit: new ChatsError.RateLimitInfo({ remaining: 0, resetsAt: DateTime.makeUnsafe(Date.now() + 60_000) })
      })
      const chatError = yield* fromClientError("post", error)
      expect(chatError.reason._tag).toBe("RateLimited")
      expect(chatError.retry).toBe("retry")
      expect(Duration.toMillis(chatError.retryAfter!)).toBeGreaterThan(59_000)
      expect(chatError.platform).toBe("yandex-market")
    }))

  it.effect("a refusal that echoes the key reaches no ChatError text or JSON", () =>
    Effect.gen(function*() {
      const secret = "ACMA:very-secret-key-0000"
      const Echo = Layer.succeed(
        HttpClient.HttpClient,
        HttpClient.make((request) =>
          Effect.succeed(HttpClientResponse.fromWeb(
            request,
            new Response(JSON.stringify({ status: "ERROR", errors: [{ code: secret, message: `bad key ${secret}` }] }), {
              status: 403,
              headers: { "content-type": "application/json" }
            })
          )))
      )
      const error = yield* Effect.flip(Effect.gen(function*() {
        const chat = yield* Chat.Chat
        return yield* chat.getThread(YandexMarketChat.thread(12345, 10001))
      }).pipe(
        Effect.provide(YandexMarketChat.layer.pipe(
          Layer.provideMerge(Chat.layer),
          Layer.provide(ChatsClient.layer({ apiKey: Redacted.make(secret), baseUrl: "http://127.0.0.1:9", retrySchedule: false })),
          Layer.provide(Echo)
        ))
      ))
      assert(ChatError.isChatError(error))
      expect(error.reason._tag).toBe("Forbidden")
      expect(error.reason.detail).toBe("forbidden")
      expect(error.message + JSON.stringify(error) + JSON.stringify(error.reason)).not.toContain("very-secret")
    }))
})

describe("the adapter refuses before any request", () => {
  /** A transport that fails the test if a request is made. */
  let requests = 0
  const NoNetwork = Layer.succeed(
    HttpClient.HttpClient,
    HttpClient.make((request) => {
      requests++
      return Effect.succeed(HttpClientResponse.fromWeb(request, new Response("{}", { status: 500 })))
    })
  )
  const Live = YandexMarketChat.layer.pipe(
    Layer.provideMerge(Chat.layer),
    Layer.provide(ChatsClient.layer({ apiKey: Redacted.make("k"), baseUrl: "http://127.0.0.1:9", retrySchedule: false })),
    Layer.provide(NoNetwork)
  )

  it.effect("a malformed thread id is InvalidRequest, not a defect; unsupported ops fail Unsupported", () =>
    Effect.gen(function*() {
      const chat = yield* Chat.Chat
      for (const id of ["12345", "a:b", "1:2:3"]) {
        const exit = yield* Effect.exit(chat.post(ChatThread.make("yandex-market", id), { markdown: "hi" }))
        assert(Exit.isFailure(exit))
        const error = Exit.findErrorOption(exit)
        assert(error._tag === "Some")
        expect(error.value.reason._tag).toBe("InvalidRequest")
        expect(error.value.reason.detail).toBe("malformed_thread_id")
      }
      const thread = YandexMarketChat.thread(12345, 10001)
      const edit = yield* Effect.flip(chat.edit(thread, "1", { markdown: "x" }))
      expect(edit.reason).toMatchObject({ _tag: "Unsupported", capability: "edit" })
      const tooLong = yield* Effect.flip(chat.post(thread, { markdown: "x".repeat(4097) }))
      expect(tooLong.reason).toMatchObject({ _tag: "TooLarge", subject: "text" })
      const twoFiles = yield* Effect.flip(chat.post(thread, {
        markdown: "x",
        files: [1, 2].map((n) => ({ name: `${n}.txt`, contentType: "text/plain", content: new Uint8Array(1) }))
      }))
      expect(twoFiles.reason).toMatchObject({ _tag: "TooLarge", subject: "files" })
      const descriptor = yield* chat.descriptor("yandex-market")
      expect(descriptor.limits).toMatchObject({ messageLength: 4096, filesPerMessage: 1, uploadBytes: 5 * 1024 * 1024 })
      expect(requests).toBe(0)
    }).pipe(Effect.provide(Live)))

})
