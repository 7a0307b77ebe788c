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
