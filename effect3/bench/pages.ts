/**
 * Section 1: the cost of one decoded page, history (100 messages) and chats (20 chats), per client:
 * the Effect 3 edition's rows over the shared rounds of the repository's `bench/pageRounds.ts`.
 *
 *   node --import tsx bench/pages.ts [--rounds 7] [--pages 300] [--warmup 600] [--only ROW[,ROW]] [--skip-floor] [--kind history|chats]
 *
 * Every row fetches the same fixed page from the bench server (another process) N times in a
 * row, sequentially, and decodes it; the figure is the client process's CPU time (user + system,
 * `process.cpuUsage`) and wall time divided by N. The rows run interleaved, in a rotating order,
 * round after round, so each ratio to the floor is taken within one round, then the median of the
 * rounds is reported with its min and max.
 */
import { FetchHttpClient, HttpClient, HttpClientRequest, HttpClientResponse } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import Undici from "@effect/platform-node/Undici"
import { Effect, Layer, ManagedRuntime, Redacted, Schema } from "effect"
import { createRequire } from "node:module"
import { fetchRow, itemsOfJson, type Kind, pagesMain, pageUrl, type Row, undiciRow } from "../../bench/pageRounds.js"
import type { ServerInfo } from "../../bench/lib.js"
import { ChatsClient, ChatsSchema } from "../src/index.js"

export type { Kind, PagesResult, RowResult } from "../../bench/pageRounds.js"

const target = (info: ServerInfo, kind: Kind) => ({ url: pageUrl(info, kind) })

const HistoryBody = Schema.Struct({ result: ChatsSchema.ChatHistoryPage })
const ChatsBody = Schema.Struct({ result: ChatsSchema.ChatsPage })

/** The version of the undici that `NodeHttpClient.layerUndici` uses. */
const undiciVersion = (createRequire(import.meta.url)("undici/package.json") as { version: string }).version

/** Runs `n` sequential calls of `one` inside one Effect program, over a prebuilt runtime. */
const effectRow = <R, E>(
  name: string,
  label: string,
  layer: (info: ServerInfo) => Layer.Layer<R, E>,
  one: (info: ServerInfo, kind: Kind) => Effect.Effect<number, unknown, R>
): Row => ({
  name,
  label,
  setup: async (info, kind) => {
    const runtime = ManagedRuntime.make(layer(info))
    await runtime.runPromise(Effect.void)
    const page = one(info, kind)
    return {
      run: (n) =>
        runtime.runPromise(Effect.gen(function*() {
          let items = 0
          for (let i = 0; i < n; i++) items += yield* page
          return items
        })),
      close: () => runtime.dispose()
    }
  }
})

/** What a generated Effect client does: `HttpClient.execute` and `HttpClientResponse.schemaBodyJson`. */
const plainPage = (info: ServerInfo, kind: Kind): Effect.Effect<number, unknown, HttpClient.HttpClient> => {
  const { url } = target(info, kind)
  const request = HttpClientRequest.post(url).pipe(
    HttpClientRequest.setHeader("Api-Key", info.apiKey),
    HttpClientRequest.acceptJson,
    HttpClientRequest.bodyUnsafeJson({})
  )
  return Effect.flatMap(HttpClient.HttpClient, (client) =>
    Effect.flatMap(client.execute(request), (response) =>
      kind === "history"
        ? Effect.map(HttpClientResponse.schemaBodyJson(HistoryBody)(response), (body) => body.result.messages.length)
        : Effect.map(HttpClientResponse.schemaBodyJson(ChatsBody)(response), (body) => body.result.chats.length)))
}

/** The least an `@effect/platform` client does: `HttpClient.execute`, the body as text, `JSON.parse`; no Schema. */
const platformJsonPage = (info: ServerInfo, kind: Kind): Effect.Effect<number, unknown, HttpClient.HttpClient> => {
  const { url } = target(info, kind)
  const request = HttpClientRequest.post(url).pipe(
    HttpClientRequest.setHeader("Api-Key", info.apiKey),
    HttpClientRequest.acceptJson,
    HttpClientRequest.bodyUnsafeJson({})
  )
  return Effect.flatMap(HttpClient.HttpClient, (client) =>
    Effect.flatMap(client.execute(request), (response) => Effect.map(response.text, (text) => itemsOfJson(kind, JSON.parse(text)))))
}

/** This library: `getChatHistory` / `getChats`, as a user calls them. */
const libraryPage = (info: ServerInfo, kind: Kind): Effect.Effect<number, unknown, ChatsClient.ChatsClient> =>
  Effect.flatMap(ChatsClient.ChatsClient, (client) =>
    kind === "history"
      ? Effect.map(client.getChatHistory({ businessId: info.businessId, chatId: 10001, limit: 100 }), (page) => page.messages.length)
      : Effect.map(client.getChats({ businessId: info.businessId, limit: 20 }), (page) => page.chats.length))

const libraryLayer = (transport: Layer.Layer<HttpClient.HttpClient>) => (info: ServerInfo) =>
  ChatsClient.layer({ apiKey: Redacted.make(info.apiKey), baseUrl: info.fixedUrl }).pipe(Layer.provide(transport))

/** Every row, the floor first. */
export const rows: ReadonlyArray<Row> = [
  undiciRow(Undici.request, undiciVersion),
  fetchRow,
  effectRow("effect-fetch", "@effect/platform client + Schema, FetchHttpClient", () => FetchHttpClient.layer, plainPage),
  effectRow("effect-undici", "@effect/platform client + Schema, layerUndici", () => NodeHttpClient.layerUndici, plainPage),
  effectRow(
    "effect-undici-json",
    "@effect/platform client + JSON.parse, no Schema, layerUndici (bound for any Effect client)",
    () => NodeHttpClient.layerUndici,
    platformJsonPage
  ),
  effectRow("library-fetch", "this library, FetchHttpClient", libraryLayer(FetchHttpClient.layer), libraryPage),
  effectRow("library-undici", "this library, layerUndici (recommended)", libraryLayer(NodeHttpClient.layerUndici), libraryPage),
  effectRow(
    "library-undici-notrace",
    "this library, layerUndici, tracing off (`Effect.withTracerEnabled(false)`)",
    libraryLayer(NodeHttpClient.layerUndici),
    (info, kind) => Effect.withTracerEnabled(libraryPage(info, kind), false)
  )
]

if (import.meta.url === `file://${process.argv[1]}`) await pagesMain(rows)
