import { describe, expect, it } from "@effect/vitest"
import { Chunk, DateTime, Deferred, Effect, Fiber, Match, Option, Stream } from "effect"
import * as ChatsNotifications from "../../src/ChatsNotifications.js"
import { bodies, isSuccessBody, messageSent, withReceiver } from "./helpers.js"

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

  it.effect("CHAT_MESSAGE_SENT is delivered with messageId as given and messageIdNumber, the chats API's integer", () =>
    withReceiver({}, ({ receiver, send }) =>
      Effect.gen(function*() {
        expect((yield* send(bodies.chatMessageSent)).status).toBe(200)
        const [event] = yield* take(receiver, 1)
        expect(event?._tag).toBe("ChatMessageSent")
        if (event?._tag !== "ChatMessageSent") return
        expect(event.messageId).toBe("5001")
        expect(event.messageIdNumber).toEqual(Option.some(5001))
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
        const sentAt = DateTime.unsafeMake("2025-06-01T09:01:00.250Z")
        const usable: ChatsNotifications.ChatMessageSent = {
          _tag: "ChatMessageSent",
          chatId: 7,
          businessId: 12345,
          messageId: "9007199254740991",
          messageIdNumber: Option.some(9_007_199_254_740_991),
          sentAt
        }
        const opaque: ChatsNotifications.ChatMessageSent = {
          ...usable,
          messageId: "9007199254740993",
          messageIdNumber: Option.none()
        }
        const body = ChatsNotifications.encodeNotification(usable)
        expect(body).toEqual({
          notificationType: "CHAT_MESSAGE_SENT",
          chatId: 7,
          businessId: 12345,
          messageId: "9007199254740991",
          sentAt: "2025-06-01T09:01:00.250Z"
        })
        expect(ChatsNotifications.encodeNotification(opaque)).toEqual({ ...body, messageId: "9007199254740993" })
        expect((yield* send(body)).status).toBe(200)
        expect((yield* send(ChatsNotifications.encodeNotification(opaque))).status).toBe(200)
        expect(yield* take(receiver, 2)).toEqual([usable, opaque])
      })))

  it("an event whose messageIdNumber disagrees with its messageId is refused by encodeNotification", () => {
    const event: ChatsNotifications.ChatMessageSent = {
      _tag: "ChatMessageSent",
      chatId: 7,
      businessId: 12345,
      messageId: "a1b2",
      messageIdNumber: Option.some(5001),
      sentAt: DateTime.unsafeMake(0)
    }
    expect(() => ChatsNotifications.encodeNotification(event)).toThrow(
      "messageIdNumber must be the integer that messageId is, if any"
    )
  })

  it.effect("events and PINGs are answered while the consumer's handler is still blocked on its first event", () =>
    withReceiver({}, ({ receiver, send }) =>
      Effect.gen(function*() {
        const log: Array<string> = []
        const started = yield* Deferred.make<void>()
        const release = yield* Deferred.make<void>()
        const finished = yield* Deferred.make<void>()
        const label = (event: ChatsNotifications.Event) =>
          event._tag === "ChatMessageSent" ? String(event.messageId) : event._tag
        const consumer = yield* receiver.events.pipe(
          Stream.runForEach((event) =>
            Effect.sync(() => log.push(`start ${label(event)}`)).pipe(
              Effect.zipRight(Deferred.succeed(started, undefined)),
              Effect.zipRight(Deferred.await(release)),
              Effect.zipRight(Effect.sync(() => log.push(`done ${label(event)}`))),
              Effect.zipRight(label(event) === "5" ? Deferred.succeed(finished, undefined) : Effect.void)
            )
          ),
          Effect.fork
        )
        for (let id = 1; id <= 5; id++) {
          const reply = yield* send(messageSent(id))
          expect(reply.status).toBe(200)
          log.push(`ack ${id}`)
        }
        yield* Deferred.await(started)
        for (let i = 0; i < 3; i++) {
          const reply = yield* send(bodies.ping)
          expect(reply.status).toBe(200)
          expect(isSuccessBody(reply.json)).toBe(true)
          log.push("ping")
        }
        // the handler has begun the first event and not finished it: everything was answered meanwhile
        expect(log.filter((entry) => entry.startsWith("start"))).toEqual(["start 1"])
        expect(log.filter((entry) => !entry.startsWith("start"))).toEqual(
          ["ack 1", "ack 2", "ack 3", "ack 4", "ack 5", "ping", "ping", "ping"]
        )
        expect(yield* receiver.pending).toBe(4)
        yield* Deferred.succeed(release, undefined)
        yield* Deferred.await(finished)
        expect(log.filter((entry) => entry.startsWith("start") || entry.startsWith("done"))).toEqual(
          ["1", "2", "3", "4", "5"].flatMap((id) => [`start ${id}`, `done ${id}`])
        )
        yield* Fiber.interrupt(consumer)
      })))

  it.live("a consumer that never yields between events does not keep a PING waiting until the queue is empty", () =>
    withReceiver({}, ({ receiver, send }) =>
      Effect.gen(function*() {
        const total = 100
        const replies = yield* Effect.forEach(
          Array.from({ length: total }, (_, i) => messageSent(i + 1)),
          (body) => send(body),
          { concurrency: 10 }
        )
        expect(replies.map((reply) => reply.status)).toEqual(replies.map(() => 200))
        let handled = 0
        const first = yield* Deferred.make<void>()
        // synchronous work per event, as a consumer that parses or writes files synchronously does
        const work = () => {
          let x = 0
          for (let i = 0; i < 2_000_000; i++) x = (x + i) % 7919
          return x
        }
        const consumer = yield* receiver.events.pipe(
          Stream.runForEach(() =>
            Effect.sync(() => {
              work()
              handled++
            }).pipe(Effect.zipRight(Deferred.succeed(first, undefined)))
          ),
          Effect.fork
        )
        yield* Deferred.await(first)
        const reply = yield* send(bodies.ping)
        const handledWhenAnswered = handled
        expect(reply.status).toBe(200)
        // the PING was answered between two events, not after the consumer went through the whole queue
        expect(handledWhenAnswered).toBeLessThan(total)
        expect(yield* receiver.pending).toBeGreaterThan(0)
        yield* Fiber.interrupt(consumer)
      })))

  it.effect("the standalone server stops listening when its scope closes", () =>
    Effect.gen(function*() {
      const url = yield* withReceiver({}, ({ server, send }) =>
        Effect.gen(function*() {
          expect((yield* send(bodies.ping)).status).toBe(200)
          return server.url
        }))
      const after = yield* Effect.either(
        Effect.tryPromise(() => fetch(`${url}/notification`, { method: "POST", body: "{}" }))
      )
      expect(after._tag).toBe("Left")
    }))

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


})
