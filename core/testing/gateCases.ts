/**
 * The Redis gate's regression cases, as a table both editions' suites run against a real
 * redis-server (each through its own {@link GateEdition}): the grace after a restart (Redis restarted
 * empty just before a whole second of uptime, or from a snapshot), a failed waiter's clean-up while
 * the connection pauses after a failure, a short lease never shortening the keys' expiry under a long
 * one, every bound measured on a monotonic clock (a wall clock stepped back changes none), and an
 * interrupted waiter leaving no slot behind.
 */
import assert from "node:assert/strict"
import { makeConnection } from "../redis/connection.js"
import * as Gate from "../redis/gate.js"
import { gateKeys, type LimitKey } from "../redis/keys.js"
import * as Scripts from "../redis/scripts.js"
import {
  type AdminClient,
  elapsedSince,
  pauseRedis,
  type RedisCase,
  sleep,
  stepClockBack,
  withAdmin,
  withServer
} from "./redisCasesKit.js"
import { startGrantingRedis } from "./redisServer.js"

/** Settings of a gate (times in milliseconds). */
export interface GateCaseOptions {
  readonly maxInFlight: number
  readonly lease: number
  readonly timeout: number
}

/** How a call through the gate ended: its value, or the failure the edition's gate gave (its error, as is). */
export type Outcome<A> = { readonly ok: true; readonly value: A } | { readonly ok: false; readonly error: unknown }

/** The gate of one process over a connection of its own. */
export interface GateProcess {
  /**
   * Runs `body` while holding a slot of `key`'s gate (`Redis.make(...).gate.withPermit(key)`);
   * aborting `signal` interrupts the call, whose promise then rejects once it has ended.
   */
  readonly withPermit: <A>(key: LimitKey, body: () => Promise<A>, signal?: AbortSignal) => Promise<Outcome<A>>
  /** Closes the gate and its connection. */
  readonly close: () => Promise<void>
}

/** What a suite gives the gate cases: the edition's Redis gate, Promise-level. */
export interface GateEdition {
  /** The gate of a new process at `url` (`Redis.make` over a client of its own). */
  readonly gate: (url: string, options: GateCaseOptions) => Promise<GateProcess>
}

let businessCounter = 0
/** A business of its own for each case. */
const nextKey = (): LimitKey => ({ api: "https://api.test", businessId: ++businessCounter })

/** The value of a call that must have gone through. */
const succeeded = <A>(outcome: Outcome<A>): A => {
  if (!outcome.ok) assert.fail(`the call failed: ${String(outcome.error)}`)
  return outcome.value
}

/** Checks that a call failed with the gate's `LimiterUnavailableError`. */
const assertUnavailable = (outcome: Outcome<unknown>): void => {
  assert.equal(outcome.ok, false, "the call went through")
  const error = (outcome as { readonly error: { readonly _tag?: unknown; readonly limiter?: unknown } }).error
  assert.equal(error._tag, "LimiterUnavailableError")
  assert.equal(error.limiter, "gate")
}

/** Runs `use` with the gates of `count` processes at `url`, closed afterwards. */
const withProcesses = async <A>(
  edition: GateEdition,
  url: string,
  options: GateCaseOptions,
  count: number,
  use: (gates: ReadonlyArray<GateProcess>) => Promise<A>
): Promise<A> => {
  const gates: Array<GateProcess> = []
  try {
    for (let i = 0; i < count; i++) gates.push(await edition.gate(url, options))
    return await use(gates)
  } finally {
    for (const gate of gates.reverse()) await gate.close()
  }
}

/**
 * Holds a slot of `gate` until `done` is called: `heldAt` (epoch ms) is taken once the slot is held,
 * so the holder's lease ends at the latest one lease after it. `done` releases it and checks the call
 * went through.
 */
const holdSlot = async (gate: GateProcess, key: LimitKey) => {
  let heldAt = 0
  let release!: () => void
  const released = new Promise<void>((resolve) => (release = resolve))
  let held!: () => void
  const holding = new Promise<void>((resolve) => (held = resolve))
  const call = gate.withPermit(key, async () => {
    heldAt = Date.now()
    held()
    await released
  })
  await Promise.race([holding, call.then((outcome) => assert.fail(`the holder was never granted: ${JSON.stringify(outcome)}`))])
  return {
    heldAt,
    done: async () => {
      release()
      succeeded(await call)
    }
  }
}

/** Waits until the wall clock is at `from`..`to` ms past a whole second. */
const atPhase = async (from: number, to: number) => {
  while (Date.now() % 1000 < from || Date.now() % 1000 >= to) await sleep(5)
}

/** The server's uptime as it reports it (whole seconds). */
const uptime = async (admin: AdminClient) => Number(/uptime_in_seconds:(\d+)/.exec(await admin.info("server"))?.[1])

/** The restart cases' gate: one slot, a lease of 3 s. */
const restartOptions = { maxInFlight: 1, lease: 3000, timeout: 500 }
/** The pause cases' gate: one slot, a lease of 4 s, a timeout of 300 ms. */
const pauseOptions = { maxInFlight: 1, lease: 4000, timeout: 300 }

/** The gate's regression cases. */
export const gateCases: ReadonlyArray<RedisCase<GateEdition>> = [
  {
    name: "an interrupted waiter leaves the queue, and no slot leaks",
    timeout: 30_000,
    run: (edition) => {
      const options = { maxInFlight: 1, lease: 1000, timeout: 500 }
      return withServer(() => startGrantingRedis(options.lease), (server) =>
        withProcesses(edition, server.url, options, 1, ([gate]) =>
          withAdmin(server.url, async (admin) => {
            const key = nextKey()
            const keys = gateKeys("ymc", key)
            const holder = await holdSlot(gate!, key)
            const interrupt = new AbortController()
            const waiter = gate!.withPermit(key, async () => "went", interrupt.signal)
            while ((await admin.zCard(keys.queue)) === 0) await sleep(5)
            interrupt.abort()
            await assert.rejects(waiter) // interrupted, never granted
            assert.equal(await admin.zCard(keys.queue), 0)
            await holder.done()
            assert.equal(await admin.zCard(keys.holders), 0)
            assert.equal(succeeded(await gate!.withPermit(key, async () => "went")), "went")
          })))
    }
  },
  {
    name: "restarted empty just before a whole second of uptime: no second holder while the first one's lease may still run",
    timeout: 30_000,
    run: (edition) => {
      const { lease } = restartOptions
      return withServer(() => startGrantingRedis(lease), (server) =>
        withProcesses(edition, server.url, restartOptions, 2, async ([a, b]) => {
          const key = nextKey()
          // a holder granted late in a second, Redis killed and started again at once: the new server
          // reports an uptime of 1 s as soon as the next second begins, a fraction of a second old
          await atPhase(650, 750)
          const holder = await holdSlot(a!, key)
          await server.restart()
          const restartedAt = Date.now()
          await withAdmin(server.url, async (admin) => {
            while ((await uptime(admin)) < 1) await sleep(2)
          })
          const grantedAt = succeeded(await b!.withPermit(key, async () => Date.now()))
          // the holder's lease ends at the latest one lease after it was granted: nobody before that
          assert.ok(grantedAt - holder.heldAt >= lease, `granted ${grantedAt - holder.heldAt} ms after the holder`)
          // and the grace is no longer than the lease and a second from the restart (with 1.5 s for the
          // waiter's next check on a loaded machine; a grace of twice the lease still fails)
          assert.ok(grantedAt - restartedAt < lease + 2500, `granted ${grantedAt - restartedAt} ms after the restart`)
          await holder.done()
        }))
    }
  },
  {
    name: "restarted from a snapshot taken before the grant: no second holder while the first one's lease may still run",
    timeout: 30_000,
    run: (edition) => {
      const { lease } = restartOptions
      return withServer(() => startGrantingRedis(lease, { persistence: "rdb" }), (server) =>
        withProcesses(edition, server.url, restartOptions, 2, async ([a, b]) => {
          const key = nextKey()
          // the gate of this business is open (its state says so), and that state is saved
          assert.equal(succeeded(await a!.withPermit(key, async () => "went")), "went")
          await withAdmin(server.url, (admin) => admin.sendCommand(["SAVE"]))
          // a grant after the snapshot, then Redis killed and started again from the snapshot
          const holder = await holdSlot(a!, key)
          await server.restart()
          const restartedAt = Date.now()
          const grantedAt = succeeded(await b!.withPermit(key, async () => Date.now()))
          assert.ok(grantedAt - holder.heldAt >= lease, `granted ${grantedAt - holder.heldAt} ms after the holder`)
          assert.ok(grantedAt - restartedAt < lease + 2500, `granted ${grantedAt - restartedAt} ms after the restart`)
          await holder.done()
        }))
    }
  },
  {
    name: "a waiter that fails while Redis is paused leaves the queue once Redis is back: the acquire Redis ran late holds no slot for a lease",
    timeout: 30_000,
    run: (edition) =>
      withServer(() => startGrantingRedis(pauseOptions.lease), (server) =>
        withProcesses(edition, server.url, pauseOptions, 1, ([gate]) =>
          withAdmin(server.url, async (admin) => {
            const key = nextKey()
            const keys = gateKeys("ymc", key)
            assert.equal(succeeded(await gate!.withPermit(key, async () => "went")), "went") // listening on its wake-up channel
            const pausedFor = 1000
            await pauseRedis(server.url, pausedFor)
            const pausedAt = performance.now()
            // the acquire is sent, times out, and Redis runs it when the pause ends: the slot is free, so
            // it grants it to a waiter that has already given up
            assertUnavailable(await gate!.withPermit(key, async () => "went"))
            await sleep(Math.max(0, pausedFor - elapsedSince(pausedAt)) + 3 * pauseOptions.timeout)
            // its clean-up landed: no holder and no waiter left, well before the lease would have ended
            assert.equal(await admin.zCard(keys.holders), 0)
            assert.equal(await admin.zCard(keys.queue), 0)
            assert.equal(succeeded(await gate!.withPermit(key, async () => "went")), "went")
          })))
  },
  {
    name: "a wall clock stepped back during a call: the call still fails within its bound",
    timeout: 30_000,
    run: (edition) =>
      withServer(() => startGrantingRedis(pauseOptions.lease), (server) =>
        withProcesses(edition, server.url, pauseOptions, 1, async ([gate]) => {
          const key = nextKey()
          assert.equal(succeeded(await gate!.withPermit(key, async () => "went")), "went")
          await pauseRedis(server.url, 3000)
          const start = performance.now()
          const call = gate!.withPermit(key, async () => "went")
          await sleep(50) // the call is on its way, its bound set
          const restore = stepClockBack(60_000)
          try {
            assertUnavailable(await call)
          } finally {
            restore()
          }
          const took = elapsedSince(start)
          assert.ok(took < 1.25 * pauseOptions.timeout + 1000, `the call failed after ${took} ms`)
          await sleep(Math.max(0, 3000 - took)) // the pause ends
        }))
  },
  {
    name: "a wall clock stepped back after a failure: Redis is tried again after one timeout, not after a minute",
    timeout: 30_000,
    run: (edition) =>
      withServer(() => startGrantingRedis(pauseOptions.lease), (server) =>
        withProcesses(edition, server.url, pauseOptions, 1, async ([gate]) => {
          const key = nextKey()
          assert.equal(succeeded(await gate!.withPermit(key, async () => "went")), "went")
          const pausedFor = 2 * pauseOptions.timeout
          await pauseRedis(server.url, pausedFor)
          const pausedAt = performance.now()
          assertUnavailable(await gate!.withPermit(key, async () => "went"))
          const restore = stepClockBack(60_000)
          try {
            // the pause has ended and one timeout has passed since the failure
            await sleep(Math.max(0, pausedFor - elapsedSince(pausedAt)) + 2 * pauseOptions.timeout)
            assert.equal(succeeded(await gate!.withPermit(key, async () => "went")), "went")
          } finally {
            restore()
          }
        }))
  },
  {
    name: "a process with a short lease never shortens the expiry of the keys under a holder with a long lease",
    timeout: 30_000,
    run: () => {
      const lease = 1000
      return withServer(() => startGrantingRedis(lease), (server) =>
        withAdmin(server.url, async (admin) => {
          const connection = makeConnection(admin, { timeoutMillis: 2000, pubsub: "classic", secrets: [] })
          try {
            const key = nextKey()
            const keys = gateKeys("ymc", key)
            const run = (script: Scripts.Script, token: string, settings: Gate.GateScriptSettings) =>
              Gate.runScript(connection, script, keys, settings, token)
            const short = { maxInFlight: 1, lease }
            const long = { maxInFlight: 1, lease: 60_000 }
            assert.deepEqual(await run(Scripts.acquire, "short:0", short), [1, 0])
            await run(Scripts.leave, "short:0", short)
            assert.deepEqual(await run(Scripts.acquire, "long:1", long), [1, 0])
            // a process with a 1 s lease queues and leaves: its keys would expire after 3 of its leases
            assert.equal((await run(Scripts.acquire, "short:1", short) as Array<number>)[0], 0)
            await run(Scripts.leave, "short:1", short)
            for (const k of [keys.holders, keys.meta]) {
              const ttl = await admin.pTTL(k)
              assert.ok(ttl > 3 * 60_000 - 5_000, `${k} expires in ${ttl} ms`)
            }
            await sleep(3 * lease + 200)
            // the long holder is still there, and nobody else is granted its slot
            assert.notEqual(await admin.zScore(keys.holders, "long:1"), null)
            assert.equal((await run(Scripts.acquire, "short:2", short) as Array<number>)[0], 0)
          } finally {
            connection.close()
          }
        }))
    }
  }
]
