// `npm test`: every test of both editions (and of the core they share), each edition with its own
// vitest, then one totals line for the whole run. Extra arguments go to both vitest runs.
import { spawnSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const editions = ["effect4", "effect3"]
const work = mkdtempSync(join(tmpdir(), "ymc-test-"))
const totals = { passed: 0, failed: 0, skipped: 0 }
let status = 0
try {
  for (const edition of editions) {
    const report = join(work, `${edition}.json`)
    console.log(`\n# ${edition} (node ${process.version})`)
    const run = spawnSync("npm", ["test", "--prefix", edition, "--", "--reporter=default", "--reporter=json", `--outputFile=${report}`, ...process.argv.slice(2)], {
      cwd: root,
      stdio: "inherit"
    })
    if (run.status !== 0) status = run.status ?? 1
    try {
      const r = JSON.parse(readFileSync(report, "utf8"))
      totals.passed += r.numPassedTests
      totals.failed += r.numFailedTests
      totals.skipped += r.numPendingTests + r.numTodoTests
      console.log(`${edition}: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`)
    } catch {
      console.log(`${edition}: no report (vitest exited ${run.status})`)
      status = status || 1
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true })
}
console.log(`vitest: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`)
process.exit(status)
