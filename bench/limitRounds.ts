/**
 * Section "limit", Effect-free: one process at the market's parallel limit. `getChat` calls on the
 * simulator's default business, with the simulator adding 20 ms of latency to every request: raw
 * `undici.request` + `JSON.parse` with 4 workers, each making its next call when the last one is
 * answered (the baseline: 4 in flight, nothing else), against an edition's client with `concurrency: 8`
 * in user code and its gate holding it at 4. The 4-wide ideal is 4 / latency. A third row is the bound
 * of any client on the edition's Effect HTTP client: its `HttpClient` over `layerUndici` alone, 4 workers.
 * Each edition's `bench/limit.ts` brings the two Effect rows; this module runs the rounds.
 *
 * Rounds alternate which runs first; the client's share is taken within each round. The gate of the
 * client is the default in-memory one, timed from outside (a wrapper records how long each call held
 * its slot), so that a share below 100% can be told apart: the slot held longer than the exchange,
 * or time between two calls.
 */
import { args, connectServer, control, fmt, fmtSpread, measure, progress, report, type ServerInfo, spread } from "./lib.js"
import type { UndiciRequest } from "./pageRounds.js"

interface SimStats {
  readonly responses: Readonly<Record<string, number>>
  readonly maxInFlight: number
  readonly totalRequests: number
}

/** One run of one row. */
export interface LimitRun {
  readonly wallMs: number
  readonly cpuMs: number
  readonly callsPerSecond: number
  readonly status420: number
  readonly maxInFlight: number
  /** Mean time a call held its slot (the client) or was in flight (raw undici), ms. */
  readonly heldMs: number
}

/** The section's result. */
export interface LimitResult {
  readonly calls: number
  readonly latencyMillis: number
  readonly workers: number
  readonly concurrency: number
  readonly undici: ReadonlyArray<LimitRun>
  /** The bound: the edition's `HttpClient` alone, 4 workers (absent in runs saved before it). */
  readonly platform?: ReadonlyArray<LimitRun> | undefined
  readonly client: ReadonlyArray<LimitRun>
  /** The client's calls/s over raw undici's, per round. */
  readonly share: ReadonlyArray<number>
  /** The bound's calls/s over raw undici's, per round. */
  readonly platformShare?: ReadonlyArray<number> | undefined
}

/** The labels of an edition's rows in {@link limitTable}. */
export interface LimitLabels {
  readonly bound: string
  readonly client: string
}

/** The Effect 3 edition's labels, as `npm run bench` printed them before both editions were measured. */
export const effect3Labels: LimitLabels = {
  bound: "bound: `@effect/platform`'s `HttpClient` on `layerUndici` alone (`execute`, `text`, `JSON.parse`; no library code)",
  client: "this library"
}

/** The rows of one edition's run, for {@link limitTable}. */
export const limitRows = (r: LimitResult, labels: LimitLabels, shareBold = true): Array<string> => {
  const ideal = r.workers * 1000 / r.latencyMillis
  const row = (label: string, runs: ReadonlyArray<LimitRun>, share: string) =>
    `| ${label} | ${fmtSpread(spread(runs.map((x) => x.callsPerSecond)), 0)} | ${share} | ${fmtSpread(spread(runs.map((x) => x.callsPerSecond / ideal * 100)), 0, "%")} | ${fmtSpread(spread(runs.map((x) => x.heldMs)), 2)} | ${fmtSpread(spread(runs.map((x) => x.cpuMs * 1000 / r.calls)), 0)} | ${runs.reduce((n, x) => n + x.status420, 0)} | ${Math.max(...runs.map((x) => x.maxInFlight))} |`
  const share = fmtSpread(spread(r.share.map((x) => x * 100)), 1, "%")
  return [
    row(`raw \`undici.request\` + \`JSON.parse\`, ${r.workers} workers (baseline)`, r.undici, "100%"),
    ...(r.platform === undefined || r.platformShare === undefined ? [] : [
      row(`${labels.bound}, ${r.workers} workers`, r.platform, fmtSpread(spread(r.platformShare.map((x) => x * 100)), 1, "%"))
    ]),
    row(`${labels.client}, \`concurrency: ${r.concurrency}\`, the gate holding ${r.workers}`, r.client, shareBold ? `**${share}**` : share)
  ]
}

/** The head of the section's table. */
export const limitHead = (r: LimitResult, rounds: string): Array<string> => [
  `${r.calls} \`getChat\` calls on one business, simulator latency ${r.latencyMillis} ms, layerUndici; ${rounds}, median (min–max). Share: the client's calls/s over raw undici's in the same round. Ideal: ${r.workers} in flight / ${r.latencyMillis} ms = ${fmt(r.workers * 1000 / r.latencyMillis, 0)} calls/s. Slot held: from holding a slot of the gate to giving it back (raw undici and the bound: from sending to the end of the body). 420s and most in flight: counted by the simulator.`,
  "",
  "| run | calls/s | share of raw undici | share of the ideal | slot held ms/call | client CPU µs/call | 420 answers | most in flight |",
  "|---|---:|---:|---:|---:|---:|---:|---:|"
]

/** The Markdown lines of the section, for one edition (the Effect 3 edition's runner). */
export const limitTable = (r: LimitResult, labels: LimitLabels = effect3Labels): Array<string> => [
  "",
  "## 6. One process at the parallel limit",
  "",
  ...limitHead(r, `${r.undici.length} rounds, alternating which runs first`),
  ...limitRows(r, labels)
]

/** The `getChat` URL of a chat of the default business. */
export const chatUrl = (info: ServerInfo, chatId: number): string =>
  `${info.simulatorUrl}/v2/businesses/${info.businessId}/chat?chatId=${chatId}`

/** `undici.request` for a GET. */
export interface UndiciGet {
  (url: string, options: { method: "GET"; headers: Record<string, string> }): ReturnType<UndiciRequest>
}

/**
 * `calls` `getChat` requests, `workers` at a time, each worker sending its next when the last is
 * answered; returns the mean time a request was in flight (from sending to the end of its body), ms.
 */
export const rawUndici = async (request: UndiciGet, info: ServerInfo, calls: number, workers: number): Promise<number> => {
  const headers = { "api-key": info.apiKey, accept: "application/json" }
  let next = 0
  let held = 0
  const worker = async () => {
    while (next < calls) {
      const chatId = info.chatIds[next++ % info.chatIds.length]!
      const t0 = performance.now()
      const response = await request(chatUrl(info, chatId), { method: "GET", headers })
      const body = await response.body.text()
      held += performance.now() - t0
      if (response.statusCode !== 200) throw new Error(`HTTP ${response.statusCode}: ${body}`)
      JSON.parse(body)
    }
  }
  await Promise.all(Array.from({ length: workers }, worker))
  return held / calls
}

/** What an edition brings to the section: its two Effect rows, each returning the mean time held, ms. */
export interface LimitEdition {
  readonly request: UndiciGet
  /** The edition's `HttpClient` alone, `workers` at a time. */
  readonly bound: (calls: number, workers: number) => Promise<number>
  /** The client, `calls` `getChat` calls at `concurrency`; the mean time a call held its slot. */
  readonly client: (calls: number, concurrency: number) => Promise<number>
  readonly dispose: () => Promise<void>
}

/**
 * The command line of an edition's `bench/limit.ts`:
 *
 *   [--rounds 7] [--calls 400] [--latency 20] [--concurrency 8] [--offset N]
 *
 * `--offset` is the number of the first round (rounds alternate which row runs first).
 * `make` builds the edition's rows for the bench server.
 */
export const limitMain = async (workers: number, make: (info: ServerInfo) => Promise<LimitEdition>): Promise<void> => {
  const options = args()
  const rounds = Number(options.get("rounds") ?? 7)
  const calls = Number(options.get("calls") ?? 400)
  const latency = Number(options.get("latency") ?? 20)
  const concurrency = Number(options.get("concurrency") ?? 8)
  const offset = Number(options.get("offset") ?? 0)
  const server = await connectServer()
  const { info } = server
  const edition = await make(info)
  const run = async (which: () => Promise<number>): Promise<LimitRun> => {
    await control(info, "reset-stats", "POST")
    const sample = await measure(which)
    const stats = await control(info, "stats") as SimStats
    return {
      wallMs: sample.wallMs,
      cpuMs: sample.cpuMs,
      callsPerSecond: calls / (sample.wallMs / 1000),
      status420: stats.responses["420"] ?? 0,
      maxInFlight: stats.maxInFlight,
      heldMs: sample.value
    }
  }
  try {
    await control(info, `latency?millis=${latency}`, "POST")
    // warm-up, at the latency
    await rawUndici(edition.request, info, calls / 4, workers)
    await edition.bound(calls / 4, workers)
    await edition.client(calls / 4, concurrency)
    const undici: Array<LimitRun> = []
    const platform: Array<LimitRun> = []
    const ours: Array<LimitRun> = []
    const kinds = [
      async () => undici.push(await run(() => rawUndici(edition.request, info, calls, workers))),
      async () => platform.push(await run(() => edition.bound(calls, workers))),
      async () => ours.push(await run(() => edition.client(calls, concurrency)))
    ]
    for (let round = 0; round < rounds; round++) {
      for (const kind of (round + offset) % 2 === 0 ? kinds : [...kinds].reverse()) await kind()
      const u = undici.at(-1)!
      const p = platform.at(-1)!
      const c = ours.at(-1)!
      progress(`  limit round ${round + 1}/${rounds}: undici ${u.callsPerSecond.toFixed(0)}/s (in flight ${u.heldMs.toFixed(1)} ms), HttpClient alone ${p.callsPerSecond.toFixed(0)}/s (${(100 * p.callsPerSecond / u.callsPerSecond).toFixed(1)}%), client ${c.callsPerSecond.toFixed(0)}/s (slot held ${c.heldMs.toFixed(1)} ms), share ${(100 * c.callsPerSecond / u.callsPerSecond).toFixed(1)}%, 420s ${u.status420}/${c.status420}, max in flight ${u.maxInFlight}/${c.maxInFlight}`)
    }
    const result: LimitResult = {
      calls,
      latencyMillis: latency,
      workers,
      concurrency,
      undici,
      platform,
      client: ours,
      share: ours.map((c, i) => c.callsPerSecond / undici[i]!.callsPerSecond),
      platformShare: platform.map((p, i) => p.callsPerSecond / undici[i]!.callsPerSecond)
    }
    report(result)
  } finally {
    await control(info, "latency?millis=0", "POST").catch(() => undefined)
    await edition.dispose()
    await server.close()
  }
}
