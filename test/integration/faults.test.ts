/**
 * The fault-injection suite: the client against the simulator with every kind of fault,
 * over the recommended transport. Each run must end in a success after retry or in the
 * documented typed error: never a defect, never an unhandled rejection, never a message
 * posted twice. The figures it prints are the README's Reliability section.
 */
import { NodeHttpClient } from "@effect/platform-node"
import { afterAll, expect, layer } from "@effect/vitest"
import { Cause, Chunk, Effect, Exit, Layer, Redacted, Stream } from "effect"
import { ChatsClient, ChatsLimiter, ChatsRetry } from "../../src/index.js"
import * as Simulator from "../../src/Simulator.js"

const figures = { runs: 0, faultsInjected: 0, successes: 0, typedErrors: 0, defects: 0, duplicates: 0, unhandled: 0 }
const onUnhandled = () => void figures.unhandled++
process.on("unhandledRejection", onUnhandled)
afterAll(() => {
  process.off("unhandledRejection", onUnhandled)
  console.log(`fault suite: ${JSON.stringify(figures)}`)
  expect(figures.unhandled).toBe(0)
})

/** A fast schedule, so that the suite does not wait out real backoffs. */
const quick = ChatsRetry.defaultSchedule({ initialDelay: "2 millis", maxDelay: "20 millis" })

const clientFor = (options: Partial<ChatsClient.Options> = {}) =>
  Effect.flatMap(Simulator.Simulator, (sim) =>
    ChatsClient.make({ baseUrl: sim.url, apiKey: Redacted.make(sim.apiKey), retrySchedule: quick, ...options }))

/** Runs a call and records how it ended; a defect or an interruption fails the test. */
const outcome = <A, E extends { readonly _tag: string }>(effect: Effect.Effect<A, E>) =>
  Effect.map(Effect.exit(effect), (exit) => {
    figures.runs++
    if (Exit.isSuccess(exit)) {
      figures.successes++
      return "success"
    }
    const failure = Cause.failureOption(exit.cause)
    if (failure._tag === "None") {
      figures.defects++
      throw new Error(`not a typed failure: ${Cause.pretty(exit.cause)}`)
    }
    figures.typedErrors++
    return failure.value._tag
  })

/** Sets the faults for one run, runs it, and counts what was injected. */
const withFaults = <A, E, R>(rules: ReadonlyArray<Simulator.FaultRule>, effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const sim = yield* Simulator.Simulator
    yield* sim.resetStats
    yield* sim.setFaults(rules)
    const result = yield* Effect.ensuring(effect, sim.clearFaults)
    const stats = yield* sim.stats
    figures.faultsInjected += Object.values(stats.faults).reduce((a, b) => a + b, 0)
    return result
  })

const readFaults: ReadonlyArray<Simulator.FaultKind> = [
  "dropAfterHeaders",
  "dropMidBody",
  "truncatedJson",
  "malformedJson",
  "html502",
  "nonJson200",
  "error500",
  "error503"
]

const live = Layer.merge(Simulator.layer({ seed: 9, chats: 200, messages: 6_000 }), NodeHttpClient.layerUndici)

layer(live, { timeout: 120_000, excludeTestServices: true })("fault injection", (it) => {
  for (const kind of readFaults) {
    it.effect(`reads recover from a single ${kind}`, () =>
      Effect.gen(function*() {
        const sim = yield* Simulator.Simulator
        const client = yield* clientFor()
        const chat = (yield* sim.chats())[3]!
        const stored = (yield* sim.messages(chat.chatId)).map((m) => m.messageId)
        const result = yield* withFaults(
          [{ kind, operations: ["getChatHistory"], nth: 2 }],
          client.streamChatHistory({ businessId: sim.businessId, chatId: chat.chatId, limit: 5 }).pipe(
            Stream.map((m) => m.messageId),
            Stream.runCollect
          )
        )
        // nothing skipped, nothing repeated across the retried page
        expect(Chunk.toReadonlyArray(result)).toEqual(stored)
        expect(yield* outcome(client.getChat({ businessId: sim.businessId, chatId: chat.chatId }))).toBe("success")
      }))
  }

  it.effect("reads under a storm of faults end in success or a documented typed error", () =>
    Effect.gen(function*() {
      const sim = yield* Simulator.Simulator
      const client = yield* clientFor()
      const chats = (yield* sim.chats()).slice(0, 60)
      const documented = new Set(["InternalServerError", "UnexpectedStatusError", "ResponseDecodeError", "RequestError", "ResponseError"])
      const ends = yield* withFaults(
        readFaults.map((kind) => ({ kind, probability: 0.08 })),
        Effect.forEach(chats, (c) => outcome(client.getChat({ businessId: sim.businessId, chatId: c.chatId })), {
          concurrency: 10
        })
      )
      for (const end of ends) if (end !== "success") expect(documented).toContain(end)
      expect(ends.filter((e) => e === "success").length).toBeGreaterThan(40)
    }))

  it.effect("a 503 storm: reads give up after their retries with the typed error", () =>
    Effect.gen(function*() {
      const sim = yield* Simulator.Simulator
      const client = yield* clientFor()
      const chatId = (yield* sim.chats())[0]!.chatId
      yield* sim.resetStats
      const end = yield* withFaults([{ kind: "error503" }], outcome(client.getChat({ businessId: sim.businessId, chatId })))
      expect(end).toBe("UnexpectedStatusError")
      expect((yield* sim.stats).requests.getChat).toBe(4) // the try and 3 retries
    }))

  it.effect("slow answers past the timeout: retried for reads, then RequestTimeoutError", () =>
    Effect.gen(function*() {
      const sim = yield* Simulator.Simulator
      const client = yield* clientFor({ requestTimeout: "100 millis" })
      const chatId = (yield* sim.chats())[0]!.chatId
      const once = yield* withFaults(
        [{ kind: "latency", millis: 400, nth: 1 }],
        outcome(client.getChat({ businessId: sim.businessId, chatId }))
      )
      expect(once).toBe("success")
      const always = yield* withFaults(
        [{ kind: "latency", millis: 400 }],
        outcome(client.getChat({ businessId: sim.businessId, chatId }))
      )
      expect(always).toBe("RequestTimeoutError")
    }))

  it.effect("a very large body (100 messages of 4,096 Cyrillic characters) decodes", () =>
    Effect.gen(function*() {
      const sim = yield* Simulator.Simulator
      const client = yield* clientFor()
      const chatId = (yield* sim.chats())[5]!.chatId
      const text = "Щ".repeat(4_096)
      for (let i = 0; i < 100; i++) yield* sim.customerWrites(chatId, text)
      const stored = (yield* sim.messages(chatId)).length
      const all = yield* client.streamChatHistory({ businessId: sim.businessId, chatId, limit: 100 }).pipe(Stream.runCollect)
      expect(Chunk.size(all)).toBe(stored)
      expect(Chunk.toReadonlyArray(all).filter((m) => m.message === text)).toHaveLength(100)
    }))

  const sendFaults: ReadonlyArray<Simulator.FaultKind> = [
    "deliveredThen500",
    "dropAfterHeaders",
    "dropMidBody",
    "error500",
    "error503",
    "html502",
    "truncatedJson",
    "nonJson200"
  ]
  for (const kind of sendFaults) {
    it.effect(`a send hit by ${kind} is never posted twice`, () =>
      Effect.gen(function*() {
        const sim = yield* Simulator.Simulator
        const client = yield* clientFor()
        const chatId = (yield* sim.chats())[7]!.chatId
        const text = `ответ ${kind} ${Math.random()}`
        const end = yield* withFaults(
          [{ kind, operations: ["sendMessageToChat"], nth: 1 }],
          outcome(client.sendMessageToChat({ businessId: sim.businessId, chatId, message: text }))
        )
        const copies = (yield* sim.messages(chatId)).filter((m) => m.message === text).length
        if (copies > 1) figures.duplicates++
        expect(copies).toBeLessThanOrEqual(1)
        // the answer was lost or refused: the client says so, it does not guess
        expect(["success", "DeliveryUnknownError"]).toContain(end)
        if (end === "success") expect(copies).toBe(1)
      }))
  }

  it.effect("sends under 420s are retried and posted exactly once", () =>
    Effect.gen(function*() {
      const sim = yield* Simulator.Simulator
      const client = yield* clientFor().pipe(Effect.provide(ChatsLimiter.layerMemoryGate({ maxInFlight: 12 })))
      const chats = (yield* sim.chats()).slice(20, 50)
      const tag = `burst ${Math.random()}`
      const ends = yield* withFaults(
        [{ kind: "latency", millis: 10 }],
        Effect.forEach(chats, (c) => outcome(client.sendMessageToChat({ businessId: sim.businessId, chatId: c.chatId, message: `${tag} ${c.chatId}` })), {
          concurrency: 30
        })
      )
      expect(ends.every((e) => e === "success")).toBe(true)
      expect((yield* sim.stats).rateLimited.parallel).toBeGreaterThan(0)
      for (const c of chats) {
        const copies = (yield* sim.messages(c.chatId)).filter((m) => m.message === `${tag} ${c.chatId}`).length
        if (copies !== 1) figures.duplicates++
        expect(copies).toBe(1)
      }
    }))
})
