/**
 * Section "limit": one process at the market's parallel limit. `getChat` calls on the simulator's
 * default business, with the simulator adding 20 ms of latency to every request: raw
 * `undici.request` + `JSON.parse` with 4 workers, each making its next call when the last one is
 * answered (the baseline: 4 in flight, nothing else), against this library with `concurrency: 8` in
 * user code and its gate holding it at 4. The 4-wide ideal is 4 / latency. A third row is the bound
 * of any client on `@effect/platform`: its `HttpClient` over `layerUndici` alone, 4 workers.
 *
 *   node --import tsx bench/limit.ts [--rounds 7] [--calls 400] [--latency 20] [--concurrency 8] [--src DIR]
 *
 * `--src DIR` measures the client of another checkout (`DIR/src/index.ts`, e.g. a `git worktree add
 * --detach` of an older commit with `node_modules` linked to this one's), for before/after figures
 * (`bench/versions.ts`); a version without `ChatsLimiter.ChatsGate` runs with its own gate, untimed.
 *
 * Rounds alternate which runs first; the client's share is taken within each round. The gate of the
 * client is the default one, timed from outside (a wrapper around the same in-memory gate records how
 * long each call waited for its slot and held it), so that a share below 100% can be told apart:
 * the slot held longer than the exchange, or time between two calls.
 */
import { HttpClient, HttpClientRequest } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import Undici from "@effect/platform-node/Undici"
import { Effect, Layer, ManagedRuntime, Redacted } from "effect"
import * as This from "../src/index.js"
import { args, connectServer, control, fmt, fmtSpread, measure, progress, report, type ServerInfo, spread } from "./lib.js"

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
  /** The bound: `@effect/platform`'s `HttpClient` alone, 4 workers (absent in runs saved before it). */
  readonly platform?: ReadonlyArray<LimitRun> | undefined
  readonly client: ReadonlyArray<LimitRun>
  /** The client's calls/s over raw undici's, per round. */
  readonly share: ReadonlyArray<number>
  /** The bound's calls/s over raw undici's, per round. */
  readonly platformShare?: ReadonlyArray<number> | undefined
}

/** The Markdown lines of the section. */
export const limitTable = (r: LimitResult): Array<string> => {
  const ideal = r.workers * 1000 / r.latencyMillis
  const row = (label: string, runs: ReadonlyArray<LimitRun>, share: string) =>
    `| ${label} | ${fmtSpread(spread(runs.map((x) => x.callsPerSecond)), 0)} | ${share} | ${fmtSpread(spread(runs.map((x) => x.callsPerSecond / ideal * 100)), 0, "%")} | ${fmtSpread(spread(runs.map((x) => x.heldMs)), 2)} | ${fmtSpread(spread(runs.map((x) => x.cpuMs * 1000 / r.calls)), 0)} | ${runs.reduce((n, x) => n + x.status420, 0)} | ${Math.max(...runs.map((x) => x.maxInFlight))} |`
  return [
    "",
    "## 6. One process at the parallel limit",
    "",
    `${r.calls} \`getChat\` calls on one business, simulator latency ${r.latencyMillis} ms, layerUndici; ${r.undici.length} rounds, alternating which runs first, median (min–max). Share: the client's calls/s over raw undici's in the same round. Ideal: ${r.workers} in flight / ${r.latencyMillis} ms = ${fmt(ideal, 0)} calls/s. Slot held: from holding a slot of the gate to giving it back (raw undici and the bound: from sending to the end of the body). 420s and most in flight: counted by the simulator.`,
    "",
    "| run | calls/s | share of raw undici | share of the ideal | slot held ms/call | client CPU µs/call | 420 answers | most in flight |",
    "|---|---:|---:|---:|---:|---:|---:|---:|",
    row(`raw \`undici.request\` + \`JSON.parse\`, ${r.workers} workers (baseline)`, r.undici, "100%"),
    ...(r.platform === undefined || r.platformShare === undefined ? [] : [
      row(`bound: \`@effect/platform\`'s \`HttpClient\` on \`layerUndici\` alone (\`execute\`, \`text\`, \`JSON.parse\`; no library code), ${r.workers} workers`, r.platform, fmtSpread(spread(r.platformShare.map((x) => x * 100)), 1, "%"))
    ]),
    row(`this library, \`concurrency: ${r.concurrency}\`, the gate holding ${r.workers}`, r.client, `**${fmtSpread(spread(r.share.map((x) => x * 100)), 1, "%")}**`)
  ]
}

/** The `getChat` URL of a chat of the default business. */
const chatUrl = (info: ServerInfo, chatId: number) => `${info.simulatorUrl}/v2/businesses/${info.businessId}/chat?chatId=${chatId}`

/**
 * `calls` `getChat` requests, `workers` at a time, each worker sending its next when the last is
 * answered; returns the mean time a request was in flight (from sending to the end of its body), ms.
 */
export const rawUndici = async (info: ServerInfo, calls: number, workers: number): Promise<number> => {
  const headers = { "api-key": info.apiKey, accept: "application/json" }
  let next = 0
  let held = 0
  const worker = async () => {
    while (next < calls) {
      const chatId = info.chatIds[next++ % info.chatIds.length]!
      const t0 = performance.now()
      const response = await Undici.request(chatUrl(info, chatId), { method: "GET", headers })
      const body = await response.body.text()
      held += performance.now() - t0
      if (response.statusCode !== 200) throw new Error(`HTTP ${response.statusCode}: ${body}`)
      JSON.parse(body)
    }
  }
  await Promise.all(Array.from({ length: workers }, worker))
  return held / calls
}

/**
 * The same calls through `@effect/platform`'s `HttpClient` alone, `workers` at a time (`execute`,
 * `text`, `JSON.parse`, no library code): the bound of any client built on it. Returns the mean time
 * a request was in flight, ms.
 */
const platformAlone = (info: ServerInfo, calls: number, workers: number) =>
  Effect.flatMap(HttpClient.HttpClient, (client) => {
    const headers = { "api-key": info.apiKey, accept: "application/json" }
    let next = 0
    let held = 0
    const worker = Effect.suspend(function loop(): Effect.Effect<void, unknown> {
      if (next >= calls) return Effect.void
      const t0 = performance.now()
      return client.execute(HttpClientRequest.get(chatUrl(info, info.chatIds[next++ % info.chatIds.length]!), { headers })).pipe(
        Effect.flatMap((response) => response.text),
        Effect.flatMap((body) => {
          held += performance.now() - t0
          JSON.parse(body)
          return loop()
        })
      )
    })
    return Effect.map(Effect.all(Array.from({ length: workers }, () => worker), { concurrency: "unbounded", discard: true }), () => held / calls)
  })

/** The default in-memory gate, recording how long each call held its slot. */
const timedGate = (inner: This.ChatsLimiter.Gate, held: Array<number>): This.ChatsLimiter.Gate => ({
  withPermit: (key) => (effect) =>
    inner.withPermit(key)(Effect.suspend(() => {
      const t0 = performance.now()
      return Effect.ensuring(effect, Effect.sync(() => held.push(performance.now() - t0)))
    }))
})

const main = async () => {
  const options = args()
  const rounds = Number(options.get("rounds") ?? 7)
  const calls = Number(options.get("calls") ?? 400)
  const latency = Number(options.get("latency") ?? 20)
  const concurrency = Number(options.get("concurrency") ?? 8)
  const src = options.get("src")
  const { ChatsClient, ChatsLimiter } = src === undefined ? This : await import(`${src}/src/index.ts`) as typeof This
  const workers = This.ChatsLimiter.marketParallelLimit
  const server = await connectServer()
  const { info } = server
  const held: Array<number> = []
  const client = ChatsClient.layer({ apiKey: Redacted.make(info.apiKey), baseUrl: info.simulatorUrl })
  const bareRuntime = ManagedRuntime.make(NodeHttpClient.layerUndici)
  const runtime = ManagedRuntime.make(
    (ChatsLimiter.ChatsGate === undefined
      ? client
      : client.pipe(Layer.provide(Layer.succeed(ChatsLimiter.ChatsGate, timedGate(ChatsLimiter.makeMemoryGate(), held))))).pipe(
        Layer.provide(NodeHttpClient.layerUndici)
      )
  )
  const calling = (n: number) =>
    runtime.runPromise(Effect.flatMap(ChatsClient.ChatsClient, (chats) =>
      Effect.forEach(
        Array.from({ length: n }, (_, i) => info.chatIds[i % info.chatIds.length]!),
        (chatId) => chats.getChat({ businessId: info.businessId, chatId }),
        { concurrency, discard: true }
      ))).then(() => {
        const mean = held.length === 0 ? Number.NaN : held.reduce((a, b) => a + b, 0) / held.length
        held.length = 0
        return mean
      })
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
    const bound = () => bareRuntime.runPromise(platformAlone(info, calls, workers))
    // warm-up, at the latency
    await rawUndici(info, calls / 4, workers)
    await bareRuntime.runPromise(platformAlone(info, calls / 4, workers))
    await calling(calls / 4)
    const undici: Array<LimitRun> = []
    const platform: Array<LimitRun> = []
    const ours: Array<LimitRun> = []
    const kinds = [
      async () => undici.push(await run(() => rawUndici(info, calls, workers))),
      async () => platform.push(await run(bound)),
      async () => ours.push(await run(() => calling(calls)))
    ]
    for (let round = 0; round < rounds; round++) {
      for (const kind of round % 2 === 0 ? kinds : [...kinds].reverse()) await kind()
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
    await runtime.dispose()
    await bareRuntime.dispose()
    await server.close()
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main()
