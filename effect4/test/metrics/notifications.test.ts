/**
 * The receiver's metrics over real HTTP on loopback, read from the registry after the requests:
 * every answer counted by type and status (200, 400, 403, 404, 500), repeats, the in-memory queue's
 * pending gauge, and the handlers that failed.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, Redacted, Ref } from "effect"
import { metricNames } from "../../../core/metrics/names.js"
import { bodies, messageSent, post, withReceiver } from "../notifications/helpers.js"
import { counted, gauged, withRegistry } from "./helpers.js"

const received = metricNames.notificationsReceived.name
const answered = (type: string, status: number) =>
  counted(received, { "yandex_market.notification.type": type, "http.response.status_code": String(status) })

describe("the receiver's metrics (in-memory queue)", () => {
  it.live("each answer is counted by the notification's type and the status; a repeat is counted as a duplicate", () =>
    withRegistry(withReceiver({ capacity: 4 }, ({ send }) =>
      Effect.gen(function*() {
        expect((yield* send(bodies.ping)).status).toBe(200)
        expect((yield* send(messageSent(1))).status).toBe(200)
        expect((yield* send(messageSent(1))).status).toBe(200) // a repeat
        expect((yield* send(bodies.chatCreated)).status).toBe(200)
        expect((yield* send(bodies.orderCreated)).status).toBe(200)
        // a type the library does not know, sent with any name: one series, OTHER
        expect((yield* send({ notificationType: "MADE_UP_BY_A_SENDER_1" })).status).toBe(200)
        // the queue holds 4: the next event is refused with 500
        expect((yield* send(messageSent(2))).status).toBe(500)
        // a known type with a field missing, then a body that is not JSON
        expect((yield* send({ ...bodies.chatMessageSent, chatId: undefined })).status).toBe(400)
        expect((yield* send("{not json")).status).toBe(400)

        expect(yield* answered("PING", 200)).toBe(1)
        expect(yield* answered("CHAT_MESSAGE_SENT", 200)).toBe(2)
        expect(yield* answered("CHAT_CREATED", 200)).toBe(1)
        expect(yield* answered("OTHER", 200)).toBe(2) // ORDER_CREATED and the made-up type
        expect(yield* answered("CHAT_MESSAGE_SENT", 500)).toBe(1)
        expect(yield* answered("CHAT_MESSAGE_SENT", 400)).toBe(1)
        expect(yield* answered("none", 400)).toBe(1)
        expect(yield* counted(metricNames.notificationDuplicates.name, { "yandex_market.notification.type": "CHAT_MESSAGE_SENT" }))
          .toBe(1)
        // stored and waiting: the first message, the chat, the order and the made-up one
        expect(yield* gauged(metricNames.notificationsPending.name, { "yandex_market.queue.name": "memory" })).toBe(4)
      }))))

  it.live("refused senders are counted 403, a wrong secret 404, with no type (the body is not read)", () =>
    withRegistry(Effect.gen(function*() {
      yield* withReceiver({ allowedSources: ["10.0.0.0/8"] }, ({ send }) =>
        Effect.map(send(bodies.chatMessageSent), (reply) => expect(reply.status).toBe(403)))
      yield* withReceiver({ secret: Redacted.make("s3cret") }, ({ server, send }) =>
        Effect.gen(function*() {
          expect((yield* post(`${server.url}/guess/notification`, bodies.chatMessageSent)).status).toBe(404)
          expect((yield* send(bodies.chatMessageSent)).status).toBe(200)
        }))
      expect(yield* answered("none", 403)).toBe(1)
      expect(yield* answered("none", 404)).toBe(1)
      expect(yield* answered("CHAT_MESSAGE_SENT", 200)).toBe(1)
    })))

  it.live("the pending gauge follows the consumer, and a failing handler is counted by type", () =>
    withRegistry(withReceiver({}, ({ receiver, send }) =>
      Effect.gen(function*() {
        for (let id = 1; id <= 3; id++) expect((yield* send(messageSent(id))).status).toBe(200)
        expect((yield* send(bodies.chatCreated)).status).toBe(200)
        const pending = () => gauged(metricNames.notificationsPending.name, { "yandex_market.queue.name": "memory" })
        expect(yield* pending()).toBe(4)
        const handled = yield* Ref.make(0)
        const consumer = yield* Effect.forkChild(
          receiver.process((event) =>
            Effect.andThen(
              Ref.update(handled, (n) => n + 1),
              event._tag === "ChatMessageSent" && event.messageId !== "2" ? Effect.fail("cannot") : Effect.void
            )
          )
        )
        while ((yield* Ref.get(handled)) < 4) yield* Effect.sleep("10 millis")
        yield* Fiber.interrupt(consumer)
        expect(yield* pending()).toBe(0)
        const failures = (type: string) => counted(metricNames.handlerFailures.name, { "yandex_market.notification.type": type })
        expect(yield* failures("CHAT_MESSAGE_SENT")).toBe(2)
        expect(yield* failures("CHAT_CREATED")).toBe(0)
        // the in-memory queue never hands an event out again
        expect(yield* counted(metricNames.redeliveries.name, { "yandex_market.notification.type": "CHAT_MESSAGE_SENT" })).toBe(0)
      }))))
})
