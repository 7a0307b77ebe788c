/**
 * `complete` with the chats client over a fake `HttpClient`: what it reads, the precise types, a
 * typed API error, a stream completed event by event. Which events complete, and which ids are
 * refused, are the shared tables' (core/cases/notifications.ts).
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Result, Stream } from "effect"
import * as ChatsNotifications from "../../src/ChatsNotifications.js"
import { type Answer, fail, fakeClient, ok, type Recorded, secretKey } from "../client/fakeHttp.js"
import { chatJson, messageJson } from "../../../core/cases/answers.js"
import { bodies, withReceiver } from "./helpers.js"

/** Decodes a sample body to its event. */
const event = (body: unknown): ChatsNotifications.Event => {
  const decoded = Result.getOrThrow(ChatsNotifications.decodeNotification(body))
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
    const api = fakeClient(canned)
    return Effect.gen(function*() {
      const completed = yield* ChatsNotifications.complete(event(bodies.chatMessageSent))
      if (completed._tag !== "ChatMessageSent") throw new Error(completed._tag)
      expect(completed.messageId).toBe("5001")
      expect(completed.chatMessage.messageId).toBe(5001)
      expect(completed.chatMessage.message).toBe("Здравствуйте! Когда приедет заказ?")
      const [request] = api.requests
      expect(api.requests).toHaveLength(1)
      expect(request?.method).toBe("GET")
      expect(request?.url.toString()).toBe("https://api.test/v2/businesses/12345/chats/message?chatId=101&messageId=5001")
      expect(request?.headers["api-key"]).toBe(secretKey)
    }).pipe(Effect.provide(api.layer))
  })

  it.effect("CHAT_CREATED gets its chat through getChat", () => {
    const api = fakeClient(canned)
    return Effect.gen(function*() {
      const completed = yield* ChatsNotifications.complete(event(bodies.chatCreated))
      if (completed._tag !== "ChatCreated") throw new Error(completed._tag)
      expect(completed.chatId).toBe(101)
      expect(completed.chat.chatId).toBe(101)
      expect(completed.chat.context.orderId).toBe(5_000_101)
    }).pipe(Effect.provide(api.layer))
  })

  it.effect("the precise event type gives the precise completed type", () => {
    const api = fakeClient(canned)
    return Effect.gen(function*() {
      const created = event(bodies.chatCreated) as ChatsNotifications.ChatCreated
      const completed = yield* ChatsNotifications.complete(created)
      // no narrowing needed: the type is ChatCreated & { chat }
      expect(completed.chat.status).toBe("WAITING_FOR_PARTNER")
    }).pipe(Effect.provide(api.layer))
  })

  it.effect("UnusableIdError is caught by its tag, and says which id of which event", () => {
    const api = fakeClient(canned)
    return Effect.gen(function*() {
      const outcome = yield* ChatsNotifications.complete(event({ ...bodies.chatMessageSent, messageId: "a1b2" })).pipe(
        Effect.as("completed"),
        Effect.catchTag("UnusableIdError", (error) => Effect.succeed(error.message))
      )
      expect(outcome).toBe(
        "ChatMessageSent: messageId \"a1b2\" is not an id the chats API takes (a safe integer of at least 1)"
      )
    }).pipe(Effect.provide(api.layer))
  })

  it.effect("an API error is the client's typed error", () => {
    const api = fakeClient(() => fail(404, "NOT_FOUND", "chat not found"))
    return Effect.gen(function*() {
      const error = yield* Effect.flip(ChatsNotifications.complete(event(bodies.chatCreated)))
      expect(error._tag).toBe("NotFoundError")
    }).pipe(Effect.provide(api.layer))
  })

  it.effect("a received stream completed event by event", () => {
    const api = fakeClient(canned)
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
        expect(completed.map((e) =>
          e._tag === "ChatCreated"
            ? `chat ${e.chat.chatId}`
            : e._tag === "ChatMessageSent"
            ? `message ${e.chatMessage.messageId}`
            : e._tag
        )).toEqual(["chat 101", "message 5001", "ChatArbitrageStarted"])
      })).pipe(Effect.provide(api.layer))
  })
})
