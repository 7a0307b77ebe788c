/**
 * What every child program of the multi-process tests shares (worker.ts, consumer.ts, receiver.ts):
 * its job from the first argument, a bound on its life, JSON lines on stdout, and its exit code.
 */
import { Effect } from "effect"

/** The job given as the first argument (JSON); the process exits with code 3 after its `maxMs` (default 60 s). */
export const childJob = <J extends { readonly maxMs?: number | undefined }>(): J => {
  const job = JSON.parse(process.argv[2] ?? "{}") as J
  setTimeout(() => process.exit(3), job.maxMs ?? 60_000).unref()
  return job
}

/** Prints one JSON line on stdout. */
export const print = (value: unknown): void => {
  process.stdout.write(JSON.stringify(value) + "\n")
}

/** Runs the child's program: exit code 0 when it ends, 1 (and a line on stderr naming the child) when it fails. */
export const runChild = (name: string, program: Effect.Effect<unknown, unknown>): void => {
  Effect.runPromise(program).then(
    () => process.exit(0),
    (error) => {
      process.stderr.write(`${name} failed: ${String(error)}\n`)
      process.exit(1)
    }
  )
}
