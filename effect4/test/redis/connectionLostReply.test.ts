/**
 * The durable queue when the reply of a consumer's blocking read is lost (the client gave up on the
 * call before Redis answered, and Redis had already recorded the delivery): the event is not counted
 * as delivered for that reply. It comes to the handler as its first delivery, and with
 * `maxDeliveries: 1` it is handled rather than moved to the dead letters unseen.
 */
import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Fiber, Layer, Logger, Ref, Stream } from "effect"
import { messageSent } from "../../../core/cases/notifications.js"
import { appendWhileReaderWaits } from "../../../core/testing/lostReply.js"
import * as Redis from "../../src/Redis.js"
import { keysOf, until } from "./durableHelpers.js"
import { adminClient, redisAvailable, scopedRedis } from "./server.js"

const available = redisAvailable("effect4 test/redis/connectionLostReply")

describe.skipIf(!available)("a lost reply of the durable queue's read (Effect 4)", () => {
  it.live("the event of a read whose reply was lost after the timeout is handled as its first delivery, not dead-lettered", () =>
    Effect.gen(function*() {
      const server = yield* scopedRedis({ debugCommand: true })
      const admin = yield* adminClient(server.url)
      const name = "lost-reply"
      const logs: Array<string> = []
      const collect = Logger.make(({ message }) => {
        logs.push(Array.isArray(message) ? message.map(String).join(" ") : String(message))
      })
      const { handled, dead } = yield* Effect.gen(function*() {
        // reads block 1 s and are bounded at 1 s + 300 ms; Redis then sleeps 2 s holding the reply
        const context = yield* Layer.build(
          Redis.layerNotificationQueue({ url: server.url, name, timeout: 300, claimIdle: "2 seconds", maxDeliveries: 1 })
        )
        const queue = Context.get(context, Redis.DurableNotificationQueue)
        const handled = yield* Ref.make<Array<[string, number]>>([])
        const consumer = yield* Effect.forkChild(queue.deliveries.pipe(
          Stream.runForEach((delivery) =>
            Ref.update(handled, (h) => [...h, [delivery.event._tag, delivery.attempt] as [string, number]]).pipe(
              Effect.andThen(delivery.ack)
            )
          )
        ))
        yield* Effect.promise(() =>
          appendWhileReaderWaits(
            server.port,
            async () => String(await admin.sendCommand(["CLIENT", "LIST"])),
            keysOf(name).stream,
            { body: JSON.stringify(messageSent(3)), key: "lost-3" },
            2
          )
        )
        yield* until(
          "the event handled or dead-lettered",
          Effect.map(Effect.zip(Ref.get(handled), queue.deadLetters()), ([h, d]) => h.length + d.length > 0)
        )
        yield* Fiber.interrupt(consumer)
        return { handled: yield* Ref.get(handled), dead: yield* queue.deadLetters() }
      }).pipe(Effect.scoped, Effect.provide(Logger.layer([collect])))
      // the read did fail (its reply came too late) ...
      expect(logs.some((l) => l.includes("could not read notifications"))).toBe(true)
      // ... and the delivery Redis recorded for it was not counted against the event
      expect(dead.map((d) => d.reason)).toEqual([])
      expect(handled).toEqual([["ChatMessageSent", 1]])
    }), 30_000)
})
