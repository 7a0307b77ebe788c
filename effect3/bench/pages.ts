/**
 * Section 1: the cost of one decoded page, history (100 messages) and chats (20 chats), per client.
 *
 *   node --import tsx bench/pages.ts [--rounds 7] [--pages 300] [--only ROW[,ROW]] [--skip-floor] [--kind history|chats]
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
import { ChatsClient, ChatsSchema } from "../src/index.js"
import { args, connectServer, measure, progress, report, type Sample, type ServerInfo, spread } from "./lib.js"

/** Which page a row fetches. */
export type Kind = "history" | "chats"

/** One way of fetching and decoding a page. */
interface Row {
  readonly name: string
  readonly label: string
  /** Prepares the row; the returned function fetches and decodes `n` pages and returns the items seen. */
  readonly setup: (info: ServerInfo, kind: Kind) => Promise<{ readonly run: (n: number) => Promise<number>; readonly close: () => Promise<void> }>
}

/** What the market's endpoints take: the query and the (empty) JSON filter body. */
const target = (info: ServerInfo, kind: Kind) => {
  const path = kind === "history" ? info.fixed.historyPath : info.fixed.chatsPath
  const query = kind === "history" ? "?chatId=10001&limit=100" : "?limit=20"
  return { url: `${info.fixedUrl}${path}${query}` }
}

const HistoryBody = Schema.Struct({ result: ChatsSchema.ChatHistoryPage })
const ChatsBody = Schema.Struct({ result: ChatsSchema.ChatsPage })

/** Counts the items of a parsed body, so that nothing is optimised away. */
const itemsOfJson = (kind: Kind, json: unknown): number => {
  const result = (json as { result: { messages?: Array<unknown>; chats?: Array<unknown> } }).result
  return (kind === "history" ? result.messages : result.chats)!.length
}

/**
 * The floor: `undici.request` and `JSON.parse`, with the same undici as `NodeHttpClient.layerUndici`
 * (`@effect/platform-node/Undici`) and its global dispatcher.
 */
const undiciRow: Row = {
  name: "undici",
  label: "undici.request + JSON.parse (floor)",
  setup: async (info, kind) => {
    const { url } = target(info, kind)
    const headers = { "api-key": info.apiKey, "content-type": "application/json", accept: "application/json" }
    return {
      run: async (n) => {
        let items = 0
        for (let i = 0; i < n; i++) {
          const response = await Undici.request(url, { method: "POST", headers, body: "{}" })
          if (response.statusCode !== 200) throw new Error(`HTTP ${response.statusCode}`)
          items += itemsOfJson(kind, JSON.parse(await response.body.text()))
        }
        return items
      },
      close: async () => {}
    }
  }
}

/** `fetch` and `JSON.parse`. */
const fetchRow: Row = {
  name: "fetch",
  label: "fetch + JSON.parse",
  setup: async (info, kind) => {
    const { url } = target(info, kind)
    const headers = { "api-key": info.apiKey, "content-type": "application/json", accept: "application/json" }
    return {
      run: async (n) => {
        let items = 0
        for (let i = 0; i < n; i++) {
          const response = await fetch(url, { method: "POST", headers, body: "{}" })
          if (response.status !== 200) throw new Error(`HTTP ${response.status}`)
          items += itemsOfJson(kind, JSON.parse(await response.text()))
        }
        return items
      },
      close: async () => {}
    }
  }
}

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
  undiciRow,
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

/** The figures of one row over the rounds. */
export interface RowResult {
  readonly name: string
  readonly label: string
  /** Per page, in microseconds, one entry per round. */
  readonly cpuUs: ReadonlyArray<number>
  readonly wallUs: ReadonlyArray<number>
  /** CPU per page over the floor's in the same round. */
  readonly cpuRatio: ReadonlyArray<number>
}

export interface PagesResult {
  readonly kind: Kind
  readonly pages: number
  readonly rounds: number
  readonly items: number
  readonly bytes: number
  readonly rows: ReadonlyArray<RowResult>
}

const runKind = async (info: ServerInfo, kind: Kind, selected: ReadonlyArray<Row>, rounds: number, pages: number): Promise<PagesResult> => {
  const prepared: Array<{ readonly row: Row; readonly run: (n: number) => Promise<number>; readonly close: () => Promise<void> }> = []
  for (const row of selected) prepared.push({ row, ...(await row.setup(info, kind)) })
  // warm-up: every row, twice the work of a round, not recorded
  for (const p of prepared) await p.run(pages * 2)
  const samples = prepared.map(() => [] as Array<Sample>)
  let items = 0
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < prepared.length; k++) {
      const i = (k + round) % prepared.length
      const sample = await measure(() => prepared[i]!.run(pages))
      items = sample.value / pages
      samples[i]!.push(sample)
    }
    progress(`  ${kind} round ${round + 1}/${rounds}: ` +
      prepared.map((p, i) => `${p.row.name} ${(samples[i]!.at(-1)!.cpuMs * 1000 / pages).toFixed(0)}µs`).join(", "))
  }
  for (const p of prepared) await p.close()
  const floor = samples[0]!
  return {
    kind,
    pages,
    rounds,
    items,
    bytes: kind === "history" ? info.fixed.historyBytes : info.fixed.chatsBytes,
    rows: prepared.map((p, i) => ({
      name: p.row.name,
      label: p.row.label,
      cpuUs: samples[i]!.map((s) => s.cpuMs * 1000 / pages),
      wallUs: samples[i]!.map((s) => s.wallMs * 1000 / pages),
      cpuRatio: samples[i]!.map((s, r) => s.cpuMs / floor[r]!.cpuMs)
    }))
  }
}

const main = async () => {
  const options = args()
  const rounds = Number(options.get("rounds") ?? 7)
  const pages = Number(options.get("pages") ?? 300)
  const only = options.get("only")?.split(",")
  const kinds = (options.get("kind")?.split(",") ?? ["history", "chats"]) as Array<Kind>
  // --skip-floor: for profiling one row alone (its ratios are then to itself)
  const keepFloor = options.get("skip-floor") === undefined
  const selected = only === undefined ? rows : rows.filter((r, i) => (i === 0 && keepFloor) || only.includes(r.name))
  const server = await connectServer()
  try {
    const results: Array<PagesResult> = []
    for (const kind of kinds) {
      progress(`pages: ${kind}, ${rounds} rounds of ${pages} pages per row`)
      results.push(await runKind(server.info, kind, selected, rounds, pages))
    }
    report(results)
    if (process.env["BENCH_SERVER"] === undefined) {
      for (const r of results) {
        console.log(`\n${r.kind}: ${r.items} items, ${r.bytes} bytes`)
        for (const row of r.rows) {
          const c = spread(row.cpuUs)
          const ratio = spread(row.cpuRatio)
          console.log(`  ${row.label.padEnd(52)} cpu ${c.median.toFixed(0)}µs (${c.min.toFixed(0)}–${c.max.toFixed(0)})  ×${ratio.median.toFixed(2)} (${ratio.min.toFixed(2)}–${ratio.max.toFixed(2)})  wall ${spread(row.wallUs).median.toFixed(0)}µs`)
        }
      }
    }
  } finally {
    await server.close()
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main()
