/**
 * Section 3: throughput under the market's parallel limit. The full histories of the 200 chats of
 * the simulator's default business (pages of 100), with the simulator adding 20 ms of latency to
 * every request: one chat after another, against `Effect.forEach(..., { concurrency: 16 })` in
 * user code. The client's gate holds it at 4 requests in flight; the simulator answers a 5th with
 * a 420, and its counters (read over the bench server's control endpoint) tell how many it sent.
 *
 *   node --import tsx bench/throughput.ts [--rounds 5] [--latency 20] [--concurrency 16]
 *
 * Rounds alternate sequential and concurrent runs; each round's speed-up is taken within the round.
 */
import { NodeHttpClient } from "@effect/platform-node"
import { Effect, Layer, ManagedRuntime, Redacted, Stream } from "effect"
import { ChatsClient } from "../src/index.js"
import { args, connectServer, control, measure, progress, report } from "./lib.js"

interface SimStats {
  readonly totalRequests: number
  readonly responses: Readonly<Record<string, number>>
  readonly rateLimited: { readonly parallel: number; readonly quota: number }
  readonly maxInFlight: number
}

export interface ThroughputRun {
  readonly wallMs: number
  readonly cpuMs: number
  readonly requests: number
  readonly messages: number
  readonly status420: number
  readonly maxInFlight: number
}

export interface ThroughputResult {
  readonly chats: number
  readonly latencyMillis: number
  readonly concurrency: number
  readonly sequential: ReadonlyArray<ThroughputRun>
  readonly concurrent: ReadonlyArray<ThroughputRun>
  /** Sequential wall time over concurrent wall time, per round. */
  readonly speedup: ReadonlyArray<number>
}

const main = async () => {
  const options = args()
  const rounds = Number(options.get("rounds") ?? 5)
  const latency = Number(options.get("latency") ?? 20)
  const concurrency = Number(options.get("concurrency") ?? 16)
  const server = await connectServer()
  const { info } = server
  const runtime = ManagedRuntime.make(
    ChatsClient.layer({ apiKey: Redacted.make(info.apiKey), baseUrl: info.simulatorUrl }).pipe(
      Layer.provide(NodeHttpClient.layerUndici)
    )
  )
  const histories = (n: number) =>
    runtime.runPromise(Effect.flatMap(ChatsClient.ChatsClient, (client) =>
      Effect.map(
        Effect.forEach(
          info.chatIds,
          (chatId) => Stream.runCount(client.streamChatHistory({ businessId: info.businessId, chatId, limit: 100 })),
          { concurrency: n }
        ),
        (counts) => counts.reduce((a, b) => a + b, 0)
      )))
  const run = async (n: number): Promise<ThroughputRun> => {
    await control(info, "reset-stats", "POST")
    const sample = await measure(() => histories(n))
    const stats = await control(info, "stats") as SimStats
    return {
      wallMs: sample.wallMs,
      cpuMs: sample.cpuMs,
      requests: stats.totalRequests,
      messages: sample.value,
      status420: stats.responses["420"] ?? 0,
      maxInFlight: stats.maxInFlight
    }
  }
  try {
    // warm-up without latency
    await histories(concurrency)
    await histories(1)
    await control(info, `latency?millis=${latency}`, "POST")
    const sequential: Array<ThroughputRun> = []
    const concurrent: Array<ThroughputRun> = []
    for (let round = 0; round < rounds; round++) {
      // alternate which goes first
      if (round % 2 === 0) {
        sequential.push(await run(1))
        concurrent.push(await run(concurrency))
      } else {
        concurrent.push(await run(concurrency))
        sequential.push(await run(1))
      }
      const s = sequential.at(-1)!
      const c = concurrent.at(-1)!
      progress(`  throughput round ${round + 1}/${rounds}: sequential ${s.wallMs.toFixed(0)} ms, concurrency ${concurrency} ${c.wallMs.toFixed(0)} ms (×${(s.wallMs / c.wallMs).toFixed(2)}), 420s ${s.status420}/${c.status420}, max in flight ${c.maxInFlight}, ${c.requests} requests`)
    }
    const result: ThroughputResult = {
      chats: info.chatIds.length,
      latencyMillis: latency,
      concurrency,
      sequential,
      concurrent,
      speedup: sequential.map((s, i) => s.wallMs / concurrent[i]!.wallMs)
    }
    report(result)
  } finally {
    await control(info, "latency?millis=0", "POST").catch(() => undefined)
    await runtime.dispose()
    await server.close()
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main()
