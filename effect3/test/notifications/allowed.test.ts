/**
 * Every body the official description of notifications allows is answered 200 and reaches
 * the stream: a 400 tells the market not to send it again, so refusing an allowed body loses
 * the event. The bodies are in `helpers.ts` (`allowedBodies`), where `spec.test.ts` checks each
 * against the description's DTO.
 */
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Either, Option, Stream } from "effect"
import * as ChatsNotifications from "../../src/ChatsNotifications.js"
import { allowedBodies, bodies, isSuccessBody, withReceiver } from "./helpers.js"

/** Takes the next `n` events of the stream. */
const take = (receiver: ChatsNotifications.Receiver, n: number) =>
  Effect.map(Stream.runCollect(Stream.take(receiver.events, n)), Chunk.toReadonlyArray)

describe("message ids the description allows (a plain string)", () => {
  for (const messageId of ["9007199254740993", "0", "a1b2"]) {
    it.effect(`messageId ${JSON.stringify(messageId)} is answered 200 and delivered as given, without an integer`, () =>
      withReceiver({}, ({ receiver, send }) =>
        Effect.gen(function*() {
          const reply = yield* send({ ...bodies.chatMessageSent, messageId })
          expect(reply.status).toBe(200)
          expect(isSuccessBody(reply.json)).toBe(true)
          const [event] = yield* take(receiver, 1)
          expect(event?._tag).toBe("ChatMessageSent")
          if (event?._tag !== "ChatMessageSent") return
          expect(event.messageId).toBe(messageId)
          expect(event.messageIdNumber).toEqual(Option.none())
          expect(ChatsNotifications.duplicateKey(event)).toBe(`CHAT_MESSAGE_SENT:12345:101:${messageId}`)
        })))
  }
})

describe("chat notifications at the edges of the description's types", () => {
  it.effect("each is answered 200 and, but for PING, reaches the stream", () =>
    withReceiver({ duplicateWindow: 0 }, ({ receiver, send }) =>
      Effect.gen(function*() {
        for (const [label, body] of allowedBodies) {
          const reply = yield* send(body)
          expect(reply.status, `${label}: ${reply.text}`).toBe(200)
          expect(isSuccessBody(reply.json), label).toBe(true)
        }
        const events = allowedBodies.filter(([label]) => !label.startsWith("PING"))
        expect(yield* receiver.pending).toBe(events.length)
      })))
})

describe("decoding and encoding the bodies at the edges", () => {
  it("each decodes, encodes to a body that decodes to the same event, and keeps messageId as given", () => {
    for (const [label, body] of allowedBodies) {
      const parsed: Record<string, unknown> = JSON.parse(typeof body === "string" ? body : JSON.stringify(body))
      const decoded = Either.getOrThrow(ChatsNotifications.decodeNotification(parsed))
      const encoded = ChatsNotifications.encodeNotification(decoded)
      expect(Either.getOrThrow(ChatsNotifications.decodeNotification(encoded)), label).toEqual(decoded)
      if (decoded._tag === "ChatMessageSent") {
        expect(encoded["messageId"], label).toBe(parsed["messageId"])
        expect(ChatsNotifications.duplicateKey(decoded), label).toBe(
          `CHAT_MESSAGE_SENT:${decoded.businessId}:${decoded.chatId}:${String(parsed["messageId"])}`
        )
      }
    }
  })
})
