/**
 * The durable notification queue's cost: the time from the market's POST to its 200 (and the
 * receiver's throughput) with the in-memory queue and with the Redis queue under three persistence
 * settings, and how fast one consumer drains the queue with `process`. redis-server from PATH.
 *
 *   node --import tsx bench/durable.ts [--posts 2000] [--concurrency 8] [--rounds 3]
 *
 * Prints a Markdown table: median of the rounds (min–max).
 */
import { Effect, Layer, Logger, LogLevel, Redacted } from "effect"
import * as ChatsNotifications from "../src/ChatsNotifications.js"
import * as Redis from "../src/Redis.js"
import { startRedis } from "../test/redis/server.js"
import { args, fmtSpread, spread } from "./lib.js"

const options = args()
const posts = Number(options.get("posts") ?? 2000)
const concurrency = Number(options.get("concurrency") ?? 8)
const rounds = Number(options.get("rounds") ?? 3)

interface Row {
  readonly perSecond: number
  readonly p50: number
  readonly p99: number
  readonly drainPerSecond: number
}

const percentile = (sorted: ReadonlyArray<number>, p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!

/** POSTs `posts` distinct messages at `concurrency`, then drains them with `process` (Redis queues). */
const measure = (layer: Layer.Layer<ChatsNotifications.ChatsNotifications | ChatsNotifications.NotificationsServer, unknown>, round: number) =>
  Effect.gen(function*() {
    const receiver = yield* ChatsNotifications.ChatsNotifications
    const endpoint = Redacted.value((yield* ChatsNotifications.NotificationsServer).endpoint)
    const times: Array<number> = []
    let next = 0
    const start = performance.now()
    yield* Effect.promise(() =>
      Promise.all(Array.from({ length: concurrency }, async () => {
        while (next < posts) {
          const id = round * 1_000_000 + ++next
          const t0 = performance.now()
          const response = await fetch(endpoint, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ notificationType: "CHAT_MESSAGE_SENT", chatId: 1, businessId: 1, messageId: String(id), sentAt: "2025-06-01T12:00:00Z" })
          })
          await response.text()
          if (response.status !== 200) throw new Error(`status ${response.status}`)
          times.push(performance.now() - t0)
        }
      }))
    )
    const perSecond = posts / ((performance.now() - start) / 1000)
    times.sort((a, b) => a - b)
    let drained = 0
    const drainStart = performance.now()
    yield* receiver.process(() => Effect.sync(() => void drained++)).pipe(
      Effect.race(Effect.repeat(Effect.sleep("5 millis"), { until: () => drained >= posts })),
      Effect.timeout("120 seconds")
    )
    const drainPerSecond = posts / ((performance.now() - drainStart) / 1000)
    return { perSecond, p50: percentile(times, 0.5), p99: percentile(times, 0.99), drainPerSecond } satisfies Row
  }).pipe(Effect.provide(layer), Effect.scoped)

const main = async () => {
  const servers = {
    none: await startRedis(),
    everysec: await startRedis({ args: ["--appendonly", "yes", "--appendfsync", "everysec"] }),
    always: await startRedis({ persistence: "aof" })
  }
  const rows: Record<string, Array<Row>> = {}
  const label: Record<string, string> = {
    memory: "in-memory queue (default)",
    none: "Redis queue, no persistence",
    everysec: "Redis queue, appendonly yes, appendfsync everysec",
    always: "Redis queue, appendonly yes, appendfsync always"
  }
  try {
    for (let round = 0; round < rounds; round++) {
      for (const kind of ["memory", "none", "everysec", "always"] as const) {
        const server = ChatsNotifications.layerServer({ capacity: posts + 1 })
        const layer = kind === "memory"
          ? server
          : server.pipe(Layer.provide(Redis.layerNotificationQueue({ url: servers[kind].url, name: `bench${round}`, maxLength: posts + 1 })))
        const row = await Effect.runPromise(
          measure(layer, round).pipe(Logger.withMinimumLogLevel(LogLevel.Error))
        )
        ;(rows[kind] ??= []).push(row)
      }
    }
  } finally {
    await Promise.all(Object.values(servers).map((s) => s.stop()))
  }
  console.log(`${posts} distinct CHAT_MESSAGE_SENT POSTs at concurrency ${concurrency} to a standalone receiver on loopback, then drained by one consumer (\`process\`, a handler that does nothing); ${rounds} rounds, median (min–max).`)
  console.log("")
  console.log("| queue | POSTs/s | POST→200 p50 ms | POST→200 p99 ms | drained events/s |")
  console.log("|---|---:|---:|---:|---:|")
  for (const [kind, list] of Object.entries(rows)) {
    const col = (f: (r: Row) => number, digits = 2) => fmtSpread(spread(list.map(f)), digits)
    console.log(`| ${label[kind]} | ${col((r) => r.perSecond, 0)} | ${col((r) => r.p50)} | ${col((r) => r.p99)} | ${col((r) => r.drainPerSecond, 0)} |`)
  }
}

await main()
