import { describe, expect, it } from "@effect/vitest"
import { Cause, Effect, Either, Exit, Fiber, Option } from "effect"
import * as Simulator from "../../src/Simulator.js"
import { call, callEither, waitUntil } from "./http.js"

const small = { chats: 10, messages: 400 } as const

/** A simulator with one chat id to send to. */
const setup = (options: Simulator.Options = {}) =>
  Effect.gen(function*() {
    const sim = yield* Simulator.make({ ...small, ...options })
    const chatId = (yield* sim.chats())[0]!.chatId
    const send = (message: string) => call(sim, "sendMessageToChat", { query: { chatId }, body: { message } })
    return { sim, chatId, send }
  })

describe("faults", () => {
  it.scoped("no fault is in force by default", () =>
    Effect.gen(function*() {
      const { sim, send } = yield* setup()
      for (let i = 0; i < 20; i++) expect((yield* send(`${i}`)).status).toBe(200)
      const stats = yield* sim.stats
      expect(Object.values(stats.faults).every((n) => n === 0)).toBe(true)
      expect(Simulator.faults).toHaveLength(10)
    }))

  it.scoped("latency holds the answer: a request without latency started later is answered first", () =>
    Effect.gen(function*() {
      const { chatId, sim } = yield* setup({ faults: [{ kind: "latency", millis: 1_500, operations: ["getChats"] }] })
      const order: Array<string> = []
      const slow = yield* Effect.fork(Effect.tap(call(sim, "getChats"), () => Effect.sync(() => order.push("getChats"))))
      // the delayed request has reached the simulator and waits there, holding its slot
      yield* waitUntil(Effect.map(sim.stats, (s) => s.inFlight === 1 && s.faults.latency === 1))
      const quick = yield* call(sim, "getChat", { query: { chatId } })
      order.push("getChat")
      expect(quick.status).toBe(200)
      expect((yield* sim.stats).inFlight).toBe(1)
      expect((yield* Fiber.join(slow)).status).toBe(200)
      expect(order).toEqual(["getChat", "getChats"])
      expect((yield* sim.stats).faults.latency).toBe(1)
    }))

  it.scoped("error500 and error503 answer the error body and do not carry the request out", () =>
    Effect.gen(function*() {
      const { sim, send } = yield* setup()
      for (const [kind, status, code] of [["error500", 500, "INTERNAL_ERROR"], ["error503", 503, "SERVICE_UNAVAILABLE"]] as const) {
        yield* sim.setFaults([{ kind, times: 1 }])
        const reply = yield* send("не дойдёт")
        expect(reply.status).toBe(status)
        expect(reply.json).toEqual({ status: "ERROR", errors: [{ code, message: expect.any(String) }] })
        expect(reply.headers.get("x-ratelimit-resource-limit")).toBe("1000")
        expect((yield* send("дойдёт")).status).toBe(200)
      }
      const stats = yield* sim.stats
      expect(stats.messagesSent).toBe(2)
      expect(stats.sent.map((s) => s.text)).toEqual(["дойдёт", "дойдёт"])
      expect(stats.faults).toMatchObject({ error500: 1, error503: 1 })
      expect(stats.responses).toEqual({ "200": 2, "500": 1, "503": 1 })
    }))

  it.scoped("html502 answers an HTML page with status 502", () =>
    Effect.gen(function*() {
      const { sim } = yield* setup({ faults: [{ kind: "html502" }] })
      const reply = yield* call(sim, "getChats")
      expect(reply.status).toBe(502)
      expect(reply.headers.get("content-type")).toContain("text/html")
      expect(reply.json).toBeUndefined()
      expect(reply.text).toContain("502 Bad Gateway")
    }))

  it.scoped("nonJson200, malformedJson and truncatedJson answer 200 with a body that is not JSON, after carrying out", () =>
    Effect.gen(function*() {
      const { sim, send } = yield* setup()
      for (const kind of ["nonJson200", "malformedJson", "truncatedJson"] as const) {
        yield* sim.setFaults([{ kind }])
        const reply = yield* call(sim, "getChats")
        expect(reply.status).toBe(200)
        expect(reply.text.length).toBeGreaterThan(0)
        expect(reply.json).toBeUndefined()
        if (kind !== "nonJson200") expect(reply.headers.get("content-type")).toContain("application/json")
        expect((yield* send(kind)).status).toBe(200)
      }
      const stats = yield* sim.stats
      expect(stats.messagesSent).toBe(3)
      expect(stats.deliveredButFailed).toBe(3)
      expect(stats.sent.map((s) => s.answer)).toEqual(["nonJson200", "malformedJson", "truncatedJson"])
    }))

  it.scoped("dropAfterHeaders and dropMidBody break the connection after the headers or part of the body", () =>
    Effect.gen(function*() {
      const { sim, chatId } = yield* setup()
      for (const kind of ["dropAfterHeaders", "dropMidBody"] as const) {
        yield* sim.setFaults([{ kind, times: 2 }])
        const broken = yield* callEither(sim, "getChats")
        expect(Either.isLeft(broken)).toBe(true)
        const sent = yield* callEither(sim, "sendMessageToChat", { query: { chatId }, body: { message: kind } })
        expect(Either.isLeft(sent)).toBe(true)
        // the server keeps serving
        expect((yield* call(sim, "getChats")).status).toBe(200)
      }
      const stats = yield* sim.stats
      expect(stats.faults).toMatchObject({ dropAfterHeaders: 2, dropMidBody: 2 })
      expect(stats.responses).toEqual({ "200": 2 })
      expect(stats.messagesSent).toBe(2)
      expect(stats.deliveredButFailed).toBe(2)
      expect(stats.inFlight).toBe(0)
    }))

  it.scoped("deliveredThen500 stores the message, then answers 500; the counters show it", () =>
    Effect.gen(function*() {
      const { sim, chatId, send } = yield* setup({
        faults: [{ kind: "deliveredThen500", operations: ["sendMessageToChat", "sendFileToChat"], times: 1 }]
      })
      const reply = yield* send("доставлено, но 500")
      expect(reply.status).toBe(500)
      expect(reply.json.errors[0].code).toBe("INTERNAL_ERROR")
      const messages = yield* sim.messages(chatId)
      expect(messages[messages.length - 1]!.message).toBe("доставлено, но 500")
      const stats = yield* sim.stats
      expect(stats.messagesSent).toBe(1)
      expect(stats.deliveredButFailed).toBe(1)
      expect(stats.sent).toEqual([expect.objectContaining({ text: "доставлено, но 500", answer: "deliveredThen500" })])
      // spent: the next send is answered normally
      expect((yield* send("второе")).status).toBe(200)
    }))

  it.scoped("a fault at the Nth request of one operation hits exactly that page of a stream", () =>
    Effect.gen(function*() {
      const sim = yield* Simulator.make({ chats: 1, messages: 500 })
      const chatId = (yield* sim.chats())[0]!.chatId
      yield* sim.addFault({ kind: "error500", operations: ["getChatHistory"], nth: 3 })
      const statuses: Array<number> = []
      let token: string | undefined
      for (;;) {
        const reply = yield* call(sim, "getChatHistory", {
          query: { chatId, limit: 100, ...(token ? { page_token: token } : {}) }
        })
        statuses.push(reply.status)
        if (reply.status !== 200) continue // retry the same page
        token = reply.json.result.paging?.nextPageToken
        if (!token) break
      }
      expect(statuses).toEqual([200, 200, 500, 200, 200, 200])
      expect((yield* call(sim, "getChats")).status).toBe(200)
      expect((yield* sim.stats).faults.error500).toBe(1)
      // setting the rules again starts the counts again
      yield* sim.setFaults([{ kind: "error503", operations: ["getChats"], nth: 2 }])
      expect([(yield* call(sim, "getChats")).status, (yield* call(sim, "getChats")).status]).toEqual([200, 503])
    }))

  it.scoped("a fault on a 200 is not spent by a request that fails", () =>
    Effect.gen(function*() {
      const { sim, chatId } = yield* setup({ faults: [{ kind: "malformedJson", times: 1 }] })
      expect((yield* call(sim, "getChat", { query: { chatId: 1 } })).status).toBe(404)
      expect((yield* call(sim, "getChat", { query: { chatId } })).json).toBeUndefined()
      expect((yield* call(sim, "getChat", { query: { chatId } })).json.status).toBe("OK")
    }))

  it.scoped("a probability hits a share of the requests, the same ones for the same seed", () =>
    Effect.gen(function*() {
      const pattern = (seed: number) =>
        Effect.gen(function*() {
          const sim = yield* Simulator.make({ chats: 3, messages: 3, seed, faults: [{ kind: "error503", probability: 0.3 }] })
          const statuses: Array<number> = []
          for (let i = 0; i < 60; i++) statuses.push((yield* call(sim, "getChats", { query: { limit: 1 } })).status)
          return statuses
        })
      const first = yield* pattern(7)
      const failures = first.filter((s) => s === 503).length
      expect(failures).toBeGreaterThan(5)
      expect(failures).toBeLessThan(35)
      expect(yield* pattern(7)).toEqual(first)
      expect(yield* pattern(8)).not.toEqual(first)
    }))

  it.scoped("an invalid rule is refused as a defect", () =>
    Effect.gen(function*() {
      const sim = yield* Simulator.make({ chats: 1, messages: 1 })
      /** The message of the defect an effect dies with, or what it did instead. */
      const defect = (effect: Effect.Effect<void>) =>
        Effect.map(Effect.exit(effect), (exit) =>
          Exit.isSuccess(exit) ? "succeeded" : Option.match(Cause.dieOption(exit.cause), {
            onNone: () => `failed without a defect: ${Cause.pretty(exit.cause)}`,
            onSome: (e) => e instanceof Error ? e.message : String(e)
          }))
      expect(yield* defect(sim.addFault({ kind: "error500", probability: 2 }))).toBe(
        `invalid fault rule {"kind":"error500","probability":2}: probability is 0..1`
      )
      expect(yield* defect(sim.addFault({ kind: "latency" }))).toBe(`invalid fault rule {"kind":"latency"}: latency needs millis >= 0`)
      expect(yield* defect(sim.setFaults([{ kind: "error503", nth: 0 }]))).toBe(
        `invalid fault rule {"kind":"error503","nth":0}: nth is an integer >= 1`
      )
      // a refused rule is not added: requests are answered normally
      expect((yield* call(sim, "getChats")).status).toBe(200)
    }))

  it.scoped("resetStats sets the counters back to zero", () =>
    Effect.gen(function*() {
      const { sim, send } = yield* setup({ faults: [{ kind: "deliveredThen500" }] })
      yield* send("раз")
      yield* call(sim, "getChats")
      yield* sim.resetStats
      const stats = yield* sim.stats
      expect(stats.totalRequests).toBe(0)
      expect(stats.sent).toEqual([])
      expect(stats.deliveredButFailed).toBe(0)
      expect(Object.values(stats.faults).every((n) => n === 0)).toBe(true)
    }))
})
