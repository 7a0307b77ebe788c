import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, Ref } from "effect"
import type * as ChatsNotifications from "../../src/ChatsNotifications.js"
import { messageSent, withReceiver } from "./helpers.js"

const idOf = (event: ChatsNotifications.Event) => (event._tag === "ChatMessageSent" ? event.messageId : event._tag)

describe("process (in-memory queue)", () => {
  it.live("hands each event to the handler once, in order; a failing handler's event is logged and not delivered again", () =>
    withReceiver({}, ({ receiver, send }) =>
      Effect.gen(function*() {
        for (let id = 1; id <= 3; id++) expect((yield* send(messageSent(id))).status).toBe(200)
        const seen = yield* Ref.make<Array<string>>([])
        const consumer = yield* Effect.forkChild(
          receiver.process((event) =>
            Effect.andThen(
              Ref.update(seen, (s) => [...s, idOf(event)]),
              idOf(event) === "2" ? Effect.fail("cannot") : Effect.void
            )
          )
        )
        while ((yield* Ref.get(seen)).length < 3) yield* Effect.sleep("10 millis")
        expect((yield* send(messageSent(4))).status).toBe(200)
        while ((yield* Ref.get(seen)).length < 4) yield* Effect.sleep("10 millis")
        yield* Fiber.interrupt(consumer)
        expect(yield* Ref.get(seen)).toEqual(["1", "2", "3", "4"])
        expect(yield* receiver.pending).toBe(0)
      })))

  it.live("with concurrency 3, three handlers run at once, and no more", () =>
    withReceiver({}, ({ receiver, send }) =>
      Effect.gen(function*() {
        for (let id = 1; id <= 4; id++) expect((yield* send(messageSent(id))).status).toBe(200)
        const running = yield* Ref.make(0)
        const consumer = yield* Effect.forkChild(
          receiver.process(() => Effect.andThen(Ref.update(running, (n) => n + 1), Effect.never), { concurrency: 3 })
        )
        while ((yield* Ref.get(running)) < 3) yield* Effect.sleep("10 millis")
        yield* Effect.sleep("100 millis") // room for a fourth to start, were it allowed
        yield* Fiber.interrupt(consumer)
        expect(yield* Ref.get(running)).toBe(3)
      })))
})
