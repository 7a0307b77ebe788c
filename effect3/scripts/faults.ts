/**
 * Runs the fault-injection suite (`test/integration/faultSuite.ts`, the scenarios of
 * `test/integration/faults.test.ts`) standalone and prints its figures: calls made, how they ended,
 * the faults injected by kind, the sends checked for duplicates, the largest body read, defects and
 * unhandled rejections. The README's Reliability section quotes this output.
 *
 *   npm run faults
 *
 * Exits 1 when a scenario fails, or on a defect, a duplicate or an unhandled rejection.
 */
import { Cause, Exit, ManagedRuntime } from "effect"
import { emptyFigures, scenarios, suiteLayer, total } from "../test/integration/faultSuite.js"

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

const byCount = (counts: Readonly<Record<string, number>>) =>
  Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${k} ${n}`).join(", ") || "none"

console.log(`
calls of the client      ${figures.runs}
  successes              ${figures.successes} (after retries where a fault hit)
  typed errors           ${total(figures.typedErrors)} (${byCount(figures.typedErrors)})
  defects                ${figures.defects}
faults injected          ${total(figures.faultsInjected)} (${byCount(figures.faultsInjected)})
sends checked            ${figures.sendsChecked}, posted twice: ${figures.duplicates}
largest body read        ${figures.largestBody.toLocaleString("en-US")} bytes
unhandled rejections     ${unhandled}
scenarios failed         ${failed.length} of ${scenarios.length}`)

if (failed.length > 0 || figures.defects > 0 || figures.duplicates > 0 || unhandled > 0) process.exitCode = 1
