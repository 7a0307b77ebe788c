import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Stream, TestClock } from "effect"
import type * as ChatsNotifications from "../../src/ChatsNotifications.js"
import { bodies, withReceiver } from "./helpers.js"

const drain = (receiver: ChatsNotifications.Receiver) =>
  Effect.flatMap(receiver.pending, (n) =>
    Effect.map(Stream.runCollect(Stream.take(receiver.events, n)), Chunk.toReadonlyArray))

/**
 * Duplicates on the Effect Clock and under concurrency; the other duplicate rules are the shared
 * tables' scenarios (core/cases/notifications.ts, run by test/cases).
 */
describe("duplicates", () => {
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


})
