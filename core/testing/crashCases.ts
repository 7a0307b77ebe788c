/**
 * The crash cases of the durable notification queue, one table for both editions, over real processes
 * of an edition (its `receiver` and `consumer` programs) and a real redis-server (append-only file,
 * fsync on every write): a consumer killed (SIGKILL) in the middle of a handler (the event it was
 * handling, and those it had read, are handed to another consumer after `claimIdle`; none is lost); a
 * receiver killed right after answering 200 (the events are handled once a consumer runs); Redis
 * stopped or paused: the receiver answers 500, never 200, PING is still answered 200 within 1 s, and
 * nothing it answered 200 for is lost.
 *
 * An edition runs it with its own `it`: `crashSuite(programs)` gives the hooks and the cases.
 */
import assert from "node:assert/strict"
import { messageSent, samples } from "../cases/notifications.js"
import { queueKeys } from "../redis/keys.js"
import type { ConsumerJob, ReceiverJob } from "./programJobs.js"
import {
  type EditionPrograms,
  killPrograms,
  type ProcessCase,
  type ProcessSuite,
  type Program,
  spawnProgram
} from "./programProcesses.js"
import { elapsedSince, until, withAdmin } from "./redisCasesKit.js"
import { type RedisServer, startRedis } from "./redisServer.js"

const claimIdle = 1000
/** The receivers' bound of every call to Redis (ms). */
const receiverTimeout = 500
/** How long PING may take to be answered, whatever Redis does. */
const pingWithin = 1000

/** POSTs `body` as JSON to `endpoint`: its status, and how long the answer took (ms). */
export const postJson = async (endpoint: string, body: unknown): Promise<{ readonly status: number; readonly took: number }> => {
  const start = performance.now()
  const response = await fetch(endpoint, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })
  await response.arrayBuffer()
  return { status: response.status, took: elapsedSince(start) }
}

/** How many entries the stream of queue `name` holds (events stored and not yet acknowledged). */
export const streamLength = (url: string, name: string): Promise<number> =>
  withAdmin(url, async (admin) => Number(await admin.sendCommand(["XLEN", queueKeys("ymc", name).stream])))

/** The message ids a consumer printed for `event` (`handling` or `handled`). */
export const idsOf = (consumer: Program, event: "handling" | "handled"): Array<string> =>
  consumer.events.filter((e) => e.event === event).map((e) => e["messageId"] as string)

/** The hooks and cases of the crash suite for an edition's programs. */
export const crashSuite = (programs: EditionPrograms): ProcessSuite => {
  let redis: RedisServer | undefined
  const server = () => redis!
  const consumer = (job: Omit<ConsumerJob, "redisUrl" | "claimIdle">) =>
    spawnProgram(programs, "consumer", { redisUrl: server().url, claimIdle, maxMs: 180_000, ...job } satisfies ConsumerJob)
  const receiver = async (name: string) => {
    const started = spawnProgram(programs, "receiver", {
      redisUrl: server().url,
      name,
      timeout: receiverTimeout,
      maxMs: 180_000
    } satisfies ReceiverJob)
    await started.ready
    return started
  }

  /**
   * Redis out of reach (`down`) while a receiver runs: events answered 200 before, the receiver answers
   * 500 (never 200) meanwhile and PING 200 within 1 s; once Redis is back (`back`), the market's retries
   * are answered 200, and a consumer handles every event answered 200.
   */
  const outOfReach = async (name: string, down: () => Promise<void>, back: () => Promise<void>) => {
    const endpoint = (await receiver(name)).endpoint()
    const before = ["1", "2", "3", "4", "5"]
    for (const id of before) assert.equal((await postJson(endpoint, messageSent(id))).status, 200)
    await down()
    let isBack = false
    try {
      const during = ["6", "7", "8"]
      for (const id of during) {
        const answer = await postJson(endpoint, messageSent(id))
        assert.equal(answer.status, 500, `event ${id} with Redis out of reach: answered ${answer.status}`)
        assert.ok(answer.took < 10 * receiverTimeout + 5000, `answered after ${answer.took} ms`)
      }
      const ping = await postJson(endpoint, samples.ping)
      assert.equal(ping.status, 200)
      assert.ok(ping.took < pingWithin, `PING answered after ${ping.took} ms`)
      await back()
      isBack = true
      // the market tries again until it gets a 200
      for (const id of during) {
        await until(`event ${id} answered 200 once Redis is back`, async () => (await postJson(endpoint, messageSent(id))).status === 200, 30_000)
      }
      const ids = [...before, ...during]
      const handler = consumer({ name })
      await until("every event answered 200 is handled", () => ids.every((id) => idsOf(handler, "handled").includes(id)), 60_000)
      await until("every event is acknowledged", async () => (await streamLength(server().url, name)) === 0, 30_000)
      assert.deepEqual(new Set(idsOf(handler, "handled")), new Set(ids))
    } finally {
      if (!isBack) await back()
    }
  }

  const cases: Array<ProcessCase> = [
    {
      name: "SIGKILL while handling: another consumer gets the event after claimIdle, handles it and acknowledges it; none lost",
      timeout: 200_000,
      run: async () => {
        const name = "crash"
        const endpoint = (await receiver(name)).endpoint()
        const first = consumer({ name, hangOn: "3" })
        await first.ready
        for (let id = 1; id <= 6; id++) assert.equal((await postJson(endpoint, messageSent(id))).status, 200)
        assert.equal((await postJson(endpoint, samples.chatCreated)).status, 200)
        await until("the first consumer is stuck on message 3", () => idsOf(first, "handling").includes("3"), 60_000)
        first.child.kill("SIGKILL")
        const killed = await first.exit
        assert.equal(killed.signal, "SIGKILL")
        const handledBefore = idsOf(first, "handled")
        assert.ok(!handledBefore.includes("3"))

        const second = consumer({ name })
        await until("every event is acknowledged", async () => (await streamLength(server().url, name)) === 0, 60_000)
        const handledAfter = idsOf(second, "handled")
        // the one it died on came back, and so did every event it had read but not handled
        assert.ok(handledAfter.includes("3"))
        assert.deepEqual(new Set([...handledBefore, ...handledAfter]), new Set(["1", "2", "3", "4", "5", "6", "ChatCreated"]))
        // it came back only once claimIdle had passed since it was last claimed
        const at = (c: Program) => c.events.find((e) => e.event === "handling" && e["messageId"] === "3")!["at"] as number
        assert.ok(at(second) - at(first) >= claimIdle / 3, `handed on after ${at(second) - at(first)} ms`)
      }
    },
    {
      name: "a receiver process killed (SIGKILL) right after answering 200: every event it answered 200 for is handled once a consumer runs",
      timeout: 200_000,
      run: async () => {
        const name = "receiver-killed"
        const killedReceiver = await receiver(name)
        const ids = ["1", "2", "3", "4", "5"]
        for (const id of ids) assert.equal((await postJson(killedReceiver.endpoint(), messageSent(id))).status, 200)
        // the last 200 is in hand: the receiver dies at once, before any consumer ran
        killedReceiver.child.kill("SIGKILL")
        assert.equal((await killedReceiver.exit).signal, "SIGKILL")

        const second = consumer({ name })
        await until("every event is handled", () => ids.every((id) => idsOf(second, "handled").includes(id)), 60_000)
        await until("every event is acknowledged", async () => (await streamLength(server().url, name)) === 0, 30_000)
        assert.deepEqual(idsOf(second, "handled"), ids)
      }
    },
    {
      name: `Redis stopped: the receiver answers 500, never 200; PING is still answered 200 within ${pingWithin} ms; nothing answered 200 is lost`,
      timeout: 200_000,
      run: () => outOfReach("redis-stopped", () => server().kill(), () => server().start())
    },
    {
      name: `Redis paused (SIGSTOP): the receiver answers 500, never 200; PING is still answered 200 within ${pingWithin} ms; nothing answered 200 is lost`,
      timeout: 200_000,
      run: () =>
        outOfReach("redis-paused", async () => server().signal("SIGSTOP"), async () => server().signal("SIGCONT"))
    }
  ]

  return {
    setUp: async () => {
      redis = await startRedis({ persistence: "aof" })
    },
    cleanUp: async () => {
      await killPrograms()
      redis?.signal("SIGCONT") // a paused case that failed midway
    },
    tearDown: async () => {
      await killPrograms()
      await redis?.stop()
    },
    cases
  }
}
