/**
 * The Effect 4 edition's durable notification queue over a real redis-server (the scripts and the
 * connection are the core's, tested in depth by the Effect 3 edition's suite): the 200 only once the
 * event is stored; a repeat within the window not stored again; events handed to a consumer and
 * acknowledged once its handler succeeds; a failing handler's event delivered again and, past
 * `maxDeliveries`, moved to the dead letters; a dead consumer's events taken back after `claimIdle`;
 * `replay`; no password of the URL in an answer, error or log; bad options an `InvalidOptionsError`
 * before any connection. Redis paused, stopped, killed under `appendonly yes` or restarted empty, the
 * maximum length, long handlers, a wall clock stepped back and two receivers sharing a queue are the
 * shared cases (`core/testing/durableCases.ts`, run by `cases.test.ts`).
 */
import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, Fiber, Layer, Logger, Option, Ref, Stream } from "effect"
import * as ChatsNotifications from "../../src/ChatsNotifications.js"
import * as Redis from "../../src/Redis.js"
import { bodies, isSuccessBody, messageSent } from "../notifications/helpers.js"
import { durableReceiver, keysOf, storedBodies, until } from "./durableHelpers.js"
import { adminClient, redisAvailable, scopedRedis } from "./server.js"

const available = redisAvailable("effect4 test/redis/durable")
let names = 0
/** A queue name of its own for each test. */
const fresh = () => `e4t${++names}`
/** The message id of an event (its tag for any other). */
const idOf = (event: ChatsNotifications.Event) => event._tag === "ChatMessageSent" ? event.messageId : event._tag

describe("the durable queue's options (Effect 4)", () => {
  it.effect("a bad option is an InvalidOptionsError naming it, before any connection", () =>
    Effect.gen(function*() {
      const cases: ReadonlyArray<[Redis.NotificationQueueOptions, string]> = [
        [{ maxDeliveries: 0 }, "maxDeliveries"],
        [{ maxLength: 1.5 }, "maxLength"],
        [{ batchSize: -1 }, "batchSize"],
        [{ claimIdle: "5 millis" }, "claimIdle"],
        [{ duplicateWindow: -1 }, "duplicateWindow"],
        [{ timeout: 0 }, "timeout"],
        [{ name: "a b" }, "name"]
      ]
      for (const [options, option] of cases) {
        // port 1: nothing listens there, and the layer must fail before it tries
        const error = yield* Effect.flip(
          Layer.build(Redis.layerNotificationQueue({ url: "redis://127.0.0.1:1", ...options }))
        )
        expect(error).toMatchObject({ _tag: "InvalidOptionsError", option, reason: "invalid" })
      }
    }))

  it.effect("layerNotificationQueueConfig without REDIS_URL fails with an InvalidOptionsError (missing REDIS_URL)", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Layer.build(Redis.layerNotificationQueueConfig())).pipe(
        Effect.provide(ConfigProvider.layer(ConfigProvider.fromUnknown({})))
      )
      expect(error).toMatchObject({ _tag: "InvalidOptionsError", option: "REDIS_URL", reason: "missing" })
    }))
})

describe.skipIf(!available)("the durable notification queue over Redis Streams (Effect 4)", () => {
  it.live("the 200 comes once the event is in the stream; a repeat within the window is answered 200 and not stored again", () =>
    Effect.gen(function*() {
      const server = yield* scopedRedis()
      const name = fresh()
      const admin = yield* adminClient(server.url)
      const { receiver, send } = yield* durableReceiver(server.url, { name })
      const reply = yield* send(bodies.chatMessageSent)
      expect(reply.status).toBe(200)
      expect(isSuccessBody(reply.json)).toBe(true)
      // stored before the answer: the body is there as the market sent it (dates in UTC)
      expect(yield* storedBodies(admin, keysOf(name).stream)).toEqual([
        { ...bodies.chatMessageSent, sentAt: "2025-06-01T09:01:00.250Z" }
      ])
      const again = yield* send(bodies.chatMessageSent)
      expect(again.status).toBe(200)
      expect(isSuccessBody(again.json)).toBe(true)
      expect((yield* storedBodies(admin, keysOf(name).stream)).length).toBe(1)
      expect(yield* receiver.pending).toBe(1)
    }), 30_000)

  it.live("process hands the events over and acknowledges each once its handler succeeds: nothing pending, nothing left", () =>
    Effect.gen(function*() {
      const server = yield* scopedRedis()
      const name = fresh()
      const admin = yield* adminClient(server.url)
      const { receiver, send } = yield* durableReceiver(server.url, { name })
      for (let id = 1; id <= 3; id++) expect((yield* send(messageSent(id))).status).toBe(200)
      const handled = yield* Ref.make<Array<string>>([])
      // whether the handler's event was still stored (not acknowledged) while the handler ran
      const storedWhileHandled = yield* Ref.make<Array<boolean>>([])
      const consumer = yield* Effect.forkChild(receiver.process((event) =>
        Effect.gen(function*() {
          const stored = (yield* storedBodies(admin, keysOf(name).stream)).map((b) => b["messageId"])
          yield* Ref.update(storedWhileHandled, (s) => [...s, stored.includes(idOf(event))])
          yield* Ref.update(handled, (h) => [...h, idOf(event)])
        })
      ))
      yield* until("all handled and acknowledged", Effect.map(receiver.pending, (n) => n === 0))
      expect(yield* Ref.get(handled)).toEqual(["1", "2", "3"])
      expect(yield* Ref.get(storedWhileHandled)).toEqual([true, true, true])
      const summary = yield* Effect.promise(() => admin.sendCommand(["XPENDING", keysOf(name).stream, "consumers"]))
      expect((summary as unknown as Array<unknown>)[0]).toBe(0)
      expect(yield* storedBodies(admin, keysOf(name).stream)).toEqual([])
      yield* Fiber.interrupt(consumer)
    }), 30_000)

  it.live("a failing handler's event is delivered again, and after maxDeliveries goes to the dead letters; replay brings it back", () =>
    Effect.gen(function*() {
      const server = yield* scopedRedis()
      const { queue, receiver, send } = yield* durableReceiver(server.url, { name: fresh(), maxDeliveries: 3, claimIdle: "200 millis" })
      expect((yield* send(messageSent(42))).status).toBe(200)
      const attempts = yield* Ref.make<Array<number>>([])
      const failing = yield* Effect.forkChild(
        queue.deliveries.pipe(
          Stream.runForEach((delivery) =>
            Ref.update(attempts, (a) => [...a, delivery.attempt]).pipe(
              Effect.andThen(delivery.fail(`cannot handle ${delivery.event._tag}`))
            )
          )
        )
      )
      yield* until("a dead letter", Effect.map(queue.deadLetters(), (d) => d.length === 1))
      yield* Fiber.interrupt(failing)
      expect(yield* Ref.get(attempts)).toEqual([1, 2, 3])
      const [dead] = yield* queue.deadLetters()
      expect(dead!.deliveries).toBe(3)
      expect(dead!.reason).toBe("cannot handle ChatMessageSent")
      expect(Option.map(dead!.event, idOf)).toEqual(Option.some("42"))
      expect(JSON.parse(dead!.body)).toMatchObject({ notificationType: "CHAT_MESSAGE_SENT", messageId: "42" })
      expect(yield* receiver.pending).toBe(0)

      expect(yield* queue.replay(dead!.id)).toBe(true)
      expect(yield* queue.replay(dead!.id)).toBe(false) // gone from the dead letters
      expect(yield* queue.replay("not-an-id")).toBe(false)
      expect(yield* queue.deadLetters()).toEqual([])
      expect((yield* send(messageSent(43))).status).toBe(200)
      // the replayed event is delivered afresh (attempt 1), and handled this time
      const handled = yield* Ref.make<Array<string>>([])
      const consumer = yield* Effect.forkChild(receiver.process((event) => Ref.update(handled, (h) => [...h, idOf(event)])))
      yield* until("both handled", Effect.map(receiver.pending, (n) => n === 0))
      yield* Fiber.interrupt(consumer)
      expect(yield* Ref.get(handled)).toEqual(["42", "43"])
    }), 30_000)

  it.live("a handler that fails through process: the event comes again with its attempt number, then is acknowledged", () =>
    Effect.gen(function*() {
      const server = yield* scopedRedis()
      const { queue, receiver, send } = yield* durableReceiver(server.url, { name: fresh(), claimIdle: "200 millis" })
      expect((yield* send(messageSent(5))).status).toBe(200)
      const tries = yield* Ref.make(0)
      const consumer = yield* Effect.forkChild(receiver.process(() =>
        Effect.flatMap(Ref.updateAndGet(tries, (n) => n + 1), (n) => n === 1 ? Effect.fail(new Error("first try fails")) : Effect.void)
      ))
      yield* until("acknowledged", Effect.map(receiver.pending, (n) => n === 0))
      yield* Fiber.interrupt(consumer)
      expect(yield* Ref.get(tries)).toBe(2)
      expect(yield* queue.deadLetters()).toEqual([])
    }), 30_000)

  it.live("a second consumer takes back, after claimIdle, the events a consumer took and never settled (as a killed one)", () =>
    Effect.gen(function*() {
      const server = yield* scopedRedis()
      const { queue, receiver, send } = yield* durableReceiver(server.url, { name: fresh(), claimIdle: "200 millis" })
      for (let id = 1; id <= 2; id++) expect((yield* send(messageSent(id))).status).toBe(200)
      // the first consumer takes both and stops, neither acknowledging nor failing them
      const taken = yield* queue.deliveries.pipe(Stream.take(2), Stream.runCollect)
      expect(taken.map((d) => [idOf(d.event), d.attempt])).toEqual([["1", 1], ["2", 1]])
      expect(yield* receiver.pending).toBe(2)
      const started = Date.now()
      const handled = yield* Ref.make<Array<[string, number]>>([])
      const second = yield* Effect.forkChild(
        queue.deliveries.pipe(
          Stream.runForEach((delivery) =>
            Effect.andThen(Ref.update(handled, (h) => [...h, [idOf(delivery.event), delivery.attempt] as [string, number]]), delivery.ack)
          )
        )
      )
      yield* until("both taken back and acknowledged", Effect.map(receiver.pending, (n) => n === 0))
      yield* Fiber.interrupt(second)
      expect(Date.now() - started).toBeGreaterThanOrEqual(150)
      expect([...(yield* Ref.get(handled))].sort()).toEqual([["1", 2], ["2", 2]])
    }), 30_000)

  it.live("no answer, error or log shows the password of the Redis URL", () =>
    Effect.gen(function*() {
      const password = "durable4-S3cret"
      const server = yield* scopedRedis({ args: ["--requirepass", password] })
      const logs: Array<string> = []
      const collect = Logger.make(({ message }) => {
        logs.push(Array.isArray(message) ? message.map(String).join(" ") : String(message))
      })
      yield* Effect.gen(function*() {
        const { queue, receiver, send } = yield* durableReceiver(`redis://:${password}@127.0.0.1:${server.port}`, { name: fresh() })
        expect((yield* send(messageSent(1))).status).toBe(200)
        yield* Effect.promise(() => server.kill())
        const refused = yield* send(messageSent(2))
        expect(refused.status).toBe(500)
        expect(refused.text).not.toContain(password)
        const errors = [yield* Effect.flip(receiver.pending), yield* Effect.flip(queue.deadLetters())]
        for (const error of errors) {
          expect(error._tag).toBe("NotificationQueueUnavailableError")
          expect(`${error.message} ${String(error)} ${JSON.stringify(error)}`).not.toContain(password)
        }
        // a consumer that cannot read logs its trouble, and goes on
        const consumer = yield* Effect.forkChild(receiver.process(() => Effect.void))
        yield* until("the consumer logged its trouble", Effect.sync(() => logs.some((l) => l.includes("could not read"))))
        yield* Fiber.interrupt(consumer)
      }).pipe(Effect.scoped, Effect.provide(Logger.layer([collect])))
      expect(logs.some((l) => l.includes("notification not stored"))).toBe(true)
      expect(logs.join("\n")).not.toContain(password)
    }), 30_000)
})
