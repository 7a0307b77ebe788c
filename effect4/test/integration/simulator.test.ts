/**
 * The client against the simulator over real loopback HTTP, on each of the three transports: every
 * operation, the status matrix, whole streams with faults injected mid-stream, the gate at concurrency
 * 50, 420s absorbed by the retry schedule, and spent quotas waited out or refused.
 */
import { expect, layer } from "@effect/vitest"
import { Effect, Layer, Redacted, Stream } from "effect"
import { HttpClient, HttpClientRequest } from "effect/http"
import { ChatsClient, ChatsLimiter, ChatsRetry } from "../../src/index.js"
import * as Simulator from "../../src/Simulator.js"
import { transports } from "./transports.js"

/**
 * Runs `effect` with limits of its own (the clients of one test share them, as clients of one
 * business do; a quota spent by one test is not remembered by the next), then puts the simulator's
 * limits and faults back to the market's defaults.
 */
const restoring = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.ensuring(
    Effect.provide(effect, ChatsLimiter.layerMemory()),
    Effect.flatMap(Simulator.Simulator, (sim) =>
      Effect.all([sim.setLimits({}), sim.resetQuotas, sim.clearFaults], { discard: true }))
  )

/** The client pointed at the simulator, over one transport, with the given options. */
const clientFor = (options: Partial<ChatsClient.Options> = {}) =>
  Effect.flatMap(Simulator.Simulator, (sim) =>
    ChatsClient.make({ baseUrl: sim.url, apiKey: Redacted.make(sim.apiKey), ...options }))

const simulator = (transport: Layer.Layer<HttpClient.HttpClient>) =>
  Layer.merge(Simulator.layer({ seed: 42, chats: 1_200, messages: 24_000 }), transport)

for (const [name, transport] of transports) {
  layer(simulator(transport), { timeout: 120_000, excludeTestServices: true })(`client against the simulator over ${name}`, (it) => {
    it.effect("every operation works end to end", () =>
      restoring(Effect.gen(function*() {
        const sim = yield* Simulator.Simulator
        const client = yield* clientFor()
        const businessId = sim.businessId
        const page = yield* client.getChats({ businessId, limit: 20 })
        expect(page.chats).toHaveLength(20)
        expect(page.paging?.nextPageToken).toBeDefined()
        const chat = page.chats[0]!
        expect((yield* client.getChat({ businessId, chatId: chat.chatId })).chatId).toBe(chat.chatId)
        const history = yield* client.getChatHistory({ businessId, chatId: chat.chatId, limit: 100 })
        expect(history.context.type).toBe(chat.context.type)
        const first = history.messages[0]!
        const one = yield* client.getChatMessage({ businessId, chatId: chat.chatId, messageId: first.messageId })
        expect(one.messageId).toBe(first.messageId)

        const before = (yield* sim.messages(chat.chatId)).length
        yield* client.sendMessageToChat({ businessId, chatId: chat.chatId, message: `Ответ через ${name}` })
        const data = new TextEncoder().encode(`файл ${name}`)
        yield* client.sendFileToChat({ businessId, chatId: chat.chatId, file: { name: "отчёт.txt", data, contentType: "text/plain" } })
        const after = yield* sim.messages(chat.chatId)
        expect(after.length).toBe(before + 2)
        expect(after.at(-2)).toMatchObject({ sender: "PARTNER", message: `Ответ через ${name}` })
        expect(after.at(-1)!.payload?.[0]).toMatchObject({ name: "отчёт.txt", size: data.byteLength })
        expect((yield* client.getChat({ businessId, chatId: chat.chatId })).status).toBe("WAITING_FOR_CUSTOMER")

        const orderId = 880_000 + name.length
        const opened = yield* client.createChat({ businessId, context: { type: "ORDER", id: orderId } })
        expect(yield* client.createChat({ businessId, context: { type: "ORDER", id: orderId } })).toBe(opened)
      })))

    it.effect("every error status maps to its tag", () =>
      restoring(Effect.gen(function*() {
        const sim = yield* Simulator.Simulator
        const businessId = sim.businessId
        const good = yield* clientFor({ retrySchedule: ChatsRetry.defaultSchedule({ initialDelay: "1 millis" }) })
        // the client refuses to start without a credential; blank it on the way out to reach the 401
        const noCredentials = yield* clientFor({
          transformClient: HttpClient.mapRequest(HttpClientRequest.setHeader("api-key", " "))
        })
        const wrongKey = yield* clientFor({ apiKey: Redacted.make("wrong-key") })
        const chatId = (yield* good.getChats({ businessId, limit: 1 })).chats[0]!.chatId
        const tagOf = <A, E extends { _tag: string }>(effect: Effect.Effect<A, E>) =>
          Effect.map(Effect.flip(effect), (e) => e._tag)

        expect(yield* tagOf(noCredentials.getChat({ businessId, chatId }))).toBe("UnauthorizedError")
        expect(yield* tagOf(wrongKey.getChat({ businessId, chatId }))).toBe("ForbiddenError")
        expect(yield* tagOf(good.getChat({ businessId: sim.otherBusinessId, chatId }))).toBe("ForbiddenError")
        expect(yield* tagOf(good.getChat({ businessId, chatId: 999_999_999 }))).toBe("NotFoundError")
        expect(yield* tagOf(good.getChatMessage({ businessId, chatId, messageId: 999_999_999 }))).toBe("NotFoundError")
        // the client refuses bad input itself; a stale page token is the market's to refuse
        expect(yield* tagOf(good.getChats({ businessId, pageToken: "not-a-token" }))).toBe("BadRequestError")

        yield* sim.setFaults([{ kind: "error500", operations: ["getChat"] }])
        expect(yield* tagOf(good.getChat({ businessId, chatId }))).toBe("InternalServerError")
        yield* sim.setFaults([{ kind: "error503", operations: ["getChat"] }])
        const e503 = yield* Effect.flip(good.getChat({ businessId, chatId }))
        expect(e503._tag === "UnexpectedStatusError" && e503.status).toBe(503)
        yield* sim.clearFaults

        yield* sim.setLimits({ quotas: { getChat: 1 }, quotaWindow: "1 hour" })
        yield* sim.resetQuotas
        const limited = yield* clientFor({ retrySchedule: false })
        yield* limited.getChat({ businessId, chatId })
        const e420 = yield* Effect.flip(limited.getChat({ businessId, chatId }))
        expect(e420._tag).toBe("RateLimitError")
        if (e420._tag === "RateLimitError") {
          expect(e420.kind).toBe("quota")
          expect(e420.rateLimit?.limit).toBe(1)
          expect(e420.rateLimit?.resetsAt).toBeDefined()
        }
        yield* sim.setLimits({})
        yield* sim.resetQuotas
      })))

    it.effect("a full stream over 1,200 chats: none missing, none repeated", () =>
      restoring(Effect.gen(function*() {
        const sim = yield* Simulator.Simulator
        const client = yield* clientFor()
        const streamed = yield* client.streamChats({ businessId: sim.businessId, limit: 20 }).pipe(
          Stream.map((c) => c.chatId),
          Stream.runCollect
        )
        const stored = (yield* sim.chats()).map((c) => c.chatId)
        expect(streamed.length).toBeGreaterThanOrEqual(1_200)
        expect(new Set(streamed).size).toBe(streamed.length)
        expect([...streamed].sort((a, b) => a - b)).toEqual([...stored].sort((a, b) => a - b))
      })))

    it.effect("a long history streamed whole, in order, with faults injected mid-stream", () =>
      restoring(Effect.gen(function*() {
        const sim = yield* Simulator.Simulator
        const client = yield* clientFor({ retrySchedule: ChatsRetry.defaultSchedule({ initialDelay: "5 millis" }) })
        const chats = yield* sim.chats()
        let longest = chats[0]!
        for (const c of chats) {
          if ((yield* sim.messages(c.chatId)).length > (yield* sim.messages(longest.chatId)).length) longest = c
        }
        const stored = (yield* sim.messages(longest.chatId)).map((m) => m.messageId)
        expect(stored.length).toBeGreaterThan(100)
        yield* sim.setFaults([
          { kind: "error503", operations: ["getChatHistory"], nth: 2 },
          { kind: "dropMidBody", operations: ["getChatHistory"], nth: 3 },
          { kind: "truncatedJson", operations: ["getChatHistory"], nth: 5 }
        ])
        const streamed = yield* client.streamChatHistory({ businessId: sim.businessId, chatId: longest.chatId, limit: 10 })
          .pipe(Stream.map((m) => m.messageId), Stream.runCollect)
        yield* sim.clearFaults
        expect(streamed).toEqual(stored)
      })))

    it.effect("concurrency 50 in user code: no parallel-limit 420, at most 4 in flight", () =>
      restoring(Effect.gen(function*() {
        const sim = yield* Simulator.Simulator
        const client = yield* clientFor()
        const chats = (yield* sim.chats()).slice(0, 100)
        yield* sim.setFaults([{ kind: "latency", millis: 5 }])
        yield* sim.resetStats
        const got = yield* Effect.forEach(chats, (c) => client.getChat({ businessId: sim.businessId, chatId: c.chatId }), {
          concurrency: 50
        })
        const stats = yield* sim.stats
        yield* sim.clearFaults
        expect(got).toHaveLength(100)
        expect(stats.rateLimited.parallel).toBe(0)
        expect(stats.maxInFlight).toBeLessThanOrEqual(4)
      })))

    it.effect("parallel-limit 420s from an ungated burst are absorbed by the retry schedule", () =>
      restoring(Effect.gen(function*() {
        const sim = yield* Simulator.Simulator
        const client = yield* clientFor().pipe(Effect.provide(ChatsLimiter.layerMemoryGate({ maxInFlight: 12 })))
        const chats = (yield* sim.chats()).slice(0, 60)
        yield* sim.setFaults([{ kind: "latency", millis: 10 }])
        yield* sim.resetStats
        const got = yield* Effect.forEach(chats, (c) => client.getChat({ businessId: sim.businessId, chatId: c.chatId }), {
          concurrency: 60
        })
        const stats = yield* sim.stats
        yield* sim.clearFaults
        expect(got).toHaveLength(60)
        expect(stats.rateLimited.parallel).toBeGreaterThan(0)
      })))

    it.effect("a spent quota: waited out within the budget, surfaced at once past it", () =>
      restoring(Effect.gen(function*() {
        const sim = yield* Simulator.Simulator
        const chatId = (yield* sim.chats())[0]!.chatId
        yield* sim.setLimits({ quotas: { getChat: 3 }, quotaWindow: "1 second" })
        yield* sim.resetQuotas
        yield* sim.resetStats
        const patient = yield* clientFor()
        const got = yield* Effect.forEach(Array.from({ length: 8 }), () => patient.getChat({ businessId: sim.businessId, chatId }))
        expect(got).toHaveLength(8)
        // 8 calls over a quota of 3 span at least three windows; the client waited for each announced
        // reset instead of sending into a spent quota: no 420, and no request but the 8
        const waited = yield* sim.stats
        expect({ requests: waited.requests.getChat, quota420s: waited.rateLimited.quota, ok: waited.responses["200"] })
          .toEqual({ requests: 8, quota420s: 0, ok: 8 })

        yield* sim.setLimits({ quotas: { getChat: 1 }, quotaWindow: "1 hour" })
        yield* sim.resetQuotas
        const hurried = yield* clientFor({ quotaWaitBudget: "1 second" })
        yield* hurried.getChat({ businessId: sim.businessId, chatId })
        yield* sim.resetStats
        const error = yield* Effect.flip(hurried.getChat({ businessId: sim.businessId, chatId }))
        expect(error._tag).toBe("RateLimitError")
        expect((yield* sim.stats).totalRequests).toBe(0) // refused by the client, nothing sent
        yield* sim.setLimits({})
        yield* sim.resetQuotas
      })))
  })
}

