/**
 * Runs the fault-injection suite (`test/integration/faultSuite.ts`, the scenarios of
 * `test/integration/faults.test.ts`) standalone and prints its figures: calls made, how they ended,
 * the faults injected by kind, the sends checked for duplicates, the largest body read, defects and
 * unhandled rejections (`core/testing/faultFigures.ts`). The README's Reliability section quotes this output.
 *
 *   npm run faults
 *
 * Exits 1 when a scenario fails, or on a defect, a duplicate or an unhandled rejection.
 */
import { Cause, Exit, ManagedRuntime } from "effect"
import { faultFiguresText, faultRunFailed, type FaultRun } from "../../core/testing/faultFigures.js"
import { emptyFigures, scenarios, suiteLayer } from "../test/integration/faultSuite.js"

const figures = emptyFigures()
let unhandled = 0
process.on("unhandledRejection", () => void unhandled++)

const runtime = ManagedRuntime.make(suiteLayer)
const failed: Array<string> = []
console.log(`Fault suite: ${scenarios.length} scenarios against the simulator (seed 9), NodeHttpClient.layerUndici\n`)
for (const scenario of scenarios) {
  const exit = await runtime.runPromiseExit(scenario.run(figures))
  console.log(`  ${Exit.isSuccess(exit) ? "ok  " : "FAIL"}  ${scenario.name}`)
  if (Exit.isFailure(exit)) {
    failed.push(scenario.name)
    console.log(`        ${Cause.pretty(exit.cause).split("\n").slice(0, 12).join("\n        ")}`)
  }
}
await runtime.dispose()

const run: FaultRun = { figures, unhandledRejections: unhandled, scenarios: scenarios.length, failedScenarios: failed.length }
console.log(faultFiguresText(run))
if (faultRunFailed(run)) process.exitCode = 1
