/**
 * A server that enforces a quota whose windows reset in the middle of a second and announces each
 * reset truncated to the second, as `X-RateLimit-Resource-Until` (an RFC 822 date) does: the client
 * must never send before the real reset, so it collects no quota 420.
 */
import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Redacted } from "effect"
import type * as Http from "node:http"
import { ChatsClient, ChatsLimiter } from "../../src/index.js"
import { rawServer } from "./rawServer.js"

/** A quota of `limit` requests per `windowMillis`, windows starting 700 ms into a second. */
const quotaServer = (limit: number, windowMillis: number) => {
  const counts = { served: 0, refused: 0 }
  const start = Math.ceil(Date.now() / 1000) * 1000 - 300 // the next window boundary falls at .700 of a second
  const handler: Http.RequestListener = (_req, res) => {
    const now = Date.now()
    const window = Math.floor((now - start) / windowMillis)
    const resetsAt = start + (window + 1) * windowMillis
    const used = (windowCounts.get(window) ?? 0) + 1
    windowCounts.set(window, used)
    const headers = {
      "content-type": "application/json",
      "X-RateLimit-Resource-Limit": String(limit),
      "X-RateLimit-Resource-Remaining": String(Math.max(0, limit - used)),
      "X-RateLimit-Resource-Until": new Date(resetsAt).toUTCString() // truncated to the second
    }
    if (used > limit) {
      counts.refused++
      res.writeHead(420, headers).end(JSON.stringify({
        status: "ERROR",
        errors: [{ code: "LIMIT_EXCEEDED", message: `Hit rate limit of ${limit} requests per 1 hours for resource 249` }]
      }))
      return
    }
    counts.served++
    res.writeHead(200, headers).end(JSON.stringify({
      status: "OK",
      result: { chatId: 1, orderId: 1, context: { type: "ORDER", id: 1 }, type: "CHAT", status: "NEW", createdAt: "2025-01-01T00:00:00Z", updatedAt: "2025-01-01T00:00:00Z" }
    }))
  }
  const windowCounts = new Map<number, number>()
  return { counts, handler }
}

describe("a reset announced to the second", () => {
  it.live("sequential reads against a quota that resets mid-second get no quota 420", () =>
    Effect.gen(function*() {
      const quota = quotaServer(4, 1_500)
      const api = yield* rawServer(quota.handler)
      const client = yield* ChatsClient.make({ baseUrl: api.url, apiKey: Redacted.make("reset-test-key") })
      for (let i = 0; i < 10; i++) yield* client.getChat({ businessId: 1, chatId: 1 })
      expect(quota.counts.served).toBe(10)
      expect(quota.counts.refused).toBe(0)
    }).pipe(Effect.provide([NodeHttpClient.layerUndici, ChatsLimiter.layerMemory()])))
})
