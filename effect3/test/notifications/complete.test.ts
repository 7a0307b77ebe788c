import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Either, Layer, Redacted, Stream } from "effect"
import * as ChatsClient from "../../src/ChatsClient.js"
import * as ChatsNotifications from "../../src/ChatsNotifications.js"
import { type Answer, fail, makeFake, ok, type Recorded } from "../client/fakeHttp.js"
import { chatJson, messageJson } from "../../../core/cases/answers.js"
import { bodies, withReceiver } from "./helpers.js"

/** The chats client over a fake `HttpClient` with canned answers. */
const fakeApi = (handler: (request: Recorded) => Answer) => {
  const fake = makeFake(handler)
  const layer = ChatsClient.layer({ apiKey: Redacted.make("k"), baseUrl: "https://api.test", retrySchedule: false }).pipe(
    Layer.provide(fake.layer)
  )
  return { requests: fake.requests, layer }
}

/** Decodes a sample body to its event. */
const event = (body: unknown): ChatsNotifications.Event => {
  const decoded = Either.getOrThrow(ChatsNotifications.decodeNotification(body))
  if (decoded._tag === "Ping") throw new Error("a ping is not an event")
  return decoded
}

const canned = (request: Recorded): Answer => {
  const chatId = Number(request.url.searchParams.get("chatId"))
  if (request.url.pathname.endsWith("/chat")) return ok(chatJson(chatId))
  if (request.url.pathname.endsWith("/chats/message")) {
    return ok(messageJson(Number(request.url.searchParams.get("messageId"))))
  }
  return fail(404, "NOT_FOUND")
}

describe("complete", () => {
  it.effect("CHAT_MESSAGE_SENT gets its message through getChatMessage", () => {
    const api = fakeApi(canned)
    return Effect.gen(function*() {
      const completed = yield* ChatsNotifications.complete(event(bodies.chatMessageSent))
      expect(completed._tag).toBe("ChatMessageSent")
      if (completed._tag !== "ChatMessageSent") return
      expect(completed.messageId).toBe("5001")
      expect(completed.chatMessage.messageId).toBe(5001)
      expect(completed.chatMessage.message).toBe("Здравствуйте! Когда приедет заказ?")
      expect(api.requests).toHaveLength(1)
      const [request] = api.requests
      expect(request?.method).toBe("GET")
      expect(request?.url.toString()).toBe("https://api.test/v2/businesses/12345/chats/message?chatId=101&messageId=5001")
      expect(request?.headers["api-key"]).toBe("k")
    }).pipe(Effect.provide(api.layer))
  })

  it.effect("CHAT_CREATED gets its chat through getChat", () => {
    const api = fakeApi(canned)
    return Effect.gen(function*() {
      const completed = yield* ChatsNotifications.complete(event(bodies.chatCreated))
      if (completed._tag !== "ChatCreated") throw new Error(completed._tag)
      expect(completed.chatId).toBe(101)
      expect(completed.chat.chatId).toBe(101)
      expect(completed.chat.context.orderId).toBe(5_000_101)
      expect(api.requests.map((r) => r.url.toString())).toEqual(["https://api.test/v2/businesses/12345/chat?chatId=101"])
    }).pipe(Effect.provide(api.layer))
  })

  it.effect("the precise event type gives the precise completed type", () => {
    const api = fakeApi(canned)
    return Effect.gen(function*() {
      const created = event(bodies.chatCreated) as ChatsNotifications.ChatCreated
      const completed = yield* ChatsNotifications.complete(created)
      // no narrowing needed: the type is ChatCreated & { chat }
      expect(completed.chat.status).toBe("WAITING_FOR_PARTNER")
    }).pipe(Effect.provide(api.layer))
  })

  it.effect("an API error is the client's typed error", () => {
    const api = fakeApi(() => fail(404, "NOT_FOUND", "chat not found"))
    return Effect.gen(function*() {
      const error = yield* Effect.flip(ChatsNotifications.complete(event(bodies.chatCreated)))
      expect(error._tag).toBe("NotFoundError")
    }).pipe(Effect.provide(api.layer))
  })

  it.effect("a received stream completed event by event", () => {
    const api = fakeApi(canned)
    return withReceiver({}, ({ receiver, send }) =>
      Effect.gen(function*() {
        yield* send(bodies.chatCreated)
        yield* send(bodies.chatMessageSent)
        yield* send(bodies.arbitrageStarted)
        const completed = yield* receiver.events.pipe(
          Stream.take(3),
          Stream.mapEffect(ChatsNotifications.complete),
          Stream.runCollect
        )
        expect(Chunk.toReadonlyArray(completed).map((e) =>
          e._tag === "ChatCreated"
            ? `chat ${e.chat.chatId}`
            : e._tag === "ChatMessageSent"
            ? `message ${e.chatMessage.messageId}`
            : e._tag
        )).toEqual(["chat 101", "message 5001", "ChatArbitrageStarted"])
      })).pipe(Effect.provide(api.layer))
  })
})
