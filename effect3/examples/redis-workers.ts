/**
 * Several processes, one business: worker processes share the market's limit of 4 requests in flight
 * through Redis, and the simulator counts what reached it.
 *
 *   REDIS_URL=redis://127.0.0.1:6379 node --import tsx examples/redis-workers.ts [--workers 4] [--calls 40]
 *
 * It starts the simulator (20 ms per request), then `--workers` copies of itself, each making `--calls`
 * `getChat` calls with concurrency 8 through `Redis.layerConfig()` against the Redis at `REDIS_URL`
 * (required: it starts no Redis of its own). It prints the parallel-limit 420s the simulator served and
 * the most requests it saw in flight for the business. A new Redis grants nothing for one lease (10 s)
 * after it starts: leases it may have forgotten run out first.
 */
import { NodeHttpClient, NodeRuntime } from "@effect/platform-node"
import { Config, Console, Effect, Layer } from "effect"
import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import { parseArgs } from "node:util"
import { ChatsClient } from "effect-yandex-market-chats"
import * as Redis from "effect-yandex-market-chats/redis"
import * as Simulator from "effect-yandex-market-chats/simulator"

const { values } = parseArgs({
  options: {
    workers: { type: "string", default: "4" },
    calls: { type: "string", default: "40" },
    worker: { type: "boolean", default: false }
  }
})

/** A worker: `calls` calls over the business's chats, 8 at a time, through the Redis gate. */
const worker = Effect.gen(function*() {
  const businessId = yield* Config.integer("YANDEX_MARKET_BUSINESS_ID")
  const client = yield* ChatsClient.ChatsClient
  const chats = yield* client.getChats({ businessId, limit: 20 })
  const ids = chats.chats.map((chat) => chat.chatId)
  yield* Effect.forEach(
    Array.from({ length: Number(values.calls) }, (_, i) => ids[i % ids.length]!),
    (chatId) => client.getChat({ businessId, chatId }),
    { concurrency: 8, discard: true }
  )
}).pipe(
  Effect.provide(ChatsClient.layerConfig().pipe(Layer.provide(Layer.merge(Redis.layerConfig(), NodeHttpClient.layerUndici))))
)

/** Runs this file as a worker process with `env` added to its environment; its exit code. Interrupting it kills the worker. */
const runWorker = (env: Record<string, string>) =>
  Effect.async<number>((resume) => {
    const child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), "--worker", "--calls", String(values.calls)], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "inherit", "inherit"]
    })
    child.on("exit", (code) => resume(Effect.succeed(code ?? 1)))
    return Effect.sync(() => void child.kill("SIGKILL"))
  })

/** The simulator, the workers, and what the simulator saw. */
const main = Effect.gen(function*() {
  // the workers read it; checked here so that nothing starts without it
  yield* Config.redacted("REDIS_URL").pipe(
    Effect.mapError(() => "set REDIS_URL to the Redis the workers share (redis://host:port): this example starts none")
  )
  const sim = yield* Simulator.Simulator
  yield* sim.setFaults([{ kind: "latency", millis: 20 }])
  const workers = Number(values.workers)
  const env = { YANDEX_MARKET_BASE_URL: sim.url, YANDEX_MARKET_API_KEY: sim.apiKey, YANDEX_MARKET_BUSINESS_ID: String(sim.businessId) }
  const started = Date.now()
  const codes = yield* Effect.forEach(Array.from({ length: workers }), () => runWorker(env), { concurrency: "unbounded" })
  const stats = yield* sim.stats
  yield* Console.log(`${workers} processes × concurrency 8, ${stats.totalRequests} requests in ${((Date.now() - started) / 1000).toFixed(1)} s (workers' exit codes: ${codes.join(" ")})`)
  yield* Console.log(`parallel-limit 420s served: ${stats.rateLimited.parallel}; most requests in flight for the business: ${stats.maxInFlight}`)
  if (codes.some((code) => code !== 0)) return yield* Effect.fail("a worker failed")
}).pipe(
  Effect.provide(Simulator.layer({ seed: 1, chats: 40, messages: 200 })),
  Effect.catchTag("ServeError", (e) => Effect.fail(`the simulator could not start: ${e.message}`)),
  Effect.tapError((message) => Console.error(message))
)

// SIGINT / SIGTERM interrupt the program: the workers are killed, the simulator stopped. A worker's
// failure is reported by the runtime (so is a defect); the main program says its own in one line.
if (values.worker) NodeRuntime.runMain(worker)
else NodeRuntime.runMain(main, { disableErrorReporting: true })
