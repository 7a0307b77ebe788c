/**
 * Processes of the durable notification queue killed with SIGKILL: a consumer in the middle of a
 * handler (the event it was handling, and those it had read, are handed to another consumer process
 * after `claimIdle`, handled and acknowledged; none is lost), and a receiver right after answering
 * 200 (the events are handled once a consumer runs).
 */
import { Effect, Scope } from "effect"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import { createClient } from "redis"
import { bodies, messageSent, post } from "../notifications/helpers.js"
import type { ConsumerJob } from "./consumer.js"
import { type DurableReceiver, durableReceiver, keysOf } from "./durableHelpers.js"
import type { ReceiverJob } from "./receiver.js"
import { type RedisServer, redisAvailable, startRedis } from "./server.js"
import { killWorkers, spawnWorker, until } from "./workers.js"

const available = redisAvailable("test/redis/crash")
const consumerScript = new URL("./consumer.ts", import.meta.url)
const receiverScript = new URL("./receiver.ts", import.meta.url)
const claimIdle = 1000

let redis: RedisServer
let scope: Scope.CloseableScope

const run = <A, E>(effect: Effect.Effect<A, E>) => Effect.runPromise(effect)
const consumer = (job: Omit<ConsumerJob, "redisUrl" | "claimIdle">) =>
  spawnWorker({ redisUrl: redis.url, claimIdle, maxMs: 60_000, ...job } satisfies ConsumerJob, consumerScript)

describe.skipIf(!available)("processes of the durable queue killed with SIGKILL", () => {
  beforeAll(async () => {
    redis = await startRedis()
    scope = Effect.runSync(Scope.make())
  })
  afterEach(() => killWorkers())
  afterAll(async () => {
    await killWorkers()
    if (scope !== undefined) await Effect.runPromise(Scope.close(scope, Effect.runSync(Effect.exit(Effect.void))))
    await redis?.stop()
  })

  it("SIGKILL while handling: another consumer gets the event after claimIdle, handles it and acknowledges it; none lost", async () => {
    const name = "crash"
    const receiver: DurableReceiver = await run(Scope.extend(durableReceiver(redis.url, { name, claimIdle }), scope))
    const first = consumer({ name, hangOn: "3" })
    await first.ready
    for (let id = 1; id <= 6; id++) expect((await run(receiver.send(messageSent(id)))).status).toBe(200)
    expect((await run(receiver.send(bodies.chatCreated))).status).toBe(200)
    await until("the first consumer is stuck on message 3", () =>
      first.events.some((e) => e.event === "handling" && e.messageId === "3"))
    first.child.kill("SIGKILL")
    const killed = await first.exit
    expect(killed.signal).toBe("SIGKILL")
    const handledBefore = first.events.filter((e) => e.event === "handled").map((e) => e.messageId)
    expect(handledBefore).not.toContain("3")

    const second = consumer({ name })
    await until("every event is acknowledged", async () => (await run(receiver.receiver.pending)) === 0, 30_000)
    const handledAfter = second.events.filter((e) => e.event === "handled").map((e) => e.messageId)
    // the one it died on came back, and so did every event it had read but not handled
    expect(handledAfter).toContain("3")
    expect(new Set([...handledBefore, ...handledAfter])).toEqual(new Set(["1", "2", "3", "4", "5", "6", "ChatCreated"]))
    // it came back only once claimIdle had passed since it was last claimed
    const resumed = second.events.find((e) => e.event === "handling" && e.messageId === "3")!
    const stuck = first.events.find((e) => e.event === "handling" && e.messageId === "3")!
    expect((resumed["at"] as number) - (stuck["at"] as number)).toBeGreaterThanOrEqual(claimIdle / 3)
  }, 60_000)

  it("a receiver process killed (SIGKILL) right after answering 200: every event it answered 200 for is handled once a consumer runs", async () => {
    const name = "receiver-killed"
    const receiver = spawnWorker({ redisUrl: redis.url, name, maxMs: 60_000 } satisfies ReceiverJob, receiverScript)
    await receiver.ready
    const endpoint = receiver.events.find((e) => e.event === "ready")!["endpoint"] as string
    const ids = ["1", "2", "3", "4", "5"]
    for (const id of ids) expect((await run(post(endpoint, messageSent(Number(id))))).status).toBe(200)
    // the last 200 is in hand: the receiver dies at once, before any consumer ran
    receiver.child.kill("SIGKILL")
    expect((await receiver.exit).signal).toBe("SIGKILL")

    const second = consumer({ name })
    await until("every event is handled", () =>
      ids.every((id) => second.events.some((e) => e.event === "handled" && e.messageId === id)), 30_000)
    const admin = createClient({ url: redis.url })
    await admin.connect()
    try {
      await until("every event is acknowledged", async () => Number(await admin.sendCommand(["XLEN", keysOf(name).stream])) === 0)
    } finally {
      admin.destroy()
    }
    expect(second.events.filter((e) => e.event === "handled").map((e) => e.messageId)).toEqual(ids)
  }, 60_000)
})
