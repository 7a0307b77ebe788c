/**
 * The multi-process cases of the Redis gate and quota store, one table for both editions: real worker
 * processes of an edition (its `worker` program) share businesses of the simulator through a real
 * redis-server. 1, 4 and 8 workers × concurrency 8 stay within the market's limit, beside a second
 * business that never waits; a worker killed (SIGKILL) while holding every slot hands them on within
 * the lease; Redis paused (SIGSTOP) or stopped: every call fails with the typed
 * `LimiterUnavailableError` within the configured timeout, no worker crashes, and the calls resume
 * once it is back; Redis restarted under load: the same, within the limit.
 *
 * An edition runs it with its own `it`: `processSuite(programs)` gives the hooks and the cases.
 */
import assert from "node:assert/strict"
import { type SimulatorServer, startSimulator } from "../simulator/index.js"
import type { ProgramEvent, WorkerJob } from "./programJobs.js"
import {
  type EditionPrograms,
  killPrograms,
  type ProcessCase,
  type ProcessSuite,
  type Program,
  spawnProgram
} from "./programProcesses.js"
import { sleep, until } from "./redisCasesKit.js"
import { graceAfterStart, type RedisServer, startRedis } from "./redisServer.js"

/** The gate's lease (ms) in the workers. */
const lease = 2000
/** The bound of every call to Redis (ms) in the workers of the cases where Redis is out of reach. */
const timeout = 1000
/** The bound elsewhere: generous, so that a loaded machine fails no call to a Redis that runs. */
const loadedTimeout = 5000
/** The longest a call may take to fail with Redis out of reach: its bound, plus room for a loaded machine. */
const failWithin = 1.25 * timeout + 1000

interface Business {
  readonly businessId: number
  readonly apiKey: string
  readonly chatIds: ReadonlyArray<number>
}

/** The `call` lines of a worker. */
const callsOf = (worker: Program): Array<ProgramEvent & { ok: boolean; tag?: string; startedAt: number; at: number; took: number }> =>
  worker.events.filter((e) => e.event === "call") as never

/** The hooks and cases of the multi-process suite for an edition's programs. */
export const processSuite = (programs: EditionPrograms): ProcessSuite => {
  let redis: RedisServer | undefined
  let sim: SimulatorServer | undefined
  let busy: Business
  let quiet: Business

  const server = () => redis!
  const simulator = () => sim!
  const base = () => ({ redisUrl: server().url, simulatorUrl: simulator().url, lease, timeout: loadedTimeout, maxMs: 240_000 })
  const worker = (job: Partial<WorkerJob> & Pick<WorkerJob, "businesses">): Program =>
    spawnProgram(programs, "worker", { ...base(), ...job } satisfies WorkerJob)
  const chatIdsOf = (businessId?: number) => simulator().chats(businessId).map((c) => c.chatId)

  /** Workers of `busy` that keep calling, verbose; resolves once calls go through. */
  const callingWorkers = async (count: number): Promise<Array<Program>> => {
    simulator().setFaults([{ kind: "latency", millis: 20 }])
    const running = Array.from({ length: count }, () =>
      worker({ verbose: true, timeout, forMs: 100_000, businesses: [{ ...busy, concurrency: 8 }] }))
    await Promise.all(running.map((w) => w.ready))
    await until("every worker's calls go through", () => running.every((w) => callsOf(w).some((c) => c.ok)), 60_000)
    return running
  }

  /**
   * Redis out of reach from `downAt` (epoch ms) on: each worker gets `LimiterUnavailableError`, and only
   * it, from every call begun since, each within the configured timeout; once Redis is back (`back`
   * runs), calls go through again, and no worker crashed meanwhile.
   */
  const outOfReach = async (running: Array<Program>, downAt: number, back: () => Promise<void>) => {
    await until("every worker has a call begun while Redis is out of reach fail", () =>
      running.every((w) => callsOf(w).some((c) => c.startedAt >= downAt && !c.ok)), 30_000)
    await sleep(timeout) // a few more tries, some of them after the pause that follows a failure
    const backAt = Date.now()
    await back()
    for (const w of running) {
      const during = callsOf(w).filter((c) => c.startedAt >= downAt && c.at <= backAt)
      assert.ok(during.length > 0)
      for (const call of during) {
        assert.equal(call.ok, false, "no call went through with Redis out of reach")
        assert.equal(call.tag, "LimiterUnavailableError")
        assert.ok(call.took < failWithin, `a call failed after ${call.took} ms (bound ${failWithin} ms)`)
      }
    }
    const resumedAt = Date.now()
    await until("every worker's calls go through again", () =>
      running.every((w) => callsOf(w).some((c) => c.ok && c.startedAt >= resumedAt)), graceAfterStart(lease) + 30_000)
    for (const w of running) assert.equal(w.child.exitCode, null, "no worker exited")
    const exits = await Promise.all(running.map((w) => {
      w.child.kill("SIGTERM")
      return w.exit
    }))
    for (const exit of exits) assert.equal(exit.stderr, "")
    assert.ok(simulator().stats().maxInFlight <= 4)
  }

  const workerCounts = [1, 4, 8].map((workers): ProcessCase => ({
    name:
      `${workers} worker(s) × concurrency 8 on one business, a second business beside it: no 420, at most 4 in flight, the quiet business never waits`,
    timeout: 300_000,
    run: async () => {
      simulator().setFaults([{ kind: "latency", millis: 20 }])
      simulator().resetStats()
      const calls = 40
      const running = Array.from({ length: workers }, (_, i) =>
        worker({
          businesses: [
            { ...busy, concurrency: 8, calls },
            ...(i === 0 ? [{ ...quiet, concurrency: 4, calls: 2 * calls }] : [])
          ]
        }))
      const exits = await Promise.all(running.map((w) => w.exit))
      const stats = simulator().stats()
      for (const [i, exit] of exits.entries()) {
        assert.equal(exit.stderr, "")
        assert.equal(exit.code, 0)
        const result = exit.results?.[busy.businessId]
        assert.ok(result !== undefined)
        assert.equal(result.ok, calls)
        assert.deepEqual(result.errors, {})
        assert.ok(result.queued > 0, "some calls waited at the gate")
        if (i === 0) assert.deepEqual(exit.results?.[quiet.businessId], { ok: 2 * calls, errors: {}, queued: 0 })
      }
      assert.equal(stats.rateLimited.parallel, 0)
      assert.ok(stats.maxInFlight <= 4, `${stats.maxInFlight} in flight`)
      assert.equal(stats.totalRequests, workers * calls + 2 * calls)
    }
  }))

  const cases: Array<ProcessCase> = [
    ...workerCounts,
    {
      name:
        "a worker killed (SIGKILL) while it holds every slot: another goes on once its leases run out, within the lease plus one second",
      timeout: 300_000,
      run: async () => {
        simulator().setFaults([{ kind: "latency", millis: 60_000, operations: ["getChatMessage"] }])
        simulator().resetStats()
        const holder = worker({ businesses: [{ ...busy, concurrency: 4, calls: 4, operation: "getChatMessage" }] })
        await until("the holder has 4 requests in flight", () => simulator().stats().inFlight === 4, 60_000)
        const other = worker({ verbose: true, businesses: [{ ...busy, concurrency: 4, calls: 20 }] })
        await other.ready
        await sleep(lease / 2)
        assert.deepEqual(callsOf(other), [], "it waits: the holder has every slot")
        const killedAt = Date.now()
        holder.child.kill("SIGKILL")
        const exit = await other.exit
        assert.equal(exit.code, 0)
        assert.equal(exit.results?.[busy.businessId]?.ok, 20)
        assert.deepEqual(exit.results?.[busy.businessId]?.errors, {})
        const firstCall = Math.min(...callsOf(other).map((e) => e.at))
        assert.ok(firstCall > killedAt)
        assert.ok(firstCall - killedAt < lease + 1000, `the first call came ${firstCall - killedAt} ms after the kill`)
      }
    },
    {
      name: `Redis paused (SIGSTOP) under load: every call fails with LimiterUnavailableError within ${failWithin} ms (timeout ${timeout} ms), no worker crashes, the calls resume once it goes on`,
      timeout: 300_000,
      run: async () => {
        const running = await callingWorkers(2)
        server().signal("SIGSTOP")
        await outOfReach(running, Date.now(), async () => server().signal("SIGCONT"))
      }
    },
    {
      name: `Redis stopped under load: every call fails with LimiterUnavailableError within ${failWithin} ms (timeout ${timeout} ms), no worker crashes, the calls resume once it is started again`,
      timeout: 300_000,
      run: async () => {
        const running = await callingWorkers(2)
        await server().kill()
        let started = false
        try {
          await outOfReach(running, Date.now(), async () => {
            await server().start()
            started = true
          })
        } finally {
          if (!started) await server().start()
        }
      }
    },
    {
      name: "Redis restarted under load: no worker crashes, at most 4 in flight once it is back, and the calls resume",
      timeout: 300_000,
      run: async () => {
        simulator().setFaults([{ kind: "latency", millis: 20 }])
        simulator().resetStats()
        const forMs = 4 * lease + 8000
        const running = Array.from({ length: 4 }, () => worker({ forMs, businesses: [{ ...busy, concurrency: 8 }] }))
        await Promise.all(running.map((w) => w.ready))
        await until("calls go through", () => simulator().stats().totalRequests > 100, 60_000)
        await server().restart()
        simulator().resetStats()
        const exits = await Promise.all(running.map((w) => w.exit))
        const stats = simulator().stats()
        for (const exit of exits) {
          assert.equal(exit.stderr, "")
          assert.equal(exit.code, 0)
        }
        assert.ok(stats.totalRequests > 0)
        assert.ok(stats.maxInFlight <= 4, `${stats.maxInFlight} in flight`)
        assert.equal(stats.rateLimited.parallel, 0)
      }
    }
  ]

  return {
    setUp: async () => {
      redis = await startRedis()
      sim = await startSimulator({ seed: 11, chats: 40, messages: 200, quotaScale: 1000 })
      busy = { businessId: sim.businessId, apiKey: sim.apiKey, chatIds: chatIdsOf() }
      const added = sim.addBusiness({ chats: 10, messages: 50 })
      quiet = { ...added, chatIds: chatIdsOf(added.businessId) }
      // a server younger than a lease grants nothing yet
      await sleep(graceAfterStart(lease))
    },
    cleanUp: async () => {
      await killPrograms()
      redis?.signal("SIGCONT") // a paused case that failed midway
      sim?.clearFaults()
    },
    tearDown: async () => {
      await killPrograms()
      await sim?.close()
      await redis?.stop()
    },
    cases
  }
}
