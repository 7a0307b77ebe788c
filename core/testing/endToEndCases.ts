/**
 * The durable notification queue end to end over real processes, one table for both editions: the
 * simulator sends 1,000 notifications through a round-robin splitter to two receiver processes of an
 * edition sharing one Redis queue (every tenth to both at once, as a balancer trying elsewhere would),
 * while two consumer processes handle them and a consumer is killed with SIGKILL three times (and
 * started again each time): every event handled at least once, none lost, each stored once. How many
 * were handled twice is printed.
 *
 * An edition runs it with its own `it`: `endToEndSuite(programs)` gives the hooks and the case.
 */
import assert from "node:assert/strict"
import { createServer, type Server } from "node:http"
import { queueKeys } from "../redis/keys.js"
import { type SimulatorServer, startSimulator } from "../simulator/index.js"
import { idsOf, streamLength } from "./crashCases.js"
import type { ConsumerJob, ReceiverJob } from "./programJobs.js"
import { type EditionPrograms, killPrograms, type ProcessSuite, type Program, spawnProgram } from "./programProcesses.js"
import { until, withAdmin } from "./redisCasesKit.js"
import { type RedisServer, startRedis } from "./redisServer.js"

const total = 1000
const claimIdle = 1000
const name = "end-to-end"

/**
 * A round-robin splitter in front of the receivers: each POST goes to the next receiver, every tenth
 * to both at once (answered 200 if either answered 200).
 */
const splitter = (endpoints: ReadonlyArray<string>): Server => {
  let next = 0
  const forward = (endpoint: string, body: string) =>
    fetch(endpoint, { method: "POST", headers: { "content-type": "application/json" }, body }).then(
      async (response) => ({ status: response.status, text: await response.text() }),
      () => ({ status: 502, text: "" })
    )
  return createServer((request, response) => {
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
}

/** Listens on a free loopback port; resolves with the notification URL. */
const listen = (server: Server): Promise<string> =>
  new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      resolve(`http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}/notification`)
    })
  )

/** The `entries-added` of `XINFO STREAM` (an array or a map, as the RESP version gives it). */
const entriesAdded = (info: unknown): number =>
  Number(
    Array.isArray(info)
      ? info[info.indexOf("entries-added") + 1]
      : info instanceof Map
      ? info.get("entries-added")
      : (info as Record<string, unknown>)["entries-added"]
  )

/** The hooks and the case of the end-to-end suite for an edition's programs. */
export const endToEndSuite = (programs: EditionPrograms): ProcessSuite => {
  let redis: RedisServer | undefined
  let sim: SimulatorServer | undefined
  let front: Server | undefined

  const run = async () => {
    const url = redis!.url
    const simulator = sim!
    const chatIds = simulator.chats().map((c) => c.chatId)
    const receivers = [0, 1].map(() =>
      spawnProgram(programs, "receiver", { redisUrl: url, name, maxMs: 290_000 } satisfies ReceiverJob)
    )
    await Promise.all(receivers.map((r) => r.ready))
    front = splitter(receivers.map((r) => r.endpoint()))
    const frontUrl = await listen(front)

    const consumer = () => spawnProgram(programs, "consumer", { redisUrl: url, name, claimIdle, maxMs: 290_000 } satisfies ConsumerJob)
    const live: Array<Program> = [consumer(), consumer()]
    const consumers: Array<Program> = [...live]
    await Promise.all(live.map((c) => c.ready))
    const countsOf = (event: "handling" | "handled") => {
      const counts = new Map<string, number>()
      for (const c of consumers) for (const id of idsOf(c, event)) counts.set(id, (counts.get(id) ?? 0) + 1)
      return counts
    }
    const handledCounts = () => countsOf("handled")

    simulator.setNotificationUrl(frontUrl)
    const sent: Array<string> = []
    for (let i = 0; i < total; i++) sent.push(String(simulator.customerWrites(chatIds[i % chatIds.length]!, `message ${i}`)!.messageId))

    // a consumer killed in the middle of a handler three times, each time started again
    const unfinished: Array<string> = []
    for (const threshold of [total / 4, total / 2, (3 * total) / 4]) {
      await until(`${threshold} events handled`, () => handledCounts().size >= threshold, 120_000)
      // the one in a handler (its last line says it began an event), whichever it is
      const inHandler = () => live.findIndex((c) => c.events.at(-1)?.event === "handling")
      await until(`a consumer in a handler (${handledCounts().size} events handled so far)`, () => inHandler() !== -1, 60_000)
      const slot = inHandler()
      const victim = live[slot]!
      victim.child.kill("SIGKILL")
      assert.equal((await victim.exit).signal, "SIGKILL")
      const handled = new Set(idsOf(victim, "handled"))
      unfinished.push(...idsOf(victim, "handling").filter((id) => !handled.has(id)))
      const replacement = consumer()
      live[slot] = replacement
      consumers.push(replacement)
      await replacement.ready
    }

    await until("the simulator has a 200 for every notification", () => {
      const stats = simulator.stats().notifications
      return stats.delivered + stats.failed >= total
    }, 120_000)
    assert.equal(simulator.stats().notifications.failed, 0)
    await until("every event handled", () => {
      const counts = handledCounts()
      return sent.every((id) => counts.has(id))
    }, 120_000)
    await until("every event acknowledged", async () => (await streamLength(url, name)) === 0, 30_000)
    // each notification stored once, those sent to both receivers included; none given up
    await withAdmin(url, async (admin) => {
      assert.equal(entriesAdded(await admin.sendCommand(["XINFO", "STREAM", queueKeys("ymc", name).stream])), total)
      assert.equal(Number(await admin.sendCommand(["XLEN", queueKeys("ymc", name).dead])), 0)
    })

    const counts = handledCounts()
    const lost = sent.filter((id) => !counts.has(id))
    const twice = [...counts.values()].filter((n) => n === 2).length
    const more = [...counts.values()].filter((n) => n > 2).length
    // the events a killed consumer had begun and not finished: each handed to another consumer
    const handling = countsOf("handling")
    const restarted = [...handling.values()].filter((n) => n > 1).length
    assert.ok(unfinished.length > 0, "a consumer was killed in a handler")
    for (const id of unfinished) assert.ok(handling.get(id)! > 1 && counts.has(id), `event ${id} handed to another consumer`)
    assert.deepEqual(lost, [])
    assert.equal(counts.size, total)
    console.log(
      `end to end (${programs.edition}): ${total} notifications, 2 receivers, 3 consumer kills: ${counts.size} handled, 0 lost, ` +
        `${twice} handled twice, ${more} more than twice; ${restarted} begun by a killed consumer and handled by another`
    )
  }

  return {
    setUp: async () => {
      redis = await startRedis()
      sim = await startSimulator({ seed: 21, chats: 50, messages: 100 })
    },
    cleanUp: () => killPrograms(),
    tearDown: async () => {
      await killPrograms()
      const server = front
      if (server !== undefined) await new Promise((resolve) => server.close(resolve))
      await sim?.close()
      await redis?.stop()
    },
    cases: [{
      name:
        `${total} notifications to two receivers behind a round-robin splitter, consumers killed 3 times: every event handled at least once, 0 lost, each stored once`,
      timeout: 300_000,
      run
    }]
  }
}
