/**
 * Summarises a `.cpuprofile` written by `node --cpu-prof`: self time by function and by
 * package, and the inclusive time of the functions whose name matches `--focus`. Effect-free: for a
 * profile of either edition, e.g. from `effect4/`:
 *
 *   node --cpu-prof --cpu-prof-dir .bench/prof --import tsx bench/parts.ts --only client --kind history --rounds 5
 *   node --import tsx ../bench/profile-summary.ts .bench/prof/CPU.*.cpuprofile [--top 40] [--focus regex] [--under regex]
 */
import { readFileSync } from "node:fs"
import { args } from "./lib.js"

interface ProfileNode {
  readonly id: number
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number }
  readonly hitCount: number
  readonly children?: ReadonlyArray<number>
}

interface Profile {
  readonly nodes: ReadonlyArray<ProfileNode>
  readonly startTime: number
  readonly endTime: number
  readonly samples: ReadonlyArray<number>
}

const file = process.argv[2]
if (file === undefined || file.startsWith("--")) {
  console.error("usage: bench/profile-summary.ts FILE.cpuprofile [--top N] [--focus REGEX] [--under REGEX]")
  process.exit(2)
}
const options = args(process.argv.slice(3))
const top = Number(options.get("top") ?? 40)
const focus = options.get("focus")
const under = options.get("under")

const profile = JSON.parse(readFileSync(file, "utf8")) as Profile
const byId = new Map(profile.nodes.map((n) => [n.id, n]))
const parent = new Map<number, number>()
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
const total = profile.samples.length
const usPerSample = (profile.endTime - profile.startTime) / total

/** Where a function comes from: a package, this repository's src, node internals. */
const origin = (url: string): string => {
  if (url === "") return "(native/gc)"
  const nm = url.lastIndexOf("node_modules/")
  if (nm >= 0) {
    const rest = url.slice(nm + 13).split("/")
    return rest[0]!.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]!
  }
  if (url.startsWith("node:")) return "node:" + url.slice(5).split("/")[0]
  const src = url.indexOf("/src/")
  if (src >= 0) return "src/" + url.slice(src + 5)
  const bench = url.indexOf("/bench/")
  if (bench >= 0) return "bench/" + url.slice(bench + 7)
  return url
}

/** The file of a frame, shortened: `effect/internal/fiberRuntime.js`, `src/ChatsSchema.ts`. */
const fileOf = (url: string): string => {
  const o = origin(url)
  const nm = url.lastIndexOf("node_modules/")
  if (nm < 0) return o
  return `${o}/${url.slice(nm + 13 + o.length + 1).replace(/^dist\/(esm|cjs)\//, "")}`
}

const label = (n: ProfileNode): string => {
  const f = n.callFrame
  const at = f.url === "" ? "" : ` ${fileOf(f.url)}:${f.lineNumber + 1}`
  return `${f.functionName || "(anonymous)"}${at}`
}

/** The nodes under a node whose label matches `under` (all when unset). */
const inScope = new Set<number>()
if (under === undefined) {
  for (const n of profile.nodes) inScope.add(n.id)
} else {
  const re = new RegExp(under)
  const mark = (id: number) => {
    if (inScope.has(id)) return
    inScope.add(id)
    for (const c of byId.get(id)!.children ?? []) mark(c)
  }
  for (const n of profile.nodes) if (re.test(label(n))) mark(n.id)
}

const self = new Map<number, number>()
for (const s of profile.samples) self.set(s, (self.get(s) ?? 0) + 1)
let scoped = 0
const byFunction = new Map<string, number>()
const byOrigin = new Map<string, number>()
for (const [id, count] of self) {
  if (!inScope.has(id)) continue
  scoped += count
  const n = byId.get(id)!
  byFunction.set(label(n), (byFunction.get(label(n)) ?? 0) + count)
  const o = origin(n.callFrame.url)
  byOrigin.set(o, (byOrigin.get(o) ?? 0) + count)
}

const pct = (count: number) => `${(100 * count / scoped).toFixed(1).padStart(5)}%  ${(count * usPerSample / 1000).toFixed(0).padStart(6)}ms`
console.log(`${file}: ${total} samples, ${(usPerSample).toFixed(0)}µs each; in scope ${scoped}${under ? ` (under /${under}/)` : ""}`)
console.log("\nself time by origin:")
for (const [o, c] of [...byOrigin].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`${pct(c)}  ${o}`)
console.log("\nself time by function:")
for (const [f, c] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(c)}  ${f}`)

if (focus !== undefined) {
  // inclusive time: samples whose stack contains a matching frame (counted once per sample)
  const re = new RegExp(focus)
  const inclusive = new Map<string, number>()
  for (const [id, count] of self) {
    if (!inScope.has(id)) continue
    const seen = new Set<string>()
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const l = label(byId.get(cur)!)
      if (re.test(l) && !seen.has(l)) {
        seen.add(l)
        inclusive.set(l, (inclusive.get(l) ?? 0) + count)
      }
    }
  }
  console.log(`\ninclusive time of /${focus}/:`)
  for (const [f, c] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(c)}  ${f}`)
}
