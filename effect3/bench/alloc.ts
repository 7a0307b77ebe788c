/**
 * Bytes allocated per decoded page, a figure with little noise on a shared machine (CPU time has
 * a lot): the growth of V8's new space over 100 calls, with a young generation large enough that
 * nothing is collected meanwhile. Not part of `npm run bench`; a tool for profiling.
 *
 *   node --max-semi-space-size=512 --import tsx bench/alloc.ts [--kind history|chats]
 */
import { HttpClient, HttpClientRequest } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import Undici from "@effect/platform-node/Undici"
import { Effect, Layer, ManagedRuntime, Redacted } from "effect"
import { getHeapSpaceStatistics } from "node:v8"
import { ChatsClient } from "../src/index.js"
import { args, connectServer, gc } from "./lib.js"

const kind = args().get("kind") ?? "history"
const server = await connectServer()
const { info } = server
const url = kind === "history"
  ? `${info.fixedUrl}${info.fixed.historyPath}?chatId=10001&limit=100`
  : `${info.fixedUrl}${info.fixed.chatsPath}?limit=20`
const headers = { "api-key": info.apiKey, "content-type": "application/json", accept: "application/json" }
const runtime = ManagedRuntime.make(
  Layer.merge(
    ChatsClient.layer({ apiKey: Redacted.make(info.apiKey), baseUrl: info.fixedUrl }).pipe(Layer.provide(NodeHttpClient.layerUndici)),
    NodeHttpClient.layerUndici
  )
)
const request = HttpClientRequest.post(url).pipe(HttpClientRequest.setHeaders(headers), HttpClientRequest.bodyText("{}", "application/json"))
const loop = (n: number, one: Effect.Effect<unknown, unknown, HttpClient.HttpClient | ChatsClient.ChatsClient>) =>
  runtime.runPromise(Effect.gen(function*() {
    for (let i = 0; i < n; i++) yield* one
  }))

const rows: Record<string, (n: number) => Promise<unknown>> = {
  "undici.request + JSON.parse": async (n) => {
    for (let i = 0; i < n; i++) {
      const response = await Undici.request(url, { method: "POST", headers, body: "{}" })
      JSON.parse(await response.body.text())
    }
  },
  "@effect/platform execute + text": (n) =>
    loop(n, Effect.flatMap(HttpClient.HttpClient, (client) => Effect.flatMap(client.execute(request), (r) => r.text))),
  "this library": (n) =>
    loop(
      n,
      Effect.flatMap(ChatsClient.ChatsClient, (client): Effect.Effect<unknown, unknown> =>
        kind === "history"
          ? client.getChatHistory({ businessId: info.businessId, chatId: 10001, limit: 100 })
          : client.getChats({ businessId: info.businessId, limit: 20 }))
    )
}

const newSpace = () => getHeapSpaceStatistics().find((s) => s.space_name === "new_space")!.space_used_size
for (const run of Object.values(rows)) await run(300)
for (const [name, run] of Object.entries(rows)) {
  const kb: Array<number> = []
  for (let round = 0; round < 5; round++) {
    gc()
    const before = newSpace()
    await run(100)
    const after = newSpace()
    // a round during which a scavenge ran reads low: it is dropped by taking the largest
    kb.push((after - before) / 100 / 1024)
  }
  console.log(`${name.padEnd(36)} ${Math.max(...kb).toFixed(0)} KB per ${kind} page`)
}
await runtime.dispose()
await server.close()
