/**
 * The fault-injection suite (not a test file): the client against the simulator with every kind of
 * fault, over the recommended transport. Each scenario asserts what must hold (the documented end of
 * each call, the copies stored, nothing skipped or repeated in a stream) and records every call in
 * the figures: how it ended, the faults injected, the largest body read, the messages posted twice.
 *
 * Run by `test/integration/faults.test.ts`, one test per scenario.
 */
import { NodeHttpClient } from "@effect/platform-node"
import { Cause, Effect, Exit, Layer, Option, Redacted, Stream } from "effect"
import { HttpClient } from "effect/http"
import * as assert from "node:assert/strict"
import { ChatsClient, ChatsLimiter, ChatsRetry } from "../../src/index.js"
import * as Simulator from "../../src/Simulator.js"

/** What the suite counts over its runs. */
export interface Figures {
  /** Calls of the client (a whole stream is one call). */
  runs: number
  /** Calls that succeeded (after retries, if any). */
  successes: number
  /** Calls that failed with a typed error, by tag. */
  typedErrors: Record<string, number>
  /** Calls that died or were interrupted: a bug. */
  defects: number
  /** Faults the simulator injected, by kind. */
  faultsInjected: Record<string, number>
  /** Sends whose stored copies were counted. */
  sendsChecked: number
  /** Messages stored more than once. */
  duplicates: number
  /** The largest response body the client read, in bytes (its Content-Length). */
  largestBody: number
}

/** Figures at zero. */
export const emptyFigures = (): Figures => ({
  runs: 0,
  successes: 0,
  typedErrors: {},
  defects: 0,
  faultsInjected: {},
  sendsChecked: 0,
  duplicates: 0,
  largestBody: 0
})

/** The sum of a record of counts. */
export const total = (counts: Readonly<Record<string, number>>): number =>
  Object.values(counts).reduce((a, b) => a + b, 0)

/** The simulator and the transport the suite runs against. */
export const suiteLayer: Layer.Layer<Simulator.Simulator | HttpClient.HttpClient, unknown> = Layer.merge(
  Simulator.layer({ seed: 9, chats: 200, messages: 6_000 }),
  NodeHttpClient.layerUndici
)

/** One scenario: a name, and an effect that asserts (throws on a broken expectation) and records. */
export interface Scenario {
  readonly name: string
  readonly run: (figures: Figures) => Effect.Effect<void, unknown, Simulator.Simulator | HttpClient.HttpClient>
}

/** A fast schedule, so that the suite does not wait out real backoffs. */
const quick = ChatsRetry.defaultSchedule({ initialDelay: "2 millis", maxDelay: "20 millis" })

/** The client pointed at the simulator, noting the size of every body it reads. */
const clientFor = (figures: Figures, options: Partial<ChatsClient.Options> = {}) =>
  Effect.flatMap(Simulator.Simulator, (sim) =>
    ChatsClient.make({
      baseUrl: sim.url,
      apiKey: Redacted.make(sim.apiKey),
      retrySchedule: quick,
      transformClient: HttpClient.tap((response) =>
        Effect.sync(() => {
          const length = Number(response.headers["content-length"] ?? 0)
          if (length > figures.largestBody) figures.largestBody = length
        })
      ),
      ...options
    }))

/** How a call ended: `"success"` with its value, or the tag of its typed error. */
type End<A> = { readonly end: "success"; readonly value: A } | { readonly end: string; readonly value?: undefined }

/** Runs a call and records how it ended; a defect or an interruption fails the scenario. */
const outcome = <A, E extends { readonly _tag: string }>(figures: Figures, effect: Effect.Effect<A, E>) =>
  Effect.map(Effect.exit(effect), (exit): End<A> => {
    figures.runs++
    if (Exit.isSuccess(exit)) {
      figures.successes++
      return { end: "success", value: exit.value }
    }
    const failure = Cause.findErrorOption(exit.cause)
    if (Option.isNone(failure)) {
      figures.defects++
      throw new Error(`not a typed failure: ${Cause.pretty(exit.cause)}`)
    }
    const tag = failure.value._tag
    figures.typedErrors[tag] = (figures.typedErrors[tag] ?? 0) + 1
    return { end: tag }
  })

/** Sets the faults for one run, runs it, and answers what it gave and the faults injected meanwhile. */
const withFaults = <A, E, R>(figures: Figures, rules: ReadonlyArray<Simulator.FaultRule>, effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const sim = yield* Simulator.Simulator
    yield* sim.resetStats
    yield* sim.setFaults(rules)
    const result = yield* Effect.ensuring(effect, sim.clearFaults)
    const { faults } = yield* sim.stats
    for (const [kind, n] of Object.entries(faults)) {
      if (n > 0) figures.faultsInjected[kind] = (figures.faultsInjected[kind] ?? 0) + n
    }
    return { result, faults }
  })

/** One `getChat` of the first chat under these faults: how it ended, and how many requests it took. */
const oneRead = (figures: Figures, rules: ReadonlyArray<Simulator.FaultRule>, options: Partial<ChatsClient.Options> = {}) =>
  Effect.gen(function*() {
    const sim = yield* Simulator.Simulator
    const client = yield* clientFor(figures, options)
    const chatId = (yield* sim.chats())[0]!.chatId
    const { result } = yield* withFaults(figures, rules, outcome(figures, client.getChat({ businessId: sim.businessId, chatId })))
    return { end: result.end, requests: (yield* sim.stats).requests.getChat }
  })

/** Counts the stored copies of a sent text, noting a duplicate. */
const copiesOf = (figures: Figures, chatId: number, text: string) =>
  Effect.gen(function*() {
    const sim = yield* Simulator.Simulator
    const copies = (yield* sim.messages(chatId)).filter((m) => m.message === text).length
    figures.sendsChecked++
    if (copies > 1) figures.duplicates++
    return copies
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

/**
 * How a send hit once by each fault must end, and how many copies the simulator then holds: a
 * refusal (5xx before anything was done) stores nothing; an answer lost after the message was stored
 * stores it once. A 2xx status means the market carried the send out, whatever its body; no status,
 * or a 5xx, leaves the outcome unknown, and the client says so instead of guessing or sending again.
 */
export const sendFaults: ReadonlyArray<{
  readonly kind: Simulator.FaultKind
  readonly stored: 0 | 1
  readonly end: "success" | "DeliveryUnknownError"
}> = [
  { kind: "deliveredThen500", stored: 1, end: "DeliveryUnknownError" },
  { kind: "error500", stored: 0, end: "DeliveryUnknownError" },
  { kind: "error503", stored: 0, end: "DeliveryUnknownError" },
  { kind: "html502", stored: 0, end: "DeliveryUnknownError" },
  { kind: "dropAfterHeaders", stored: 1, end: "success" },
  { kind: "dropMidBody", stored: 1, end: "success" },
  { kind: "truncatedJson", stored: 1, end: "success" },
  { kind: "nonJson200", stored: 1, end: "success" }
]

/** The typed errors a read may end with when every retry met a fault. */
const documentedReadErrors: ReadonlySet<string> = new Set([
  "InternalServerError",
  "UnexpectedStatusError",
  "ResponseDecodeError",
  "TransportError"
])

/** Sends made at once under parallel-limit 420s. */
export const burstSends = 30

/** Every scenario of the suite, in order. */
export const scenarios: ReadonlyArray<Scenario> = [
  ...readFaults.map((kind): Scenario => ({
    name: `reads recover from a single ${kind}`,
    run: (figures) =>
      Effect.gen(function*() {
        const sim = yield* Simulator.Simulator
        const client = yield* clientFor(figures)
        const chat = (yield* sim.chats())[3]!
        const stored = (yield* sim.messages(chat.chatId)).map((m) => m.messageId)
        const { faults, result } = yield* withFaults(
          figures,
          [{ kind, operations: ["getChatHistory"], nth: 2 }],
          outcome(
            figures,
            client.streamChatHistory({ businessId: sim.businessId, chatId: chat.chatId, limit: 5 }).pipe(
              Stream.map((m) => m.messageId),
              Stream.runCollect
            )
          )
        )
        assert.equal(faults[kind], 1, `${kind} injected once`)
        assert.equal(result.end, "success")
        // nothing skipped, nothing repeated across the retried page
        assert.deepEqual(result.value!, stored)
        const after = yield* outcome(figures, client.getChat({ businessId: sim.businessId, chatId: chat.chatId }))
        assert.equal(after.end, "success")
      })
  })),
  {
    name: "reads under a storm of faults end in success or a documented typed error",
    run: (figures) =>
      Effect.gen(function*() {
        const sim = yield* Simulator.Simulator
        const client = yield* clientFor(figures)
        const chats = (yield* sim.chats()).slice(0, 60)
        const { faults, result: ends } = yield* withFaults(
          figures,
          readFaults.map((kind) => ({ kind, probability: 0.08 })),
          Effect.forEach(chats, (c) => outcome(figures, client.getChat({ businessId: sim.businessId, chatId: c.chatId })), {
            concurrency: 10
          })
        )
        assert.ok(total(faults) > 0, "faults were injected")
        for (const { end } of ends) if (end !== "success") assert.ok(documentedReadErrors.has(end), `${end} is documented`)
        // a read fails only when four tries in a row meet a fault
        assert.ok(ends.filter((e) => e.end === "success").length > 40, "most reads succeed")
      })
  },
  {
    name: "a 503 storm: reads give up after their retries with the typed error",
    run: (figures) =>
      Effect.map(oneRead(figures, [{ kind: "error503" }]), (read) =>
        // the try and 3 retries
        assert.deepEqual(read, { end: "UnexpectedStatusError", requests: 4 }))
  },
  {
    name: "slow answers past the timeout: retried for reads, then RequestTimeoutError",
    run: (figures) =>
      Effect.gen(function*() {
        const options = { requestTimeout: "300 millis" } as const
        const once = yield* oneRead(figures, [{ kind: "latency", millis: 1_500, nth: 1 }], options)
        assert.deepEqual(once, { end: "success", requests: 2 })
        const always = yield* oneRead(figures, [{ kind: "latency", millis: 1_500 }], options)
        assert.deepEqual(always, { end: "RequestTimeoutError", requests: 4 })
      })
  },
  {
    name: "a very large page (100 messages of 4,096 Cyrillic characters) decodes",
    run: (figures) =>
      Effect.gen(function*() {
        const sim = yield* Simulator.Simulator
        const client = yield* clientFor(figures)
        const chatId = (yield* sim.chats())[5]!.chatId
        const text = "Щ".repeat(4_096)
        const first = yield* sim.customerWrites(chatId, text)
        for (let i = 1; i < 100; i++) yield* sim.customerWrites(chatId, text)
        const all = yield* outcome(
          figures,
          client.getChatHistory({ businessId: sim.businessId, chatId, messageIdFrom: first.messageId, limit: 100 })
        )
        assert.equal(all.end, "success")
        assert.deepEqual(all.value!.messages.map((m) => m.message), Array.from({ length: 100 }, () => text))
        // the page really was that large: 8 KB of UTF-8 per message
        assert.ok(figures.largestBody > 100 * 8_192, `a page of over 800 KB was read (largest ${figures.largestBody})`)
      })
  },
  ...sendFaults.map(({ end, kind, stored }): Scenario => ({
    name: `a send hit by ${kind} ends in ${end} with ${stored} stored cop${stored === 1 ? "y" : "ies"}, never 2`,
    run: (figures) =>
      Effect.gen(function*() {
        const sim = yield* Simulator.Simulator
        const client = yield* clientFor(figures)
        const chatId = (yield* sim.chats())[7]!.chatId
        const text = `ответ ${kind} ${Math.random()}`
        const { faults, result } = yield* withFaults(
          figures,
          [{ kind, operations: ["sendMessageToChat"], nth: 1 }],
          outcome(figures, client.sendMessageToChat({ businessId: sim.businessId, chatId, message: text }))
        )
        assert.equal(faults[kind], 1, `${kind} injected once`)
        assert.equal((yield* sim.stats).requests.sendMessageToChat, 1, "a send is never repeated")
        assert.equal(yield* copiesOf(figures, chatId, text), stored)
        assert.equal(result.end, end)
      })
  })),
  {
    name: `${burstSends} sends under 420s are retried and posted exactly once`,
    run: (figures) =>
      Effect.gen(function*() {
        const sim = yield* Simulator.Simulator
        const client = yield* clientFor(figures).pipe(Effect.provide(ChatsLimiter.layerMemoryGate({ maxInFlight: 12 })))
        const chats = (yield* sim.chats()).slice(20, 20 + burstSends)
        const tag = `burst ${Math.random()}`
        const { result: ends } = yield* withFaults(
          figures,
          [{ kind: "latency", millis: 10 }],
          Effect.forEach(
            chats,
            (c) => outcome(figures, client.sendMessageToChat({ businessId: sim.businessId, chatId: c.chatId, message: `${tag} ${c.chatId}` })),
            { concurrency: burstSends }
          )
        )
        assert.deepEqual(ends.map((e) => e.end), chats.map(() => "success"))
        assert.ok((yield* sim.stats).rateLimited.parallel > 0, "the simulator refused some with a parallel-limit 420")
        for (const c of chats) assert.equal(yield* copiesOf(figures, c.chatId, `${tag} ${c.chatId}`), 1)
      })
  }
]
