/**
 * Section "redis": processes sharing one business through the Redis gate, against the same calls
 * with in-process gates. A redis-server from PATH is started for the run (or `REDIS_URL` is used).
 *
 *   node --import tsx bench/redis.ts [--rounds 5] [--calls 800] [--processes 8] [--latency 20] [--edition 3|4] [--handoffs N]
 *
 * 8 worker processes (`bench/redis-worker.ts` of the edition, Effect 3 by default; started once; with
 * the Redis gate's `handoffs` option when given) make `getChat` calls on the bench
 * simulator's default business at 20 ms latency, concurrency 8 each. Each round runs, in turn:
 * 1 process with the in-process gate (the reference), 1 process with the Redis gate, all processes
 * with in-process gates (one gate each: they do not see each other), and all processes with the Redis
 * gate; every run makes the same number of calls. Throughput is calls over the wall time from the
 * first call to the last, as a share of the reference of the same round; the simulator counts the
 * 420s it served and the most requests in flight; CPU is that of the workers (and of Redis) per call;
 * the wait is from asking the gate for a slot to holding it.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { createInterface, type Interface } from "node:readline"
import { createClient } from "redis"
import { redisServerPath, startRedis } from "../test/redis/server.js"
import { args, connectServer, control, fmt, fmtSpread, progress, report, spread } from "./lib.js"
import type { RedisWorkerJob, WorkerRun } from "../../bench/redisWorker.js"

interface SimStats {
  readonly rateLimited: { readonly parallel: number; readonly quota: number }
  readonly maxInFlight: number
  readonly totalRequests: number
}

/** One run of one row. */
export interface RedisRun {
  readonly callsPerSecond: number
  /** Share of the 1-process in-process-gate run of the same round. */
  readonly share: number
  readonly parallel420: number
  readonly maxInFlight: number
  readonly requests: number
  readonly failed: number
  readonly cpuUsPerCall: number
  readonly redisCpuUsPerCall: number
  readonly waitP50: number
  readonly waitP99: number
  /** Mean time of a call in its process, ms (gate wait, request and release). */
  readonly wallMsPerCall: number
}

/** The section's result. */
export interface RedisResult {
  readonly skipped?: string
  /** The edition of the workers ("3" or "4"). */
  readonly edition?: string
  /** The Redis gate's `handoffs` option, when given. */
  readonly handoffs?: number
  readonly processes: number
  readonly concurrency: number
  readonly callsPerRun: number
  readonly latencyMillis: number
  readonly rows: Record<string, ReadonlyArray<RedisRun>>
}

/** The rows, in order: label, processes, gate. */
export const redisRows = (processes: number) => [
  { id: "one-memory", label: "1 process, in-process gate (reference)", processes: 1, mode: "memory" },
  { id: "one-redis", label: "1 process, Redis gate", processes: 1, mode: "redis" },
  { id: "many-memory", label: `${processes} processes, in-process gates`, processes, mode: "memory" },
  { id: "many-redis", label: `${processes} processes, Redis gate`, processes, mode: "redis" }
] as const

const percentile = (values: ReadonlyArray<number>, p: number): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0
}

/** The Markdown lines of the section. */
export const redisTable = (r: RedisResult): Array<string> => {
  if (r.skipped !== undefined) return ["", "## 5. Several processes, one business (Redis gate)", "", `Skipped: ${r.skipped}`]
  const lines = [
    "",
    "## 5. Several processes, one business (Redis gate)",
    "",
    `\`getChat\` on one business, simulator latency ${r.latencyMillis} ms, concurrency ${r.concurrency} per process, ${r.callsPerRun} calls per run split between the processes; ${r.rows["one-memory"]?.length ?? 0} rounds, median (min–max). Share: calls/s over the 1-process in-process-gate run of the same round. 420s and most in flight: counted by the simulator. CPU: user + system of the worker processes (and of redis-server) per call. Wait: from asking the gate for a slot to holding it.`,
    "",
    "| run | calls/s | share of 1 process | 420s served | most in flight | client CPU µs/call | Redis CPU µs/call | wait p50 ms | wait p99 ms | ms/call |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  ]
  for (const row of redisRows(r.processes)) {
    const runs = r.rows[row.id] ?? []
    const s = (f: (run: RedisRun) => number, digits = 2) => fmtSpread(spread(runs.map(f)), digits)
    lines.push(`| ${row.label} | ${s((x) => x.callsPerSecond, 0)} | ${fmtSpread(spread(runs.map((x) => x.share * 100)), 0, "%")} | ${runs.reduce((n, x) => n + x.parallel420, 0)} in all | ${Math.max(...runs.map((x) => x.maxInFlight))} | ${s((x) => x.cpuUsPerCall, 0)} | ${row.mode === "redis" ? s((x) => x.redisCpuUsPerCall, 0) : "–"} | ${s((x) => x.waitP50)} | ${s((x) => x.waitP99)} | ${s((x) => x.wallMsPerCall)} |`)
  }
  const one = (id: string, f: (run: RedisRun) => number) => spread((r.rows[id] ?? []).map(f)).median
  lines.push(
    "",
    `The Redis gate's added cost per call, 1 process (medians): ${fmt(one("one-redis", (x) => x.cpuUsPerCall) - one("one-memory", (x) => x.cpuUsPerCall), 0)} µs of client CPU, ${fmt(one("one-redis", (x) => x.redisCpuUsPerCall), 0)} µs of Redis CPU, ${fmt(one("one-redis", (x) => x.wallMsPerCall) - one("one-memory", (x) => x.wallMsPerCall), 2)} ms of wall time.`
  )
  return lines
}

/** A worker process and its output lines. */
interface BenchWorker {
  readonly child: ChildProcess
  readonly next: () => Promise<string>
}

/** The worker script of an edition ("3" or "4"), and the folder it runs in (whose tsx and `effect` it uses). */
const workerOf = (edition: string) => {
  const dir = new URL(edition === "4" ? "../../effect4/" : "../", import.meta.url).pathname
  return { dir, script: `${dir}bench/redis-worker.ts` }
}

const startWorker = (edition: string, job: RedisWorkerJob): BenchWorker => {
  const { dir, script } = workerOf(edition)
  const child = spawn(process.execPath, ["--import", "tsx", script, JSON.stringify(job)], { cwd: dir, stdio: ["pipe", "pipe", "inherit"] })
  const lines: Interface = createInterface({ input: child.stdout! })
  const queue: Array<string> = []
  const waiting: Array<{ readonly resolve: (line: string) => void; readonly reject: (error: Error) => void }> = []
  lines.on("line", (line) => {
    const w = waiting.shift()
    if (w !== undefined) w.resolve(line)
    else queue.push(line)
  })
  child.once("exit", (code) => {
    for (const w of waiting.splice(0)) w.reject(new Error(`bench worker exited with ${code}`))
  })
  return {
    child,
    next: () =>
      new Promise((resolve, reject) => {
        const line = queue.shift()
        if (line !== undefined) return resolve(line)
        if (child.exitCode !== null) return reject(new Error(`bench worker exited with ${child.exitCode}`))
        waiting.push({ resolve, reject })
      })
  }
}

const main = async () => {
  const options = args()
  const rounds = Number(options.get("rounds") ?? 5)
  const callsPerRun = Number(options.get("calls") ?? 800)
  const processes = Number(options.get("processes") ?? 8)
  const latency = Number(options.get("latency") ?? 20)
  const edition = options.get("edition") ?? "3"
  const handoffs = options.has("handoffs") ? Number(options.get("handoffs")) : undefined
  const concurrency = 8
  if (process.env["REDIS_URL"] === undefined && redisServerPath === undefined) {
    report({ skipped: "redis-server is not on PATH (apt-get install redis-server), and REDIS_URL is not set", processes, concurrency, callsPerRun, latencyMillis: latency, rows: {} } satisfies RedisResult)
    return
  }
  const redisServer = process.env["REDIS_URL"] === undefined ? await startRedis() : undefined
  const redisUrl = process.env["REDIS_URL"] ?? redisServer!.url
  const server = await connectServer()
  const workers: Array<BenchWorker> = []
  const admin = createClient({ url: redisUrl })
  admin.on("error", () => {})
  try {
    await admin.connect()
    const { info } = server
    const job: RedisWorkerJob = { redisUrl, simulatorUrl: info.simulatorUrl, apiKey: info.apiKey, businessId: info.businessId, chatIds: info.chatIds, handoffs }
    for (let i = 0; i < processes; i++) workers.push(startWorker(edition, job))
    for (const w of workers) if ((await w.next()) !== "ready") throw new Error("bench worker did not start")
    const redisCpuUs = async () => {
      const text = String(await admin.sendCommand(["INFO", "cpu"]))
      const read = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(text)?.[1] ?? 0)
      return (read("used_cpu_sys") + read("used_cpu_user")) * 1e6
    }
    const runOnce = async (n: number, mode: string, calls: number): Promise<Omit<RedisRun, "share">> => {
      const used = workers.slice(0, n)
      await control(info, "reset-stats", "POST")
      const cpu0 = await redisCpuUs()
      for (const w of used) w.child.stdin!.write(`run ${mode} ${calls / n} ${concurrency}\n`)
      const runs = await Promise.all(used.map(async (w) => JSON.parse(await w.next()) as WorkerRun))
      const redisCpu = (await redisCpuUs()) - cpu0
      const stats = await control(info, "stats") as SimStats
      const wall = Math.max(...runs.map((r) => r.endedAt)) - Math.min(...runs.map((r) => r.startedAt))
      const waits = runs.flatMap((r) => r.waits)
      return {
        callsPerSecond: calls / (wall / 1000),
        parallel420: stats.rateLimited.parallel,
        maxInFlight: stats.maxInFlight,
        requests: stats.totalRequests,
        failed: runs.reduce((a, r) => a + r.failed, 0),
        cpuUsPerCall: runs.reduce((a, r) => a + r.cpuUs, 0) / calls,
        redisCpuUsPerCall: redisCpu / calls,
        waitP50: percentile(waits, 0.5),
        waitP99: percentile(waits, 0.99),
        wallMsPerCall: runs.reduce((a, r) => a + (r.endedAt - r.startedAt) * concurrency, 0) / calls
      }
    }
    // warm-up without latency (the first Redis grants also wait out the grace of a new server)
    for (const row of redisRows(processes)) await runOnce(row.processes, row.mode, 100 * row.processes)
    await control(info, `latency?millis=${latency}`, "POST")
    const rows: Record<string, Array<RedisRun>> = {}
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? redisRows(processes) : [...redisRows(processes)].reverse()
      const byId: Record<string, Omit<RedisRun, "share">> = {}
      for (const row of order) byId[row.id] = await runOnce(row.processes, row.mode, callsPerRun)
      const reference = byId["one-memory"]!.callsPerSecond
      for (const row of redisRows(processes)) {
        const run = byId[row.id]!
        ;(rows[row.id] ??= []).push({ ...run, share: run.callsPerSecond / reference })
      }
      const many = byId["many-redis"]!
      progress(`  redis round ${round + 1}/${rounds} (Effect ${edition}${handoffs === undefined ? "" : `, handoffs ${handoffs}`}): ${processes} processes through Redis ${(many.callsPerSecond / reference * 100).toFixed(0)}% of 1 process, 420s ${many.parallel420} (in-process gates: ${byId["many-memory"]!.parallel420}), max in flight ${many.maxInFlight}`)
    }
    const result: RedisResult = { edition, ...(handoffs === undefined ? {} : { handoffs }), processes, concurrency, callsPerRun, latencyMillis: latency, rows }
    report(result)
    if (process.env["BENCH_SERVER"] === undefined) for (const line of redisTable(result)) console.error(line)
  } finally {
    for (const w of workers) w.child.kill("SIGKILL")
    await control(server.info, "latency?millis=0", "POST").catch(() => undefined)
    admin.destroy()
    await server.close()
    await redisServer?.stop()
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main()
