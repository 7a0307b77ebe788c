/**
 * The performance targets of the client and their verdicts, computed from the results of a run of the
 * repository's `bench/main.ts` (which prints them, for each edition, as the summary table of `npm run
 * bench`). A target whose section did not run for an edition is "not measured"; a quick run (`--quick`)
 * gives verdicts too, but not figures to quote.
 */
import { fmt, fmtSpread, spread } from "./lib.js"
import type { MemoryResult } from "./memory.js"
import type { PagesResult } from "./pages.js"
import type { RedisResult } from "./redis.js"
import type { DecodeResult } from "./decode.js"
import type { LimitResult } from "./limit.js"
import type { ThroughputResult } from "./throughput.js"

/** What a run measured, by section (absent when the section did not run). */
export interface Results {
  readonly pages?: ReadonlyArray<PagesResult>
  readonly decode?: ReadonlyArray<DecodeResult>
  readonly memory?: Readonly<Record<string, ReadonlyArray<MemoryResult>>>
  readonly throughput?: ThroughputResult
  readonly redis?: RedisResult
  readonly limit?: LimitResult
}

/** One target, what was measured against it, and whether it was met (`undefined`: no target, or not measured). */
export interface Verdict {
  readonly what: string
  readonly target: string
  readonly result: string
  readonly met: boolean | undefined
}

/** The ratio to the floor of the library on `layerUndici` (median of the rounds); the most a page may cost. */
export const maxCpuRatio = 2.0
/** The most a long stream may grow the heap, in MB, at either length. */
export const maxPeakHeapMB = 32
/** How much more the peak may be at 100,000 messages than at 10,000 for "the same at both lengths". */
export const maxPeakGrowthAcrossLengths = 1.25
/** The least speed-up of `concurrency: 16` over one chat after another. */
export const minSpeedup = 3.5

/** Target 5: several processes through the Redis gate reach this share of one process's throughput (issue 11). */
export const minRedisShare = 0.9

/** Target 6: one process at the parallel limit reaches this share of raw `undici.request`'s throughput (issue 11). */
export const minLimitShare = 0.95

const notMeasured = (what: string, target: string): Verdict => ({ what, target, result: "not measured", met: undefined })

/** The verdicts of every target, in the order of the summary table. */
export const verdicts = (results: Results): ReadonlyArray<Verdict> => {
  const out: Array<Verdict> = []

  const pageTarget = `≤ ${maxCpuRatio.toFixed(1)}×`
  const pageWhat = "1. CPU per decoded page, this library on `layerUndici`, × `undici.request` + `JSON.parse`"
  if (results.pages === undefined) out.push(notMeasured(pageWhat, pageTarget))
  else {
    const ratios = results.pages.map((p) => {
      const row = p.rows.find((r) => r.name === "library-undici")
      return { kind: p.kind, ratio: row === undefined ? undefined : spread(row.cpuRatio).median }
    })
    out.push({
      what: pageWhat,
      target: pageTarget,
      result: ratios.map((r) => `${r.kind} ${r.ratio === undefined ? "?" : `${r.ratio.toFixed(2)}×`}`).join(", "),
      met: ratios.every((r) => r.ratio !== undefined && r.ratio <= maxCpuRatio)
    })
  }

  const memoryTarget = `< ${maxPeakHeapMB} MB, the same at both lengths (100,000 at most ${Math.round((maxPeakGrowthAcrossLengths - 1) * 100)}% above 10,000)`
  const memoryWhat = "2. Peak heap growth of `streamChatHistory`, 10,000 and 100,000 messages"
  const short = results.memory?.["10000"]
  const long = results.memory?.["100000"]
  if (short === undefined || long === undefined) out.push(notMeasured(memoryWhat, memoryTarget))
  else {
    const peakShort = spread(short.map((r) => r.peakHeapGrowthMB)).median
    const peakLong = spread(long.map((r) => r.peakHeapGrowthMB)).median
    const retainedShort = spread(short.map((r) => r.retainedHeapGrowthMB)).median
    const retainedLong = spread(long.map((r) => r.retainedHeapGrowthMB)).median
    out.push({
      what: memoryWhat,
      target: memoryTarget,
      result: `peak +${fmt(peakShort, 1)} / +${fmt(peakLong, 1)} MB, retained +${fmt(retainedShort, 2)} / +${fmt(retainedLong, 2)} MB`,
      met: peakShort < maxPeakHeapMB && peakLong < maxPeakHeapMB && peakLong <= peakShort * maxPeakGrowthAcrossLengths
    })
  }

  const throughputTarget = `≥ ${minSpeedup.toFixed(1)}×, no 420`
  const throughputWhat = "3. Full histories of 200 chats, 20 ms latency, `concurrency: 16` against one after another"
  const t = results.throughput
  if (t === undefined) out.push(notMeasured(throughputWhat, throughputTarget))
  else {
    const speedup = spread(t.speedup).median
    const answers420 = [...t.sequential, ...t.concurrent].reduce((n, r) => n + r.status420, 0)
    const inFlight = Math.max(...t.concurrent.map((r) => r.maxInFlight))
    out.push({
      what: throughputWhat,
      target: throughputTarget,
      result: `${speedup.toFixed(2)}×, ${answers420} answers 420, at most ${inFlight} in flight`,
      met: speedup >= minSpeedup && answers420 === 0
    })
  }

  const decodeWhat = "4. Decoding alone, µs per history message"
  if (results.decode === undefined) out.push(notMeasured(decodeWhat, "(a figure)"))
  else {
    const history = results.decode.find((d) => d.kind === "history")
    const row = (name: string) => history?.rows.find((r) => r.name === name)
    const library = row("library")
    const schema = row("schema")
    out.push({
      what: decodeWhat,
      target: "(a figure)",
      result: library === undefined || schema === undefined
        ? "?"
        : `${fmtSpread(spread(library.usPerItem), 2)} with \`JSON.parse\`; the generic Schema decode ${fmtSpread(spread(schema.usPerItem), 2)}`,
      met: undefined
    })
  }
  const redisTarget = `≥ ${Math.round(minRedisShare * 100)}% of 1 process, 0 parallel-limit 420s`
  const redisWhat = "5. Several processes sharing one business through the Redis gate (section 5)"
  const many = results.redis?.rows["many-redis"]
  if (results.redis === undefined || results.redis.skipped !== undefined || many === undefined || many.length === 0) {
    out.push(notMeasured(redisWhat, redisTarget))
  } else {
    const share = spread(many.map((r) => r.share)).median
    const answers420 = many.reduce((n, r) => n + r.parallel420, 0)
    out.push({
      what: redisWhat,
      target: redisTarget,
      result: `${results.redis.processes} processes: ${Math.round(share * 100)}% (median), ${answers420} parallel-limit 420s`,
      met: share >= minRedisShare && answers420 === 0
    })
  }

  const limitTarget = `≥ ${Math.round(minLimitShare * 100)}% of raw \`undici.request\` (4 workers), no 420`
  const limitWhat = "6. One process at the parallel limit: `getChat`, 20 ms latency, the client at `concurrency: 8` against raw `undici.request` with 4 workers (section 6)"
  const l = results.limit
  if (l === undefined) out.push(notMeasured(limitWhat, limitTarget))
  else {
    const share = spread(l.share).median
    const answers420 = [...l.undici, ...l.client].reduce((n, r) => n + r.status420, 0)
    out.push({
      what: limitWhat,
      target: limitTarget,
      result: `${fmtSpread(spread(l.share.map((x) => x * 100)), 1, "%")}, ${answers420} answers 420, at most ${Math.max(...l.client.map((r) => r.maxInFlight))} in flight`,
      met: share >= minLimitShare && answers420 === 0
    })
  }
  return out
}

/** The verdict as the summary table writes it. */
export const verdictText = (v: Verdict): string =>
  v.result === "not measured" ? "not measured" : v.met === undefined ? "" : v.met ? "met" : "**not met**"
