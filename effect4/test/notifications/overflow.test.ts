/**
 * The queue's bound holds with a consumer: the in-memory queue hands out one event at a time, so a
 * consumer stuck on an event holds that one alone and `capacity` more wait. Overflow answers are the
 * shared tables' scenarios (core/cases/notifications.ts).
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Stream } from "effect"
import { messageSent, withReceiver } from "./helpers.js"

describe("queue overflow", () => {
  it.effect("the consumer holds at most one event beyond the queue's capacity", () =>
    withReceiver({ capacity: 3 }, ({ receiver, send }) =>
      Effect.gen(function*() {
        const seen: Array<string> = []
        // a consumer stuck on its first event
        yield* receiver.events.pipe(
          Stream.runForEach((event) =>
            Effect.sync(() => seen.push(event._tag === "ChatMessageSent" ? event.messageId : event._tag)).pipe(
              Effect.andThen(Effect.never)
            )
          ),
          Effect.forkScoped
        )
        yield* Effect.yieldNow
        const statuses: Array<number> = []
        for (let id = 1; id <= 6; id++) statuses.push((yield* send(messageSent(id))).status)
        expect(statuses).toEqual([200, 200, 200, 200, 500, 500])
        expect(seen).toEqual(["1"])
        expect(yield* receiver.pending).toBe(3)
      })))
})
