/**
 * Behaviour the README documents that the other suites do not check: which failures are retried,
 * the retry budget's cut-off, streams that cannot recover, unknown enum values, and `layerConfig`.
 */
import { describe, expect, it } from "@effect/vitest"
import { Clock, Config, ConfigProvider, Effect, Fiber, Layer, Stream } from "effect"
import { HttpClient } from "effect/http"
import { TestClock } from "effect/testing"
import { ChatsClient, ChatsLimiter, ChatsRetry, ChatsSchema } from "../../src/index.js"
import { type Answer, fail, fakeClient, makeFake, ok, type Recorded } from "./fakeHttp.js"
import { chatJson, messageJson, orderContextJson } from "../../../core/cases/answers.js"

const businessId = 12345
const parallel420 = fail(420, "LIMIT_EXCEEDED", "Hit rate limit of 4 parallel requests for businessId 12345")
/** A gateway's 504: an HTML page, not the market's JSON. */
const gateway504: Answer = { status: 504, body: "<html><body>504 Gateway Time-out</body></html>" }

/** A client over `handler` with the default retry schedule (or the given one). */
const retrying = (handler: (request: Recorded, n: number) => Answer, schedule = ChatsRetry.defaultSchedule()) =>
  fakeClient(handler, { retrySchedule: schedule })

/** Runs `effect` in a fiber, lets `millis` of test time pass, and joins it. */
const afterClock = <A, E, R>(effect: Effect.Effect<A, E, R>, millis = 10 * 60_000) =>
  Effect.flatMap(Effect.forkChild(effect), (fiber) => Effect.andThen(TestClock.adjust(millis), Fiber.join(fiber)))

describe("what the default schedule never retries", () => {
  for (const [status, tag] of [[401, "UnauthorizedError"], [403, "ForbiddenError"], [404, "NotFoundError"]] as const) {
    it.effect(`${status} (${tag}): exactly one request, for a read and for a send`, () => {
      const { requests, layer } = retrying(() => fail(status, "REFUSED"))
      return Effect.gen(function*() {
        const client = yield* ChatsClient.ChatsClient
        const read = yield* afterClock(Effect.flip(client.getChat({ businessId, chatId: 42 })))
        expect(read._tag).toBe(tag)
        expect(requests).toHaveLength(1)
        const send = yield* afterClock(Effect.flip(client.sendMessageToChat({ businessId, chatId: 42, message: "hi" })))
        expect(send._tag).toBe(tag)
        expect(requests).toHaveLength(2)
      }).pipe(Effect.provide(layer))
    })
  }
})

describe("a 504 from a gateway", () => {
  it.effect("a read retries it as transient and succeeds on the next 200", () => {
    const { requests, layer } = retrying((_, n) => n === 1 ? gateway504 : ok(chatJson(42)))
    return Effect.gen(function*() {
      const chat = yield* afterClock((yield* ChatsClient.ChatsClient).getChat({ businessId, chatId: 42 }), 5_000)
      expect(chat.chatId).toBe(42)
      expect(requests).toHaveLength(2)
    }).pipe(Effect.provide(layer))
  })

  it.effect("a send gets DeliveryUnknownError after one request: the message may have been posted", () => {
    const { requests, layer } = retrying((_, n) => n === 1 ? gateway504 : ok())
    return Effect.gen(function*() {
      const client = yield* ChatsClient.ChatsClient
      const error = yield* afterClock(Effect.flip(client.sendMessageToChat({ businessId, chatId: 42, message: "hi" })))
      expect(error._tag).toBe("DeliveryUnknownError")
      if (error._tag === "DeliveryUnknownError") expect(error.cause).toMatchObject({ _tag: "UnexpectedStatusError", status: 504 })
      expect(requests).toHaveLength(1)
    }).pipe(Effect.provide(layer))
  })
})

describe("the retry budget", () => {
  it.effect("parallel-limit 420s forever: the call fails with the RateLimitError once the next wait would pass the budget", () => {
    // backoffs of 200, 400, 800 and 1600 ms (±20%): after three retries (1120 to 1680 ms in), the
    // fourth wait (at least 1280 ms) would end past the 2-second budget
    const arrivals: Array<number> = []
    const { requests, layer } = fakeClient(() => parallel420, {
      retrySchedule: ChatsRetry.defaultSchedule({ budget: "2 seconds" }),
      transformClient: HttpClient.tapRequest(() => Effect.map(Clock.currentTimeMillis, (now) => void arrivals.push(now)))
    })
    return Effect.gen(function*() {
      const client = yield* ChatsClient.ChatsClient
      const [error, endedAt] = yield* afterClock(Effect.all([Effect.flip(client.getChat({ businessId, chatId: 42 })), Clock.currentTimeMillis]))
      expect(error._tag).toBe("RateLimitError")
      expect(requests).toHaveLength(4)
      // it gave up at once after the last answer, within the budget, rather than waiting first
      expect(endedAt).toBe(arrivals[3])
      expect(endedAt).toBeGreaterThanOrEqual(1_120)
      expect(endedAt).toBeLessThanOrEqual(2_000)
    }).pipe(Effect.provide(layer))
  })
})

describe("a stream that cannot recover", () => {
  /** A history of two pages (messages 1-3, then 4-6) whose second page answers `second(n)` to its n-th try. */
  const twoPages = (second: (n: number) => Answer) => {
    let tries = 0
    return (request: Recorded): Answer =>
      request.url.searchParams.get("page_token") === null
        ? ok({ context: orderContextJson, messages: [1, 2, 3].map((id) => messageJson(id)), paging: { nextPageToken: "p2" } })
        : second(++tries)
  }

  /** Runs the history stream to its end, noting each message id as it is emitted. */
  const drain = (seen: Array<number>) =>
    Effect.flatMap(ChatsClient.ChatsClient, (client) =>
      client.streamChatHistory({ businessId, chatId: 42, limit: 3 }).pipe(
        Stream.runForEach((m) => Effect.sync(() => seen.push(m.messageId))),
        Effect.flip
      ))

  for (const [status, tag] of [[404, "NotFoundError"], [403, "ForbiddenError"]] as const) {
    it.effect(`page 2 answers ${status}: page 1's items, then ${tag}, with no retry`, () => {
      const { requests, layer } = retrying(twoPages(() => fail(status, "REFUSED")))
      const seen: Array<number> = []
      return Effect.gen(function*() {
        const error = yield* afterClock(drain(seen))
        expect(error._tag).toBe(tag)
        expect(seen).toEqual([1, 2, 3])
        expect(requests.map((r) => r.url.searchParams.get("page_token"))).toEqual([null, "p2"])
      }).pipe(Effect.provide(layer))
    })
  }

  it.effect("page 2 fails transiently past the retry count: page 1's items once, then the transient error", () => {
    const { requests, layer } = retrying(twoPages(() => fail(500, "INTERNAL_ERROR")))
    const seen: Array<number> = []
    return Effect.gen(function*() {
      const error = yield* afterClock(drain(seen))
      expect(error._tag).toBe("InternalServerError")
      expect(seen).toEqual([1, 2, 3])
      // the first page once; the second page's try and its 3 retries
      expect(requests.map((r) => r.url.searchParams.get("page_token"))).toEqual([null, "p2", "p2", "p2", "p2"])
    }).pipe(Effect.provide(layer))
  })

  it.effect("a page 2 that heals within the retries: every message exactly once", () => {
    const { layer } = retrying(twoPages((n) =>
      n <= 2 ? gateway504 : ok({ context: orderContextJson, messages: [4, 5, 6].map((id) => messageJson(id)) })
    ))
    return Effect.gen(function*() {
      const client = yield* ChatsClient.ChatsClient
      const ids = yield* afterClock(Stream.runCollect(Stream.map(client.streamChatHistory({ businessId, chatId: 42 }), (m) => m.messageId)))
      expect(ids).toEqual([1, 2, 3, 4, 5, 6])
    }).pipe(Effect.provide(layer))
  })
})

describe("enum values the library does not know yet", () => {
  const newChat = chatJson(7, {
    type: "GROUP",
    status: "ESCALATED",
    context: { type: "SUPPLY", campaignId: 21_000_123 }
  })

  it.effect("pass through as their strings, and the isKnown* guards say false; known ones say true", () => {
    const { layer } = fakeClient((request) =>
      request.url.pathname.endsWith("/chats/message")
        ? ok(messageJson(9, { sender: "BOT" }))
        : request.url.pathname.endsWith("/chat")
        ? ok(newChat)
        : ok({ chats: [newChat, chatJson(8)] })
    )
    return Effect.gen(function*() {
      const client = yield* ChatsClient.ChatsClient
      const chat = yield* client.getChat({ businessId, chatId: 7 })
      expect([chat.status, chat.type, chat.context.type]).toEqual(["ESCALATED", "GROUP", "SUPPLY"])
      expect(ChatsSchema.isKnownChatStatus(chat.status)).toBe(false)
      expect(ChatsSchema.isKnownChatType(chat.type)).toBe(false)
      expect(ChatsSchema.isKnownChatContextType(chat.context.type)).toBe(false)

      const message = yield* client.getChatMessage({ businessId, chatId: 7, messageId: 9 })
      expect(message.sender).toBe("BOT")
      expect(ChatsSchema.isKnownChatMessageSender(message.sender)).toBe(false)

      // in a page, the unknown chat does not fail the known one beside it
      const page = yield* client.getChats({ businessId })
      const known = page.chats[1]!
      expect(page.chats.map((c) => c.status)).toEqual(["ESCALATED", "WAITING_FOR_PARTNER"])
      expect(ChatsSchema.isKnownChatStatus(known.status)).toBe(true)
      expect(ChatsSchema.isKnownChatType(known.type)).toBe(true)
      expect(ChatsSchema.isKnownChatContextType(known.context.type)).toBe(true)
      expect(ChatsSchema.isKnownChatMessageSender("CUSTOMER")).toBe(true)
    }).pipe(Effect.provide(layer))
  })
})

describe("layerConfig", () => {
  /** A client built by `layerConfig(options)` over a fake server, reading config from `values`. */
  const fromConfig = (values: Record<string, string>, options?: ChatsClient.ConfigOptions) => {
    const fake = makeFake(() => ok(chatJson(42)))
    const provider = ConfigProvider.layer(ConfigProvider.fromUnknown(values))
    const layer = ChatsClient.layerConfig(options).pipe(
      Layer.provide(Layer.mergeAll(fake.layer, ChatsLimiter.layerMemory(), provider))
    )
    return { requests: fake.requests, layer }
  }

  it.effect("YANDEX_MARKET_OAUTH_TOKEN alone: an Authorization Bearer header and no Api-Key, at the production API", () => {
    const { requests, layer } = fromConfig({ YANDEX_MARKET_OAUTH_TOKEN: "y0_oauth-token" })
    return Effect.gen(function*() {
      yield* (yield* ChatsClient.ChatsClient).getChat({ businessId, chatId: 42 })
      expect(requests).toHaveLength(1)
      expect(requests[0]!.headers["authorization"]).toBe("Bearer y0_oauth-token")
      expect(requests[0]!.headers["api-key"]).toBeUndefined()
      expect(requests[0]!.url.origin).toBe(ChatsClient.defaultBaseUrl)
    }).pipe(Effect.provide(layer))
  })

  it.effect("custom Config names are the ones read, over the default variables", () => {
    const { requests, layer } = fromConfig(
      {
        MY_KEY: "my-api-key",
        MY_URL: "https://proxy.example/market/",
        YANDEX_MARKET_API_KEY: "default-api-key",
        YANDEX_MARKET_BASE_URL: "https://default.example"
      },
      { apiKey: Config.Redacted("MY_KEY"), baseUrl: Config.String("MY_URL") }
    )
    return Effect.gen(function*() {
      yield* (yield* ChatsClient.ChatsClient).getChat({ businessId, chatId: 42 })
      expect(requests).toHaveLength(1)
      expect(requests[0]!.headers["api-key"]).toBe("my-api-key")
      expect(requests[0]!.headers["authorization"]).toBeUndefined()
      expect(requests[0]!.url.href).toBe(`https://proxy.example/market/v2/businesses/${businessId}/chat?chatId=42`)
    }).pipe(Effect.provide(layer))
  })
})
