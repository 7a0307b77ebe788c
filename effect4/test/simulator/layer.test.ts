/**
 * The Effect 4 layer over the core simulator: `Simulator.layer` and `Simulator.make` start a real
 * server on loopback that answers the market's bodies and headers, the hooks read and change its
 * state as Effects, the server stops when its scope closes, and its clock is its own (latency takes
 * real time under `it.effect`'s TestClock).
 */
import { assert, describe, expect, it, layer } from "@effect/vitest"
import { Cause, Effect, Exit, Layer, Option } from "effect"
import { FetchHttpClient, HttpClient, HttpClientRequest } from "effect/http"
import * as Net from "node:net"
import * as Simulator from "../../src/Simulator.js"

/** What a test reads of a response. */
interface Reply {
  readonly status: number
  readonly headers: Headers
  readonly json: any
}

/** POSTs a JSON body to an operation of the default business with its Api-Key. */
const post = (sim: Simulator.Service, path: string, body: unknown = {}): Effect.Effect<Reply> =>
  Effect.promise(async () => {
    const response = await fetch(`${sim.url}/v2/businesses/${sim.businessId}${path}`, {
      method: "POST",
      headers: { "Api-Key": sim.apiKey, "Content-Type": "application/json" },
      body: JSON.stringify(body)
    })
    return { status: response.status, headers: response.headers, json: await response.json() }
  })

/** Whether anything answers at this URL (false when the connection is refused). */
const answers = (url: string): Effect.Effect<boolean> =>
  Effect.promise(() => fetch(url).then(() => true, () => false))

/** A loopback port held by a plain server until the scope closes. */
const heldPort = Effect.acquireRelease(
  Effect.callback<Net.Server>((resume) => {
    const server = Net.createServer()
    server.listen(0, "127.0.0.1", () => resume(Effect.succeed(server)))
  }),
  (server) => Effect.callback<void>((resume) => void server.close(() => resume(Effect.void)))
).pipe(Effect.map((server) => (server.address() as Net.AddressInfo).port))

layer(Simulator.layer({ seed: 7, chats: 12, messages: 60 }))("Simulator.layer", (it) => {
  it.effect("serves getChats on loopback with the market's body and rate-limit headers", () =>
    Effect.gen(function*() {
      const sim = yield* Simulator.Simulator
      expect(sim.url).toBe(`http://127.0.0.1:${sim.port}`)
      expect(sim.businessId).toBe(Simulator.defaultBusinessId)
      const reply = yield* post(sim, "/chats?limit=5")
      expect(reply.status).toBe(200)
      expect(reply.headers.get("content-type")).toBe("application/json")
      expect(reply.headers.get("x-ratelimit-resource-limit")).toBe("5000")
      expect(Number(reply.headers.get("x-ratelimit-resource-remaining"))).toBeLessThan(5000)
      expect(reply.headers.get("x-ratelimit-resource-until")).toMatch(/^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/)
      expect(reply.json.status).toBe("OK")
      expect(reply.json.result.chats).toHaveLength(5)
      expect(reply.json.result.chats[0]).toEqual((yield* sim.chats())[0])
      expect(reply.json.result.paging.nextPageToken).toEqual(expect.any(String))
      const refused = yield* Effect.promise(() =>
        fetch(`${sim.url}/v2/businesses/${sim.otherBusinessId}/chats`, { method: "POST", headers: { "Api-Key": sim.apiKey } })
          .then(async (r) => ({ status: r.status, json: await r.json() }))
      )
      expect(refused).toEqual({
        status: 403,
        json: { status: "ERROR", errors: [{ code: "FORBIDDEN", message: `Access denied to businessId ${sim.otherBusinessId}` }] }
      })
    }))

  it.effect("answers a request of Effect 4's HttpClient", () =>
    Effect.gen(function*() {
      const sim = yield* Simulator.Simulator
      const chat = (yield* sim.chats())[0]!
      const response = yield* HttpClient.execute(
        HttpClientRequest.get(`${sim.url}/v2/businesses/${sim.businessId}/chat`).pipe(
          HttpClientRequest.setUrlParam("chatId", String(chat.chatId)),
          HttpClientRequest.setHeader("Api-Key", sim.apiKey)
        )
      )
      expect(response.status).toBe(200)
      expect(yield* response.json).toEqual({ status: "OK", result: chat })
    }).pipe(Effect.provide(FetchHttpClient.layer)))

  it.effect("the hooks read and change its state; an unknown chat is a NoSuchChat", () =>
    Effect.gen(function*() {
      const sim = yield* Simulator.Simulator
      yield* sim.resetStats
      const chat = (yield* sim.chats())[0]!
      const written = yield* sim.customerWrites(chat.chatId, "Здравствуйте!")
      expect(written).toMatchObject({ sender: "CUSTOMER", message: "Здравствуйте!" })
      expect(Option.map(yield* sim.chat(chat.chatId), (c) => c.status)).toEqual(Option.some("WAITING_FOR_PARTNER"))
      expect((yield* sim.messages(chat.chatId)).at(-1)).toEqual(written)
      expect(yield* sim.chat(1)).toEqual(Option.none())

      const missing = yield* Effect.flip(sim.customerWrites(999_999, "?"))
      expect(missing).toBeInstanceOf(Simulator.NoSuchChat)
      expect({ tag: missing._tag, chatId: missing.chatId, message: missing.message })
        .toEqual({ tag: "NoSuchChat", chatId: 999_999, message: "No chat 999999 in the simulator" })
      expect((yield* Effect.flip(sim.startArbitrage(999_999)))._tag).toBe("NoSuchChat")

      yield* post(sim, "/chats/message?chatId=" + chat.chatId, { message: "Добрый день" })
      const stats = yield* sim.stats
      expect(stats.requests.sendMessageToChat).toBe(1)
      expect(stats.responses).toEqual({ "200": 1 })
      expect(stats.sent.map((s) => s.text)).toEqual(["Добрый день"])
    }))

  it.effect("limits and faults change at run time", () =>
    Effect.gen(function*() {
      const sim = yield* Simulator.Simulator
      yield* sim.setLimits({ quotas: { getChats: 1 }, quotaWindow: "1 minute" })
      yield* sim.resetQuotas
      expect((yield* post(sim, "/chats")).status).toBe(200)
      const refused = yield* post(sim, "/chats")
      expect(refused.status).toBe(420)
      expect(refused.json.errors[0].message).toBe(
        "Hit rate limit of 1 requests per 1 minutes for resource POST /v2/businesses/{businessId}/chats"
      )
      yield* sim.setLimits({})
      yield* sim.setFaults([{ kind: "error503", times: 1 }])
      expect((yield* post(sim, "/chats")).status).toBe(503)
      expect((yield* post(sim, "/chats")).status).toBe(200)
      const invalid = yield* Effect.exit(sim.addFault({ kind: "latency" }))
      expect(Exit.isFailure(invalid) && Cause.hasDies(invalid.cause)).toBe(true)
      yield* sim.clearFaults
    }))
})

describe("Simulator.make", () => {
  it.effect("latency takes real time under the TestClock: the server's clock is its own", () =>
    Effect.gen(function*() {
      const sim = yield* Simulator.make({ chats: 3, messages: 9, faults: [{ kind: "latency", millis: 150 }] })
      const started = performance.now()
      const reply = yield* post(sim, "/chats") // the TestClock is never adjusted
      expect(reply.status).toBe(200)
      expect(performance.now() - started).toBeGreaterThanOrEqual(140)
      expect((yield* sim.stats).faults.latency).toBe(1)
    }))

  it.live("the server stops when the layer's scope closes", () =>
    Effect.gen(function*() {
      const url = yield* Effect.gen(function*() {
        const sim = yield* Simulator.Simulator
        expect((yield* post(sim, "/chats")).status).toBe(200)
        return sim.url
      }).pipe(Effect.provide(Simulator.layer({ chats: 2, messages: 4 })))
      expect(yield* answers(url)).toBe(false)
    }))

  it.live("make stops its server when its scope closes", () =>
    Effect.gen(function*() {
      const url = yield* Effect.scoped(Effect.gen(function*() {
        const sim = yield* Simulator.make({ chats: 2, messages: 4 })
        expect(yield* answers(sim.url)).toBe(true)
        return sim.url
      }))
      expect(yield* answers(url)).toBe(false)
    }))

  it.live("a taken port fails with ServeError", () =>
    Effect.gen(function*() {
      const port = yield* heldPort
      const error = yield* Effect.flip(Simulator.make({ port, chats: 1, messages: 1 }))
      assert.strictEqual(error._tag, "ServeError")
      expect(String((error.cause as NodeJS.ErrnoException).code)).toBe("EADDRINUSE")
    }))

  it.live("the layer's failure to start is its error", () =>
    Effect.gen(function*() {
      const port = yield* heldPort
      const exit = yield* Effect.exit(Layer.build(Simulator.layer({ port, chats: 1, messages: 1 })))
      expect(Exit.isFailure(exit) && Cause.squash(exit.cause)).toMatchObject({ _tag: "ServeError" })
    }))
})
