import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { bodies, post, withReceiver } from "./helpers.js"

/** Bodies the receiver must refuse, with a piece of the message it must give. */
const malformed: ReadonlyArray<readonly [string, unknown, string]> = [
  ["not JSON", "{ notificationType: CHAT_CREATED", "not JSON"],
  ["an empty body", "", "not JSON"],
  ["a JSON array", "[1, 2]", "must be a JSON object"],
  ["JSON null", "null", "must be a JSON object"],
  ["no notificationType", { chatId: 1, businessId: 2 }, "notificationType"],
  ["a numeric notificationType", { notificationType: 7 }, "notificationType"],
  ["CHAT_CREATED without businessId", { ...bodies.chatCreated, businessId: undefined }, "businessId: is missing"],
  ["CHAT_CREATED without createdAt", { ...bodies.chatCreated, createdAt: undefined }, "createdAt: is missing"],
  ["CHAT_CREATED with a string chatId", { ...bodies.chatCreated, chatId: "101" }, "chatId"],
  ["CHAT_CREATED with a fractional chatId", { ...bodies.chatCreated, chatId: 1.5 }, "chatId"],
  ["CHAT_CREATED with businessId 0", { ...bodies.chatCreated, businessId: 0 }, "businessId"],
  ["CHAT_CREATED with a date that is not one", { ...bodies.chatCreated, createdAt: "yesterday" }, "createdAt"],
  ["CHAT_MESSAGE_SENT without messageId", { ...bodies.chatMessageSent, messageId: undefined }, "messageId: is missing"],
  ["CHAT_MESSAGE_SENT with a non-numeric messageId", { ...bodies.chatMessageSent, messageId: "abc" }, "messageId"],
  ["CHAT_MESSAGE_SENT with messageId \"12a\"", { ...bodies.chatMessageSent, messageId: "12a" }, "messageId"],
  ["CHAT_MESSAGE_SENT with messageId \"-5\"", { ...bodies.chatMessageSent, messageId: "-5" }, "messageId"],
  ["CHAT_MESSAGE_SENT with messageId \"1e3\"", { ...bodies.chatMessageSent, messageId: "1e3" }, "messageId"],
  ["CHAT_MESSAGE_SENT with messageId \"0\"", { ...bodies.chatMessageSent, messageId: "0" }, "messageId"],
  ["CHAT_MESSAGE_SENT with an empty messageId", { ...bodies.chatMessageSent, messageId: "" }, "messageId"],
  ["CHAT_MESSAGE_SENT with a messageId past 2^53", { ...bodies.chatMessageSent, messageId: "9007199254740993" }, "messageId"],
  ["CHAT_ARBITRAGE_STARTED without startedAt", { ...bodies.arbitrageStarted, startedAt: undefined }, "startedAt"],
  ["CHAT_ARBITRAGE_FINISHED without finishedAt", { ...bodies.arbitrageFinished, finishedAt: undefined }, "finishedAt"],
  ["PING with a time that is not a date", { notificationType: "PING", time: "soon" }, "time"]
]

describe("malformed bodies", () => {
  it.effect("each is answered 400 { error: { type: WRONG_EVENT_FORMAT, message } } and nothing is queued", () =>
    withReceiver({}, ({ receiver, send }) =>
      Effect.gen(function*() {
        for (const [label, body, says] of malformed) {
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
        const reply = yield* send({ notificationType: "CHAT_MESSAGE_SENT", chatId: "x", messageId: "abc" })
        expect(reply.json.error.message).toBe(
          "chatId: Expected number, actual \"x\"; businessId: is missing; " +
            "messageId: expected a message id (a string of digits), got \"abc\"; sentAt: is missing"
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
