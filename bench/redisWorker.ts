/**
 * What the worker processes of section "redis" (`effect3/bench/redis.ts`) share, whatever their
 * edition (`effect3/bench/redis-worker.ts`, `effect4/bench/redis-worker.ts`): the job they are given,
 * what a run reports, and the lines they read and print (`ready`, then one JSON line per
 * `run <redis|memory> <calls> <concurrency>` line).
 */
import { createInterface } from "node:readline"

/** The job of a worker, given as its JSON argument. */
export interface RedisWorkerJob {
  readonly redisUrl: string
  readonly simulatorUrl: string
  readonly apiKey: string
  readonly businessId: number
  readonly chatIds: ReadonlyArray<number>
  /** The Redis gate's `handoffs` option (absent: its default). */
  readonly handoffs?: number | undefined
}

/** What one run reports. */
export interface WorkerRun {
  readonly calls: number
  readonly failed: number
  readonly startedAt: number
  readonly endedAt: number
  readonly cpuUs: number
  /** The wait of each call at the gate, ms. */
  readonly waits: ReadonlyArray<number>
}

/** The gate a run goes through. */
export type WorkerMode = "redis" | "memory"

/** The job of this worker process. */
export const workerJob = (): RedisWorkerJob => JSON.parse(process.argv[2] ?? "{}") as RedisWorkerJob

/**
 * Prints `ready`, then runs each `run` line with `run` and prints its report; settles when stdin
 * closes. A run that fails ends the process.
 */
export const serveRuns = (run: (mode: WorkerMode, calls: number, concurrency: number) => Promise<WorkerRun>): Promise<void> =>
  new Promise((resolve) => {
    process.stdout.write("ready\n")
    const lines = createInterface({ input: process.stdin })
    lines.on("line", (line) => {
      const [command, mode, calls, concurrency] = line.trim().split(" ")
      if (command !== "run") return
      run(mode as WorkerMode, Number(calls), Number(concurrency)).then(
        (result) => process.stdout.write(JSON.stringify(result) + "\n"),
        (error: unknown) => {
          process.stderr.write(`bench worker: ${String(error)}\n`)
          process.exit(1)
        }
      )
    })
    lines.on("close", () => resolve())
  })
