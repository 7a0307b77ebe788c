import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Stream, TestClock } from "effect"
import * as ChatsNotifications from "../../src/ChatsNotifications.js"
import { bodies, isSuccessBody, messageSent, withReceiver } from "./helpers.js"

const drain = (receiver: ChatsNotifications.Receiver) =>
  Effect.flatMap(receiver.pending, (n) =>
    Effect.map(Stream.runCollect(Stream.take(receiver.events, n)), Chunk.toReadonlyArray))

describe("duplicates", () => {
  it.effect("a repeat within the window is answered 200 with the success body and not queued again", () =>
    withReceiver({}, ({ receiver, send }) =>
      Effect.gen(function*() {
        const first = yield* send(bodies.chatMessageSent)
        const again = yield* send(bodies.chatMessageSent)
        expect(first.status).toBe(200)
        expect(again.status).toBe(200)
        expect(isSuccessBody(again.json)).toBe(true)
        expect(yield* receiver.pending).toBe(1)
      })))

  it.effect("identity is the ids (and the time for disputes), not the text of the body", () =>
    withReceiver({}, ({ receiver, send }) =>
      Effect.gen(function*() {
        // same ids, another key order, another offset for the same instant, an extra field: repeats
        yield* send(bodies.chatMessageSent)
        yield* send({
          sentAt: "2025-06-01T09:01:00.250Z",
          businessId: 12345,
          messageId: "5001",
          chatId: 101,
          notificationType: "CHAT_MESSAGE_SENT",
          extra: 1
        })
        yield* send(bodies.chatCreated)
        yield* send({ ...bodies.chatCreated, createdAt: "2025-06-01T12:00:05+03:00" })
        yield* send(bodies.arbitrageStarted)
        yield* send(bodies.arbitrageStarted)
        expect(yield* receiver.pending).toBe(3)
        // another message, another chat, another business, a later dispute: new events
        yield* send(messageSent(5002))
        yield* send({ ...bodies.chatCreated, chatId: 102 })
        yield* send({ ...bodies.chatCreated, businessId: 54321 })
        yield* send({ ...bodies.arbitrageStarted, startedAt: "2025-07-01T00:00:00Z" })
        expect(yield* receiver.pending).toBe(7)
      })))

  it.effect("messageId counts as given: \"5001\" and \"05001\" are two messages, the integer 5001 is \"5001\"", () =>
    withReceiver({}, ({ receiver, send }) =>
      Effect.gen(function*() {
        for (const messageId of ["5001", "05001", 5001, "9007199254740993", "9007199254740992", "a1b2", "a1b2"]) {
          expect((yield* send({ ...bodies.chatMessageSent, messageId })).status).toBe(200)
        }
        const ids = (yield* drain(receiver)).map((e) => e._tag === "ChatMessageSent" ? e.messageId : e._tag)
        expect(ids).toEqual(["5001", "05001", "9007199254740993", "9007199254740992", "a1b2"])
      })))

  it.effect("other notifications repeat when their bodies say the same thing, in any key order", () =>
    withReceiver({}, ({ receiver, send }) =>
      Effect.gen(function*() {
        yield* send(bodies.orderCreated)
        yield* send(Object.fromEntries(Object.entries(bodies.orderCreated).reverse()))
        expect(yield* receiver.pending).toBe(1)
        yield* send({ ...bodies.orderCreated, items: [{ offerId: "SKU-1", count: 3 }] })
        expect(yield* receiver.pending).toBe(2)
      })))

  it.effect("the window runs on the Effect Clock: a repeat after it has passed is a new event (TestClock)", () =>
    withReceiver({ duplicateWindow: "10 minutes" }, ({ receiver, send }) =>
      Effect.gen(function*() {
        yield* send(bodies.chatMessageSent)
        yield* TestClock.adjust("599 seconds")
        yield* send(bodies.chatMessageSent)
        expect(yield* receiver.pending).toBe(1)
        yield* TestClock.adjust("1 second")
        yield* send(bodies.chatMessageSent)
        expect(yield* receiver.pending).toBe(2)
        // the repeat answered at 9:59 did not extend the window of the first copy; the new one starts its own
        yield* TestClock.adjust("9 minutes")
        yield* send(bodies.chatMessageSent)
        expect(yield* receiver.pending).toBe(2)
      })))

  it.effect("duplicateWindow 0 passes every copy on", () =>
    withReceiver({ duplicateWindow: 0 }, ({ receiver, send }) =>
      Effect.gen(function*() {
        for (let i = 0; i < 3; i++) expect((yield* send(bodies.chatCreated)).status).toBe(200)
        expect(yield* receiver.pending).toBe(3)
      })))

  it.effect("copies arriving at once are delivered exactly once", () =>
    withReceiver({}, ({ receiver, send }) =>
      Effect.gen(function*() {
        const replies = yield* Effect.all(Array.from({ length: 25 }, () => send(bodies.chatMessageSent)), {
          concurrency: "unbounded"
        })
        expect(replies.every((reply) => reply.status === 200)).toBe(true)
        const events = yield* drain(receiver)
        expect(events).toHaveLength(1)
      })))

  it.effect("beyond maxRemembered the oldest notifications are forgotten first", () =>
    withReceiver({ maxRemembered: 2 }, ({ receiver, send }) =>
      Effect.gen(function*() {
        for (const id of [1, 2, 3]) yield* send(messageSent(id))
        yield* send(messageSent(3))
        yield* send(messageSent(2))
        expect(yield* receiver.pending).toBe(3)
        yield* send(messageSent(1))
        expect(yield* receiver.pending).toBe(4)
      })))

  it("duplicateKey names the identity of each event", () => {
    const decode = (body: unknown) => {
      const result = ChatsNotifications.decodeNotification(body)
      if (result._tag === "Left" || result.right._tag === "Ping") throw new Error("not an event")
      return ChatsNotifications.duplicateKey(result.right)
    }
    expect(decode(bodies.chatCreated)).toBe("CHAT_CREATED:12345:101")
    expect(decode(bodies.chatMessageSent)).toBe("CHAT_MESSAGE_SENT:12345:101:5001")
    expect(decode({ ...bodies.chatMessageSent, messageId: "9007199254740993" })).toBe(
      "CHAT_MESSAGE_SENT:12345:101:9007199254740993"
    )
    expect(decode(bodies.arbitrageStarted)).toBe(`CHAT_ARBITRAGE_STARTED:12345:101:${Date.parse("2025-06-02T09:00:00Z")}`)
    expect(decode({ notificationType: "X", b: 1, a: { d: 2, c: 3 } })).toBe(`X:{"a":{"c":3,"d":2},"b":1,"notificationType":"X"}`)
  })
})
