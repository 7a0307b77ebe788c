/**
 * What every child program of the multi-process tests shares (worker.ts, consumer.ts, receiver.ts):
 * its job and JSON lines (`core/testing/programJobs.ts`), and how it runs and exits.
 */
import { Effect } from "effect"

export { childJob, print } from "../../../core/testing/programJobs.js"

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
