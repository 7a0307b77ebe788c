import { describe, expect, it } from "@effect/vitest"
import { Effect, Redacted } from "effect"
import * as Http from "node:http"
import { ChatsClient } from "../../src/index.js"
import { rawServer } from "./rawServer.js"
import { transports } from "./transports.js"

const secret = "redirect-SECRET-key-991"

const server = rawServer

describe("credentials never go to another origin", () => {
  for (const [name, transport] of transports) {
    it.live(`a redirect from the API to another host is not followed with the key (${name})`, () =>
      Effect.gen(function*() {
        const seenByOther: Array<Http.IncomingHttpHeaders> = []
        const other = yield* server((req, res) => {
          seenByOther.push(req.headers)
          res.writeHead(200, { "content-type": "application/json" })
          res.end(JSON.stringify({ status: "OK", result: { chatId: 1 } }))
        })
        const api = yield* server((_req, res) => {
          res.writeHead(302, { location: `${other.url.replace("127.0.0.1", "localhost")}/steal` })
          res.end()
        })
        const error = yield* Effect.flatMap(
          ChatsClient.ChatsClient,
          (c) => c.createChat({ businessId: 1, context: { type: "ORDER", id: 1 } })
        ).pipe(
          Effect.provide(ChatsClient.layer({ apiKey: Redacted.make(secret), baseUrl: api.url })),
          Effect.provide(transport),
          Effect.flip
        )
        expect(error._tag).toBe("UnexpectedStatusError")
        if (error._tag === "UnexpectedStatusError") expect(error.status).toBe(302)
        expect(seenByOther).toEqual([])
      }))
  }
})
