/**
 * Section "limit" for the Effect 4 edition: one process at the market's parallel limit, over the
 * shared rounds of the repository's `bench/limitRounds.ts` (raw `undici.request` with 4 workers as the
 * baseline). This edition's rows: the bound of any client on `effect/http` (its `HttpClient` over
 * `layerUndici` alone, 4 workers: `execute`, `text`, `JSON.parse`), and the client with
 * `concurrency: 8` in user code, its default gate timed from outside.
 *
 *   node --import tsx bench/limit.ts [--rounds 7] [--calls 400] [--latency 20] [--concurrency 8]
 */
import { NodeHttpClient } from "@effect/platform-node"
import Undici from "@effect/platform-node/Undici"
import { Effect, Layer, ManagedRuntime, Redacted } from "effect"
import { HttpClient, HttpClientRequest } from "effect/http"
import type { ServerInfo } from "../../bench/lib.js"
import { chatUrl, limitMain } from "../../bench/limitRounds.js"
import { ChatsClient, ChatsLimiter } from "../src/index.js"

export type { LimitResult, LimitRun } from "../../bench/limitRounds.js"

/**
 * The same calls through `effect/http`'s `HttpClient` alone, `workers` at a time (`execute`, `text`,
 * `JSON.parse`, no library code): the bound of any client built on it. Returns the mean time a request
 * was in flight, ms.
 */
const httpClientAlone = (info: ServerInfo, calls: number, workers: number) =>
  Effect.flatMap(HttpClient.HttpClient, (client) => {
    const headers = { "api-key": info.apiKey, accept: "application/json" }
    let next = 0
    let held = 0
    const worker = Effect.suspend(function loop(): Effect.Effect<void, unknown> {
      if (next >= calls) return Effect.void
      const t0 = performance.now()
      return client.execute(HttpClientRequest.get(chatUrl(info, info.chatIds[next++ % info.chatIds.length]!), { headers })).pipe(
        Effect.flatMap((response) => response.text),
        Effect.flatMap((body) => {
          held += performance.now() - t0
          JSON.parse(body)
          return loop()
        })
      )
    })
    return Effect.map(Effect.all(Array.from({ length: workers }, () => worker), { concurrency: "unbounded", discard: true }), () => held / calls)
  })

/** The default in-memory gate, recording how long each call held its slot. */
const timedGate = (inner: ChatsLimiter.Gate, held: Array<number>): ChatsLimiter.Gate => ({
  withPermit: (key) => (effect) =>
    inner.withPermit(key)(Effect.suspend(() => {
      const t0 = performance.now()
      return Effect.ensuring(effect, Effect.sync(() => held.push(performance.now() - t0)))
    }))
})

if (import.meta.url === `file://${process.argv[1]}`) {
  await limitMain(ChatsLimiter.marketParallelLimit, async (info) => {
    const held: Array<number> = []
    const bareRuntime = ManagedRuntime.make(NodeHttpClient.layerUndici)
    const runtime = ManagedRuntime.make(
      ChatsClient.layer({ apiKey: Redacted.make(info.apiKey), baseUrl: info.simulatorUrl }).pipe(
        Layer.provide(Layer.mergeAll(
          NodeHttpClient.layerUndici,
          Layer.succeed(ChatsLimiter.ChatsGate, timedGate(ChatsLimiter.makeMemoryGate(), held))
        ))
      )
    )
    return {
      request: Undici.request,
      bound: (calls, workers) => bareRuntime.runPromise(httpClientAlone(info, calls, workers)),
      client: (calls, concurrency) =>
        runtime.runPromise(Effect.flatMap(ChatsClient.ChatsClient, (chats) =>
          Effect.forEach(
            Array.from({ length: calls }, (_, i) => info.chatIds[i % info.chatIds.length]!),
            (chatId) => chats.getChat({ businessId: info.businessId, chatId }),
            { concurrency, discard: true }
          ))).then(() => {
            const mean = held.length === 0 ? Number.NaN : held.reduce((a, b) => a + b, 0) / held.length
            held.length = 0
            return mean
          }),
      dispose: async () => {
        await runtime.dispose()
        await bareRuntime.dispose()
      }
    }
  })
}
