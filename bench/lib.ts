/**
 * Helpers shared by the benchmark scripts of both editions and by the runner (`bench/main.ts`): the
 * bench server's process, CPU and wall clocks, medians, and the JSON line a section script hands back.
 * Effect-free: each edition's section scripts import it (`effect3/bench/*.ts`, `effect4/bench/*.ts`).
 */
import { type ChildProcess, spawn } from "node:child_process"
import { createRequire } from "node:module"
import { dirname } from "node:path"
import { createInterface } from "node:readline"
import { pathToFileURL } from "node:url"
import { setFlagsFromString } from "node:v8"
import { runInNewContext } from "node:vm"

/** What a client process needs to know of the bench server (`bench/server.ts`), printed as one JSON line. */
export interface ServerInfo {
  /** The simulator (real pagination, quotas, parallel limit, faults). */
  readonly simulatorUrl: string
  /** The fixed-page server. */
  readonly fixedUrl: string
  /** The default business: 200 chats, for the throughput run. */
  readonly businessId: number
  readonly apiKey: string
  /** The 200 chat ids of the default business. */
  readonly chatIds: ReadonlyArray<number>
  /** Businesses with one chat of N messages each, for the stream runs, by N. */
  readonly longChats: Readonly<Record<string, { readonly businessId: number; readonly apiKey: string; readonly chatId: number }>>
  /** The fixed pages as served (bodies). */
  readonly fixed: {
    readonly historyPath: string
    readonly chatsPath: string
    readonly historyBytes: number
    readonly chatsBytes: number
    readonly historyMessages: number
    readonly chatsChats: number
  }
}

/** `global.gc`, exposed at run time when the process was not started with `--expose-gc`. */
export const gc: () => void = (() => {
  const existing = (globalThis as { gc?: () => void }).gc
  if (existing !== undefined) return existing
  setFlagsFromString("--expose-gc")
  return runInNewContext("gc") as () => void
})()

/** CPU (user + system) and wall time of one run, in milliseconds. */
export interface Sample {
  readonly cpuMs: number
  readonly wallMs: number
}

/** A CPU clock: user and system microseconds since `previous`. */
type CpuClock = (previous?: NodeJS.CpuUsage) => NodeJS.CpuUsage

/** The main thread's CPU time (`process.threadCpuUsage`, Node 23.9 and later), or the process's where there is none. */
const threadCpu: CpuClock = (process as unknown as { readonly threadCpuUsage?: CpuClock }).threadCpuUsage?.bind(process) ??
  process.cpuUsage.bind(process)

/** Which CPU time a measurement reads: the whole process's (every thread) or the main thread's alone. */
export type Clock = "process" | "thread"

/** Whether `process.threadCpuUsage` exists here (else the `thread` clock reads the process's). */
export const hasThreadClock = (process as unknown as { readonly threadCpuUsage?: CpuClock }).threadCpuUsage !== undefined

/**
 * Runs `fn` after a full GC (unless `gcFirst` is false) and returns its CPU and wall time. CPU is the
 * process's (user + system, every thread: V8's GC and compiler threads too), or with `clock: "thread"`
 * the main thread's alone.
 */
export const measure = async <A>(
  fn: () => Promise<A>,
  options: { readonly gcFirst?: boolean; readonly clock?: Clock } = {}
): Promise<Sample & { readonly value: A }> => {
  if (options.gcFirst !== false) gc()
  const clock = options.clock === "thread" ? threadCpu : process.cpuUsage.bind(process)
  const cpu0 = clock()
  const t0 = performance.now()
  const value = await fn()
  const wallMs = performance.now() - t0
  const cpu = clock(cpu0)
  return { cpuMs: (cpu.user + cpu.system) / 1000, wallMs, value }
}

/** Median, min and max of some figures. */
export interface Spread {
  readonly median: number
  readonly min: number
  readonly max: number
  readonly n: number
}

/** The median, min and max of a list of figures. */
export const spread = (values: ReadonlyArray<number>): Spread => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, n: sorted.length }
}

/** A number with `digits` significant decimals. */
export const fmt = (value: number, digits = 2): string =>
  Math.abs(value) >= 100 ? value.toFixed(0) : Math.abs(value) >= 10 ? value.toFixed(Math.max(0, digits - 1)) : value.toFixed(digits)

/** `median (min–max)`. */
export const fmtSpread = (s: Spread, digits = 2, unit = ""): string =>
  `${fmt(s.median, digits)}${unit} (${fmt(s.min, digits)}–${fmt(s.max, digits)})`

/** Reads `--name value` options. */
export const args = (argv: ReadonlyArray<string> = process.argv.slice(2)): Map<string, string> => {
  const out = new Map<string, string>()
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    if (!a.startsWith("--")) continue
    const next = argv[i + 1]
    if (next === undefined || next.startsWith("--")) out.set(a.slice(2), "true")
    else {
      out.set(a.slice(2), next)
      i++
    }
  }
  return out
}

/**
 * The node arguments that run a TypeScript file under the tsx installed next to it (each edition has
 * its own), so that `effect` and the rest resolve from the script's own edition.
 */
export const tsxArgs = (script: string): ReadonlyArray<string> => {
  const loader = createRequire(script).resolve("tsx")
  return ["--import", pathToFileURL(loader).href]
}

/** The bench server: `bench/server.ts` at the repository's root, whichever script starts it. */
const serverScript = new URL(import.meta.url.endsWith(".ts") ? "./server.ts" : "./server.js", import.meta.url).pathname

/**
 * Spawns `bench/server.ts` and waits for its info line. It runs under the tsx of `tsxFrom` (a file of
 * an edition; default the script that is running).
 */
export const startServer = async (
  tsxFrom: string = process.argv[1]!
): Promise<{ readonly info: ServerInfo; readonly child: ChildProcess }> => {
  const child = spawn(process.execPath, [...tsxArgs(tsxFrom), serverScript], {
    cwd: dirname(tsxFrom),
    stdio: ["pipe", "pipe", "inherit"]
  })
  const lines = createInterface({ input: child.stdout! })
  const info = await new Promise<ServerInfo>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`bench server exited with ${code}`)))
    lines.once("line", (line) => resolve(JSON.parse(line) as ServerInfo))
  })
  return { info, child }
}

/** Stops a server started by {@link startServer}. */
export const stopServer = (child: ChildProcess): Promise<void> =>
  new Promise((resolve) => {
    if (child.exitCode !== null) return resolve()
    child.once("exit", () => resolve())
    child.stdin!.end()
  })

/**
 * The server of a section script: the one the runner started (`BENCH_SERVER` holds its info),
 * or a new one for a script run on its own.
 */
export const connectServer = async (): Promise<{ readonly info: ServerInfo; readonly close: () => Promise<void> }> => {
  const given = process.env["BENCH_SERVER"]
  if (given !== undefined) return { info: JSON.parse(given) as ServerInfo, close: async () => {} }
  const { child, info } = await startServer()
  return { info, close: () => stopServer(child) }
}

/** The prefix of the result line a section script prints for the runner. */
export const resultPrefix = "BENCH_RESULT "

/**
 * Runs a section script (a path) in a fresh process, under the tsx of its edition and in its
 * edition's folder, and returns the result it reports.
 */
export const runScript = <A>(
  script: string,
  scriptArgs: ReadonlyArray<string>,
  env: Record<string, string>,
  execArgs: ReadonlyArray<string> = []
): Promise<A> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...execArgs, ...tsxArgs(script), script, ...scriptArgs], {
      cwd: dirname(dirname(script)),
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...process.env, ...env }
    })
    let out = ""
    child.stdout!.on("data", (chunk) => (out += chunk))
    child.on("exit", (code) => {
      const line = out.split("\n").find((l) => l.startsWith(resultPrefix))
      if (code !== 0 || line === undefined) return reject(new Error(`${script} exited with ${code}\n${out}`))
      resolve(JSON.parse(line.slice(resultPrefix.length)) as A)
    })
  })

/** Prints the result of a section script. */
export const report = (result: unknown): void => {
  process.stdout.write(resultPrefix + JSON.stringify(result) + "\n")
}

/** Logs progress on stderr (stdout carries the result). */
export const progress = (text: string): void => {
  if (process.env["BENCH_QUIET"] === undefined) process.stderr.write(text + "\n")
}

/** Calls the control endpoints of the bench server. */
export const control = async (info: ServerInfo, path: string, method: "GET" | "POST" = "GET"): Promise<unknown> => {
  const response = await fetch(`${info.fixedUrl}/control/${path}`, { method })
  if (!response.ok) throw new Error(`control ${path}: HTTP ${response.status}`)
  return response.status === 204 ? undefined : response.json()
}
