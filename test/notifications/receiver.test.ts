import { describe, expect, it } from "@effect/vitest"
import { Chunk, DateTime, Effect, Fiber, Match, Stream } from "effect"
import * as ChatsNotifications from "../../src/ChatsNotifications.js"
import { bodies, isSuccessBody, messageSent, post, withReceiver } from "./helpers.js"

/** Takes the next `n` events of the stream. */
const take = (receiver: ChatsNotifications.Receiver, n: number) =>
  Effect.map(Stream.runCollect(Stream.take(receiver.events, n)), Chunk.toReadonlyArray)

describe("chat notifications over loopback", () => {
  it.effect("CHAT_CREATED is answered 200 with the success body and delivered as ChatCreated", () =>
    withReceiver({}, ({ receiver, send }) =>
      Effect.gen(function*() {
        const reply = yield* send(bodies.chatCreated)
        expect(reply.status).toBe(200)
        expect(reply.headers.get("content-type")).toContain("application/json")
        expect(isSuccessBody(reply.json)).toBe(true)
        expect(Object.keys(reply.json).sort()).toEqual(["name", "time", "version"])
        const [event] = yield* take(receiver, 1)
        expect(event).toEqual({
          _tag: "ChatCreated",
          chatId: 101,
          businessId: 12345,
          createdAt: DateTime.unsafeMake("2025-06-01T09:00:00Z")
        })
      })))

  it.effect("CHAT_MESSAGE_SENT is delivered with the string messageId decoded to the integer id", () =>
    withReceiver({}, ({ receiver, send }) =>
      Effect.gen(function*() {
        expect((yield* send(bodies.chatMessageSent)).status).toBe(200)
        const [event] = yield* take(receiver, 1)
        expect(event?._tag).toBe("ChatMessageSent")
        if (event?._tag !== "ChatMessageSent") return
        expect(event.messageId).toBe(5001)
        expect(typeof event.messageId).toBe("number")
        expect(event.chatId).toBe(101)
        expect(event.businessId).toBe(12345)
        expect(DateTime.formatIso(event.sentAt)).toBe("2025-06-01T09:01:00.250Z")
      })))

  it.effect("CHAT_ARBITRAGE_STARTED and CHAT_ARBITRAGE_FINISHED are delivered in order", () =>
    withReceiver({}, ({ receiver, send }) =>
      Effect.gen(function*() {
        expect((yield* send(bodies.arbitrageStarted)).status).toBe(200)
        expect((yield* send(bodies.arbitrageFinished)).status).toBe(200)
        const events = yield* take(receiver, 2)
        expect(events).toEqual([
          {
            _tag: "ChatArbitrageStarted",
            chatId: 101,
            businessId: 12345,
            startedAt: DateTime.unsafeMake("2025-06-02T09:00:00Z")
          },
          {
            _tag: "ChatArbitrageFinished",
            chatId: 101,
            businessId: 12345,
            finishedAt: DateTime.unsafeMake("2025-06-03T15:30:00Z")
          }
        ])
      })))

  it.effect("other notification types are passed on as UnknownNotification with the raw body", () =>
    withReceiver({}, ({ receiver, send }) =>
      Effect.gen(function*() {
        const future = { notificationType: "SOMETHING_NEW", nested: { a: [1, 2] } }
        expect((yield* send(bodies.orderCreated)).status).toBe(200)
        expect((yield* send(future)).status).toBe(200)
        const events = yield* take(receiver, 2)
        expect(events).toEqual([
          { _tag: "UnknownNotification", notificationType: "ORDER_CREATED", body: bodies.orderCreated },
          { _tag: "UnknownNotification", notificationType: "SOMETHING_NEW", body: future }
        ])
      })))

  it.effect("events match exhaustively with Match.tag", () =>
    withReceiver({}, ({ receiver, send }) =>
      Effect.gen(function*() {
        for (const body of [bodies.chatCreated, bodies.chatMessageSent, bodies.arbitrageStarted, bodies.orderCreated]) {
          expect((yield* send(body)).status).toBe(200)
        }
        const describe = Match.type<ChatsNotifications.Event>().pipe(
          Match.tag("ChatCreated", (e) => `chat ${e.chatId}`),
          Match.tag("ChatMessageSent", (e) => `message ${e.messageId}`),
          Match.tag("ChatArbitrageStarted", "ChatArbitrageFinished", (e) => `dispute on ${e.chatId}`),
          Match.tag("UnknownNotification", (e) => `other ${e.notificationType}`),
          Match.exhaustive
        )
        expect((yield* take(receiver, 4)).map(describe)).toEqual([
          "chat 101",
          "message 5001",
          "dispute on 101",
          "other ORDER_CREATED"
        ])
      })))

  it.effect("an event built in code, encoded with encodeNotification and POSTed, comes back equal", () =>
    withReceiver({}, ({ receiver, send }) =>
      Effect.gen(function*() {
        const sent = ChatsNotifications.ChatMessageSent.make({
          _tag: "ChatMessageSent",
          chatId: 7,
          businessId: 12345,
          messageId: 9_007_199_254_740_991,
          sentAt: DateTime.unsafeMake("2025-06-01T09:01:00.250Z")
        })
        const body = ChatsNotifications.encodeNotification(sent)
        expect(body).toEqual({
          notificationType: "CHAT_MESSAGE_SENT",
          chatId: 7,
          businessId: 12345,
          messageId: "9007199254740991",
          sentAt: "2025-06-01T09:01:00.250Z"
        })
        expect((yield* send(body)).status).toBe(200)
        expect(yield* take(receiver, 1)).toEqual([sent])
      })))

  it.effect("PING is answered with the success body and not put on the stream", () =>
    withReceiver({ name: "my-shop", version: "2.3.4" }, ({ receiver, send }) =>
      Effect.gen(function*() {
        const reply = yield* send(bodies.ping)
        expect(reply.status).toBe(200)
        expect(isSuccessBody(reply.json, "my-shop", "2.3.4")).toBe(true)
        expect((yield* send({ notificationType: "PING" })).status).toBe(200)
        expect(yield* receiver.pending).toBe(0)
      })))

  it.live("PING is answered well within 1 s while the consumer is slow (figures logged)", () =>
    withReceiver({}, ({ receiver, send }) =>
      Effect.gen(function*() {
        const handled: Array<number> = []
        const consumer = yield* receiver.events.pipe(
          Stream.runForEach((event) =>
            Effect.sleep("3 seconds").pipe(
              Effect.zipRight(Effect.sync(() => handled.push(event._tag === "ChatMessageSent" ? event.messageId : 0)))
            )
          ),
          Effect.fork
        )
        const acks: Array<number> = []
        for (let id = 1; id <= 5; id++) {
          const reply = yield* send(messageSent(id))
          expect(reply.status).toBe(200)
          acks.push(reply.millis)
        }
        const pings: Array<number> = []
        for (let i = 0; i < 20; i++) {
          const reply = yield* send(bodies.ping)
          expect(reply.status).toBe(200)
          pings.push(reply.millis)
        }
        // the consumer is still busy with the first event: nothing was handled before answering
        expect(handled).toEqual([])
        const max = Math.max(...pings)
        const sorted = [...pings].sort((a, b) => a - b)
        console.log(
          `[figures] PING with a slow consumer (3 s per event, 5 events queued): ` +
            `median ${sorted[10]!.toFixed(1)} ms, max ${max.toFixed(1)} ms over 20; ` +
            `event acks: max ${Math.max(...acks).toFixed(1)} ms over 5`
        )
        expect(max).toBeLessThan(500)
        expect(Math.max(...acks)).toBeLessThan(500)
        yield* Fiber.interrupt(consumer)
      })))

  it.live("PING stays under 1 s with a consumer that blocks the event loop 100 ms per event (figures logged)", () =>
    withReceiver({}, ({ receiver, send }) =>
      Effect.gen(function*() {
        const busy = (millis: number) => {
          const until = performance.now() + millis
          while (performance.now() < until) {
            // synchronous work: nothing else runs meanwhile
          }
        }
        for (let id = 1; id <= 30; id++) expect((yield* send(messageSent(id))).status).toBe(200)
        const consumer = yield* receiver.events.pipe(Stream.runForEach(() => Effect.sync(() => busy(100))), Effect.fork)
        const pings: Array<number> = []
        for (let i = 0; i < 10; i++) {
          const reply = yield* send(bodies.ping)
          expect(reply.status).toBe(200)
          pings.push(reply.millis)
        }
        const sorted = [...pings].sort((a, b) => a - b)
        console.log(
          `[figures] PING with a consumer blocking 100 ms per event: median ${sorted[5]!.toFixed(1)} ms, ` +
            `max ${sorted[9]!.toFixed(1)} ms over 10`
        )
        expect(sorted[9]!).toBeLessThan(1000)
        yield* Fiber.interrupt(consumer)
      })))

  it.effect("the success body's time is when handling began, from the Effect Clock", () =>
    withReceiver({}, ({ send }) =>
      Effect.gen(function*() {
        // it.effect runs on the TestClock, which starts at the epoch
        const reply = yield* send(bodies.chatCreated)
        expect(reply.json.time).toBe("1970-01-01T00:00:00.000Z")
      })))

  it.effect("the stream ends when the receiver's scope closes", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.scoped(Effect.gen(function*() {
        const receiver = yield* ChatsNotifications.make()
        return yield* Effect.fork(Stream.runCollect(receiver.events))
      }))
      expect(Chunk.size(yield* Fiber.join(fiber))).toBe(0)
    }))

  it.effect("a GET on the route, or a POST elsewhere, is 404 from the standalone server", () =>
    withReceiver({}, ({ server }) =>
      Effect.gen(function*() {
        expect((yield* post(`${server.url}/notification`, "", { method: "GET" })).status).toBe(404)
        expect((yield* post(`${server.url}/other`, bodies.ping)).status).toBe(404)
        expect((yield* post(`${server.url}/notification`, bodies.ping)).status).toBe(200)
      })))
})
