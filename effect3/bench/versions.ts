/**
 * This checkout against other versions of the library, in one run against one bench server: the CPU
 * per decoded history page (section 1's `bench/pages.ts`, its floor row and `library-undici`) and the
 * throughput at the parallel limit (section 6's `bench/limit.ts`, raw `undici.request` as the
 * baseline). Not part of `npm run bench`; a tool for before/after figures of a change.
 *
 *   node --import tsx bench/versions.ts --versions 90691c3=/tmp/base-90691c3[,label=DIR...] [--rounds 5]
 *
 * Each other version is a checkout of the repository (`git worktree add --detach DIR COMMIT`, with
 * `node_modules` linked to this one's, so that every version runs on the same `effect`). Every
 * measurement runs in a fresh process of its own, with its baseline measured in that process:
 * `DIR/bench/pages.ts --only library-undici --rounds 1` (the checkout's own script, which must be
 * the same as this one's), and this checkout's `bench/limit.ts --rounds 1 --src DIR`. Each round
 * runs every version once, in a rotating order; the figures are the medians of the rounds (min–max).
 */
import { readFileSync } from "node:fs"
import { join } from "node:path"
import type { LimitResult } from "./limit.js"
import { args, fmtSpread, progress, runScript, spread, startServer, stopServer } from "./lib.js"
import type { PagesResult } from "./pages.js"

const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "")

interface Figures {
  readonly floorUs: Array<number>
  readonly libraryUs: Array<number>
  readonly ratio: Array<number>
  readonly share: Array<number>
  readonly callsPerSecond: Array<number>
  readonly undiciPerSecond: Array<number>
}

const main = async () => {
  const options = args()
  const rounds = Number(options.get("rounds") ?? 5)
  const versions = [
    ...(options.get("versions") ?? "").split(",").filter((s) => s !== "").map((spec) => {
      const [label, dir] = spec.split("=") as [string, string]
      return { label, dir }
    }),
    { label: "this checkout", dir: root }
  ]
  const ownPages = readFileSync(join(root, "bench", "pages.ts"), "utf8")
  for (const v of versions) {
    if (readFileSync(join(v.dir, "bench", "pages.ts"), "utf8") !== ownPages) throw new Error(`${v.label}: bench/pages.ts differs from this checkout's`)
  }
  const figures = versions.map((): Figures => ({ floorUs: [], libraryUs: [], ratio: [], share: [], callsPerSecond: [], undiciPerSecond: [] }))
  const { info, child } = await startServer()
  // every script's server is this one; quiet, as under the root's `bench/main.ts`
  const server = { BENCH_SERVER: JSON.stringify(info), BENCH_QUIET: "1" }
  try {
    for (let round = 0; round < rounds; round++) {
      for (let k = 0; k < versions.length; k++) {
        const i = (k + round) % versions.length
        const v = versions[i]!
        const f = figures[i]!
        const [pages] = await runScript<Array<PagesResult>>(join(v.dir, "bench", "pages.ts"), ["--only", "library-undici", "--rounds", "1", "--pages", "300", "--kind", "history"], server)
        const floor = pages!.rows.find((r) => r.name === "undici")!
        const library = pages!.rows.find((r) => r.name === "library-undici")!
        f.floorUs.push(floor.cpuUs[0]!)
        f.libraryUs.push(library.cpuUs[0]!)
        f.ratio.push(library.cpuRatio[0]!)
        const limit = await runScript<LimitResult>(join(root, "bench", "limit.ts"), ["--rounds", "1", "--src", v.dir], server)
        f.share.push(limit.share[0]!)
        f.callsPerSecond.push(limit.client[0]!.callsPerSecond)
        f.undiciPerSecond.push(limit.undici[0]!.callsPerSecond)
        progress(`  round ${round + 1}/${rounds}, ${v.label}: ${f.libraryUs.at(-1)!.toFixed(0)} µs/page (${f.ratio.at(-1)!.toFixed(2)}× floor), at the limit ${(100 * f.share.at(-1)!).toFixed(1)}% of raw undici`)
      }
    }
  } finally {
    await stopServer(child)
  }
  console.log(`\n${rounds} rounds; each figure measured in a process of its own with its baseline; median (min–max) of the rounds.\n`)
  console.log("| version | history page: CPU µs/page | floor (undici.request + JSON.parse) µs/page, same process | × floor | at the limit: calls/s | raw undici calls/s, same process | share of raw undici |")
  console.log("|---|---:|---:|---:|---:|---:|---:|")
  for (const [i, v] of versions.entries()) {
    const f = figures[i]!
    console.log(`| ${v.label} | ${fmtSpread(spread(f.libraryUs), 0)} | ${fmtSpread(spread(f.floorUs), 0)} | ${fmtSpread(spread(f.ratio), 2, "×")} | ${fmtSpread(spread(f.callsPerSecond), 0)} | ${fmtSpread(spread(f.undiciPerSecond), 0)} | ${fmtSpread(spread(f.share.map((x) => 100 * x)), 1, "%")} |`)
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main()
