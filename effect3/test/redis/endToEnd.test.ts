/**
 * The durable notification queue end to end, over real processes: the simulator sends 1,000
 * notifications through a round-robin splitter to two receiver processes sharing one Redis queue
 * (every tenth to both at once, as a balancer trying elsewhere would), while two consumer processes
 * handle them and a consumer is killed with SIGKILL three times (and started again each time): every
 * event handled at least once, none lost, each stored once. How many were handled twice is printed.
 */
import { createServer, type Server } from "node:http"
import { Effect, Scope } from "effect"
import { createClient } from "redis"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as Simulator from "../../src/Simulator.js"
import type { ConsumerJob } from "./consumer.js"
import { keysOf } from "./durableHelpers.js"
import type { ReceiverJob } from "./receiver.js"
import { type RedisServer, redisAvailable, startRedis } from "./server.js"
import { killWorkers, spawnWorker, until, type Worker } from "./workers.js"

const available = redisAvailable("test/redis/endToEnd")
const consumerScript = new URL("./consumer.ts", import.meta.url)
const receiverScript = new URL("./receiver.ts", import.meta.url)
const total = 1000
const claimIdle = 1000
const name = "end-to-end"

let redis: RedisServer
let scope: Scope.CloseableScope
let splitter: Server | undefined

const run = <A, E>(effect: Effect.Effect<A, E>) => Effect.runPromise(effect)

/**
 * A round-robin splitter in front of the receivers: each POST goes to the next receiver, every tenth
 * to both at once (answered 200 if either answered 200). Resolves with its URL.
 */
const startSplitter = (endpoints: ReadonlyArray<string>): Promise<string> => {
  let next = 0
  const forward = (endpoint: string, body: string) =>
    fetch(endpoint, { method: "POST", headers: { "content-type": "application/json" }, body }).then(
      async (response) => ({ status: response.status, text: await response.text() }),
      () => ({ status: 502, text: "" })
    )
  const server = createServer((request, response) => {
    const chunks: Array<Buffer> = []
    request.on("data", (chunk: Buffer) => chunks.push(chunk))
    request.on("end", async () => {
      const body = Buffer.concat(chunks).toString()
      const n = next++
      const targets = n % 10 === 9 ? endpoints : [endpoints[n % endpoints.length]!]
      const answers = await Promise.all(targets.map((endpoint) => forward(endpoint, body)))
      const answer = answers.find((a) => a.status === 200) ?? answers[0]!
      response.writeHead(answer.status, { "content-type": "application/json" }).end(answer.text)
    })
  })
  splitter = server
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      resolve(`http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}/notification`)
    })
  )
}

describe.skipIf(!available)("durable notifications end to end", () => {
  beforeAll(async () => {
    redis = await startRedis()
    scope = Effect.runSync(Scope.make())
  })
  afterAll(async () => {
    await killWorkers()
    await new Promise((resolve) => splitter === undefined ? resolve(undefined) : splitter.close(resolve))
    if (scope !== undefined) await Effect.runPromise(Scope.close(scope, Effect.runSync(Effect.exit(Effect.void))))
    await redis?.stop()
  })

  it(`${total} notifications to two receivers behind a round-robin splitter, consumers killed 3 times: every event handled at least once, 0 lost, each stored once`, async () => {
    const sim = await run(Scope.extend(Simulator.make({ seed: 21, chats: 50, messages: 100 }), scope))
    const chatIds = (await run(sim.chats())).map((c) => c.chatId)

    const receivers = [0, 1].map(() =>
      spawnWorker({ redisUrl: redis.url, name, maxMs: 170_000 } satisfies ReceiverJob, receiverScript)
    )
    await Promise.all(receivers.map((r) => r.ready))
    const endpoints = receivers.map((r) => r.events.find((e) => e.event === "ready")!["endpoint"] as string)
    const url = await startSplitter(endpoints)

    const consumer = () =>
      spawnWorker({ redisUrl: redis.url, name, claimIdle, maxMs: 170_000 } satisfies ConsumerJob, consumerScript)
    const live: Array<Worker> = [consumer(), consumer()]
    const consumers: Array<Worker> = [...live]
    await Promise.all(live.map((c) => c.ready))
    /** How many times each message got to an `event` (`handling`, `handled`), over every consumer, the killed ones included. */
    const countsOf = (event: string) => {
      const counts = new Map<string, number>()
      for (const c of consumers) {
        for (const e of c.events) {
          if (e.event === event) counts.set(e["messageId"] as string, (counts.get(e["messageId"] as string) ?? 0) + 1)
        }
      }
      return counts
    }
    const handledCounts = () => countsOf("handled")

    await run(sim.setNotificationUrl(url))
    const sent: Array<string> = []
    for (let i = 0; i < total; i++) {
      sent.push(String((await run(sim.customerWrites(chatIds[i % chatIds.length]!, `message ${i}`))).messageId))
    }

    // a consumer killed in the middle of its work three times, each time started again
    for (const [k, threshold] of [total / 4, total / 2, (3 * total) / 4].entries()) {
      await until(`${threshold} events handled`, () => handledCounts().size >= threshold, 120_000)
      const victim = live[k % 2]!
      victim.child.kill("SIGKILL")
      expect((await victim.exit).signal).toBe("SIGKILL")
      const replacement = consumer()
      live[k % 2] = replacement
      consumers.push(replacement)
      await replacement.ready
    }

    const admin = createClient({ url: redis.url })
    await admin.connect()
    try {
      await until("the simulator has a 200 for every notification", async () => {
        const stats = (await run(sim.stats)).notifications
        return stats.delivered + stats.failed >= total
      }, 120_000)
      expect((await run(sim.stats)).notifications.failed).toBe(0)
      await until("every event handled", () => sent.every((id) => handledCounts().has(id)), 120_000)
      await until("every event acknowledged", async () => Number(await admin.sendCommand(["XLEN", keysOf(name).stream])) === 0, 30_000)
      // each notification stored once, those sent to both receivers included; none given up
      const info = await admin.sendCommand(["XINFO", "STREAM", keysOf(name).stream])
      const added = Array.isArray(info)
        ? info[info.indexOf("entries-added") + 1]
        : info instanceof Map
        ? info.get("entries-added")
        : (info as unknown as Record<string, unknown>)["entries-added"]
      expect(Number(added)).toBe(total)
      expect(Number(await admin.sendCommand(["XLEN", keysOf(name).dead]))).toBe(0)
    } finally {
      admin.destroy()
    }

    const counts = handledCounts()
    const lost = sent.filter((id) => !counts.has(id))
    const twice = [...counts.values()].filter((n) => n === 2).length
    const more = [...counts.values()].filter((n) => n > 2).length
    // the events a killed consumer had begun and not finished: each handed to another consumer
    const restarted = [...countsOf("handling").values()].filter((n) => n > 1).length
    expect(restarted).toBeGreaterThan(0)
    expect(lost).toEqual([])
    expect(counts.size).toBe(total)
    console.log(
      `end to end: ${total} notifications, 2 receivers, 3 consumer kills: ${counts.size} handled, 0 lost, ` +
        `${twice} handled twice, ${more} more than twice; ${restarted} begun by a killed consumer and handled by another`
    )
  }, 180_000)
})
