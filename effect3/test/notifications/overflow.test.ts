import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Stream } from "effect"
import { bodies, isSuccessBody, messageSent, withReceiver } from "./helpers.js"

describe("queue overflow", () => {
  it.effect("beyond capacity the market is answered 500 UNKNOWN, and its retry is accepted once there is room", () =>
    withReceiver({ capacity: 2 }, ({ receiver, send }) =>
      Effect.gen(function*() {
        expect((yield* send(messageSent(1))).status).toBe(200)
        expect((yield* send(messageSent(2))).status).toBe(200)
        const refused = yield* send(messageSent(3))
        expect(refused.status).toBe(500)
        expect(refused.json).toEqual({
          error: { type: "UNKNOWN", message: "the receiver's queue is full; retry later" }
        })
        // PING is still answered while the queue is full
        expect((yield* send(bodies.ping)).status).toBe(200)
        // a repeat of a queued event is still recognised as one
        expect((yield* send(messageSent(1))).status).toBe(200)
        expect(yield* receiver.pending).toBe(2)

        const first = yield* Stream.runCollect(Stream.take(receiver.events, 1))
        expect(Chunk.toReadonlyArray(first).map((e) => e._tag === "ChatMessageSent" && e.messageId)).toEqual(["1"])

        // the refused one was not remembered: the market's retry goes through
        const retried = yield* send(messageSent(3))
        expect(retried.status).toBe(200)
        expect(isSuccessBody(retried.json)).toBe(true)
        const rest = yield* Stream.runCollect(Stream.take(receiver.events, 2))
        expect(Chunk.toReadonlyArray(rest).map((e) => e._tag === "ChatMessageSent" && e.messageId)).toEqual(["2", "3"])
      })))

  it.effect("the consumer holds at most one event beyond the queue's capacity", () =>
    withReceiver({ capacity: 3 }, ({ receiver, send }) =>
      Effect.gen(function*() {
        const seen: Array<string> = []
        // a consumer stuck on its first event
        yield* receiver.events.pipe(
          Stream.runForEach((event) =>
            Effect.sync(() => seen.push(event._tag === "ChatMessageSent" ? event.messageId : event._tag)).pipe(
              Effect.zipRight(Effect.never)
            )
          ),
          Effect.forkScoped
        )
        yield* Effect.yieldNow()
        const statuses: Array<number> = []
        for (let id = 1; id <= 6; id++) statuses.push((yield* send(messageSent(id))).status)
        expect(statuses).toEqual([200, 200, 200, 200, 500, 500])
        expect(seen).toEqual(["1"])
        expect(yield* receiver.pending).toBe(3)
      })))
})
