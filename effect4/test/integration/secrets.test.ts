/**
 * No error that leaves the client reaches a credential by any path: own properties, prototypes,
 * causes, getters, string and JSON forms. Checked for every error the client yields against broken
 * answers of a plain server and every fault kind of the simulator, on every transport, with the
 * API key and with the OAuth token.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Redacted, Result, Stream } from "effect"
import type * as Http from "node:http"
import { ChatsClient, ChatsRetry } from "../../src/index.js"
import * as Simulator from "../../src/Simulator.js"
import { pathsTo } from "../../../core/testing/reach.js"
import { cutOff, rawServer } from "./rawServer.js"
import { transports } from "./transports.js"

const apiKey = "reach-SECRET-api-key-5b1e"
const oauthToken = "reach-SECRET-oauth-7d2a"

/** Broken answers the simulator never gives. */
const rawScenarios: ReadonlyArray<readonly [string, Http.RequestListener]> = [
  ["reset before the headers", (req) => req.socket.destroy()],
  ["200 with a cut-off body", cutOff(200, 400)],
  ["404 with a cut-off body", cutOff(404)],
  ["500 with a body", (_req, res) => res.writeHead(500, { "content-type": "application/json" }).end(`{"status":"ERROR","errors":[{"code":"INTERNAL"}]}`)],
  ["503 with HTML", (_req, res) => res.writeHead(503, { "content-type": "text/html" }).end("<html>busy</html>")],
  ["a redirect elsewhere", (_req, res) => res.writeHead(302, { location: "http://localhost:1/steal" }).end()],
  ["no answer in time", () => undefined],
  ["200 that is not JSON", (_req, res) => res.writeHead(200, { "content-type": "application/json" }).end("{nope")]
]

const quick = ChatsRetry.defaultSchedule({ initialDelay: "1 millis", maxDelay: "5 millis", maxRateLimitRetries: 2 })

/** Every call of the client that can fail in transit: a read, a stream, a create and both sends. */
const everyCall = (client: ChatsClient.Service) => [
  client.getChat({ businessId: 1, chatId: 1 }),
  client.getChatHistory({ businessId: 1, chatId: 1 }),
  Stream.runDrain(client.streamChats({ businessId: 1 })),
  client.createChat({ businessId: 1, context: { type: "ORDER", id: 1 } }),
  client.sendMessageToChat({ businessId: 1, chatId: 1, message: "hello" }),
  client.sendFileToChat({ businessId: 1, chatId: 1, file: { name: "a.txt", contentType: "text/plain", data: new Uint8Array([65]) } })
] as const

/** The errors of every call, each checked for a path to either secret. */
const checkErrors = (client: ChatsClient.Service) =>
  Effect.gen(function*() {
    const tags: Array<string> = []
    for (const call of everyCall(client)) {
      const result = yield* Effect.result(call as Effect.Effect<unknown, { readonly _tag: string }>)
      if (Result.isSuccess(result)) continue
      tags.push(result.failure._tag)
      expect(pathsTo(result.failure, apiKey)).toEqual([])
      expect(pathsTo(result.failure, oauthToken)).toEqual([])
    }
    return tags
  })

const credentials = [["Api-Key", { apiKey: Redacted.make(apiKey) }], ["OAuth", { oauthToken: Redacted.make(oauthToken) }]] as const

describe("no credential is reachable from any error", () => {
  for (const [name, transport] of transports) {
    for (const [credential, auth] of credentials) {
      it.live(`broken answers of a plain server (${name}, ${credential})`, () =>
        Effect.gen(function*() {
          const seen = new Set<string>()
          for (const [, handler] of rawScenarios) {
            const api = yield* rawServer(handler)
            const client = yield* ChatsClient.make({ ...auth, baseUrl: api.url, retrySchedule: quick, requestTimeout: "300 millis" })
            for (const tag of yield* checkErrors(client)) seen.add(tag)
          }
          // every kind of failure was met, so the walk had something to walk
          for (const tag of ["TransportError", "NotFoundError", "InternalServerError", "UnexpectedStatusError", "RequestTimeoutError", "DeliveryUnknownError", "ResponseDecodeError"]) {
            expect(seen).toContain(tag)
          }
        }).pipe(Effect.provide(transport)))
    }

    it.live(`every fault kind of the simulator (${name})`, () =>
      Effect.gen(function*() {
        const sim = yield* Simulator.Simulator
        const client = yield* ChatsClient.make({ apiKey: Redacted.make(apiKey), baseUrl: sim.url, retrySchedule: quick, requestTimeout: "2 seconds" })
        const chat = (yield* sim.chats())[0]!
        let failures = 0
        for (const kind of Simulator.faults.filter((k) => k !== "latency")) {
          yield* sim.setFaults([{ kind }])
          const calls = [
            client.getChat({ businessId: sim.businessId, chatId: chat.chatId }),
            client.sendMessageToChat({ businessId: sim.businessId, chatId: chat.chatId, message: `fault ${kind}` })
          ]
          for (const call of calls) {
            const result = yield* Effect.result(call as Effect.Effect<unknown, { readonly _tag: string }>)
            if (Result.isFailure(result)) {
              failures++
              expect(pathsTo(result.failure, apiKey)).toEqual([])
            }
          }
          yield* sim.clearFaults
        }
        expect(failures).toBeGreaterThan(10)
      }).pipe(Effect.provide(Layer.merge(Simulator.layer({ seed: 7, chats: 5, messages: 20, apiKey }), transport))))
  }
})
