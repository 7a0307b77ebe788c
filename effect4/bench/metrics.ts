/**
 * What the client's metrics cost per call, measured alone: the steps a successful call records
 * (`internal/client/callMetrics.ts`: its recording started in its context, the wait at the gate, the
 * attempt's status and duration, the quota left, the call's outcome and duration) run `--calls` times
 * in a row, into the default `MetricRegistry`, without I/O, so that the figure is not lost in the noise
 * of a page (the root's `npm run bench -- --only metrics` shows it beside the page's cost).
 *
 *   node --import tsx bench/metrics.ts [--rounds 7] [--calls 200000]
 */
import { Context } from "effect"
import { args, measure, progress, report, spread } from "../../bench/lib.js"
import { OperationMetrics } from "../src/internal/client/callMetrics.js"

/** The CPU of the recording of one successful call, in microseconds, one entry per round. */
export interface MetricsResult {
  readonly calls: number
  readonly usPerCall: ReadonlyArray<number>
}

const options = args()
const rounds = Number(options.get("rounds") ?? 7)
const calls = Number(options.get("calls") ?? 200_000)
const metrics = new OperationMetrics("getChatHistory")
const context = Context.empty()

/** Records `n` successful calls of business 1, as the call path does. */
const record = async (n: number): Promise<number> => {
  let sum = 0
  for (let i = 0; i < n; i++) {
    const recording = metrics.start(context, 1)
    recording.gateWait(recording.now())
    const attemptStarted = recording.now()
    recording.attempt(200, attemptStarted)
    recording.quotaRemaining(1000 - (i % 1000))
    recording.call("success")
    sum += recording.started > 0 ? 1 : 0
  }
  return sum
}

await record(calls / 4) // warm-up
const usPerCall: Array<number> = []
for (let round = 0; round < rounds; round++) {
  const sample = await measure(() => record(calls), { clock: "thread" })
  usPerCall.push(sample.cpuMs * 1000 / calls)
  progress(`  round ${round + 1}/${rounds}: ${usPerCall.at(-1)!.toFixed(3)} µs per call`)
}
const result: MetricsResult = { calls, usPerCall }
report(result)
if (process.env["BENCH_SERVER"] === undefined) console.log(`recording one call's metrics: ${spread(usPerCall).median.toFixed(3)} µs`)
