import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { refusedCases } from "../../../core/cases/notifications.js"
import { bodies, withReceiver } from "./helpers.js"

/**
 * What this edition's message says of each refused body of the shared tables (which check the
 * status, the error type and the field named, never the text).
 */
const says: Record<string, string> = {
  "not JSON": "not JSON",
  "an empty body": "not JSON",
  "a JSON array": "must be a JSON object",
  "JSON null": "must be a JSON object",
  "no notificationType": "notificationType",
  "a numeric notificationType": "notificationType",
  "an empty notificationType": "notificationType: expected a non-empty string",
  "CHAT_CREATED without businessId": "businessId: is missing",
  "CHAT_CREATED without createdAt": "createdAt: is missing",
  "CHAT_CREATED with a string chatId": "chatId",
  "CHAT_CREATED with a fractional chatId": "chatId",
  "CHAT_CREATED with businessId 0": "businessId",
  "CHAT_CREATED with a negative businessId": "businessId: expected an integer of at least 1, got -1",
  "CHAT_CREATED with a date that is not one": "createdAt",
  "CHAT_CREATED with chatId null": "chatId",
  "CHAT_CREATED with a chatId beyond int64": "chatId: expected an int64 integer",
  "CHAT_CREATED with a date without an offset": "createdAt",
  "CHAT_CREATED with a date as a number": "createdAt",
  "CHAT_CREATED on the 30th of February": "createdAt",
  "CHAT_MESSAGE_SENT without messageId": "messageId: is missing",
  "CHAT_MESSAGE_SENT with messageId null": "messageId: expected a string, got null",
  "CHAT_MESSAGE_SENT with messageId true": "messageId: expected a string",
  "CHAT_MESSAGE_SENT with an object messageId": "messageId",
  "CHAT_MESSAGE_SENT with a fractional messageId": "messageId",
  "CHAT_ARBITRAGE_STARTED without startedAt": "startedAt",
  "CHAT_ARBITRAGE_FINISHED without finishedAt": "finishedAt",
  "PING with a time that is not a date": "time"
}

describe("malformed bodies (the statuses and fields are the shared tables'; here the texts)", () => {
  it.effect("each refused body of the shared tables is refused with this edition's message", () =>
    withReceiver({}, ({ send }) =>
      Effect.gen(function*() {
        for (const { name, body } of refusedCases) {
          const reply = yield* send(body)
          expect(reply.status, name).toBe(400)
          expect(reply.json.error.message, name).toContain(says[name])
        }
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

  it.effect("a body larger than maxBodyBytes says so", () =>
    withReceiver({ maxBodyBytes: 256 }, ({ send }) =>
      Effect.gen(function*() {
        const reply = yield* send({ ...bodies.orderCreated, padding: "x".repeat(1000) })
        expect(reply.json.error.message).toBe("the body is larger than 256 bytes")
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
})
