/**
 * The durable notification queue over a real Redis: the 200 only once the event is stored; silent
 * consumers removed; handler failures, dead letters and replay; no password in an answer, error or
 * log; `complete` on an event read back from Redis. Redis paused, stopped, killed under `appendonly
 * yes` or restarted empty, the maximum length, long handlers, a wall clock stepped back and two
 * receivers sharing a queue are the shared cases
 * (`core/testing/durableCases.ts`, run by `cases.test.ts`).
 */
import { Chunk, Effect, Fiber, Layer, Logger, Option, Redacted, Ref, Schedule, Stream } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as ChatsClient from "../../src/ChatsClient.js"
import * as ChatsNotifications from "../../src/ChatsNotifications.js"
import { makeFake, ok } from "../client/fakeHttp.js"
import { chatJson, messageJson } from "../../../core/cases/answers.js"
import { bodies, isSuccessBody, messageSent } from "../notifications/helpers.js"
import { durableReceiver, keysOf, storedBodies } from "./durableHelpers.js"
import { adminClient, type RedisServer, redisAvailable, startRedis } from "./server.js"

const available = redisAvailable("test/redis/durable")

let redis: RedisServer
const run = <A, E>(effect: Effect.Effect<A, E, import("effect").Scope.Scope>) => Effect.runPromise(Effect.scoped(effect))
let names = 0
/** A queue name of its own for each test. */
const fresh = () => `t${++names}`

/** Waits until `check` holds (every 20 ms, at most 20 s). */
const until = <E>(what: string, check: Effect.Effect<boolean, E>) =>
  check.pipe(
    Effect.flatMap((done) => (done ? Effect.void : Effect.fail("not yet" as const))),
    Effect.retry({ while: (e) => e === "not yet", schedule: Schedule.spaced("20 millis"), times: 1000 }),
    Effect.catchAll(() => Effect.die(new Error(`timed out waiting for: ${what}`)))
  )

describe.skipIf(!available)("durable notification queue (Redis Streams)", () => {
  beforeAll(async () => {
    redis = await startRedis()
  })
  afterAll(async () => {
    await redis?.stop()
  })

  it("the 200 comes once the event is in the stream; process hands it over, acknowledges it, and the stream is empty", () =>
    run(Effect.gen(function*() {
      const name = fresh()
      const admin = yield* adminClient(redis.url)
      const { receiver, send } = yield* durableReceiver(redis.url, { name })
      const reply = yield* send(bodies.chatMessageSent)
      expect(reply.status).toBe(200)
      expect(isSuccessBody(reply.json)).toBe(true)
      // stored before the answer: the body is there as the market sent it (dates in UTC)
      expect(yield* storedBodies(admin, keysOf(name).stream)).toEqual([
        { ...bodies.chatMessageSent, sentAt: "2025-06-01T09:01:00.250Z" }
      ])
      expect(yield* receiver.pending).toBe(1)
      const handled = yield* Ref.make<Array<string>>([])
      const consumer = yield* Effect.fork(receiver.process((event) => Ref.update(handled, (h) => [...h, event._tag])))
      yield* until("handled and acknowledged", Effect.map(receiver.pending, (n) => n === 0))
      expect(yield* Ref.get(handled)).toEqual(["ChatMessageSent"])
      const summary = yield* Effect.promise(() => admin.sendCommand(["XPENDING", keysOf(name).stream, "consumers"]))
      expect((summary as unknown as Array<unknown>)[0]).toBe(0)
      yield* Fiber.interrupt(consumer)
    })))

  it("consumers that hold nothing and were not seen for 10 × claimIdle are removed from the group", () =>
    run(Effect.gen(function*() {
      const name = fresh()
      const admin = yield* adminClient(redis.url)
      const consumers = Effect.promise(async () =>
        ((await admin.sendCommand(["XINFO", "CONSUMERS", keysOf(name).stream, "consumers"])) as unknown as Array<{ name: string }>)
          .map((c) => c.name)
      )
      const { receiver, send } = yield* durableReceiver(redis.url, { name, claimIdle: "20 millis" })
      expect((yield* send(messageSent(1))).status).toBe(200)
      // a consumer that went away without a word (as a killed process does)
      yield* Effect.promise(() => admin.sendCommand(["XGROUP", "CREATECONSUMER", keysOf(name).stream, "consumers", "gone"]).catch(() =>
        admin.sendCommand(["XGROUP", "CREATE", keysOf(name).stream, "consumers", "0"]).then(() =>
          admin.sendCommand(["XGROUP", "CREATECONSUMER", keysOf(name).stream, "consumers", "gone"])
        )
      ))
      expect(yield* consumers).toContain("gone")
      yield* Effect.sleep("300 millis")
      const consumer = yield* Effect.fork(receiver.process(() => Effect.void))
      yield* until("the silent consumer is removed", Effect.map(consumers, (names) => !names.includes("gone")))
      expect((yield* consumers).length).toBe(1)
      yield* Fiber.interrupt(consumer)
    })), 30_000)

  it("the plain stream acknowledges an event once the next is pulled; the one a consumer failed on comes again", () =>
    run(Effect.gen(function*() {
      const { receiver, send } = yield* durableReceiver(redis.url, { name: fresh(), claimIdle: "200 millis" })
      for (let id = 1; id <= 3; id++) expect((yield* send(messageSent(id))).status).toBe(200)
      const seen = yield* Ref.make<Array<string>>([])
      const note = (event: ChatsNotifications.Event) =>
        Ref.update(seen, (s) => [...s, event._tag === "ChatMessageSent" ? event.messageId : event._tag])
      // a consumer that dies on message 2
      const failed = yield* receiver.events.pipe(
        Stream.runForEach((event) =>
          Effect.zipRight(note(event), event._tag === "ChatMessageSent" && event.messageId === "2" ? Effect.fail("boom") : Effect.void)
        ),
        Effect.flip
      )
      expect(failed).toBe("boom")
      expect(yield* receiver.pending).toBe(2) // 1 acknowledged; 2 failed, 3 read but not handled
      const consumer = yield* Effect.fork(receiver.events.pipe(Stream.runForEach(note)))
      yield* until("all acknowledged", Effect.map(receiver.pending, (n) => n === 0))
      yield* Fiber.interrupt(consumer)
      expect(yield* Ref.get(seen)).toEqual(["1", "2", "2", "3"])
    })), 30_000)

  it("no answer, error or log shows the password of the Redis URL", async () => {
    const password = "durable-S3cret"
    const locked = await startRedis({ args: ["--requirepass", password] })
    const logs: Array<string> = []
    const collect = Logger.make(({ message }) => logs.push(Array.isArray(message) ? message.join(" ") : String(message)))
    try {
      await run(Effect.gen(function*() {
        const url = `redis://:${password}@127.0.0.1:${locked.port}`
        const { queue, receiver, send } = yield* durableReceiver(url, { name: fresh() })
        expect((yield* send(messageSent(1))).status).toBe(200)
        yield* Effect.promise(() => locked.kill())
        const refused = yield* send(messageSent(2))
        expect(refused.status).toBe(500)
        expect(refused.text).not.toContain(password)
        const errors = [yield* Effect.flip(receiver.pending), yield* Effect.flip(queue.deadLetters())]
        for (const error of errors) {
          expect(error._tag).toBe("NotificationQueueUnavailableError")
          expect(`${error.message} ${String(error)} ${JSON.stringify(error)}`).not.toContain(password)
        }
        // a consumer that cannot read logs its trouble, and goes on
        const consumer = yield* Effect.fork(receiver.process(() => Effect.void))
        yield* until("the consumer logged its trouble", Effect.sync(() => logs.some((l) => l.includes("could not read"))))
        yield* Fiber.interrupt(consumer)
      }).pipe(Effect.provide(Logger.replace(Logger.defaultLogger, collect))))
    } finally {
      await locked.stop()
    }
    expect(logs.some((l) => l.includes("notification not stored"))).toBe(true)
    expect(logs.join("\n")).not.toContain(password)
  }, 30_000)

  it("complete works on an event read back from Redis", () =>
    run(Effect.gen(function*() {
      const fake = makeFake((request) =>
        request.url.pathname.endsWith("/chat")
          ? ok(chatJson(Number(request.url.searchParams.get("chatId"))))
          : ok(messageJson(Number(request.url.searchParams.get("messageId"))))
      )
      const api = ChatsClient.layer({ apiKey: Redacted.make("k"), baseUrl: "https://api.test", retrySchedule: false }).pipe(
        Layer.provide(fake.layer)
      )
      const { receiver, send } = yield* durableReceiver(redis.url, { name: fresh() })
      expect((yield* send(bodies.chatCreated)).status).toBe(200)
      expect((yield* send(bodies.chatMessageSent)).status).toBe(200)
      const completed = yield* receiver.events.pipe(
        Stream.take(2),
        Stream.mapEffect(ChatsNotifications.complete),
        Stream.runCollect,
        Effect.provide(api)
      )
      expect(Chunk.toReadonlyArray(completed).map((e) =>
        e._tag === "ChatCreated" ? `chat ${e.chat.chatId}` : e._tag === "ChatMessageSent" ? `message ${e.chatMessage.messageId}` : e._tag
      )).toEqual(["chat 101", "message 5001"])
    })))

  it("a handler that keeps failing: delivered maxDeliveries times, then a dead letter; replayed, it is handled", () =>
    run(Effect.gen(function*() {
      const name = fresh()
      const { queue, receiver, send } = yield* durableReceiver(redis.url, { name, maxDeliveries: 3, claimIdle: "200 millis" })
      expect((yield* send(messageSent(42))).status).toBe(200)
      const attempts = yield* Ref.make<Array<number>>([])
      const failing = yield* Effect.fork(
        receiver.process((event) =>
          Effect.zipRight(
            Ref.update(attempts, (a) => [...a, a.length + 1]),
            Effect.fail(new Error(`cannot handle ${event._tag}`))
          )
        )
      )
      yield* until("a dead letter", Effect.map(queue.deadLetters(), (d) => d.length === 1))
      yield* Fiber.interrupt(failing)
      expect((yield* Ref.get(attempts)).length).toBe(3)
      const [dead] = yield* queue.deadLetters()
      expect(dead!.deliveries).toBe(3)
      expect(dead!.reason).toContain("cannot handle ChatMessageSent")
      expect(Option.map(dead!.event, (e) => e._tag === "ChatMessageSent" && e.messageId)).toEqual(Option.some("42"))
      expect(JSON.parse(dead!.body)).toMatchObject({ notificationType: "CHAT_MESSAGE_SENT", messageId: "42" })
      expect(yield* receiver.pending).toBe(0)

      expect(yield* queue.replay(dead!.id)).toBe(true)
      expect(yield* queue.replay(dead!.id)).toBe(false) // gone from the dead letters
      expect(yield* queue.replay("not-an-id")).toBe(false) // names no dead letter, and costs the receiver nothing
      expect((yield* send(messageSent(43))).status).toBe(200)
      expect(yield* queue.deadLetters()).toEqual([])
      const handled = yield* receiver.events.pipe(Stream.take(2), Stream.runCollect)
      expect(Chunk.toReadonlyArray(handled).map((e) => e._tag === "ChatMessageSent" && e.messageId)).toEqual(["42", "43"])
    })), 30_000)

  it("an event whose consumers keep going away without a word goes to the dead letters after maxDeliveries", () =>
    run(Effect.gen(function*() {
      const { queue, receiver, send } = yield* durableReceiver(redis.url, { name: fresh(), maxDeliveries: 2, claimIdle: "100 millis" })
      expect((yield* send(messageSent(9))).status).toBe(200)
      // two consumers each take the event and stop, neither acknowledging nor failing it (as a killed process)
      const attempts: Array<number> = []
      for (let i = 0; i < 2; i++) {
        const [delivery] = yield* queue.deliveries.pipe(Stream.take(1), Stream.runCollect, Effect.map(Chunk.toArray))
        attempts.push(delivery!.attempt)
      }
      expect(attempts).toEqual([1, 2])
      // the next consumer to look finds it delivered twice: a dead letter, not a third delivery
      const handled = yield* Ref.make(0)
      const consumer = yield* Effect.fork(receiver.process(() => Ref.update(handled, (n) => n + 1)))
      yield* until("a dead letter", Effect.map(queue.deadLetters(), (d) => d.length === 1))
      yield* Fiber.interrupt(consumer)
      expect(yield* Ref.get(handled)).toBe(0)
      const [dead] = yield* queue.deadLetters()
      expect(dead).toMatchObject({ deliveries: 2, reason: "delivered 2 times without an acknowledgement" })
      expect(yield* receiver.pending).toBe(0)
    })), 30_000)

  it("a consumer whose handler fails once gets the event again after claimIdle, with its attempt number", () =>
    run(Effect.gen(function*() {
      const { receiver, send } = yield* durableReceiver(redis.url, { name: fresh(), claimIdle: "200 millis" })
      expect((yield* send(messageSent(5))).status).toBe(200)
      const attempts = yield* Ref.make<Array<number>>([])
      const consumer = yield* Effect.fork(
        receiver.queue.deliveries.pipe(
          Stream.runForEach((delivery) =>
            Effect.zipRight(
              Ref.update(attempts, (a) => [...a, delivery.attempt]),
              delivery.attempt === 1 ? delivery.fail("first try fails") : delivery.ack
            )
          )
        )
      )
      yield* until("handled on the second delivery", Effect.map(Ref.get(attempts), (a) => a.length === 2))
      yield* until("acknowledged", Effect.map(receiver.pending, (n) => n === 0))
      expect(yield* Ref.get(attempts)).toEqual([1, 2])
      yield* Fiber.interrupt(consumer)
    })), 30_000)
})
