/**
 * `npm run bench`: every benchmark of the client, with the server in its own process.
 *
 *   npm run bench [-- --quick] [-- --only pages,decode,memory,throughput,redis,limit] [-- --json FILE] [-- --skip-check] [-- --save]
 *
 * Checks first that the client's fast decoding paths decode as the schemas do (`bench/equivalence.ts`).
 * Then starts `bench/server.ts` (the simulator, and fixed pages next to it) in one process, runs each
 * section in a fresh client process (`bench/pages.ts`, `bench/decode.ts`, `bench/memory.ts` once
 * per run, `bench/throughput.ts`, `bench/limit.ts`, `bench/redis.ts`), and prints the figures as Markdown tables: median of the rounds,
 * with min and max, and last the summary: each target of `bench/targets.ts` with its verdict (met or
 * not met). `--quick` runs fewer rounds (for a smoke test; not for figures). The output also goes to
 * `.bench/latest.md` (and the raw figures to `.bench/latest.json`); with `--save`, to
 * `bench/results/<date>.md` too, the file that BENCHMARKS.md quotes. The full run takes about two
 * minutes on 2 cores.
 */
import { execSync, spawn } from "node:child_process"
import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { availableParallelism, cpus, totalmem } from "node:os"
import type { DecodeResult } from "./decode.js"
import { type LimitResult, limitTable } from "./limit.js"
import { args, fmt, fmtSpread, runScript, spread, startServer, stopServer } from "./lib.js"
import type { MemoryResult } from "./memory.js"
import type { PagesResult } from "./pages.js"
import { type RedisResult, redisTable } from "./redis.js"
import { type Results, verdicts, verdictText } from "./targets.js"
import type { ThroughputResult } from "./throughput.js"

const options = args()
const quick = options.has("quick")
const sections = options.get("only")?.split(",") ?? ["pages", "decode", "memory", "throughput", "redis", "limit"]
const here = new URL(".", import.meta.url).pathname
const ext = import.meta.url.endsWith(".ts") ? ".ts" : ".js"

/** Runs a section script in a fresh process and returns its result line. */
const section = <A>(script: string, scriptArgs: ReadonlyArray<string>, env: Record<string, string>, execArgs: ReadonlyArray<string> = []): Promise<A> =>
  runScript<A>(`${here}${script}${ext}`, scriptArgs, env, execArgs)

const lines: Array<string> = []
const print = (text = "") => {
  lines.push(text)
  console.log(text)
}

/** Runs `bench/equivalence.ts`: the fast paths must decode as the schemas do before anything is measured. */
const checkEquivalence = (runs: number): Promise<void> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", `${here}equivalence${ext}`, "--runs", String(runs)], {
      stdio: ["ignore", "inherit", "inherit"]
    })
    child.on("exit", (code) => code === 0 ? resolve() : reject(new Error(`bench/equivalence exited with ${code}`)))
  })

/** The commit measured (with `+ changes` when the tree differs from it), or `unknown` outside git. */
const commit = (): string => {
  try {
    const hash = execSync("git rev-parse --short HEAD", { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim()
    const dirty = execSync("git status --porcelain -- src bench package.json", { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim()
    return dirty === "" ? hash : `${hash} + changes`
  } catch {
    return "unknown"
  }
}

const started = Date.now()
// --skip-check: to measure an older version of the client, which has no fast paths
if (!options.has("skip-check")) await checkEquivalence(quick ? 200 : 1000)
const server = await startServer()
const env = { BENCH_SERVER: JSON.stringify(server.info) }
const results: { -readonly [K in keyof Results]: Results[K] } = {}

try {
  print(`# npm run bench — ${new Date().toISOString()}`)
  print()
  print(`commit ${commit()}${quick ? ", --quick" : ""}; node ${process.version}, ${availableParallelism()} CPUs (${cpus()[0]?.model ?? "?"}), ${(totalmem() / 2 ** 30).toFixed(1)} GB`)
  print()
  print("```")
  print(`$ nproc\n${availableParallelism()}`)
  try {
    print(`$ lscpu | head\n${execSync("lscpu | head", { encoding: "utf8" }).trimEnd()}`)
  } catch {
    print("(lscpu not available)")
  }
  print(`$ node --version\n${process.version}`)
  print("```")

  if (sections.includes("pages")) {
    const rounds = quick ? 3 : 11
    const pages = quick ? 100 : 300
    console.error(`section 1: cost per decoded page (${rounds} rounds of ${pages} pages per row)`)
    const pagesResults = await section<Array<PagesResult>>("pages", ["--rounds", String(rounds), "--pages", String(pages)], env)
    results.pages = pagesResults
    for (const r of pagesResults) {
      print()
      print(`## 1. Cost per decoded page: ${r.kind === "history" ? `history page, ${r.items} messages` : `chats page, ${r.items} chats`} (${(r.bytes / 1024).toFixed(1)} KB)`)
      print()
      print(`${r.rounds} rounds of ${r.pages} sequential pages per row, rows interleaved; median (min–max) of the rounds. CPU = user + system of the client process.`)
      print()
      print("| client | CPU µs/page | × floor (CPU, same round) | wall µs/page |")
      print("|---|---:|---:|---:|")
      for (const row of r.rows) {
        print(`| ${row.label} | ${fmtSpread(spread(row.cpuUs), 0)} | ${fmtSpread(spread(row.cpuRatio), 2, "×")} | ${fmtSpread(spread(row.wallUs), 0)} |`)
      }
      const over = (name: string, base: string) => {
        const a = r.rows.find((row) => row.name === name)
        const b = r.rows.find((row) => row.name === base)
        return a === undefined || b === undefined ? undefined : spread(a.cpuUs.map((us, i) => us - b.cpuUs[i]!))
      }
      const callPath = over("library-undici", "effect-undici-json")
      const tracing = over("library-undici", "library-undici-notrace")
      if (callPath !== undefined && tracing !== undefined) {
        print()
        print(`The library on layerUndici costs ${fmtSpread(callPath, 0)} µs of CPU per page over the bound of any Effect client, of which tracing ${fmtSpread(tracing, 0)} µs (differences within each round; median, min–max).`)
      }
    }
  }

  if (sections.includes("decode")) {
    const rounds = quick ? 3 : 9
    console.error(`section 4: decoding alone (${rounds} rounds)`)
    const decodeResults = await section<Array<DecodeResult>>("decode", ["--rounds", String(rounds), "--millis", quick ? "100" : "300"], env)
    results.decode = decodeResults
    print()
    print("## 4. Decoding alone (no I/O)")
    print()
    print("CPU µs per item (message or chat) for the fixed pages' bodies, from text; median (min–max) of the rounds.")
    print()
    print("| page | decoder | µs/item | × JSON.parse |")
    print("|---|---|---:|---:|")
    for (const r of decodeResults) {
      for (const row of r.rows) {
        print(`| ${r.kind} (${r.items} ${r.kind === "history" ? "messages" : "chats"}) | ${row.label} | ${fmtSpread(spread(row.usPerItem), 2)} | ${fmtSpread(spread(row.ratio), 1, "×")} |`)
      }
    }
  }

  if (sections.includes("memory")) {
    const runs = quick ? 1 : 5
    const lengths = [10_000, 100_000]
    console.error(`section 2: memory of a long stream (${runs} runs per length, one process each)`)
    const memory: Record<string, Array<MemoryResult>> = {}
    for (let run = 0; run < runs; run++) {
      for (const n of lengths) {
        const result = await section<MemoryResult>("memory", ["--messages", String(n)], env)
        ;(memory[String(n)] ??= []).push(result)
        console.error(`  ${n} messages, run ${run + 1}/${runs}: peak heap +${fmt(result.peakHeapGrowthMB)} MB, retained +${fmt(result.retainedHeapGrowthMB)} MB, RSS +${fmt(result.peakRssGrowthMB)} MB, ${fmt(result.wallMs / 1000)} s`)
      }
    }
    results.memory = memory
    print()
    print("## 2. Memory of a long stream")
    print()
    print(`\`streamChatHistory\` (pages of 100, layerUndici, the simulator serving), consumed one message at a time (\`Stream.runForEach\`); ${runs} runs per length, each in a fresh process after a warm-up; median (min–max). Peak: \`heapUsed\` read after every page, over the baseline taken after a full GC. Retained: \`heapUsed\` after a full GC every 10,000 messages. Time without those GCs.`)
    print()
    print("| messages | peak heap growth MB | retained heap growth MB | peak RSS growth MB | time s | client CPU µs/message |")
    print("|---:|---:|---:|---:|---:|---:|")
    for (const n of lengths) {
      const rs = memory[String(n)]!
      print(`| ${n.toLocaleString("en")} | ${fmtSpread(spread(rs.map((r) => r.peakHeapGrowthMB)), 1)} | ${fmtSpread(spread(rs.map((r) => r.retainedHeapGrowthMB)), 2)} | ${fmtSpread(spread(rs.map((r) => r.peakRssGrowthMB)), 1)} | ${fmtSpread(spread(rs.map((r) => r.wallMs / 1000)), 2)} | ${fmtSpread(spread(rs.map((r) => r.cpuMs * 1000 / r.messages)), 1)} |`)
    }
  }

  if (sections.includes("throughput")) {
    const rounds = quick ? 1 : 5
    console.error(`section 3: throughput under the parallel limit (${rounds} rounds)`)
    const t = await section<ThroughputResult>("throughput", ["--rounds", String(rounds)], env)
    results.throughput = t
    const all420 = [...t.sequential, ...t.concurrent].reduce((n, r) => n + r.status420, 0)
    print()
    print("## 3. Throughput under the parallel limit")
    print()
    print(`Full histories of ${t.chats} chats (${t.concurrent[0]?.requests ?? "?"} requests, ${t.concurrent[0]?.messages ?? "?"} messages), simulator latency ${t.latencyMillis} ms per request, layerUndici; ${rounds} rounds, median (min–max). 420s counted by the simulator.`)
    print()
    print("| run | wall s | client CPU ms | 420 answers | most in flight |")
    print("|---|---:|---:|---:|---:|")
    print(`| sequential | ${fmtSpread(spread(t.sequential.map((r) => r.wallMs / 1000)), 2)} | ${fmtSpread(spread(t.sequential.map((r) => r.cpuMs)), 0)} | ${t.sequential.reduce((n, r) => n + r.status420, 0)} | ${Math.max(...t.sequential.map((r) => r.maxInFlight))} |`)
    print(`| \`concurrency: ${t.concurrency}\` | ${fmtSpread(spread(t.concurrent.map((r) => r.wallMs / 1000)), 2)} | ${fmtSpread(spread(t.concurrent.map((r) => r.cpuMs)), 0)} | ${t.concurrent.reduce((n, r) => n + r.status420, 0)} | ${Math.max(...t.concurrent.map((r) => r.maxInFlight))} |`)
    print(`| **speed-up** | **${fmtSpread(spread(t.speedup), 2, "×")}** | | ${all420} in all | |`)
  }

  if (sections.includes("redis")) {
    const rounds = quick ? 1 : 5
    console.error(`section 5: several processes, one business, through Redis (${rounds} rounds)`)
    const r = await section<RedisResult>("redis", ["--rounds", String(rounds)], env)
    results["redis"] = r
    for (const line of redisTable(r)) print(line)
  }

  if (sections.includes("limit")) {
    const rounds = quick ? 1 : 7
    console.error(`section 6: one process at the parallel limit (${rounds} rounds)`)
    const r = await section<LimitResult>("limit", ["--rounds", String(rounds)], env)
    results.limit = r
    for (const line of limitTable(r)) print(line)
  }

  print()
  print(`## Summary: the targets${quick ? " (a quick run: verdicts only, not figures to quote)" : ""}`)
  print()
  print("| | target | result | verdict |")
  print("|---|---|---|---|")
  for (const v of verdicts(results)) print(`| ${v.what} | ${v.target} | ${v.result} | ${verdictText(v)} |`)
  print()
  print(`(whole run: ${((Date.now() - started) / 1000).toFixed(0)} s)`)
} finally {
  await stopServer(server.child)
}

const json = options.get("json")
mkdirSync(".bench", { recursive: true })
writeFileSync(json ?? ".bench/latest.json", JSON.stringify({ date: new Date().toISOString(), node: process.version, results }, null, 2))
writeFileSync(".bench/latest.md", lines.join("\n") + "\n")
if (options.has("save")) {
  const file = join("bench", "results", `${new Date().toISOString().slice(0, 10)}${quick ? "-quick" : ""}.md`)
  mkdirSync(join("bench", "results"), { recursive: true })
  writeFileSync(file, lines.join("\n") + "\n")
  console.error(`saved to ${file}`)
}
