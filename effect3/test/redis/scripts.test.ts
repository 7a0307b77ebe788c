/**
 * The semantics of the Lua scripts of the Redis gate and quota store, against a real redis-server:
 * FIFO across connections, leases that run out and are renewed, dead waiters dropped, the grace after
 * a restart that lost everything, interruption, the quota's merge, reservation and expiry (the same
 * answers as the in-memory store), scripts reloaded after the server forgot them, and a Redis Cluster.
 * A short lease under a long one and an interrupted waiter are shared cases (`core/testing/gateCases.ts`, run by `cases.test.ts`).
 */
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Fiber, Logger, Option } from "effect"
import { createClient, createCluster } from "redis"
import { afterAll, beforeAll } from "vitest"
import { ChatsLimiter } from "../../src/index.js"
import * as Redis from "../../src/Redis.js"
import * as Connection from "../../src/internal/redis/connection.js"
import * as Gate from "../../../core/redis/gate.js"
import { gateKeys, quotaKey } from "../../../core/redis/keys.js"
import * as Scripts from "../../../core/redis/scripts.js"
import { adminClient, graceAfterStart, type RedisServer, redisAvailable, startGrantingRedis, startRedis } from "./server.js"

const available = redisAvailable("test/redis/scripts")
const lease = 1000
const settings = { maxInFlight: 1, lease }
let server: RedisServer
let businessCounter = 0
/** A business of its own for each test. */
const nextKey = (): ChatsLimiter.LimitKey => ({ api: "https://api.test", businessId: ++businessCounter })

/** A connected client for the scope, and a Connection over it. */
const connect = Effect.gen(function*() {
  const client = yield* adminClient(server.url)
  const connection = yield* Connection.make(client, { timeout: Duration.seconds(2), pubsub: "classic", secrets: [] })
  return { client, connection }
})

/** Runs a gate script for `token` and gives its raw reply. */
const runGate = (connection: Connection.Connection, script: Scripts.Script, key: ChatsLimiter.LimitKey, token: string, limit = settings) =>
  Connection.attempt(() => Gate.runScript(connection.core, script, gateKeys("ymc", key), limit, token))
const acquire = (connection: Connection.Connection, key: ChatsLimiter.LimitKey, token: string, limit = settings) =>
  Effect.map(runGate(connection, Scripts.acquire, key, token, limit), (reply) => reply as [number, number])
const renew = (connection: Connection.Connection, key: ChatsLimiter.LimitKey, token: string) =>
  runGate(connection, Scripts.renew, key, token)
const leave = (connection: Connection.Connection, key: ChatsLimiter.LimitKey, token: string) =>
  runGate(connection, Scripts.leave, key, token)

/** Collects the tokens published on a process's wake channel. */
const listen = (connection: Connection.Connection, key: ChatsLimiter.LimitKey, processId: string) =>
  Effect.gen(function*() {
    const woken: Array<string> = []
    yield* connection.subscribe(gateKeys("ymc", key).wakePrefix + processId, (token) => woken.push(token))
    return woken
  })

const sleep = (millis: number) => Effect.sleep(millis)

describe.skipIf(!available)("Redis gate scripts", () => {
  beforeAll(async () => {
    server = await startGrantingRedis(lease) // see the restart test
  })
  afterAll(async () => server?.stop())

  it.scopedLive("first come, first served across two connections; a release wakes the next waiter", () =>
    Effect.gen(function*() {
      const one = yield* connect
      const two = yield* connect
      const key = nextKey()
      const wokenA = yield* listen(one.connection, key, "a")
      const wokenB = yield* listen(two.connection, key, "b")
      expect(yield* acquire(one.connection, key, "a:1")).toEqual([1, 0])
      expect((yield* acquire(two.connection, key, "b:1"))[0]).toBe(0)
      expect((yield* acquire(one.connection, key, "a:2"))[0]).toBe(0)
      expect((yield* acquire(two.connection, key, "b:2"))[0]).toBe(0)
      expect(yield* leave(one.connection, key, "a:1")).toEqual([1, "b:1"]) // held; handed to b:1
      expect(yield* acquire(two.connection, key, "b:1")).toEqual([2, 0]) // handed over while it waited
      expect((yield* acquire(one.connection, key, "a:2"))[0]).toBe(0)
      expect(yield* leave(two.connection, key, "b:1")).toEqual([1, "a:2"])
      expect(yield* leave(one.connection, key, "a:2")).toEqual([1, "b:2"])
      expect(yield* leave(two.connection, key, "b:2")).toEqual([1])
      yield* sleep(100)
      expect(wokenB).toEqual(["b:1", "b:2"])
      expect(wokenA).toEqual(["a:2"])
    }))

  it.scopedLive("a lease runs out unless renewed; a renewal after that reports it lost", () =>
    Effect.gen(function*() {
      const { connection } = yield* connect
      const key = nextKey()
      expect(yield* acquire(connection, key, "p:1")).toEqual([1, 0])
      const [status, wait] = yield* acquire(connection, key, "p:2")
      expect(status).toBe(0)
      expect(wait).toBeGreaterThan(0)
      expect(wait).toBeLessThanOrEqual(lease)
      // renewed twice within the lease: still held past the first lease
      yield* sleep(lease / 2)
      expect(yield* renew(connection, key, "p:1")).toBe(1)
      yield* acquire(connection, key, "p:2") // heartbeat
      yield* sleep(lease / 2)
      expect(yield* renew(connection, key, "p:1")).toBe(1)
      expect((yield* acquire(connection, key, "p:2"))[0]).toBe(0)
      // no renewal: the lease runs out and the waiter gets the slot
      yield* sleep(lease / 4)
      yield* acquire(connection, key, "p:2")
      yield* sleep(lease / 4)
      yield* acquire(connection, key, "p:2")
      yield* sleep(lease / 4)
      yield* acquire(connection, key, "p:2")
      yield* sleep(lease / 4 + 100)
      expect(yield* acquire(connection, key, "p:2")).toEqual([1, 0])
      expect(yield* renew(connection, key, "p:1")).toBe(0)
    }))

  it.scopedLive("a waiter that stops beating is dropped from the queue before it is handed a slot", () =>
    Effect.gen(function*() {
      const { client, connection } = yield* connect
      const key = nextKey()
      expect(yield* acquire(connection, key, "p:1")).toEqual([1, 0])
      expect((yield* acquire(connection, key, "dead:1"))[0]).toBe(0)
      expect((yield* acquire(connection, key, "p:2"))[0]).toBe(0)
      yield* sleep(Gate.claimOf(lease) + 100)
      expect((yield* acquire(connection, key, "p:2"))[0]).toBe(0) // beats, and sweeps the dead one
      expect(yield* Effect.promise(() => client.zRange(gateKeys("ymc", key).queue, 0, -1))).toEqual(["p:2"])
      expect(yield* leave(connection, key, "p:1")).toEqual([1, "p:2"])
      expect(yield* acquire(connection, key, "p:2")).toEqual([2, 0])
    }))

  it.scopedLive("after Redis restarts empty, nothing is granted for one lease; then grants go on", () =>
    Effect.gen(function*() {
      const key = nextKey()
      {
        const { connection } = yield* connect
        expect(yield* acquire(connection, key, "p:1")).toEqual([1, 0])
      }
      yield* Effect.promise(() => server.restart())
      const { connection } = yield* connect
      const [status, wait] = yield* acquire(connection, key, "q:1")
      expect(status).toBe(0)
      expect(wait).toBeGreaterThan(0)
      expect(wait).toBeLessThanOrEqual(lease)
      expect(yield* renew(connection, key, "p:1")).toBe(0) // the old holder's lease is gone
      yield* sleep(wait + 50)
      expect(yield* acquire(connection, key, "q:1")).toEqual([1, 0])
    }))

  it.scopedLive("a slot comes with a unit of the quota, taken when the slot is (for a waiter: at the hand-off); freeing it records the answer's quota", () =>
    Effect.gen(function*() {
      // strict first come, first served across processes (no local hand-off), so the order is known
      const one = yield* Redis.make((yield* connect).client, { maxInFlight: 1, lease, handoffs: 0 })
      const two = yield* Redis.make((yield* connect).client, { maxInFlight: 1, lease, handoffs: 0 })
      const { client } = yield* connect
      const key = nextKey()
      const keys = gateKeys("ymc", key)
      const later = Date.now() + 60_000
      const remaining = Effect.promise(() => client.hGet(quotaKey("ymc", key, "getChat"), "remaining"))
      const queued = (n: number) =>
        Effect.gen(function*() {
          while ((yield* Effect.promise(() => client.zCard(keys.queue))) < n) yield* sleep(5)
        })
      const withUnit = (limiters: Redis.Limiters) => limiters.gate.reserving!.withPermit(key, "getChat")
      yield* one.quotaStore.record(key, "getChat", { remaining: 1, resetsAt: later })
      const holding = yield* Effect.makeLatch(false)
      const done = yield* Effect.makeLatch(false)
      // a slot free at once: the unit is taken with it, and the reservation is already answered
      const first = yield* Effect.fork(withUnit(one)((reservation) =>
        Effect.gen(function*() {
          expect(yield* remaining).toBe("0")
          const answer = yield* reservation
          yield* holding.open
          yield* done.await
          return answer
        }), () => undefined))
      yield* holding.await
      // a waiter in another process: the state changes before it runs its reservation, whose answer,
      // taken at the hand-off, does not see the change; its answer's quota (2) is recorded as it frees the slot
      const other = yield* Effect.fork(withUnit(two)((reservation) =>
        Effect.zipRight(
          two.quotaStore.record(key, "getChat", { remaining: 5, resetsAt: later + 3_600_000 }),
          reservation
        ), () => ({ remaining: 2, resetsAt: later + 3_600_000 })))
      yield* queued(1)
      // a waiter in this process, handed the slot by the other: its unit was taken from that 2
      const local = yield* Effect.fork(withUnit(one)((reservation) => Effect.zip(remaining, reservation), () => undefined))
      yield* queued(2)
      yield* done.open
      expect(Option.isNone(yield* Fiber.join(first))).toBe(true)
      expect(yield* Fiber.join(other)).toEqual(Option.some({ remaining: 0, resetsAt: later }))
      expect(yield* Fiber.join(local)).toEqual(["1", Option.none()])
      expect(yield* remaining).toBe("1")
      expect(yield* Effect.promise(() => client.exists(keys.units))).toBe(0) // no unit left behind
    }))

  it.scopedLive("a request longer than the lease keeps its slot: the lease is renewed while it runs", () =>
    Effect.gen(function*() {
      const { client } = yield* connect
      const limiters = yield* Redis.make(client, { maxInFlight: 1, lease })
      const key = nextKey()
      const events: Array<string> = []
      const long = limiters.gate.withPermit(key)(Effect.gen(function*() {
        events.push("long starts")
        yield* sleep(lease * 2.5)
        events.push("long ends")
      }))
      const short = limiters.gate.withPermit(key)(Effect.sync(() => events.push("short runs")))
      const first = yield* Effect.fork(long)
      while (events.length === 0) yield* sleep(5)
      yield* short
      yield* Fiber.join(first)
      expect(events).toEqual(["long starts", "long ends", "short runs"])
    }))

  it.scopedLive("a renewal that finds the lease lost records it, and the request goes on", () =>
    Effect.gen(function*() {
      const { client } = yield* connect
      const limiters = yield* Redis.make(client, { maxInFlight: 1, lease })
      const key = nextKey()
      const logs: Array<string> = []
      const logger = Logger.make(({ message }) => logs.push(String(message)))
      const result = yield* limiters.gate.withPermit(key)(Effect.gen(function*() {
        yield* Effect.promise(() => client.del(gateKeys("ymc", key).holders)) // as if Redis had lost it
        yield* sleep(lease / 2)
        return "finished"
      })).pipe(Effect.provide(Logger.replace(Logger.defaultLogger, logger)))
      expect(result).toBe("finished")
      expect(logs.filter((l) => l.includes("lost the lease"))).toHaveLength(1)
    }))

  it.scopedLive("a script the server forgot (SCRIPT FLUSH, a restart) is sent again", () =>
    Effect.gen(function*() {
      const { client, connection } = yield* connect
      const key = nextKey()
      yield* Effect.promise(() => client.scriptFlush())
      expect(yield* acquire(connection, key, "p:1")).toEqual([1, 0])
      expect(yield* Effect.promise(() => client.scriptExists([Scripts.acquire.sha]))).toEqual([1])
    }))

  it.scopedLive("an error reply of Redis fails that call only: the next call goes to Redis (a lost connection pauses calls)", () =>
    Effect.gen(function*() {
      const { client, connection } = yield* connect
      const key = nextKey()
      const keys = gateKeys("ymc", key)
      yield* Effect.promise(() => client.set(keys.holders, "not a sorted set"))
      const refused = yield* Effect.flip(acquire(connection, key, "t1"))
      expect(refused.answered).toBe(true)
      expect(refused.description).toContain("WRONGTYPE")
      const [status] = yield* acquire(connection, nextKey(), "t2")
      expect(status).toBe(1)
    }))
})

describe.skipIf(!available)("Redis quota script", () => {
  beforeAll(async () => {
    server = await startRedis()
  })
  afterAll(async () => server?.stop())

  it.scopedLive("merges, reserves and expires as the in-memory store does", () =>
    Effect.gen(function*() {
      const { client } = yield* connect
      const redis = (yield* Redis.make(client)).quotaStore
      const memory = ChatsLimiter.makeMemoryQuotaStore()
      const key = nextKey()
      const now = Date.now()
      const later = now + 60_000
      const steps: ReadonlyArray<(store: ChatsLimiter.QuotaStore) => Effect.Effect<unknown, unknown>> = [
        (s) => s.reserve(key, "getChat"), // nothing known: go
        (s) => s.record(key, "getChat", { remaining: 2, resetsAt: later, limit: 1000 }),
        (s) => s.reserve(key, "getChat"),
        (s) => s.record(key, "getChat", { remaining: 5, resetsAt: later }), // same reset, more left: kept
        (s) => s.reserve(key, "getChat"),
        (s) => s.reserve(key, "getChat"), // spent
        (s) => s.record(key, "getChat", { remaining: 3, resetsAt: now + 30_000 }), // earlier reset: stale
        (s) => s.reserve(key, "getChat"),
        (s) => s.record(key, "getChat", { remaining: 3, resetsAt: later + 3_600_000 }), // later reset: replaces
        (s) => s.reserve(key, "getChat"),
        (s) => s.reserve(key, "sendMessageToChat"), // another operation: its own state
        (s) => s.record(key, "getChats", { remaining: 0, resetsAt: now - 1_500 }), // past its reset: dead
        (s) => s.reserve(key, "getChats")
      ]
      for (const step of steps) {
        expect(yield* step(redis)).toEqual(yield* step(memory))
      }
      const pttl = yield* Effect.promise(() => client.pTTL(quotaKey("ymc", key, "getChat")))
      expect(pttl).toBeGreaterThan(later - now)
      expect(pttl).toBeLessThanOrEqual(later + 3_600_000 + ChatsLimiter.resetMarginMillis - now)
      expect(yield* Effect.promise(() => client.exists(quotaKey("ymc", key, "getChats")))).toBe(0)
    }))

  it.scopedLive("reservations are atomic: of 40 concurrent ones over two connections, as many go as units are left", () =>
    Effect.gen(function*() {
      const stores = [
        (yield* Redis.make((yield* connect).client)).quotaStore,
        (yield* Redis.make((yield* connect).client)).quotaStore
      ]
      const key = nextKey()
      yield* stores[0]!.record(key, "getChatHistory", { remaining: 7, resetsAt: Date.now() + 60_000 })
      const answers = yield* Effect.forEach(
        Array.from({ length: 40 }, (_, i) => i),
        (i) => stores[i % 2]!.reserve(key, "getChatHistory"),
        { concurrency: "unbounded" }
      )
      expect(answers.filter(Option.isNone)).toHaveLength(7)
    }))
})

describe.skipIf(!available)("Redis Cluster", () => {
  it.scopedLive("the keys of a business share a slot: the gate and the quota store work on a cluster node", () =>
    Effect.gen(function*() {
      const node = yield* Effect.acquireRelease(
        Effect.promise(() => startRedis({ args: ["--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf"] })),
        (s) => Effect.promise(() => s.stop())
      )
      const admin = createClient({ url: node.url })
      yield* Effect.promise(async () => {
        await admin.connect()
        await admin.sendCommand(["CLUSTER", "ADDSLOTSRANGE", "0", "16383"])
        while (!String(await admin.sendCommand(["CLUSTER", "INFO"])).includes("cluster_state:ok")) {
          await new Promise((r) => setTimeout(r, 50))
        }
        admin.destroy()
      })
      const cluster = yield* Effect.acquireRelease(
        Effect.promise(async () => {
          const c = createCluster({ rootNodes: [{ url: node.url }] })
          c.on("error", () => {})
          await c.connect()
          return c
        }),
        (c) => Effect.sync(() => c.destroy())
      )
      const limiters = yield* Redis.make(cluster, { maxInFlight: 2, lease })
      const key = nextKey()
      yield* sleep(graceAfterStart(lease)) // a new server: one lease before grants
      let inFlight = 0
      let most = 0
      yield* Effect.forEach(Array.from({ length: 12 }), () =>
        limiters.gate.withPermit(key)(Effect.gen(function*() {
          most = Math.max(most, ++inFlight)
          yield* sleep(10)
          inFlight--
        })), { concurrency: 6 })
      expect(most).toBe(2)
      yield* limiters.quotaStore.record(key, "getChat", { remaining: 1, resetsAt: Date.now() + 60_000 })
      expect(Option.isNone(yield* limiters.quotaStore.reserve(key, "getChat"))).toBe(true)
      expect(Option.isSome(yield* limiters.quotaStore.reserve(key, "getChat"))).toBe(true)
    }))
})

