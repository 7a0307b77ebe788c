/**
 * The Redis layers over the client of an application's `NodeRedis` (`@effect/platform-node`), on a
 * real redis-server with a password: the gate, the quota store and the durable queue work through the
 * one client `NodeRedis.layer` opened (plus the pub/sub and blocking-read duplicates), and with Redis
 * paused each call still ends in the typed error within its bound, without the URL or the password in
 * an error or a log.
 */
import * as NodeRedis from "@effect/platform-node/NodeRedis"
import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Fiber, Layer, Logger, Option, Ref, Stream } from "effect"
import { quotaKey } from "../../../core/redis/keys.js"
import { decodeNotification } from "../../src/ChatsNotifications.js"
import { ChatsLimiter } from "../../src/index.js"
import * as Redis from "../../src/Redis.js"
import { messageSent } from "../notifications/helpers.js"
import { until } from "./durableHelpers.js"
import { adminClient, redisAvailable, scopedGrantingRedis } from "./server.js"

const available = redisAvailable("effect4 test/redis/nodeRedis")
const lease = 1000
const password = "n0de-Redis-s3cret"

/** A server with a password on which the gate grants, and its URL with the password. */
const securedServer = Effect.map(
  scopedGrantingRedis(lease, { args: ["--requirepass", password] }),
  (server) => ({ server, url: `redis://:${password}@127.0.0.1:${server.port}` })
)

/** The application: NodeRedis, and the gate, the quota store and the durable queue over its client. */
const application = (url: string, queue: Redis.NotificationQueueOptions, options: Redis.Options = {}) =>
  Layer.mergeAll(
    Redis.layerNodeRedis({ lease, maxInFlight: 2, ...options }),
    Redis.layerNotificationQueueNodeRedis({ claimIdle: "500 millis", ...queue })
  ).pipe(Layer.provideMerge(NodeRedis.layer({ url })))

/** The event of a notification body. */
const eventOf = (body: unknown) => {
  const decoded = decodeNotification(body)
  if (decoded._tag === "Failure" || decoded.success._tag === "Ping") throw new Error("not an event")
  return decoded.success
}

describe.skipIf(!available)("the Redis layers over NodeRedis's client (Effect 4)", () => {
  it.live("the gate, the quota store and the durable queue work through the one client of NodeRedis.layer", () =>
    Effect.gen(function*() {
      const { url } = yield* securedServer
      const admin = yield* adminClient(url)
      const clients = Effect.promise(async () => String(await admin.sendCommand(["CLIENT", "LIST"])).trim().split("\n").length)
      const context = yield* Layer.build(application(url, { name: "noderedis" }))
      const { gate, quotaStore, queue } = {
        gate: Context.get(context, ChatsLimiter.ChatsGate),
        quotaStore: Context.get(context, ChatsLimiter.ChatsQuotaStore),
        queue: Context.get(context, Redis.DurableNotificationQueue)
      }
      const key: ChatsLimiter.LimitKey = { api: "https://api.test", businessId: 7 }

      // the gate: never more than maxInFlight (2) in flight
      let inFlight = 0
      let most = 0
      yield* Effect.forEach(Array.from({ length: 8 }), () =>
        gate.withPermit(key)(Effect.gen(function*() {
          most = Math.max(most, ++inFlight)
          yield* Effect.sleep(10)
          inFlight--
        })), { concurrency: 4 })
      expect(most).toBe(2)

      // the quota store: a unit reserved atomically from the recorded state
      const later = Date.now() + 60_000
      yield* quotaStore.record(key, "getChat", { remaining: 2, resetsAt: later })
      expect(yield* quotaStore.reserve(key, "getChat")).toEqual(Option.none())
      expect(yield* Effect.promise(() => admin.hGet(quotaKey("ymc", key, "getChat"), "remaining"))).toBe("1")

      // the durable queue: stored, delivered, acknowledged
      expect(yield* queue.offer(eventOf(messageSent(1)))).toBe("stored")
      const handled = yield* Ref.make<Array<number>>([])
      const consumer = yield* Effect.forkChild(queue.deliveries.pipe(
        Stream.runForEach((delivery) => Effect.andThen(Ref.update(handled, (h) => [...h, delivery.attempt]), delivery.ack))
      ))
      yield* until("acknowledged", Effect.map(queue.pending, (n) => n === 0))
      expect(yield* Ref.get(handled)).toEqual([1])

      // one client for the application, one pub/sub duplicate (wake-ups), one per consumer (blocking reads), and the admin
      expect(yield* clients).toBe(4)
      yield* Fiber.interrupt(consumer)
    }), 30_000)

  it.live("Redis paused: the gate's and the queue's typed errors come within their bound, without the URL or the password", () =>
    Effect.gen(function*() {
      const { server, url } = yield* securedServer
      const admin = yield* adminClient(url)
      const logs: Array<string> = []
      const collect = Logger.make(({ message }) => {
        logs.push(Array.isArray(message) ? message.map(String).join(" ") : String(message))
      })
      const timeout = 300
      const failures = yield* Effect.gen(function*() {
        const context = yield* Layer.build(application(url, { name: "paused", timeout }, { timeout }))
        const gate = Context.get(context, ChatsLimiter.ChatsGate)
        const queue = Context.get(context, Redis.DurableNotificationQueue)
        const key: ChatsLimiter.LimitKey = { api: "https://api.test", businessId: 8 }
        yield* gate.withPermit(key)(Effect.void) // Redis answers before the pause
        yield* Effect.promise(() => admin.sendCommand(["CLIENT", "PAUSE", "4000", "ALL"]))
        const timed = <A, E>(effect: Effect.Effect<A, E>) =>
          Effect.gen(function*() {
            const start = performance.now()
            const error = yield* Effect.flip(effect)
            return { error, millis: performance.now() - start }
          })
        const permit = yield* timed(gate.withPermit({ ...key, businessId: 9 })(Effect.void))
        yield* Effect.sleep(timeout) // past the pause after a failure: the queue's call goes to Redis
        const offer = yield* timed(queue.offer(eventOf(messageSent(2))))
        return { permit, offer }
      }).pipe(Effect.scoped, Effect.provide(Logger.layer([collect])))
      expect(failures.permit.error).toMatchObject({ _tag: "LimiterUnavailableError", limiter: "gate" })
      expect(failures.offer.error).toMatchObject({ _tag: "NotificationQueueUnavailableError" })
      // each call gives up within 1.25 × timeout (a margin for a loaded machine), far before the 4 s pause ends
      expect(failures.permit.millis).toBeLessThan(2 * timeout + 1000)
      expect(failures.offer.millis).toBeLessThan(2 * timeout + 1000)
      const shown = [String(failures.permit.error), String(failures.offer.error), JSON.stringify(failures), ...logs].join("\n")
      expect(shown).not.toContain(password)
      expect(shown).not.toContain(`127.0.0.1:${server.port}`)
    }), 30_000)
})
