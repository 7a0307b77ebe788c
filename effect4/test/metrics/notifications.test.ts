/**
 * The receiver's metrics over real HTTP on loopback, read from the registry after the requests: the
 * shared case (`core/testing/metricCases.ts`: every answer counted by type and status, a repeat, the
 * in-memory queue's pending gauge), the refused senders and wrong secrets, and the handlers that failed.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, Redacted, Ref } from "effect"
import { metricNames } from "../../../core/metrics/names.js"
import { notificationMetricCase } from "../../../core/testing/metricCases.js"
import { bodies, messageSent, post, withReceiver } from "../notifications/helpers.js"
import { counted, countedOver, gauged, moved, withRegistry } from "./helpers.js"

const received = metricNames.notificationsReceived.name
const memory = { "yandex_market.queue.name": "memory" }
const answered = (type: string, status: number) =>
  counted(received, { "yandex_market.notification.type": type, "http.response.status_code": String(status) })

describe("the receiver's metrics (in-memory queue)", () => {
  it.live("the shared case: each answer counted by the notification's type and the status, a repeat as a duplicate", () =>
    withRegistry(withReceiver({ capacity: notificationMetricCase.capacity }, ({ send }) =>
      Effect.gen(function*() {
        for (const { body, status } of notificationMetricCase.sends) expect((yield* send(body)).status).toBe(status)
        for (const series of notificationMetricCase.expected) {
          expect({ ...series, value: yield* moved(series) }).toEqual(series)
        }
        expect(yield* countedOver(received)).toBe(notificationMetricCase.sends.length)
        expect(yield* gauged(metricNames.notificationsPending.name, memory)).toBe(notificationMetricCase.pending)
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
        const pending = () => gauged(metricNames.notificationsPending.name, memory)
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
