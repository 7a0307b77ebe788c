/**
 * A worker process of section "redis" (`effect3/bench/redis.ts`, started with `--edition 4`) for the
 * Effect 4 edition: one `ChatsClient` behind the Redis gate and quota store (`Redis.layer`) and one
 * behind an in-memory gate of its own, both on the bench simulator. It reads and prints what every
 * worker does (`bench/redisWorker.ts`): for each `run` line, `getChat` calls over the default
 * business's chats, then one JSON line with the wall time, CPU time and each call's wait at the gate.
 *
 *   node --import tsx bench/redis-worker.ts '<{"redisUrl","simulatorUrl","apiKey","businessId","chatIds","handoffs"?}>'
 */
import { NodeHttpClient } from "@effect/platform-node"
import { Context, Effect, Layer, Redacted } from "effect"
import { serveRuns, workerJob, type WorkerMode, type WorkerRun } from "../../bench/redisWorker.js"
import { ChatsClient, ChatsLimiter } from "../src/index.js"
import * as Redis from "../src/Redis.js"

const job = workerJob()

/** A gate that records how long each call waited for its slot (taken alone, or with a unit of the quota). */
const timedGate = (inner: ChatsLimiter.Gate, waits: Array<number>): ChatsLimiter.Gate => {
  const timed = <A>(asked: number, a: A): A => {
    waits.push(performance.now() - asked)
    return a
  }
  return {
    withPermit: (key) => (effect) =>
      Effect.suspend(() => {
        const asked = performance.now()
        return inner.withPermit(key)(Effect.suspend(() => timed(asked, effect)))
      }),
    reserving: inner.reserving && {
      store: inner.reserving.store,
      withPermit: (key, operation) => (use, reported) =>
        Effect.suspend(() => {
          const asked = performance.now()
          return inner.reserving!.withPermit(key, operation)((reservation) => Effect.suspend(() => timed(asked, use(reservation))), reported)
        })
    }
  }
}

const main = Effect.gen(function*() {
  const waits: Array<number> = []
  const redis = yield* Layer.build(Redis.layer({ url: job.redisUrl, handoffs: job.handoffs }))
  const clientWith = (gate: ChatsLimiter.Gate, quotaStore: ChatsLimiter.QuotaStore) =>
    ChatsClient.make({ apiKey: Redacted.make(job.apiKey), baseUrl: job.simulatorUrl }).pipe(
      Effect.provideService(ChatsLimiter.ChatsGate, timedGate(gate, waits)),
      Effect.provideService(ChatsLimiter.ChatsQuotaStore, quotaStore)
    )
  const clients = {
    redis: yield* clientWith(Context.get(redis, ChatsLimiter.ChatsGate), Context.get(redis, ChatsLimiter.ChatsQuotaStore)),
    memory: yield* clientWith(ChatsLimiter.makeMemoryGate(), ChatsLimiter.makeMemoryQuotaStore())
  }
  const run = (mode: WorkerMode, calls: number, concurrency: number) =>
    Effect.gen(function*() {
      waits.length = 0
      let next = 0
      let failed = 0
      const cpu0 = process.cpuUsage()
      const startedAt = Date.now()
      yield* Effect.forEach(Array.from({ length: concurrency }), () =>
        Effect.suspend(function loop(): Effect.Effect<void> {
          if (next >= calls) return Effect.void
          const chatId = job.chatIds[next++ % job.chatIds.length]!
          return clients[mode].getChat({ businessId: job.businessId, chatId }).pipe(
            Effect.catch(() => Effect.sync(() => failed++)),
            Effect.andThen(Effect.suspend(loop))
          )
        }), { concurrency: "unbounded", discard: true })
      const cpu = process.cpuUsage(cpu0)
      return { calls, failed, startedAt, endedAt: Date.now(), cpuUs: cpu.user + cpu.system, waits: [...waits] } satisfies WorkerRun
    })
  yield* Effect.promise(() => serveRuns((mode, calls, concurrency) => Effect.runPromise(run(mode, calls, concurrency))))
}).pipe(Effect.scoped, Effect.provide(NodeHttpClient.layerUndici))

Effect.runPromise(main).then(() => process.exit(0), (error) => {
  process.stderr.write(`bench worker failed: ${String(error)}\n`)
  process.exit(1)
})
