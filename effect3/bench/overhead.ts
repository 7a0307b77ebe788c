/**
 * The client's own cost per call without any I/O: `getChat` over an `HttpClient` that answers at
 * once from memory (through `HttpClient.make`, so `@effect/platform`'s own span and URL handling
 * are in), against that `HttpClient` alone. Not part of `npm run bench`; a tool for trying changes
 * to the call path (`src/internal/client/call.ts`) with less noise than over loopback. The row without
 * metrics shows what recording them costs.
 *
 *   node --import tsx bench/overhead.ts
 */
import { Headers, HttpClient, HttpClientRequest, HttpClientResponse } from "@effect/platform"
import { Effect, Layer, ManagedRuntime, Redacted } from "effect"
import { ChatsClient } from "../src/index.js"
import { CallMetricsEnabled } from "../src/internal/client/callMetrics.js"
import { measure, spread } from "./lib.js"

const body = JSON.stringify({
  status: "OK",
  result: {
    chatId: 42,
    context: { type: "ORDER", orderId: 5 },
    type: "CHAT",
    status: "NEW",
    createdAt: "2025-01-01T00:00:00+03:00",
    updatedAt: "2025-01-01T00:00:00+03:00"
  }
})
const headers = Headers.fromInput({
  "content-type": "application/json",
  "x-ratelimit-resource-limit": "1000",
  "x-ratelimit-resource-remaining": "900",
  "x-ratelimit-resource-until": "Sun, 01 Jun 2025 10:00:00 GMT"
})
/** An answer that is already there: status, headers, and the body as text. */
const answer = (request: HttpClientRequest.HttpClientRequest) =>
  ({
    [HttpClientResponse.TypeId]: HttpClientResponse.TypeId,
    request,
    status: 200,
    headers,
    text: Effect.succeed(body),
    json: Effect.sync(() => JSON.parse(body) as unknown)
  }) as unknown as HttpClientResponse.HttpClientResponse
const memory = HttpClient.make((request) => Effect.succeed(answer(request)))
const memoryLayer = Layer.succeed(HttpClient.HttpClient, memory)
const runtime = ManagedRuntime.make(
  Layer.merge(
    ChatsClient.layer({ apiKey: Redacted.make("key"), baseUrl: "https://api.test" }).pipe(Layer.provide(memoryLayer)),
    memoryLayer
  )
)
const request = HttpClientRequest.get("https://api.test/v2/businesses/1/chat").pipe(HttpClientRequest.setHeader("api-key", "key"))

const rows: Record<string, Effect.Effect<unknown, unknown, HttpClient.HttpClient | ChatsClient.ChatsClient>> = {
  "HttpClient.execute + text": Effect.flatMap(HttpClient.HttpClient, (client) => Effect.flatMap(client.execute(request), (r) => r.text)),
  "getChat (this library)": Effect.flatMap(ChatsClient.ChatsClient, (client) => client.getChat({ businessId: 1, chatId: 42 })),
  // the same call recording no metrics: what recording them costs is the difference
  "getChat, no metrics": Effect.flatMap(ChatsClient.ChatsClient, (client) => client.getChat({ businessId: 1, chatId: 42 })).pipe(
    Effect.provideService(CallMetricsEnabled, false)
  )
}
const loop = (n: number, one: Effect.Effect<unknown, unknown, HttpClient.HttpClient | ChatsClient.ChatsClient>) =>
  runtime.runPromise(Effect.gen(function*() {
    for (let i = 0; i < n; i++) yield* one
  }))

const names = Object.keys(rows)
const n = 20_000
for (const name of names) await loop(n, rows[name]!)
const us: Record<string, Array<number>> = {}
for (let round = 0; round < 7; round++) {
  for (let k = 0; k < names.length; k++) {
    const name = names[(k + round) % names.length]!
    const sample = await measure(() => loop(n, rows[name]!))
    ;(us[name] ??= []).push(sample.cpuMs * 1000 / n)
  }
}
for (const name of names) {
  const s = spread(us[name]!)
  console.log(`${name.padEnd(28)} ${s.median.toFixed(1)} µs per call (${s.min.toFixed(1)}–${s.max.toFixed(1)})`)
}
await runtime.dispose()
