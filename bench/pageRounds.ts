/**
 * The cost of one decoded page, for any set of clients (the rows): Effect-free, shared by both editions'
 * `bench/pages.ts`, which bring their own Effect rows. Every row fetches the same fixed page from the
 * bench server (another process) N times in a row, sequentially, and decodes it; the figure is the
 * client process's CPU time (user + system, `process.cpuUsage`) and wall time divided by N. The rows
 * run interleaved, in a rotating order, round after round, so that each ratio to the floor (the first
 * row) is taken within one round.
 */
import { args, type Clock, connectServer, gc, measure, progress, report, type Sample, type ServerInfo, spread } from "./lib.js"

/** Which page a row fetches: the history page (100 messages) or the chats page (20 chats). */
export type Kind = "history" | "chats"

/** What a prepared row does: fetch and decode `n` pages, returning the items seen. */
export interface Prepared {
  readonly run: (n: number) => Promise<number>
  readonly close: () => Promise<void>
}

/** One way of fetching and decoding a page. */
export interface Row {
  readonly name: string
  readonly label: string
  readonly setup: (info: ServerInfo, kind: Kind) => Promise<Prepared>
}

/** The figures of one row over the rounds. */
export interface RowResult {
  readonly name: string
  readonly label: string
  /** Per page, in microseconds, one entry per round. */
  readonly cpuUs: ReadonlyArray<number>
  readonly wallUs: ReadonlyArray<number>
  /** CPU per page over the floor's (the first row's) in the same round. */
  readonly cpuRatio: ReadonlyArray<number>
}

/** The figures of every row for one page. */
export interface PagesResult {
  readonly kind: Kind
  readonly pages: number
  readonly rounds: number
  readonly items: number
  readonly bytes: number
  readonly rows: ReadonlyArray<RowResult>
}

/** The URL of a page on the fixed-page server, with the query the market's endpoint takes. */
export const pageUrl = (info: ServerInfo, kind: Kind): string => {
  const path = kind === "history" ? info.fixed.historyPath : info.fixed.chatsPath
  const query = kind === "history" ? "?chatId=10001&limit=100" : "?limit=20"
  return `${info.fixedUrl}${path}${query}`
}

/** The headers the plain rows send. */
export const plainHeaders = (info: ServerInfo): Record<string, string> => ({
  "api-key": info.apiKey,
  "content-type": "application/json",
  accept: "application/json"
})

/** Counts the items of a parsed body, so that nothing is optimised away. */
export const itemsOfJson = (kind: Kind, json: unknown): number => {
  const result = (json as { result: { messages?: Array<unknown>; chats?: Array<unknown> } }).result
  return (kind === "history" ? result.messages : result.chats)!.length
}

/** The least a client with `undici.request` does. */
export interface UndiciRequest {
  (url: string, options: { method: "POST"; headers: Record<string, string>; body: string }): Promise<{
    readonly statusCode: number
    readonly body: { readonly text: () => Promise<string> }
  }>
}

/**
 * The floor: `undici.request` and `JSON.parse`, with the undici the edition's `NodeHttpClient.layerUndici`
 * uses (`@effect/platform-node/Undici`) and its global dispatcher.
 */
export const undiciRow = (request: UndiciRequest, version: string): Row => ({
  name: "undici",
  label: `undici.request + JSON.parse (floor; undici ${version})`,
  setup: async (info, kind) => {
    const url = pageUrl(info, kind)
    const headers = plainHeaders(info)
    return {
      run: async (n) => {
        let items = 0
        for (let i = 0; i < n; i++) {
          const response = await request(url, { method: "POST", headers, body: "{}" })
          if (response.statusCode !== 200) throw new Error(`HTTP ${response.statusCode}`)
          items += itemsOfJson(kind, JSON.parse(await response.body.text()))
        }
        return items
      },
      close: async () => {}
    }
  }
})

/** The unvalidated peer: Node's `fetch` and `JSON.parse`. */
export const fetchRow: Row = {
  name: "fetch",
  label: "fetch + JSON.parse",
  setup: async (info, kind) => {
    const url = pageUrl(info, kind)
    const headers = plainHeaders(info)
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

/**
 * Runs the rows over one page: a warm-up, then `rounds` rounds of `pages` pages per row. A round runs
 * the rows `blocks` times over, `pages / blocks` pages each time, in an order that rotates from block
 * to block and from round to round (starting `offset` further on), and adds up each row's CPU and wall time: with many small
 * blocks, every row shares the same moments of the round, so that a busy machine weighs on all rows
 * alike and the differences between rows, taken within the round, keep their sign. A full GC starts
 * each round (and, with one block, each row's run); the collections a row's allocations cause
 * during the round are counted in its time.
 */
export const runKind = async (
  info: ServerInfo,
  kind: Kind,
  selected: ReadonlyArray<Row>,
  rounds: number,
  pages: number,
  warmup: number,
  offset = 0,
  blocks = 1,
  clock: Clock = "process"
): Promise<PagesResult> => {
  const prepared: Array<{ readonly row: Row } & Prepared> = []
  for (const row of selected) prepared.push({ row, ...(await row.setup(info, kind)) })
  // warm-up: every row, not recorded
  for (const p of prepared) await p.run(warmup)
  const perBlock = Math.max(1, Math.round(pages / blocks))
  const done = perBlock * blocks
  const samples = prepared.map(() => [] as Array<Sample>)
  let items = 0
  for (let round = 0; round < rounds; round++) {
    const cpuMs = prepared.map(() => 0)
    const wallMs = prepared.map(() => 0)
    if (blocks > 1) gc()
    for (let block = 0; block < blocks; block++) {
      for (let k = 0; k < prepared.length; k++) {
        const i = (k + block + round + offset) % prepared.length
        const run = () => prepared[i]!.run(perBlock)
        const sample = await measure(run, { gcFirst: blocks === 1, clock })
        items = sample.value / perBlock
        cpuMs[i]! += sample.cpuMs
        wallMs[i]! += sample.wallMs
      }
    }
    prepared.forEach((_, i) => samples[i]!.push({ cpuMs: cpuMs[i]!, wallMs: wallMs[i]! }))
    progress(`  ${kind} round ${round + 1}/${rounds}: ` +
      prepared.map((p, i) => `${p.row.name} ${(samples[i]!.at(-1)!.cpuMs * 1000 / done).toFixed(0)}µs`).join(", "))
  }
  for (const p of prepared) await p.close()
  const floor = samples[0]!
  return {
    kind,
    pages: done,
    rounds,
    items,
    bytes: kind === "history" ? info.fixed.historyBytes : info.fixed.chatsBytes,
    rows: prepared.map((p, i) => ({
      name: p.row.name,
      label: p.row.label,
      cpuUs: samples[i]!.map((s) => s.cpuMs * 1000 / done),
      wallUs: samples[i]!.map((s) => s.wallMs * 1000 / done),
      cpuRatio: samples[i]!.map((s, r) => s.cpuMs / floor[r]!.cpuMs)
    }))
  }
}

/**
 * The command line of an edition's `bench/pages.ts`:
 *
 *   [--rounds 7] [--pages 300] [--warmup 600] [--blocks 1] [--clock process|thread] [--only ROW[,ROW]] [--skip-floor] [--kind history|chats] [--offset N]
 *
 * The first row is the floor, kept unless `--skip-floor` (for profiling one row alone). `--offset`
 * starts the rotation of the rows' order further on (the runner's round number, when each round is
 * a process of its own). `--blocks` splits each row's pages of a round into that many runs, interleaved
 * with the other rows' (see {@link runKind}). `--clock thread` reads the main thread's CPU time alone
 * (not V8's GC and compiler threads). Reports the
 * results for the runner; run on its own, it also prints them.
 */
export const pagesMain = async (rows: ReadonlyArray<Row>): Promise<void> => {
  const options = args()
  const rounds = Number(options.get("rounds") ?? 7)
  const pages = Number(options.get("pages") ?? 300)
  const warmup = Number(options.get("warmup") ?? pages * 2)
  const offset = Number(options.get("offset") ?? 0)
  const blocks = Number(options.get("blocks") ?? 1)
  const clock: Clock = options.get("clock") === "thread" ? "thread" : "process"
  const only = options.get("only")?.split(",")
  const kinds = (options.get("kind")?.split(",") ?? ["history", "chats"]) as Array<Kind>
  const keepFloor = options.get("skip-floor") === undefined
  const selected = only === undefined ? rows : rows.filter((r, i) => (i === 0 && keepFloor) || only.includes(r.name))
  const unknown = (only ?? []).filter((name) => !rows.some((r) => r.name === name))
  if (unknown.length > 0) throw new Error(`no such row: ${unknown.join(", ")} (rows: ${rows.map((r) => r.name).join(", ")})`)
  const server = await connectServer()
  try {
    const results: Array<PagesResult> = []
    for (const kind of kinds) {
      progress(`pages: ${kind}, ${rounds} rounds of ${pages} pages per row`)
      results.push(await runKind(server.info, kind, selected, rounds, pages, warmup, offset, blocks, clock))
    }
    report(results)
    if (process.env["BENCH_SERVER"] === undefined) {
      for (const r of results) {
        console.log(`\n${r.kind}: ${r.items} items, ${r.bytes} bytes`)
        for (const row of r.rows) {
          const c = spread(row.cpuUs)
          const ratio = spread(row.cpuRatio)
          console.log(`  ${row.label.padEnd(60)} cpu ${c.median.toFixed(0)}µs (${c.min.toFixed(0)}–${c.max.toFixed(0)})  ×${ratio.median.toFixed(2)} (${ratio.min.toFixed(2)}–${ratio.max.toFixed(2)})  wall ${spread(row.wallUs).median.toFixed(0)}µs`)
        }
      }
    }
  } finally {
    await server.close()
  }
}
