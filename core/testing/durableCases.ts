/**
 * The durable notification queue's heavier cases, as a table both editions' suites run against a
 * real redis-server (each through its own {@link DurableEdition}): Redis paused (500, PING still 200,
 * the market's retry stored once), Redis killed with SIGKILL under `appendonly yes` (nothing answered
 * 200 lost), a consumer going on after Redis restarted empty, the maximum length, handlers longer than
 * `claimIdle`, a wall clock stepped back (the redelivery after `claimIdle` is not a minute late), one
 * copy of an event sent to two receivers, and Redis stopped (500, PING still 200, nothing answered 200
 * missing once it is back).
 */
import assert from "node:assert/strict"
import { labelOf, messageSent, samples } from "../cases/notifications.js"
import { queueKeys } from "../redis/keys.js"
import { type AdminClient, pauseRedis, type RedisCase, sleep, stepClockBack, until, withAdmin, withServer } from "./redisCasesKit.js"
import { startRedis } from "./redisServer.js"

/** Settings of a receiver's Redis queue (times in milliseconds). */
export interface DurableCaseOptions {
  readonly name: string
  readonly maxLength?: number
  readonly claimIdle?: number
}

/** What a case reads of an answer of the receiver. */
export interface Reply {
  readonly status: number
  readonly text: string
  /** The parsed body, or `undefined` when it is not JSON. */
  readonly json: unknown
}

/** What a case reads of a delivered event. */
export interface CaseEvent {
  readonly _tag: string
  readonly messageId?: string
}

/** An event handed to a consumer of the queue's deliveries. */
export interface CaseDelivery {
  readonly event: CaseEvent
  readonly attempt: number
  readonly ack: () => Promise<void>
  readonly fail: (reason: string) => Promise<void>
}

/** A consumer running in the background. */
export interface Running {
  /** Interrupts it. */
  readonly stop: () => Promise<void>
}

/** A standalone receiver over the Redis queue, Promise-level. */
export interface DurableProcess {
  /** POSTs a body (as JSON) to the receiver's endpoint. */
  readonly send: (body: unknown) => Promise<Reply>
  /** The receiver's `pending` (a failure rejects with the edition's error, as is). */
  readonly pending: () => Promise<number>
  /** The queue's `deadLetters()` (a failure rejects with the edition's error, as is). */
  readonly deadLetters: () => Promise<ReadonlyArray<unknown>>
  /** The receiver's `process(handler)` in the background (a rejected handler fails the event). */
  readonly process: (handler: (event: CaseEvent) => Promise<void>) => Running
  /** The queue's `deliveries`, each handed to `handler`, in the background. */
  readonly consume: (handler: (delivery: CaseDelivery) => Promise<void>) => Running
  /** The first `count` of the queue's `deliveries` (none settled). */
  readonly take: (count: number) => Promise<ReadonlyArray<CaseDelivery>>
  /** Stops the receiver and closes its queue. */
  readonly close: () => Promise<void>
}

/** What a suite gives the durable queue cases: the edition's receiver over its Redis queue. */
export interface DurableEdition {
  /** A standalone receiver whose queue is the Redis queue at `url` (a call timeout of 500 ms). */
  readonly receiver: (url: string, options: DurableCaseOptions) => Promise<DurableProcess>
  /** Whether an answer's body is the receiver's success body (`{ version, name, time }`). */
  readonly isSuccessBody: (json: unknown) => boolean
}

let names = 0
/** A queue name of its own for each case. */
const fresh = () => `shared${++names}`

/** The stream key of the queue `name` (default prefix). */
const streamOf = (name: string) => queueKeys("ymc", name).stream

/** The JSON bodies stored in a stream, oldest first. */
const storedBodies = async (admin: AdminClient, stream: string) => {
  const entries = (await admin.sendCommand(["XRANGE", stream, "-", "+"])) as unknown as Array<[string, Array<string>]>
  return entries.map(([, fields]) => JSON.parse(fields[fields.indexOf("body") + 1]!) as Record<string, unknown>)
}

/** Runs `use` with a receiver of `edition` at `url`, closed afterwards. */
const withReceiver = async <A>(
  edition: DurableEdition,
  url: string,
  options: DurableCaseOptions,
  use: (receiver: DurableProcess) => Promise<A>
): Promise<A> => {
  const receiver = await edition.receiver(url, options)
  try {
    return await use(receiver)
  } finally {
    await receiver.close()
  }
}

/** Sends `body` until the receiver answers 200 (as the market retries), every `spacing` ms. */
const sendUntilStored = async (receiver: DurableProcess, body: unknown, spacing: number) => {
  for (let reply = await receiver.send(body); reply.status !== 200; reply = await receiver.send(body)) await sleep(spacing)
}

/** What the receiver answers the market when it cannot store an event. */
const notStored = { error: { type: "UNKNOWN", message: "the receiver could not store the event; retry later" } }

/** The durable queue's cases. */
export const durableCases: ReadonlyArray<RedisCase<DurableEdition>> = [
  {
    name: "Redis paused: the market gets 500, PING still 200; its retry afterwards is stored once, nothing lost",
    timeout: 30_000,
    run: (edition) =>
      withServer(() => startRedis(), (server) =>
        withAdmin(server.url, (admin) => {
          const name = fresh()
          return withReceiver(edition, server.url, { name }, async (receiver) => {
            assert.equal((await receiver.send(messageSent(1))).status, 200)
            await pauseRedis(server.url, 2500)
            const refused = await receiver.send(messageSent(2))
            assert.equal(refused.status, 500)
            assert.deepEqual(refused.json, notStored)
            const pingStarted = performance.now()
            const ping = await receiver.send(samples.ping)
            assert.equal(ping.status, 200)
            assert.ok(performance.now() - pingStarted < 1000, "PING answered within 1 s")
            assert.ok(edition.isSuccessBody(ping.json))
            // the market retries until it gets a 200
            await sendUntilStored(receiver, messageSent(2), 200)
            assert.deepEqual((await storedBodies(admin, streamOf(name))).map((b) => b["messageId"]), ["1", "2"])
            assert.equal(await receiver.pending(), 2)
          })
        }))
  },
  {
    name: "with appendonly yes and appendfsync always, every event answered 200 survives Redis killed with SIGKILL",
    timeout: 30_000,
    run: (edition) =>
      withServer(() => startRedis({ persistence: "aof" }), (server) =>
        withReceiver(edition, server.url, { name: "aof" }, async (receiver) => {
          for (let id = 1; id <= 20; id++) assert.equal((await receiver.send(messageSent(id))).status, 200)
          await server.restart() // SIGKILL, then a new server on the same files
          const handled: Array<string> = []
          const consumer = receiver.process(async (event) => void handled.push(labelOf(event)))
          try {
            await until("all handled", () => handled.length >= 20)
          } finally {
            await consumer.stop()
          }
          assert.deepEqual(handled, Array.from({ length: 20 }, (_, i) => String(i + 1)))
        }))
  },
  {
    name: "a consumer goes on after Redis restarted empty (the consumer group is made again)",
    timeout: 30_000,
    run: (edition) =>
      withServer(() => startRedis(), (server) =>
        withReceiver(edition, server.url, { name: fresh(), claimIdle: 200 }, async (receiver) => {
          const handled: Array<string> = []
          const consumer = receiver.process(async (event) => void handled.push(labelOf(event)))
          try {
            assert.equal((await receiver.send(messageSent(1))).status, 200)
            await until("the first is handled", () => handled.length === 1)
            await server.restart()
            await sendUntilStored(receiver, messageSent(2), 100)
            await until("the second is handled", () => handled.length === 2)
          } finally {
            await consumer.stop()
          }
          assert.deepEqual(handled, ["1", "2"])
        }))
  },
  {
    name: "at the maximum length the market gets 500 and every stored event is kept; there is room again once one is handled",
    timeout: 30_000,
    run: (edition) =>
      withServer(() => startRedis(), (server) =>
        withAdmin(server.url, (admin) => {
          const name = fresh()
          return withReceiver(edition, server.url, { name, maxLength: 2 }, async (receiver) => {
            assert.equal((await receiver.send(messageSent(1))).status, 200)
            assert.equal((await receiver.send(messageSent(2))).status, 200)
            const refused = await receiver.send(messageSent(3))
            assert.equal(refused.status, 500)
            assert.deepEqual(refused.json, { error: { type: "UNKNOWN", message: "the receiver's queue is full; retry later" } })
            assert.equal((await receiver.send(samples.ping)).status, 200)
            assert.equal((await receiver.send(messageSent(1))).status, 200) // a repeat of a stored one is still a repeat
            assert.deepEqual((await storedBodies(admin, streamOf(name))).map((b) => b["messageId"]), ["1", "2"])
            const [first] = await receiver.take(1)
            assert.equal(labelOf(first!.event), "1")
            await first!.ack()
            assert.equal(await receiver.pending(), 1)
            // the first one handled and acknowledged, the market's retry finds room
            assert.equal((await receiver.send(messageSent(3))).status, 200)
            assert.deepEqual((await storedBodies(admin, streamOf(name))).map((b) => b["messageId"]), ["2", "3"])
          })
        }))
  },
  {
    name: "a handler that runs longer than claimIdle keeps its event: two consumers, every event handled once",
    timeout: 30_000,
    run: (edition) =>
      withServer(() => startRedis(), (server) =>
        withReceiver(edition, server.url, { name: fresh(), claimIdle: 150 }, async (receiver) => {
          for (let id = 1; id <= 6; id++) assert.equal((await receiver.send(messageSent(id))).status, 200)
          const handled: Array<string> = []
          const slow = async (event: CaseEvent) => {
            await sleep(500)
            handled.push(labelOf(event))
          }
          const consumers = [receiver.process(slow), receiver.process(slow)]
          try {
            await until("all handled", async () => (await receiver.pending()) === 0)
          } finally {
            for (const consumer of consumers) await consumer.stop()
          }
          assert.deepEqual([...handled].sort(), ["1", "2", "3", "4", "5", "6"])
        }))
  },
  {
    name: "a wall clock stepped back: a consumer still takes back the event its handler failed after claimIdle, not a minute later",
    timeout: 60_000,
    run: (edition) =>
      withServer(() => startRedis(), (server) =>
        withReceiver(edition, server.url, { name: fresh(), claimIdle: 200 }, async (receiver) => {
          assert.equal((await receiver.send(messageSent(6))).status, 200)
          const attempts: Array<number> = []
          let restore = () => {}
          const consumer = receiver.consume(async (delivery) => {
            attempts.push(delivery.attempt)
            if (delivery.attempt === 1) {
              restore = stepClockBack(60_000)
              await delivery.fail("first try fails")
            } else {
              await delivery.ack()
            }
          })
          try {
            await until("handled on the second delivery", () => attempts.length === 2)
          } finally {
            restore()
            await consumer.stop()
          }
          assert.deepEqual(attempts, [1, 2])
        }))
  },
  {
    name: "the same event sent to two receivers sharing Redis is stored once",
    timeout: 30_000,
    run: (edition) =>
      withServer(() => startRedis(), (server) =>
        withAdmin(server.url, (admin) => {
          const name = fresh()
          return withReceiver(edition, server.url, { name }, (a) =>
            withReceiver(edition, server.url, { name }, async (b) => {
              // at once, and one after the other, 20 events each to both receivers
              const ids = Array.from({ length: 20 }, (_, i) => i + 1)
              const replies: Array<Reply> = []
              for (let from = 0; from < ids.length; from += 5) {
                const batch = ids.slice(from, from + 5)
                replies.push(...(await Promise.all(batch.flatMap((id) => [a.send(messageSent(id)), b.send(messageSent(id))]))))
              }
              assert.deepEqual(replies.map((r) => r.status), Array(40).fill(200))
              assert.equal((await b.send(messageSent(3))).status, 200)
              const stored = (await storedBodies(admin, streamOf(name))).map((body) => Number(body["messageId"]))
              assert.deepEqual([...stored].sort((x, y) => x - y), ids)
            }))
        }))
  },
  {
    name: "Redis stopped: the market gets 500 for a chat notification and 200 for PING within 1 s; once it is back, nothing answered 200 is missing (appendonly yes)",
    timeout: 30_000,
    run: (edition) =>
      withServer(() => startRedis({ persistence: "aof" }), (server) =>
        withReceiver(edition, server.url, { name: fresh() }, async (receiver) => {
          for (let id = 1; id <= 3; id++) assert.equal((await receiver.send(messageSent(id))).status, 200)
          await server.kill()
          for (let i = 0; i < 3; i++) {
            const refused = await receiver.send(messageSent(4))
            assert.equal(refused.status, 500)
            assert.deepEqual(refused.json, notStored)
            const started = performance.now()
            const ping = await receiver.send(samples.ping)
            assert.equal(ping.status, 200)
            assert.ok(performance.now() - started < 1000, "PING answered within 1 s")
            assert.ok(edition.isSuccessBody(ping.json))
          }
          const unavailable = { _tag: "NotificationQueueUnavailableError" }
          await assert.rejects(receiver.pending(), unavailable)
          await assert.rejects(receiver.deadLetters(), unavailable)
          await server.start()
          // the market retries until it gets a 200
          await sendUntilStored(receiver, messageSent(4), 200)
          const deliveries = await receiver.take(4)
          assert.deepEqual(deliveries.map((d) => labelOf(d.event)), ["1", "2", "3", "4"])
        }))
  }
]
