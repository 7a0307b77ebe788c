/**
 * The conformance checks of `core/testing` run standalone against the official description
 * (`core/testing/spec/yandex-market-chats.openapi.yaml`) for one edition's driver, printing figures:
 * requests validated per method, inputs refused, bodies decoded per operation, failures, regressions.
 * Each edition's `scripts/conformance.ts` (`npm run conformance`) calls it:
 *
 *   node --import tsx scripts/conformance.ts [--seed N] [--runs N] [--bodies N] [--error-bodies N]
 */
import { relative } from "node:path"
import type { Driver } from "./conformanceDriver.js"
import { conformanceSeed } from "./conformanceInputs.js"
import { knownIssues } from "./knownIssues.js"
import { specPath } from "./openApiSpec.js"
import { invalidInputs, requestCases, runInvalidInput, runRequestCase } from "./requestConformance.js"
import {
  errorTags,
  formatFailures,
  operationIds,
  resultOperations,
  runErrorBodies,
  runSendOk,
  runSuccessBodies,
  runWithoutResult
} from "./responseConformance.js"

/** The value of `--name N` among the arguments, or the fallback. */
const numberArg = (argv: ReadonlyArray<string>, name: string, fallback: number): number => {
  const i = argv.indexOf(`--${name}`)
  const raw = i >= 0 ? argv[i + 1] : undefined
  const n = raw === undefined ? Number.NaN : Number(raw)
  return Number.isInteger(n) && n >= 0 ? n : fallback
}

/** Prints a table with the first column left-aligned and the others right-aligned. */
const table = (head: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string | number>>) => {
  const cells = [head, ...rows.map((r) => r.map(String))]
  const widths = head.map((_, c) => Math.max(...cells.map((r) => (r[c] ?? "").length)))
  const line = (r: ReadonlyArray<string>) => r.map((v, c) => c === 0 ? v.padEnd(widths[c] ?? 0) : v.padStart(widths[c] ?? 0)).join("  ")
  console.log(line(head))
  console.log(widths.map((w) => "-".repeat(w)).join("  "))
  for (const r of cells.slice(1)) console.log(line(r))
  console.log()
}

/** Runs every check with an edition's driver, prints the figures, and returns the exit code (1 when a check fails). */
export const runConformanceReport = async (driver: Driver, argv: ReadonlyArray<string>): Promise<number> => {
  const seed = numberArg(argv, "seed", conformanceSeed)
  const runs = numberArg(argv, "runs", 300)
  const bodies = numberArg(argv, "bodies", 2000)
  const errorBodies = numberArg(argv, "error-bodies", 120)
  const failures: Array<string> = []
  let regressions = 0
  const started = Date.now()
  console.log(`Conformance of the ${driver.edition} edition against ${relative(process.cwd(), specPath)}`)
  console.log(`seed ${seed}, ${runs} runs per method, ${bodies} bodies per operation, ${errorBodies} error bodies per status\n`)

  // requests
  const requestRows: Array<Array<string | number>> = []
  for (const c of requestCases) {
    const r = await runRequestCase(driver, c, { numRuns: runs, seed })
    requestRows.push([c.name, c.operationId, r.runs, r.requests, r.failure === undefined ? 0 : 1])
    if (r.failure !== undefined) failures.push(`requests ${c.name}:\n${r.failure}`)
  }
  let invalidFailures = 0
  for (const c of invalidInputs) {
    const problems = await runInvalidInput(driver, c)
    if (problems.length > 0) {
      invalidFailures++
      failures.push(`invalid input ${c.label}: ${problems.join("; ")}`)
    }
  }
  console.log("Requests (each validated against the description: operation, parameters, headers, body)")
  table(["method", "operation", "runs", "requests validated", "failures"], requestRows)
  console.log(`Inputs the description forbids, refused before sending: ${invalidInputs.length - invalidFailures}/${invalidInputs.length}\n`)

  // 200 bodies
  const bodyRows: Array<Array<string | number>> = []
  for (const op of operationIds) {
    const r = await runSuccessBodies(driver, op, { count: bodies, seed })
    const missing = resultOperations.includes(op) ? await runWithoutResult(driver, op) : await runSendOk(driver, op)
    bodyRows.push([op, r.bodies, r.bodies - r.failures.length, r.failures.length, missing.length])
    if (r.failures.length > 0) failures.push(formatFailures(op, r.failures))
    if (missing.length > 0) failures.push(`${op} without result / bare OK: ${missing.join("; ")}`)
  }
  console.log("200 bodies generated from the response schemas (decoded and compared field by field)")
  table(["operation", "bodies", "decoded", "failures", "no-result/OK failures"], bodyRows)

  // error bodies
  const statuses = Object.keys(errorTags).map(Number)
  const errorRows: Array<Array<string | number>> = []
  for (const op of operationIds) {
    const row: Array<string | number> = [op]
    let total = 0
    for (const status of statuses) {
      const r = await runErrorBodies(driver, op, status, { count: errorBodies, seed })
      total += r.bodies
      row.push(r.failures.length)
      if (r.failures.length > 0) failures.push(formatFailures(`${op} HTTP ${status}`, r.failures))
    }
    errorRows.push([...row.slice(0, 1), total, ...row.slice(1)])
  }
  console.log("Error bodies (typed error per status, parsed errors); failures per status")
  table(["operation", "bodies", ...statuses.map(String)], errorRows)

  // known issues
  console.log("Regressions of client bugs found by these checks (all fixed)")
  for (const issue of knownIssues) {
    const problems = await issue.probe(driver)
    console.log(`  ${problems.length > 0 ? "BACK AGAIN" : "fixed     "}  ${issue.id}`)
    if (problems.length > 0) regressions++
    for (const p of problems) console.log(`      ${p}`)
  }
  console.log()

  const totalRequests = requestRows.reduce((n, r) => n + Number(r[3]), 0)
  const totalBodies = bodyRows.reduce((n, r) => n + Number(r[1]), 0)
  const totalErrors = errorRows.reduce((n, r) => n + Number(r[1]), 0)
  console.log(
    `Total: ${totalRequests} requests validated, ${totalBodies} success bodies and ${totalErrors} error bodies decoded, ` +
      `${failures.length} failing checks, in ${((Date.now() - started) / 1000).toFixed(1)} s`
  )
  if (failures.length > 0) {
    console.log("\nFailures:")
    for (const f of failures) console.log(f)
  }
  return failures.length > 0 || regressions > 0 ? 1 : 0
}
