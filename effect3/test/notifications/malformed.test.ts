import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { bodies, post, refusedBodies, withReceiver } from "./helpers.js"

describe("malformed bodies", () => {
  it.effect("each is answered 400 { error: { type: WRONG_EVENT_FORMAT, message } } and nothing is queued", () =>
    withReceiver({}, ({ receiver, send }) =>
      Effect.gen(function*() {
        for (const [label, body, says] of refusedBodies) {
          const reply = yield* send(body)
          expect(reply.status, label).toBe(400)
          expect(reply.headers.get("content-type"), label).toContain("application/json")
          expect(Object.keys(reply.json), label).toEqual(["error"])
          expect(reply.json.error.type, label).toBe("WRONG_EVENT_FORMAT")
          expect(typeof reply.json.error.message, label).toBe("string")
          expect(reply.json.error.message, label).toContain(says)
        }
        expect(yield* receiver.pending).toBe(0)
      })))

  it.effect("the message names every offending field", () =>
    withReceiver({}, ({ send }) =>
      Effect.gen(function*() {
        const reply = yield* send({ notificationType: "CHAT_MESSAGE_SENT", chatId: "x", messageId: true })
        expect(reply.json.error.message).toBe(
          "chatId: Expected number, actual \"x\"; businessId: is missing; " +
            "messageId: expected a string, got true; sentAt: is missing"
        )
      })))

  it.effect("a body larger than maxBodyBytes is refused with 400", () =>
    withReceiver({ maxBodyBytes: 256 }, ({ receiver, send }) =>
      Effect.gen(function*() {
        const reply = yield* send({ ...bodies.orderCreated, padding: "x".repeat(1000) })
        expect(reply.status).toBe(400)
        expect(reply.json.error.type).toBe("WRONG_EVENT_FORMAT")
        expect(reply.json.error.message).toBe("the body is larger than 256 bytes")
        expect((yield* send(bodies.chatCreated)).status).toBe(200)
        expect(yield* receiver.pending).toBe(1)
      })))

  it.effect("a longer body without Content-Length is cut off; the receiver goes on working", () =>
    withReceiver({ maxBodyBytes: 256 }, ({ endpoint, receiver, send }) =>
      Effect.gen(function*() {
        const chunk = new TextEncoder().encode(JSON.stringify({ ...bodies.orderCreated, padding: "x".repeat(1000) }))
        const outcome = yield* Effect.tryPromise(() =>
          fetch(endpoint, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: new ReadableStream({
              start(controller) {
                controller.enqueue(chunk)
                controller.close()
              }
            }),
            duplex: "half"
          } as RequestInit).then((response) => response.status)
        ).pipe(Effect.either)
        // either a 400 made it out before the connection closed, or the connection broke
        if (outcome._tag === "Right") expect(outcome.right).toBe(400)
        expect(yield* receiver.pending).toBe(0)
        expect((yield* send(bodies.chatCreated)).status).toBe(200)
      })))

  it.effect("fields the description does not list are ignored, and the content type is not required", () =>
    withReceiver({}, ({ endpoint, receiver }) =>
      Effect.gen(function*() {
        const reply = yield* post(endpoint, { ...bodies.chatCreated, somethingNew: true }, {
          headers: { "content-type": "text/plain" }
        })
        expect(reply.status).toBe(200)
        expect(yield* receiver.pending).toBe(1)
      })))
})
