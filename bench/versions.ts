/**
 * This library against other versions of it, in one process and one run: the CPU per decoded page
 * (as section 1, `bench/pages.ts`) and the throughput at the parallel limit (as section 6,
 * `bench/limit.ts`), with raw `undici.request` as the baseline of each round. Not part of
 * `npm run bench`; a tool for before/after figures of a change.
 *
 *   node --import tsx bench/versions.ts --versions 90691c3=/tmp/base-90691c3[,label=dir...] [--rounds 9] [--pages 300] [--calls 400] [--latency 20]
 *
 * Each other version is a checkout of the repository (`git worktree add --detach DIR COMMIT`, with
 * `node_modules` linked to this one's, so that every version runs on the same `effect`), whose
 * `src/index.ts` is imported beside this one's. Every version is given the same options
 * (`ChatsClient.layer({ apiKey, baseUrl })` over `NodeHttpClient.layerUndici`). Rows run interleaved
 * in a rotating order; ratios are taken within a round, then the median of the rounds is given.
 */
import type { HttpClient } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import Undici from "@effect/platform-node/Undici"
import { Effect, Layer, ManagedRuntime, Redacted } from "effect"
import * as This from "../src/index.js"
import { rawUndici } from "./limit.js"
import { args, connectServer, control, fmtSpread, measure, progress, spread } from "./lib.js"

/** The part of a version's `ChatsClient` module that the rows use. */
interface ClientModule {
  readonly ChatsClient: typeof This.ChatsClient.ChatsClient
  readonly layer: (options: { readonly apiKey: Redacted.Redacted; readonly baseUrl: string }) => Layer.Layer<This.ChatsClient.ChatsClient, never, HttpClient.HttpClient>
}

interface Version {
  readonly label: string
  readonly module: ClientModule
}

/** A client of one version over `layerUndici`, and what each row asks of it. */
const runtimeOf = (version: Version, baseUrl: string, apiKey: string) =>
  ManagedRuntime.make(version.module.layer({ apiKey: Redacted.make(apiKey), baseUrl }).pipe(Layer.provide(NodeHttpClient.layerUndici)))

const main = async () => {
  const options = args()
  const rounds = Number(options.get("rounds") ?? 9)
  const pages = Number(options.get("pages") ?? 300)
  const calls = Number(options.get("calls") ?? 400)
  const latency = Number(options.get("latency") ?? 20)
  const versions: Array<Version> = [{ label: "this checkout", module: This.ChatsClient as unknown as ClientModule }]
  for (const spec of (options.get("versions") ?? "").split(",").filter((s) => s !== "")) {
    const [label, dir] = spec.split("=")
    const index = await import(`${dir}/src/index.ts`) as { ChatsClient: ClientModule }
    versions.unshift({ label: label!, module: index.ChatsClient })
  }
  const server = await connectServer()
  const { info } = server
  try {
    // CPU per page, sequential, on the fixed pages
    const pageRows = [
      {
        label: "undici.request + JSON.parse (floor)",
        run: async (n: number) => {
          const headers = { "api-key": info.apiKey, "content-type": "application/json", accept: "application/json" }
          for (let i = 0; i < n; i++) {
            const response = await Undici.request(`${info.fixedUrl}${info.fixed.historyPath}?chatId=10001&limit=100`, { method: "POST", headers, body: "{}" })
            if (response.statusCode !== 200) throw new Error(`HTTP ${response.statusCode}`)
            JSON.parse(await response.body.text())
          }
        }
      },
      ...versions.map((v) => {
        const runtime = runtimeOf(v, info.fixedUrl, info.apiKey)
        return {
          label: v.label,
          run: (n: number) =>
            runtime.runPromise(Effect.flatMap(v.module.ChatsClient, (client) =>
              Effect.gen(function*() {
                for (let i = 0; i < n; i++) yield* client.getChatHistory({ businessId: info.businessId, chatId: 10001, limit: 100 })
              })))
        }
      })
    ]
    for (const row of pageRows) await row.run(pages * 2)
    const cpu = pageRows.map(() => [] as Array<number>)
    for (let round = 0; round < rounds; round++) {
      for (let k = 0; k < pageRows.length; k++) {
        const i = (k + round) % pageRows.length
        cpu[i]!.push((await measure(() => pageRows[i]!.run(pages))).cpuMs * 1000 / pages)
      }
      progress(`  pages round ${round + 1}/${rounds}: ${pageRows.map((r, i) => `${r.label} ${cpu[i]!.at(-1)!.toFixed(0)}µs`).join(", ")}`)
    }

    // throughput at the parallel limit: getChat on the simulator
    const chatIds = Array.from({ length: calls }, (_, i) => info.chatIds[i % info.chatIds.length]!)
    const limitRows = [
      {
        label: "raw undici.request + JSON.parse, 4 workers (baseline)",
        run: (): Promise<unknown> => rawUndici(info, calls, 4)
      },
      ...versions.map((v) => {
        const runtime = runtimeOf(v, info.simulatorUrl, info.apiKey)
        return {
          label: `${v.label}, concurrency: 8`,
          run: () =>
            runtime.runPromise(Effect.flatMap(v.module.ChatsClient, (client) =>
              Effect.forEach(chatIds, (chatId) => client.getChat({ businessId: info.businessId, chatId }), { concurrency: 8, discard: true })))
        }
      })
    ]
    await control(info, `latency?millis=${latency}`, "POST")
    for (const row of limitRows) await row.run()
    const rate = limitRows.map(() => [] as Array<number>)
    const inFlight = limitRows.map(() => 0)
    for (let round = 0; round < rounds; round++) {
      for (let k = 0; k < limitRows.length; k++) {
        const i = (k + round) % limitRows.length
        await control(info, "reset-stats", "POST")
        rate[i]!.push(calls / ((await measure(() => limitRows[i]!.run())).wallMs / 1000))
        const stats = await control(info, "stats") as { maxInFlight: number; responses: Record<string, number> }
        if ((stats.responses["420"] ?? 0) > 0) throw new Error(`${limitRows[i]!.label}: ${stats.responses["420"]} answers 420`)
        inFlight[i] = Math.max(inFlight[i]!, stats.maxInFlight)
      }
      progress(`  limit round ${round + 1}/${rounds}: ${limitRows.map((r, i) => `${r.label} ${rate[i]!.at(-1)!.toFixed(0)}/s`).join(", ")}`)
    }
    await control(info, "latency?millis=0", "POST")

    console.log(`\n## CPU per decoded page: getChatHistory, 100 messages (the fixed page), layerUndici; ${rounds} rounds of ${pages} sequential pages, median (min–max)\n`)
    console.log("| client | CPU µs/page | × floor (same round) |")
    console.log("|---|---:|---:|")
    for (const [i, row] of pageRows.entries()) {
      console.log(`| ${row.label} | ${fmtSpread(spread(cpu[i]!), 0)} | ${fmtSpread(spread(cpu[i]!.map((us, r) => us / cpu[0]![r]!)), 2, "×")} |`)
    }
    console.log(`\n## At the parallel limit: ${calls} getChat calls, simulator latency ${latency} ms (ideal ${4000 / latency} calls/s); ${rounds} rounds, median (min–max)\n`)
    console.log("| client | calls/s | share of raw undici (same round) | most in flight |")
    console.log("|---|---:|---:|---:|")
    for (const [i, row] of limitRows.entries()) {
      console.log(`| ${row.label} | ${fmtSpread(spread(rate[i]!), 0)} | ${fmtSpread(spread(rate[i]!.map((x, r) => 100 * x / rate[0]![r]!)), 1, "%")} | ${inFlight[i]} |`)
    }
  } finally {
    await control(info, "latency?millis=0", "POST").catch(() => undefined)
    await server.close()
  }
  process.exit(0)
}

if (import.meta.url === `file://${process.argv[1]}`) await main()
