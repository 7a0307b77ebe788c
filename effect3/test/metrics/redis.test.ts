/**
 * The metrics of the Redis parts over a real redis-server, read from the registry: the durable
 * queue's handler failures, redeliveries, the dead letter (counter and gauge) and pending gauge; the
 * time of each Redis call and its failures; the typed errors when Redis is out of reach (queue, gate
 * and quota store); the gate's fallback to the process's own gate and its lost leases.
 */
import { describe, expect, it } from "@effect/vitest"
import { Deferred, Effect, Fiber, Redacted, Ref, Schedule } from "effect"
import { metricNames } from "../../../core/metrics/names.js"
import { gateKeys } from "../../../core/redis/keys.js"
import { ChatsLimiter } from "../../src/index.js"
import * as Redis from "../../src/Redis.js"
import { messageSent } from "../notifications/helpers.js"
import { durableReceiver } from "../redis/durableHelpers.js"
import { adminClient, scopedRedis, startGrantingRedis, startRedis } from "../redis/server.js"
import { measuring } from "./helpers.js"

const byType = { "yandex_market.notification.type": "CHAT_MESSAGE_SENT" }
const redisCalls = metricNames.redisDuration.name

/** Waits until `check` holds (every 20 ms, at most 20 s). */
const until = (what: string, check: Effect.Effect<boolean>) =>
  check.pipe(
    Effect.flatMap((done) => (done ? Effect.void : Effect.fail("not yet" as const))),
    Effect.retry({ schedule: Schedule.spaced("20 millis"), times: 1000 }),
    Effect.catchAll(() => Effect.die(new Error(`timed out waiting for: ${what}`)))
  )

/** A redis-server started with `start`, stopped with the scope. */
const scopedServer = (start: () => ReturnType<typeof startRedis>) =>
  Effect.acquireRelease(Effect.promise(start), (server) => Effect.promise(() => server.stop()))

describe("the metrics of the Redis parts (Effect 3)", () => {
  it.scopedLive("durable queue: a failing handler, its redelivery, the dead letter (counter and gauge), pending, and each call's time", () =>
    measuring((read) =>
      Effect.gen(function*() {
        const server = yield* scopedRedis()
        const name = "metrics1"
        const { receiver, send } = yield* durableReceiver(server.url, { name, maxDeliveries: 2, claimIdle: "200 millis" })
        const queue = { "yandex_market.queue.name": name }
        expect((yield* send(messageSent(42))).status).toBe(200)
        expect((yield* send(messageSent(43))).status).toBe(200)
        const handled = yield* Ref.make<Array<string>>([])
        const consumer = yield* Effect.fork(receiver.process((event) =>
          event._tag === "ChatMessageSent" && event.messageId === "42"
            ? Effect.fail("cannot")
            : Ref.update(handled, (h) => [...h, event._tag])
        ))
        yield* until("the dead-letters gauge at 1", Effect.map(read.gauged(metricNames.deadLetters.name, queue), (n) => n === 1))
        yield* until("43 handled", Effect.map(Ref.get(handled), (h) => h.length === 1))
        yield* Fiber.interrupt(consumer)
        expect(yield* read.counted(metricNames.handlerFailures.name, byType)).toBe(2)
        expect(yield* read.counted(metricNames.redeliveries.name, byType)).toBe(1)
        expect(yield* read.counted(metricNames.deadLettered.name, queue)).toBe(1)
        expect(yield* receiver.pending).toBe(0)
        // reading `pending` sets the gauge (so does the queue every 5 s, which may have read it just before)
        yield* until("the pending gauge at 0", Effect.map(read.gauged(metricNames.notificationsPending.name, queue), (n) => n === 0))
        expect(yield* read.counted(metricNames.notificationsReceived.name, { ...byType, "http.response.status_code": "200" })).toBe(2)
        // every call to Redis that succeeded took a measured time (the failed ones, such as BUSYGROUP when
        // the consumer group exists, have series of their own); the blocking reads are not measured
        const calls = yield* read.histogram(redisCalls, { "db.system.name": "redis" })
        expect(calls.count).toBeGreaterThanOrEqual(6) // 2 offers, a claim, 2 acks or buries, XLENs
        expect(calls.sum).toBeGreaterThan(0)
        expect(calls.sum / calls.count).toBeLessThan(1) // seconds
      })), 60_000)

  it.scopedLive("Redis stopped: the queue's typed errors are counted, and its calls as unreachable", () =>
    measuring((read) =>
      Effect.gen(function*() {
        const server = yield* scopedRedis()
        const { send } = yield* durableReceiver(server.url, { name: "metrics2" })
        yield* Effect.promise(() => server.kill())
        expect((yield* send(messageSent(1))).status).toBe(500)
        expect((yield* send(messageSent(2))).status).toBe(500)
        expect(yield* read.counted(metricNames.redisUnavailable.name, { "yandex_market.redis.component": "notificationQueue" })).toBe(2)
        expect(yield* read.counted(metricNames.notificationsReceived.name, { ...byType, "http.response.status_code": "500" })).toBe(2)
        const failed = yield* read.histogram(redisCalls, { "db.system.name": "redis", "error.type": "unreachable" })
        expect(failed.count).toBeGreaterThanOrEqual(2)
      })), 60_000)

  it.scopedLive("Redis paused: the gate's typed error is counted; with fallback \"memory\" the fallback is", () =>
    measuring((read) =>
      Effect.gen(function*() {
        const server = yield* scopedServer(() => startRedis())
        const key: ChatsLimiter.LimitKey = { api: "https://api.test", businessId: 1 }
        const permit = Effect.flatMap(ChatsLimiter.ChatsGate, (gate) => gate.withPermit(key)(Effect.succeed("went")))
        const admin = yield* adminClient(server.url)
        yield* Effect.promise(() => admin.sendCommand(["CLIENT", "PAUSE", "20000", "ALL"]) /* longer than the test: stopped with the server */)
        const options = { url: Redacted.make(server.url), timeout: 300, lease: 1000 }
        const failed = yield* Effect.flip(permit.pipe(Effect.provide(Redis.layer(options))))
        expect(failed).toMatchObject({ _tag: "LimiterUnavailableError", limiter: "gate" })
        expect(yield* read.counted(metricNames.redisUnavailable.name, { "yandex_market.redis.component": "gate" })).toBe(1)
        expect(yield* read.counted(metricNames.gateFallbacks.name)).toBe(0)
        expect(yield* permit.pipe(Effect.provide(Redis.layer({ ...options, fallback: "memory" })))).toBe("went")
        expect(yield* read.counted(metricNames.gateFallbacks.name)).toBe(1)
        expect(yield* read.counted(metricNames.redisUnavailable.name, { "yandex_market.redis.component": "gate" })).toBe(1)
      })), 60_000)

  it.scopedLive("Redis paused: the quota store's typed errors are counted", () =>
    measuring((read) =>
      Effect.gen(function*() {
        const server = yield* scopedServer(() => startRedis())
        const key: ChatsLimiter.LimitKey = { api: "https://api.test", businessId: 3 }
        const admin = yield* adminClient(server.url)
        yield* Effect.promise(() => admin.sendCommand(["CLIENT", "PAUSE", "20000", "ALL"]) /* longer than the test: stopped with the server */)
        const [reserved, recorded] = yield* Effect.flatMap(ChatsLimiter.ChatsQuotaStore, (store) =>
          Effect.all([
            Effect.flip(store.reserve(key, "getChat")),
            Effect.flip(store.record(key, "getChat", { remaining: 5, resetsAt: Date.now() + 60_000 }))
          ])).pipe(Effect.provide(Redis.layer({ url: Redacted.make(server.url), timeout: 300 })))
        expect(reserved).toMatchObject({ _tag: "LimiterUnavailableError", limiter: "quotaStore" })
        expect(recorded).toMatchObject({ _tag: "LimiterUnavailableError", limiter: "quotaStore" })
        expect(yield* read.counted(metricNames.redisUnavailable.name, { "yandex_market.redis.component": "quotaStore" })).toBe(2)
      })), 60_000)

  it.scopedLive("a lease taken away while its request runs is counted as lost", () =>
    measuring((read) =>
      Effect.gen(function*() {
        const lease = 1000
        const server = yield* scopedServer(() => startGrantingRedis(lease))
        const admin = yield* adminClient(server.url)
        const { gate } = yield* Redis.make(admin, { maxInFlight: 1, lease })
        const key: ChatsLimiter.LimitKey = { api: "https://api.test", businessId: 2 }
        const holding = yield* Deferred.make<void>()
        const request = yield* Effect.fork(gate.withPermit(key)(Effect.zipRight(Deferred.succeed(holding, undefined), Effect.never)))
        yield* Deferred.await(holding)
        expect(yield* read.counted(metricNames.leasesLost.name)).toBe(0)
        yield* Effect.promise(() => admin.del(gateKeys("ymc", key).holders))
        yield* until("a lost lease", Effect.map(read.counted(metricNames.leasesLost.name), (n) => n === 1))
        yield* Fiber.interrupt(request)
      })), 60_000)
})
