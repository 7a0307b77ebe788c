/**
 * The gate's grace after Redis restarts, with a holder in the middle of its request (maxInFlight 1):
 * no second holder is granted while the first one's lease may still run, whether Redis restarted
 * empty just before a whole second of its uptime (which `uptime_in_seconds` rounds up), or restarted
 * from a snapshot taken before the grant (its restored state says the gate is open).
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, Logger, LogLevel } from "effect"
import { afterEach } from "vitest"
import type { ChatsLimiter } from "../../src/index.js"
import * as Redis from "../../src/Redis.js"
import { adminClient, type RedisServer, redisAvailable, startGrantingRedis } from "./server.js"

const available = redisAvailable("test/redis/restart")
const lease = 3000
const options = { maxInFlight: 1, lease, timeout: 500 }
let server: RedisServer | undefined
let businessCounter = 0
/** A business of its own for each test. */
const nextKey = (): ChatsLimiter.LimitKey => ({ api: "https://api.test", businessId: ++businessCounter })

/** The gates of two processes over their own connections to `url`. */
const twoProcesses = (url: string) =>
  Effect.gen(function*() {
    const a = yield* Redis.make(yield* adminClient(url), options)
    const b = yield* Redis.make(yield* adminClient(url), options)
    return { a: a.gate, b: b.gate }
  })

/**
 * Holds a slot of `gate` until `release` opens: the returned time (epoch ms) is taken once the slot
 * is held, so the holder's lease ends at the latest one lease after it.
 */
const holdSlot = (gate: ChatsLimiter.Gate, key: ChatsLimiter.LimitKey) =>
  Effect.gen(function*() {
    const holding = yield* Effect.makeLatch(false)
    const release = yield* Effect.makeLatch(false)
    let heldAt = 0
    const fiber = yield* Effect.fork(gate.withPermit(key)(Effect.gen(function*() {
      heldAt = Date.now()
      yield* holding.open
      yield* release.await
    })))
    yield* holding.await
    return { heldAt, done: Effect.zipRight(release.open, Fiber.join(fiber)) }
  })

/** Waits until the wall clock is at `from`..`to` ms past a whole second. */
const atPhase = (from: number, to: number) =>
  Effect.gen(function*() {
    while (Date.now() % 1000 < from || Date.now() % 1000 >= to) yield* Effect.sleep(5)
  })

/** The server's uptime as it reports it (whole seconds). */
const uptime = (client: { info: (section: string) => Promise<string> }) =>
  Effect.promise(async () => Number(/uptime_in_seconds:(\d+)/.exec(await client.info("server"))?.[1]))

describe.skipIf(!available)("the Redis gate after a restart, with a holder mid-request", () => {
  afterEach(async () => {
    await server?.stop()
    server = undefined
  })

  it.scopedLive("restarted empty just before a whole second of uptime: no second holder while the first one's lease may still run", () =>
    Effect.gen(function*() {
      server = yield* Effect.promise(() => startGrantingRedis(lease))
      const url = server.url
      const { a, b } = yield* twoProcesses(url)
      const key = nextKey()
      // a holder granted late in a second, Redis killed and started again at once: the new server
      // reports an uptime of 1 s as soon as the next second begins, a fraction of a second old
      yield* atPhase(650, 750)
      const holder = yield* holdSlot(a, key)
      yield* Effect.promise(() => server!.restart())
      const restartedAt = Date.now()
      const admin = yield* adminClient(url)
      while ((yield* uptime(admin)) < 1) yield* Effect.sleep(2)
      const grantedAt = yield* b.withPermit(key)(Effect.sync(() => Date.now()))
      // the holder's lease ends at the latest one lease after it was granted: nobody before that
      expect(grantedAt - holder.heldAt).toBeGreaterThanOrEqual(lease)
      // and the grace is no longer than the lease and a second from the restart
      expect(grantedAt - restartedAt).toBeLessThan(lease + 1500)
      yield* holder.done
    }).pipe(Logger.withMinimumLogLevel(LogLevel.None)), 30_000)

  it.scopedLive("restarted from a snapshot taken before the grant: no second holder while the first one's lease may still run", () =>
    Effect.gen(function*() {
      server = yield* Effect.promise(() => startGrantingRedis(lease, { persistence: "rdb" }))
      const url = server.url
      const { a, b } = yield* twoProcesses(url)
      const key = nextKey()
      const admin = yield* adminClient(url)
      // the gate of this business is open (its state says so), and that state is saved
      expect(yield* a.withPermit(key)(Effect.succeed("went"))).toBe("went")
      yield* Effect.promise(() => admin.sendCommand(["SAVE"]))
      // a grant after the snapshot, then Redis killed and started again from the snapshot
      const holder = yield* holdSlot(a, key)
      yield* Effect.promise(() => server!.restart())
      const restartedAt = Date.now()
      const grantedAt = yield* b.withPermit(key)(Effect.sync(() => Date.now()))
      expect(grantedAt - holder.heldAt).toBeGreaterThanOrEqual(lease)
      expect(grantedAt - restartedAt).toBeLessThan(lease + 1500)
      yield* holder.done
    }).pipe(Logger.withMinimumLogLevel(LogLevel.None)), 30_000)
})
