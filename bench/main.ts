/**
 * `npm run bench` at the repository's root (`bench/run.mjs` runs this file): both editions measured side
 * by side in one run, against one bench server.
 *
 *   npm run bench [-- --quick] [-- --only pages,parts,metrics,decode,memory,throughput,redis,limit] [-- --editions 3,4]
 *                 [-- --save] [-- --json FILE] [-- --skip-check] [-- --redis-handoffs N]
 *
 * It checks first that the Effect 3 edition's fast decoding paths decode as its schemas do
 * (`effect3/bench/equivalence.ts`), starts `bench/server.ts` (the core's simulator, and fixed pages next
 * to it) in its own process, and runs each section's script in fresh client processes: each edition's
 * scripts live in its own folder (`effect3/bench`, `effect4/bench`) and run under its own tsx, so that
 * `effect` is that edition's. Sections measured for both editions alternate the editions round by round
 * (one fresh process per edition and round, which goes first alternating), and every ratio is taken
 * within one process's round against the baseline measured in that round:
 *
 * - `pages`: CPU per decoded page (history page of 100 messages, chats page of 20): the floor
 *   (`undici.request` + `JSON.parse`), the unvalidated peer (`fetch` + `JSON.parse`), each edition's
 *   bound (its HTTP client on `layerUndici` + a plain Schema decode of the page) and each edition's client;
 * - `parts` (Effect 4 edition): where its cost per call goes, part by part (`effect4/bench/parts.ts`);
 * - `metrics` (Effect 4 edition): CPU per page with the client's metrics recorded and not (`effect4/bench/parts.ts`);
 * - `memory`: memory of long streams; `limit`: throughput at the parallel limit;
 * - `redis`: processes sharing one business through the Redis gate, each edition in turn (its own
 *   workers, `effect3/bench/redis.ts` with `--edition`; `--redis-handoffs N` sets the gate's `handoffs`);
 * - `decode`, `throughput`: the Effect 3 edition only, for now.
 *
 * The output (Markdown: medians of the rounds with min and max) also goes to `.bench/latest.md` (the raw
 * figures to `.bench/latest.json`); with `--save`, to `bench/results/<date>.md` too, the file that
 * BENCHMARKS.md quotes. `--quick` runs fewer rounds (a smoke test; not figures to quote).
 */
import { execSync, spawn } from "node:child_process"
import { mkdirSync, writeFileSync } from "node:fs"
import { availableParallelism, cpus, totalmem } from "node:os"
import { join } from "node:path"
import type { DecodeResult } from "../effect3/bench/decode.js"
import { type RedisResult, redisTable } from "../effect3/bench/redis.js"
import { type Results, verdicts, verdictText } from "../effect3/bench/targets.js"
import type { ThroughputResult } from "../effect3/bench/throughput.js"
import { args, fmt, fmtSpread, hasThreadClock, runScript, type Spread, spread, startServer, stopServer, tsxArgs } from "./lib.js"
import { effect3Labels, type LimitLabels, limitHead, type LimitResult, limitRows, type LimitRun } from "./limitRounds.js"
import type { MetricsResult } from "../effect4/bench/metrics.js"
import type { Kind, PagesResult, RowResult } from "./pageRounds.js"
import type { MemoryResult } from "./streamMemory.js"

const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "")
const options = args()
const quick = options.has("quick")
const allSections = ["pages", "parts", "metrics", "decode", "memory", "throughput", "redis", "limit"]
const sections = options.get("only")?.split(",") ?? allSections
const unknownSections = sections.filter((s) => !allSections.includes(s))
if (unknownSections.length > 0) throw new Error(`no such section: ${unknownSections.join(", ")} (sections: ${allSections.join(", ")})`)

/** An edition: its number, name and folder. */
interface Edition {
  readonly id: "3" | "4"
  readonly name: string
  readonly dir: string
}

const effect3: Edition = { id: "3", name: "Effect 3", dir: join(root, "effect3") }
const effect4: Edition = { id: "4", name: "Effect 4", dir: join(root, "effect4") }
const editions = (options.get("editions") ?? "3,4").split(",").map((id) => {
  if (id === "3") return effect3
  if (id === "4") return effect4
  throw new Error(`no such edition: ${id} (3 or 4)`)
})
const has = (edition: Edition) => editions.includes(edition)

/** The editions of round `round`, the first alternating. */
const inTurn = (round: number): ReadonlyArray<Edition> => round % 2 === 0 ? editions : [...editions].reverse()

/** A section script of an edition. */
const script = (edition: Edition, name: string) => join(edition.dir, "bench", `${name}.ts`)

const lines: Array<string> = []
const print = (text = "") => {
  lines.push(text)
  console.log(text)
}

/** The commit measured (with `+ changes` when the tree differs from it), or `unknown` outside git. */
const commit = (): string => {
  try {
    const hash = execSync("git rev-parse --short HEAD", { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim()
    const dirty = execSync("git status --porcelain -- bench core effect3/src effect3/bench effect4/src effect4/bench package.json", {
      cwd: root,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"]
    }).trim()
    return dirty === "" ? hash : `${hash} + changes`
  } catch {
    return "unknown"
  }
}

/** Runs `effect3/bench/equivalence.ts`: the fast paths must decode as the schemas do before anything is measured. */
const checkEquivalence = (runs: number): Promise<void> =>
  new Promise((resolve, reject) => {
    const check = script(effect3, "equivalence")
    const child = spawn(process.execPath, [...tsxArgs(check), check, "--runs", String(runs)], {
      cwd: effect3.dir,
      stdio: ["ignore", "inherit", "inherit"]
    })
    child.on("exit", (code) => code === 0 ? resolve() : reject(new Error(`effect3/bench/equivalence exited with ${code}`)))
  })

const pageTitle = (kind: Kind, bytes: number) =>
  `${kind === "history" ? "history page, 100 messages" : "chats page, 20 chats"} (${(bytes / 1024).toFixed(1)} KB)`

/** Differences `a − b` within each round. */
const minus = (a: ReadonlyArray<number>, b: ReadonlyArray<number>): Array<number> => a.map((x, i) => x - b[i]!)
/** Ratios `a / b` within each round. */
const over = (a: ReadonlyArray<number>, b: ReadonlyArray<number>): Array<number> => a.map((x, i) => x / b[i]!)

// ---------------------------------------------------------------------------------------------------
// Section 1: CPU per decoded page, both editions

/** The rows each edition's `bench/pages.ts` runs here, and how the tables name them. */
const pageRows: Record<Edition["id"], ReadonlyArray<{ readonly name: string; readonly role: "floor" | "fetch" | "bound" | "client"; readonly label: string }>> = {
  "3": [
    { name: "undici", role: "floor", label: "" },
    { name: "fetch", role: "fetch", label: "`fetch` + `JSON.parse` (the unvalidated peer), in the Effect 3 processes" },
    { name: "effect-undici", role: "bound", label: "**bound 3**: `@effect/platform` `HttpClient` on `layerUndici` + plain Schema decode of the page" },
    { name: "library-undici", role: "client", label: "**client 3**: the Effect 3 edition's client on `layerUndici`" }
  ],
  "4": [
    { name: "undici", role: "floor", label: "" },
    { name: "fetch", role: "fetch", label: "`fetch` + `JSON.parse` (the unvalidated peer), in the Effect 4 processes" },
    { name: "bound", role: "bound", label: "**bound 4**: `effect/http` `HttpClient` on `layerUndici` + plain Schema decode of the page" },
    { name: "client", role: "client", label: "**client 4**: the Effect 4 edition's client on `layerUndici`" }
  ]
}

/** One edition's rows over the rounds, for one page. */
interface EditionPages {
  readonly edition: Edition
  /** By row name: one entry per round. */
  readonly rows: Map<string, { label: string; cpuUs: Array<number>; wallUs: Array<number>; cpuRatio: Array<number> }>
  bytes: number
}

/** One edition's figures for one page. */
interface EditionPagesResult extends PagesResult {
  readonly edition: Edition["id"]
}

const runPages = async (env: Record<string, string>): Promise<Record<string, Array<EditionPagesResult>>> => {
  const rounds = quick ? 2 : 7
  const pages = quick ? 100 : 200
  const blocks = quick ? 2 : 10
  const warmup = quick ? 100 : 200
  console.error(`section 1: CPU per decoded page (${rounds} rounds; each a fresh process per edition: a warm-up of ${warmup} pages per row, then ${pages} pages per row)`)
  const byKind = new Map<Kind, Map<Edition["id"], EditionPages>>()
  for (let round = 0; round < rounds; round++) {
    for (const edition of inTurn(round)) {
      const only = pageRows[edition.id].filter((r) => r.role !== "floor").map((r) => r.name).join(",")
      const results = await runScript<Array<PagesResult>>(
        script(edition, "pages"),
        ["--rounds", "1", "--pages", String(pages), "--blocks", String(blocks), "--warmup", String(warmup), "--only", only, "--offset", String(round)],
        { ...env, BENCH_QUIET: "1" }
      )
      for (const r of results) {
        const perEdition = byKind.get(r.kind) ?? new Map<Edition["id"], EditionPages>()
        byKind.set(r.kind, perEdition)
        const e = perEdition.get(edition.id) ?? { edition, rows: new Map(), bytes: r.bytes }
        perEdition.set(edition.id, e)
        for (const row of r.rows) {
          const kept = e.rows.get(row.name) ?? { label: row.label, cpuUs: [], wallUs: [], cpuRatio: [] }
          e.rows.set(row.name, kept)
          kept.cpuUs.push(...row.cpuUs)
          kept.wallUs.push(...row.wallUs)
          kept.cpuRatio.push(...row.cpuRatio)
        }
      }
      const h = results.find((r) => r.kind === "history")
      console.error(`  round ${round + 1}/${rounds}, ${edition.name}: history ` +
        (h?.rows.map((row) => `${row.name} ${row.cpuUs[0]!.toFixed(0)}µs`).join(", ") ?? ""))
    }
  }

  const out: Record<string, Array<EditionPagesResult>> = {}
  for (const [kind, perEdition] of byKind) {
    const bytes = [...perEdition.values()][0]!.bytes
    print()
    print(`## 1. CPU per decoded page, both editions: ${pageTitle(kind, bytes)}`)
    print()
    print(`${rounds} rounds, each a fresh process per edition (which edition goes first alternates), on Node ${process.version}: in each, a warm-up of ${warmup} pages per row, then ${pages} sequential pages per row, the rows taking turns ${pages / blocks} pages at a time in a rotating order. CPU = user + system of the client process, per page. Ratios are taken within one process's round, against the \`fetch\` and floor rows measured in that round; median (min–max) of the rounds. Each edition has its own undici (the one its \`layerUndici\` uses), so each has its own floor row.`)
    print()
    print("| row | CPU µs/page | × fetch | × floor | wall µs/page |")
    print("|---|---:|---:|---:|---:|")
    const ordered = ["floor", "fetch", "bound", "client"] as const
    const rowsOf = (e: EditionPages, role: typeof ordered[number]) => {
      const def = pageRows[e.edition.id].find((r) => r.role === role)!
      const row = e.rows.get(def.name)
      return row === undefined ? undefined : { def, row }
    }
    const lineOf = (e: EditionPages, role: typeof ordered[number]) => {
      const found = rowsOf(e, role)
      const fetchRow = rowsOf(e, "fetch")
      if (found === undefined || fetchRow === undefined) return
      const { def, row } = found
      const label = role === "floor" ? `\`undici.request\` + \`JSON.parse\` (the floor; ${row.label.match(/undici [\d.]+/)?.[0] ?? "undici"}), in the ${e.edition.name} processes` : def.label
      print(`| ${label} | ${fmtSpread(spread(row.cpuUs), 0)} | ${fmtSpread(spread(over(row.cpuUs, fetchRow.row.cpuUs)), 2, "×")} | ${fmtSpread(spread(row.cpuRatio), 2, "×")} | ${fmtSpread(spread(row.wallUs), 0)} |`)
    }
    const present = editions.map((ed) => perEdition.get(ed.id)).filter((e): e is EditionPages => e !== undefined)
    for (const role of ["floor", "fetch"] as const) for (const e of present) lineOf(e, role)
    for (const e of present) for (const role of ["bound", "client"] as const) lineOf(e, role)
    print()
    for (const e of present) {
      const bound = rowsOf(e, "bound")?.row
      const client = rowsOf(e, "client")?.row
      if (bound === undefined || client === undefined) continue
      print(`- ${e.edition.name}: the client costs ${fmtSpread(spread(minus(client.cpuUs, bound.cpuUs)), 0)} µs of CPU per page over its bound, ${fmtSpread(spread(over(client.cpuUs, bound.cpuUs)), 2, "×")} the bound (within each round).`)
    }
    const c3 = perEdition.get("3") && rowsOf(perEdition.get("3")!, "client")?.row
    const c4 = perEdition.get("4") && rowsOf(perEdition.get("4")!, "client")?.row
    if (c3 && c4) {
      print(`- Client 4 over client 3: ${fmtSpread(spread(over(c4.cpuUs, c3.cpuUs)), 2, "×")} (CPU per page, the two processes of the same round).`)
    }
    out[kind] = present.map((e) => ({
      kind,
      pages,
      rounds,
      items: kind === "history" ? 100 : 20,
      bytes,
      edition: e.edition.id,
      rows: [...e.rows].map(([name, r]): RowResult => ({ name, ...r }))
    }))
  }
  return out
}

// ---------------------------------------------------------------------------------------------------
// Section 1b: where the Effect 4 edition's cost per call goes

/** A part of the client: how it is isolated, as a difference of two rows within each round. */
const parts: ReadonlyArray<{ readonly part: string; readonly plus: string; readonly minus: string; readonly how: string }> = [
  { part: "concurrency gate (the default in-memory gate)", plus: "client", minus: "client-nogate", how: "client − client with a gate that admits everything (`Layer.succeed(ChatsLimiter.ChatsGate, …)`)" },
  { part: "quota store (the default in-memory store: reserve, record)", plus: "client", minus: "client-nostore", how: "client − client with a store that does nothing (`Layer.succeed(ChatsLimiter.ChatsQuotaStore, …)`)" },
  { part: "the client's span (`ChatsClient.<operation>`, its attributes and outcome)", plus: "client-nohttpspan", minus: "client-notrace", how: "client with the `HttpClient`'s span off (`HttpClient.TracerDisabledWhen`) − client with the tracer off (`Effect.withTracerEnabled(false)`)" },
  { part: "timeout (the exchange races its deadline: `Effect.raceFirst` with `Effect.sleep`)", plus: "bound-timeout", minus: "bound", how: "bound 4 racing the same deadline − bound 4 (no option turns the client's off)" },
  { part: "retry wrapper (the default schedule, no retry happening: `Effect.retry` is entered only after a failure)", plus: "client", minus: "client-noretry", how: "client − client with `retrySchedule: false`" },
  { part: "metrics (the client's: calls, attempts, gate wait, quota left)", plus: "client", minus: "client-nometrics", how: "client − client with its metrics not recorded (an internal switch, `effect4/bench/rows.ts`)" },
  { part: "request building + input validation", plus: "bound-build", minus: "bound", how: "bound 4 with the client's validator and its request building per call − bound 4 (request built once)" },
  { part: "status classification + the decoder (body as text, quota headers read, `decodeResult` with its hand-written pass)", plus: "bound-decoder", minus: "bound", how: "bound 4 with the client's decoder − bound 4 (`schemaBodyJson`)" }
]

/** The figures of the parts section, by page. */
interface PartsFigures {
  readonly kind: Kind
  readonly bound: Spread
  readonly client: Spread
  readonly total: Spread
  readonly parts: ReadonlyArray<Spread>
  readonly sum: Spread
  readonly rest: Spread
  readonly httpSpanInClient: Spread
  readonly httpSpanInBound: Spread
  readonly notOff: Spread
}

const runParts = async (env: Record<string, string>): Promise<Array<PagesResult>> => {
  const rounds = quick ? 3 : 13
  const pages = quick ? 100 : 300
  const blocks = quick ? 5 : 15
  const warmup = quick ? 200 : 400
  console.error(`section 1b: where the Effect 4 edition's cost per call goes (${rounds} rounds of ${pages} calls per row in ${blocks} blocks, in-memory transport)`)
  const results = await runScript<Array<PagesResult>>(
    script(effect4, "parts"),
    ["--rounds", String(rounds), "--pages", String(pages), "--blocks", String(blocks), "--warmup", String(warmup), "--clock", "thread"],
    { ...env, BENCH_QUIET: "1" }
  )
  const figures: Array<PartsFigures> = results.map((r) => {
    const cpu = (name: string) => {
      const row = r.rows.find((x) => x.name === name)
      if (row === undefined) throw new Error(`parts: no row ${name}`)
      return row.cpuUs
    }
    const total = minus(cpu("client"), cpu("bound"))
    const each = parts.map((p) => minus(cpu(p.plus), cpu(p.minus)))
    const sum = total.map((_, i) => each.reduce((s, d) => s + d[i]!, 0))
    return {
      kind: r.kind,
      bound: spread(cpu("bound")),
      client: spread(cpu("client")),
      total: spread(total),
      parts: each.map(spread),
      sum: spread(sum),
      rest: spread(minus(total, sum)),
      httpSpanInClient: spread(minus(cpu("client"), cpu("client-nohttpspan"))),
      httpSpanInBound: spread(minus(cpu("bound"), cpu("bound-notrace"))),
      notOff: spread(minus(cpu("client-bare"), cpu("bound-notrace")))
    }
  })
  const col = (f: (x: PartsFigures) => Spread, digits = 0) => figures.map((x) => fmtSpread(f(x), digits)).join(" | ")
  const share = (f: (x: PartsFigures) => Spread) => figures.map((x) => `${Math.round(100 * f(x).median / x.total.median)}%`).join(" | ")
  const kinds = figures.map((x) => x.kind === "history" ? "history page (100 messages)" : "chats page (20 chats)")
  print()
  print("## 1b. Where the Effect 4 edition's cost per call goes")
  print()
  print(`\`effect4/bench/parts.ts\`: the rows of \`effect4/bench/rows.ts\` over an in-memory transport (\`HttpClient.make\`, so \`effect/http\`'s own span and URL handling are in, answering each request on the next turn of the event loop with the bench server's fixed page, its bytes and headers, through \`HttpClientResponse.fromWeb\`), so that differences of tens of µs are not lost in the noise of loopback. One process, a warm-up of ${warmup} calls per row, then ${rounds} rounds of ${pages} sequential calls per row, each round running every row ${blocks} times over, ${pages / blocks} calls at a time, in an order that rotates (so that a busy moment of the machine weighs on every row alike). CPU is the main thread's (\`process.threadCpuUsage\`${hasThreadClock ? "" : "; not available here, so the process's"}), per call: V8's GC and compiler threads, whose share changes from round to round on a busy machine, are left out, so these figures are below the process CPU of section 1. Each part is a difference of two rows within each round (the client with one part turned off through its public options and layers, or bound 4 with one part of the client added to it); median (min–max) of the rounds. Differences of rows this close are noisy: a negative min means the part is within the noise in some rounds.`)
  print()
  print(`| | how it is isolated | ${kinds.join(" | ")} | ${kinds.map((k) => `share of the total, ${k.split(" ")[0]}`).join(" | ")} |`)
  print(`|---|---|${kinds.map(() => "---:|").join("")}${kinds.map(() => "---:|").join("")}`)
  print(`| bound 4 (in memory) | \`HttpClient.execute\` + \`schemaBodyJson\` | ${col((x) => x.bound)} | ${kinds.map(() => "").join(" | ")} |`)
  print(`| the client (in memory) | \`getChatHistory\` / \`getChats\` | ${col((x) => x.client)} | ${kinds.map(() => "").join(" | ")} |`)
  print(`| **the library's own work, in all** | client − bound 4 | ${col((x) => x.total)} | ${figures.map(() => "100%").join(" | ")} |`)
  parts.forEach((p, i) => print(`| ${p.part} | ${p.how} | ${col((x) => x.parts[i]!)} | ${share((x) => x.parts[i]!)} |`))
  print(`| sum of the parts above | | ${col((x) => x.sum)} | ${share((x) => x.sum)} |`)
  print(`| not isolated: the rest | the total − the sum (each call's settings: redaction, no propagation, no redirects; the outcome noted on the span; the attempt's \`Result\` and the quota-wait catch; the gate and store glue) | ${col((x) => x.rest)} | ${share((x) => x.rest)} |`)
  print()
  print("Checks, not parts of the total:")
  print()
  print(`| | how | ${kinds.join(" | ")} |`)
  print(`|---|---|${kinds.map(() => "---:|").join("")}`)
  print(`| the \`HttpClient\`'s own span, in the client | client − client with \`HttpClient.TracerDisabledWhen\` | ${col((x) => x.httpSpanInClient)} |`)
  print(`| the \`HttpClient\`'s own span, in bound 4 | bound 4 − bound 4 with the tracer off | ${col((x) => x.httpSpanInBound)} |`)
  print(`| what no option turns off | client with no retry, open gate, empty store, tracer off − bound 4 with the tracer off (compare: timeout + building + decoder + the rest) | ${col((x) => x.notOff)} |`)
  return results
}

// ---------------------------------------------------------------------------------------------------
// Section 1c: what the Effect 4 edition's metrics cost per page

const runMetrics = async (env: Record<string, string>): Promise<Array<PagesResult>> => {
  const rounds = quick ? 5 : 15
  const pages = quick ? 200 : 400
  const blocks = quick ? 10 : 20
  const warmup = quick ? 300 : 600
  console.error(`section 1c: the Effect 4 edition's metrics on and off (${rounds} rounds of ${pages} calls per row in ${blocks} blocks, in-memory transport)`)
  const results = await runScript<Array<PagesResult>>(
    script(effect4, "parts"),
    ["--rounds", String(rounds), "--pages", String(pages), "--blocks", String(blocks), "--warmup", String(warmup), "--clock", "thread", "--only", "client,client-nometrics"],
    { ...env, BENCH_QUIET: "1" }
  )
  print()
  print("## 1c. What the Effect 4 edition's metrics cost per page")
  print()
  print(`\`effect4/bench/parts.ts\` (the in-memory transport of section 1b, so that a difference of a few µs is not lost in the noise of loopback): the client as users run it (its metrics recorded into the default \`MetricRegistry\`, no business id named) against the same client with its metrics not recorded (an internal switch no user has), with bound 4 beside them. One process, a warm-up of ${warmup} calls per row, then ${rounds} rounds of ${pages} sequential calls per row, ${pages / blocks} at a time in a rotating order. CPU is the main thread's${hasThreadClock ? "" : " (here the process's)"}, per page; the difference is taken within each round; median (min–max) of the rounds. The share is of the client's page in memory: over a socket the page costs more, and the metrics' share is smaller.`)
  print()
  print("| page | bound 4 µs | client, metrics recorded µs | client, metrics not recorded µs | metrics µs/page | share of the client's page |")
  print("|---|---:|---:|---:|---:|---:|")
  for (const r of results) {
    const cpu = (name: string) => r.rows.find((row) => row.name === name)!.cpuUs
    const [bound, on, off] = [cpu("bound"), cpu("client"), cpu("client-nometrics")]
    const cost = minus(on, off)
    print(`| ${pageTitle(r.kind, r.bytes)} | ${fmtSpread(spread(bound), 0)} | ${fmtSpread(spread(on), 0)} | ${fmtSpread(spread(off), 0)} | ${fmtSpread(spread(cost), 1)} | ${fmtSpread(spread(over(cost, on).map((x) => 100 * x)), 1, "%")} |`)
  }
  const alone = await runScript<MetricsResult>(script(effect4, "metrics"), ["--rounds", quick ? "3" : "7", "--calls", quick ? "50000" : "200000"], { ...env, BENCH_QUIET: "1" })
  const perCall = spread(alone.usPerCall)
  const pageOf = (kind: Kind) => spread(results.find((r) => r.kind === kind)?.rows.find((row) => row.name === "client")?.cpuUs ?? [Number.NaN]).median
  print()
  print(`The recording alone (\`effect4/bench/metrics.ts\`: the steps a successful call records, ${alone.calls.toLocaleString("en")} times in a row, no I/O; median (min–max) of ${alone.usPerCall.length} rounds): ${fmtSpread(perCall, 2)} µs per call, ${fmt(100 * perCall.median / pageOf("history"), 2)}% of the client's history page and ${fmt(100 * perCall.median / pageOf("chats"), 2)}% of its chats page above. A difference of rows smaller than their noise (the min–max above) is that noise, not the metrics.`)
  return results
}

// ---------------------------------------------------------------------------------------------------
// Section 2: memory of long streams, both editions

/** The V8 flag of the memory runs with a small young generation. */
const semiSpace = "--max-semi-space-size=8"

const runMemory = async (env: Record<string, string>): Promise<Record<string, Record<string, Array<MemoryResult>>>> => {
  const runs = quick ? 1 : 3
  const lengths = [10_000, 100_000]
  console.error(`section 2: memory of a long stream (${runs} runs per length and edition, one process each)`)
  const memory: Record<string, Record<string, Array<MemoryResult>>> = {}
  for (let run = 0; run < runs; run++) {
    for (const n of lengths) {
      for (const edition of inTurn(run)) {
        const result = await runScript<MemoryResult>(script(edition, "memory"), ["--messages", String(n)], env)
        ;((memory[edition.id] ??= {})[String(n)] ??= []).push(result)
        console.error(`  ${edition.name}, ${n} messages, run ${run + 1}/${runs}: peak heap +${fmt(result.peakHeapGrowthMB)} MB, retained +${fmt(result.retainedHeapGrowthMB)} MB, ${fmt(result.wallMs / 1000)} s`)
      }
    }
  }
  // the peak is what V8's young generation holds between two scavenges: one run each with a smaller one
  const smallYoung: Record<string, MemoryResult> = {}
  for (const edition of editions) {
    smallYoung[edition.id] = await runScript<MemoryResult>(script(edition, "memory"), ["--messages", "10000"], env, [semiSpace])
  }
  print()
  print("## 2. Memory of a long stream, both editions")
  print()
  print(`\`streamChatHistory\` (pages of 100, layerUndici, the simulator serving), consumed one message at a time (\`Stream.runForEach\`); ${runs} runs per length and edition, each in a fresh process after a warm-up (the editions alternating); median (min–max). Peak: \`heapUsed\` read after every page, over the baseline taken after a full GC. Retained: \`heapUsed\` after a full GC every 10,000 messages. Time without those GCs.`)
  print()
  print("| edition | messages | peak heap growth MB | retained heap growth MB | peak RSS growth MB | time s | client CPU µs/message |")
  print("|---|---:|---:|---:|---:|---:|---:|")
  for (const edition of editions) {
    for (const n of lengths) {
      const rs = memory[edition.id]?.[String(n)]
      if (rs === undefined) continue
      print(`| ${edition.name} | ${n.toLocaleString("en")} | ${fmtSpread(spread(rs.map((r) => r.peakHeapGrowthMB)), 1)} | ${fmtSpread(spread(rs.map((r) => r.retainedHeapGrowthMB)), 2)} | ${fmtSpread(spread(rs.map((r) => r.peakRssGrowthMB)), 1)} | ${fmtSpread(spread(rs.map((r) => r.wallMs / 1000)), 2)} | ${fmtSpread(spread(rs.map((r) => r.cpuMs * 1000 / r.messages)), 1)} |`)
    }
  }
  for (const edition of editions) {
    const r = smallYoung[edition.id]!
    print(`| ${edition.name}, \`node ${semiSpace}\` (1 run) | 10,000 | ${fmt(r.peakHeapGrowthMB, 1)} | ${fmt(r.retainedHeapGrowthMB, 2)} | ${fmt(r.peakRssGrowthMB, 1)} | ${fmt(r.wallMs / 1000, 2)} | ${fmt(r.cpuMs * 1000 / r.messages, 1)} |`)
  }
  print()
  print(`The peak is what V8's young generation lets pile up between two scavenges, whatever the length; the last rows are one run each with V8's semi-space held to 8 MB (\`${semiSpace}\`).`)
  return memory
}

// ---------------------------------------------------------------------------------------------------
// Section 6: throughput at the parallel limit, both editions

const limitLabels: Record<Edition["id"], LimitLabels> = {
  "3": { bound: `Effect 3 ${effect3Labels.bound.replace(/^bound/, "bound 3")}`, client: "Effect 3: the client" },
  "4": { bound: "Effect 4 bound 4: `effect/http`'s `HttpClient` on `layerUndici` alone (`execute`, `text`, `JSON.parse`; no library code)", client: "Effect 4: the client" }
}

const runLimit = async (env: Record<string, string>): Promise<Record<string, LimitResult>> => {
  const rounds = quick ? 1 : 4
  console.error(`section 6: one process at the parallel limit (${rounds} rounds; each a fresh process per edition)`)
  const byEdition: Record<string, Array<LimitResult>> = {}
  for (let round = 0; round < rounds; round++) {
    for (const edition of inTurn(round)) {
      const r = await runScript<LimitResult>(script(edition, "limit"), ["--rounds", "1", "--offset", String(round)], { ...env, BENCH_QUIET: "1" })
      ;(byEdition[edition.id] ??= []).push(r)
      console.error(`  round ${round + 1}/${rounds}, ${edition.name}: share ${(100 * r.share[0]!).toFixed(1)}%, bound ${(100 * (r.platformShare?.[0] ?? Number.NaN)).toFixed(1)}%`)
    }
  }
  const merged: Record<string, LimitResult> = {}
  for (const [id, rs] of Object.entries(byEdition)) {
    const first = rs[0]!
    const all = (f: (r: LimitResult) => ReadonlyArray<LimitRun> | ReadonlyArray<number> | undefined) => rs.flatMap((r) => [...(f(r) ?? [])])
    merged[id] = {
      ...first,
      undici: all((r) => r.undici) as Array<LimitRun>,
      platform: all((r) => r.platform) as Array<LimitRun>,
      client: all((r) => r.client) as Array<LimitRun>,
      share: all((r) => r.share) as Array<number>,
      platformShare: all((r) => r.platformShare) as Array<number>
    }
  }
  const any = Object.values(merged)[0]
  if (any === undefined) return merged
  print()
  print("## 6. One process at the parallel limit, both editions")
  print()
  for (const line of limitHead(any, `${rounds} rounds, each a fresh process per edition (which edition goes first alternates; within a process, which row runs first alternates too)`)) print(line)
  for (const edition of editions) {
    const r = merged[edition.id]
    if (r !== undefined) for (const line of limitRows(r, limitLabels[edition.id])) print(line.replace("| raw `undici.request`", `| ${edition.name}: raw \`undici.request\``))
  }
  return merged
}

// ---------------------------------------------------------------------------------------------------
// The Effect 3 edition's own sections

const runDecode = async (env: Record<string, string>): Promise<Array<DecodeResult>> => {
  const rounds = quick ? 3 : 7
  console.error(`section 4: decoding alone, Effect 3 (${rounds} rounds)`)
  const decodeResults = await runScript<Array<DecodeResult>>(script(effect3, "decode"), ["--rounds", String(rounds), "--millis", quick ? "100" : "250"], env)
  print()
  print("## 4. Decoding alone (no I/O), Effect 3 edition only")
  print()
  print("CPU µs per item (message or chat) for the fixed pages' bodies, from text; median (min–max) of the rounds. (The Effect 4 edition's decoder is measured against a plain Schema decode in section 1b.)")
  print()
  print("| page | decoder | µs/item | × JSON.parse |")
  print("|---|---|---:|---:|")
  for (const r of decodeResults) {
    for (const row of r.rows) {
      print(`| ${r.kind} (${r.items} ${r.kind === "history" ? "messages" : "chats"}) | ${row.label} | ${fmtSpread(spread(row.usPerItem), 2)} | ${fmtSpread(spread(row.ratio), 1, "×")} |`)
    }
  }
  return decodeResults
}

const runThroughput = async (env: Record<string, string>): Promise<ThroughputResult> => {
  const rounds = quick ? 1 : 3
  console.error(`section 3: throughput under the parallel limit, Effect 3 (${rounds} rounds)`)
  const t = await runScript<ThroughputResult>(script(effect3, "throughput"), ["--rounds", String(rounds)], env)
  const all420 = [...t.sequential, ...t.concurrent].reduce((n, r) => n + r.status420, 0)
  print()
  print("## 3. Throughput under the parallel limit, Effect 3 edition only")
  print()
  print(`Full histories of ${t.chats} chats (${t.concurrent[0]?.requests ?? "?"} requests, ${t.concurrent[0]?.messages ?? "?"} messages), simulator latency ${t.latencyMillis} ms per request, layerUndici; ${rounds} rounds, median (min–max). 420s counted by the simulator.`)
  print()
  print("| run | wall s | client CPU ms | 420 answers | most in flight |")
  print("|---|---:|---:|---:|---:|")
  print(`| sequential | ${fmtSpread(spread(t.sequential.map((r) => r.wallMs / 1000)), 2)} | ${fmtSpread(spread(t.sequential.map((r) => r.cpuMs)), 0)} | ${t.sequential.reduce((n, r) => n + r.status420, 0)} | ${Math.max(...t.sequential.map((r) => r.maxInFlight))} |`)
  print(`| \`concurrency: ${t.concurrency}\` | ${fmtSpread(spread(t.concurrent.map((r) => r.wallMs / 1000)), 2)} | ${fmtSpread(spread(t.concurrent.map((r) => r.cpuMs)), 0)} | ${t.concurrent.reduce((n, r) => n + r.status420, 0)} | ${Math.max(...t.concurrent.map((r) => r.maxInFlight))} |`)
  print(`| **speed-up** | **${fmtSpread(spread(t.speedup), 2, "×")}** | | ${all420} in all | |`)
  return t
}

const runRedis = async (edition: Edition, env: Record<string, string>): Promise<RedisResult> => {
  const rounds = quick ? 1 : 3
  const handoffs = options.get("redis-handoffs")
  console.error(`section 5: several processes, one business, through Redis, ${edition.name} (${rounds} rounds)`)
  const r = await runScript<RedisResult>(
    script(effect3, "redis"),
    ["--rounds", String(rounds), "--edition", edition.id, ...(handoffs === undefined ? [] : ["--handoffs", handoffs])],
    env
  )
  const title = `## 5. Several processes, one business (Redis gate), ${edition.name} edition${handoffs === undefined ? "" : ` (handoffs ${handoffs})`}`
  for (const line of redisTable(r)) print(line.replace("## 5. Several processes, one business (Redis gate)", title))
  return r
}

// ---------------------------------------------------------------------------------------------------

const started = Date.now()
const runEffect3 = has(effect3)
if (runEffect3 && !options.has("skip-check")) {
  console.error("checking that the Effect 3 edition's fast decoding paths decode as its schemas do")
  await checkEquivalence(quick ? 200 : 1000)
}
const server = await startServer(script(editions[0]!, "pages"))
const env = { BENCH_SERVER: JSON.stringify(server.info) }
const raw: Record<string, unknown> = {}
const results: Record<Edition["id"], { -readonly [K in keyof Results]: Results[K] }> = { "3": {}, "4": {} }

try {
  print(`# npm run bench — ${new Date().toISOString()}`)
  print()
  print(`commit ${commit()}${quick ? ", --quick" : ""}; editions: ${editions.map((e) => e.name).join(", ")}; node ${process.version}, ${availableParallelism()} CPUs (${cpus()[0]?.model ?? "?"}), ${(totalmem() / 2 ** 30).toFixed(1)} GB`)
  print()
  print("```")
  print(`$ nproc\n${availableParallelism()}`)
  try {
    print(`$ lscpu | head\n${execSync("lscpu | head", { encoding: "utf8" }).trimEnd()}`)
  } catch {
    print("(lscpu not available)")
  }
  print(`$ node --version\n${process.version}`)
  try {
    print(`$ uptime\n${execSync("uptime", { encoding: "utf8" }).trimEnd()}`)
  } catch {
    // no uptime
  }
  print("```")
  print()
  print("Sections measured for both editions: 1 (CPU per decoded page), 2 (memory of long streams), 5 (Redis), 6 (throughput at the parallel limit); 1b (where the cost per call goes) is the Effect 4 edition's; 3 (throughput) and 4 (decoding alone) are measured for the Effect 3 edition only, for now.")

  if (sections.includes("pages")) {
    const pages = await runPages(env)
    raw["pages"] = pages
    for (const edition of editions) {
      const forEdition = Object.values(pages).flatMap((ps) => ps.filter((p) => p.edition === edition.id))
      // the targets name the client's row `library-undici`
      results[edition.id].pages = forEdition.map((p) => ({ ...p, rows: p.rows.map((r) => r.name === "client" ? { ...r, name: "library-undici" } : r) }))
    }
  }
  if (sections.includes("parts") && has(effect4)) raw["parts"] = await runParts(env)
  if (sections.includes("metrics") && has(effect4)) raw["metrics"] = await runMetrics(env)
  if (sections.includes("decode") && runEffect3) raw["decode"] = results["3"].decode = await runDecode(env)
  if (sections.includes("memory")) {
    const memory = await runMemory(env)
    raw["memory"] = memory
    for (const edition of editions) {
      const m = memory[edition.id]
      if (m !== undefined) results[edition.id].memory = m
    }
  }
  if (sections.includes("throughput") && runEffect3) raw["throughput"] = results["3"].throughput = await runThroughput(env)
  if (sections.includes("redis")) {
    const redis: Record<string, RedisResult> = {}
    for (const edition of editions) redis[edition.id] = results[edition.id].redis = await runRedis(edition, env)
    raw["redis"] = redis
  }
  if (sections.includes("limit")) {
    const limit = await runLimit(env)
    raw["limit"] = limit
    for (const edition of editions) {
      const l = limit[edition.id]
      if (l !== undefined) results[edition.id].limit = l
    }
  }

  print()
  print(`## Summary: the targets${quick ? " (a quick run: verdicts only, not figures to quote)" : ""}`)
  print()
  print("The targets of `effect3/bench/targets.ts`, for each edition (a section not measured for an edition is \"not measured\").")
  print()
  const byEdition = editions.map((e) => ({ edition: e, verdicts: verdicts(results[e.id]) }))
  print(`| | target | ${byEdition.map((x) => `${x.edition.name} | verdict`).join(" | ")} |`)
  print(`|---|---|${byEdition.map(() => "---|---|").join("")}`)
  byEdition[0]!.verdicts.forEach((v, i) => {
    print(`| ${v.what.replace("this library", "the client")} | ${v.target} | ${byEdition.map((x) => `${x.verdicts[i]!.result} | ${verdictText(x.verdicts[i]!)}`).join(" | ")} |`)
  })
  print()
  print(`(whole run: ${((Date.now() - started) / 1000).toFixed(0)} s)`)
} finally {
  await stopServer(server.child)
}

const json = options.get("json")
mkdirSync(join(root, ".bench"), { recursive: true })
writeFileSync(json ?? join(root, ".bench", "latest.json"), JSON.stringify({ date: new Date().toISOString(), node: process.version, results: raw }, null, 2))
writeFileSync(join(root, ".bench", "latest.md"), lines.join("\n") + "\n")
if (options.has("save")) {
  const file = join(root, "bench", "results", `${new Date().toISOString().slice(0, 10)}${quick ? "-quick" : ""}.md`)
  mkdirSync(join(root, "bench", "results"), { recursive: true })
  writeFileSync(file, lines.join("\n") + "\n")
  console.error(`saved to ${file}`)
}
