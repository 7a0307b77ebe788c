/**
 * Worker processes for the multi-process tests: spawned with `node --import tsx test/redis/worker.ts`,
 * their JSON lines collected, and every one of them killed when the test is over, pass or fail.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { createInterface } from "node:readline"
import type { WorkerJob, WorkerResult } from "./worker.js"

/** A running worker. */
export interface Worker {
  readonly child: ChildProcess
  /** Every JSON line it printed so far. */
  readonly events: Array<{ readonly event: string; readonly [k: string]: unknown }>
  /** Resolves when it printed `ready`. */
  readonly ready: Promise<void>
  /** Resolves with its exit code and its results (when it printed them). */
  readonly exit: Promise<{ readonly code: number | null; readonly signal: string | null; readonly results?: Record<string, WorkerResult>; readonly stderr: string }>
}

const live = new Set<ChildProcess>()
process.on("exit", () => {
  for (const child of live) child.kill("SIGKILL")
})

const workerScript = new URL("./worker.ts", import.meta.url).pathname

/** Starts a worker with `job` (`script`: another worker program of this folder, given its URL). */
export const spawnWorker = (job: WorkerJob | object, script: URL | string = workerScript): Worker => {
  const path = typeof script === "string" ? script : script.pathname
  const child = spawn(process.execPath, ["--import", "tsx", path, JSON.stringify(job)], {
    stdio: ["ignore", "pipe", "pipe"]
  })
  live.add(child)
  const events: Array<{ event: string; [k: string]: unknown }> = []
  let stderr = ""
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()))
  let onReady: () => void = () => {}
  const ready = new Promise<void>((resolve) => (onReady = resolve))
  createInterface({ input: child.stdout! }).on("line", (line) => {
    try {
      const event = JSON.parse(line) as { event: string }
      events.push(event)
      if (event.event === "ready") onReady()
    } catch {
      // not ours
    }
  })
  const exit = new Promise<Awaited<Worker["exit"]>>((resolve) => {
    child.once("close", (code, signal) => {
      live.delete(child)
      const done = events.find((e) => e.event === "done") as { results?: Record<string, WorkerResult> } | undefined
      resolve({ code, signal, stderr, ...(done?.results === undefined ? {} : { results: done.results }) })
    })
  })
  return { child, events, ready, exit }
}

/** Kills every worker still running (SIGKILL). */
export const killWorkers = async (): Promise<void> => {
  const waits = [...live].map((child) => new Promise<void>((resolve) => {
    child.once("close", () => resolve())
    child.kill("SIGKILL")
  }))
  await Promise.all(waits)
}

/** Resolves when `check` holds, checking every 20 ms; rejects after `limitMs`. */
export const until = async (what: string, check: () => boolean | Promise<boolean>, limitMs = 30_000): Promise<void> => {
  const end = Date.now() + limitMs
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for: ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
