/**
 * A worker process of the multi-process tests: `node --import tsx test/redis/worker.ts '<json>'`.
 * It calls the simulator with `ChatsClient` through the Redis gate and quota store (`Redis.layer`),
 * each business with its own concurrency, and prints JSON lines on stdout:
 *
 * - `{"event":"ready"}` once the layers are built;
 * - `{"event":"call","businessId":..,"ok":true|false,"tag":..,"at":<epoch ms>}` after each call
 *   (only with `"verbose": true`);
 * - `{"event":"done","results":{<businessId>:{"ok":n,"errors":{<tag>:n},"queued":n}}}` at the end,
 *   where `queued` counts the calls that waited at the gate.
 *
 * A call that fails with `LimiterUnavailableError` (Redis out of reach) is counted and tried again
 * after 50 ms, as an application would. The worker stops after `calls` calls per business, or at
 * `untilMs` (epoch ms), or `forMs` after it is ready, or when killed; it exits by itself at the latest after `maxMs`.
 */
import { NodeHttpClient } from "@effect/platform-node"
import { Effect, HashMap, Layer, Logger, LogLevel, Redacted } from "effect"
import { ChatsClient } from "../../src/index.js"
import * as Redis from "../../src/Redis.js"
import { childJob, print, runChild } from "./child.js"

/** What a worker is told to do. */
export interface WorkerJob {
  readonly redisUrl: string
  readonly simulatorUrl: string
  readonly lease?: number
  readonly timeout?: number
  readonly fallback?: "fail" | "memory"
  readonly verbose?: boolean
  readonly maxMs?: number
  readonly untilMs?: number
  /** Stop this long after `ready` (a slow start on a loaded machine does not eat into the run). */
  readonly forMs?: number
  readonly businesses: ReadonlyArray<{
    readonly businessId: number
    readonly apiKey: string
    readonly chatIds: ReadonlyArray<number>
    readonly concurrency: number
    readonly calls?: number
    /** `getChat` (default) or `getChatMessage` (to give it its own latency in the simulator). */
    readonly operation?: "getChat" | "getChatMessage"
  }>
}

/** What a worker reports per business. */
export interface WorkerResult {
  readonly ok: number
  readonly errors: Record<string, number>
  readonly queued: number
}

const job = childJob<WorkerJob>()

const results: Record<number, WorkerResult> = {}
for (const b of job.businesses) results[b.businessId] = { ok: 0, errors: {}, queued: 0 }

/** Counts the gate's "waiting for a slot" notes per business. */
const queueCounter = Logger.make(({ annotations, message }) => {
  const text = Array.isArray(message) ? message.join(" ") : String(message)
  if (!text.includes("waiting for a slot")) return
  const id = HashMap.get(annotations, "businessId")
  if (id._tag === "Some") {
    const r = results[Number(id.value)]
    if (r !== undefined) (r as { queued: number }).queued++
  }
})

const redisLayer = Redis.layer({
  url: job.redisUrl,
  ...(job.lease === undefined ? {} : { lease: job.lease }),
  ...(job.timeout === undefined ? {} : { timeout: job.timeout }),
  ...(job.fallback === undefined ? {} : { fallback: job.fallback })
})

const program = Effect.gen(function*() {
  print({ event: "ready" })
  const until = Math.min(job.untilMs ?? Infinity, job.forMs === undefined ? Infinity : Date.now() + job.forMs)
  const done = () => Date.now() >= until
  yield* Effect.forEach(job.businesses, (b) =>
    Effect.gen(function*() {
      const client = yield* ChatsClient.make({ apiKey: Redacted.make(b.apiKey), baseUrl: job.simulatorUrl })
      const result = results[b.businessId] as { ok: number; errors: Record<string, number> }
      let next = 0
      const one = (chatId: number): Effect.Effect<void> =>
        (b.operation === "getChatMessage"
          ? Effect.asVoid(client.getChatMessage({ businessId: b.businessId, chatId, messageId: 1 }))
          : Effect.asVoid(client.getChat({ businessId: b.businessId, chatId }))).pipe(
            Effect.matchEffect({
              onSuccess: () =>
                Effect.sync(() => {
                  result.ok++
                  if (job.verbose === true) print({ event: "call", businessId: b.businessId, ok: true, at: Date.now() })
                }),
              onFailure: (error) =>
                Effect.suspend(() => {
                  result.errors[error._tag] = (result.errors[error._tag] ?? 0) + 1
                  if (job.verbose === true) print({ event: "call", businessId: b.businessId, ok: false, tag: error._tag, at: Date.now() })
                  return error._tag === "LimiterUnavailableError" && !done() ? Effect.zipRight(Effect.sleep(50), one(chatId)) : Effect.void
                })
            })
          )
      yield* Effect.forEach(
        Array.from({ length: b.concurrency }),
        () =>
          Effect.suspend(function loop(): Effect.Effect<void> {
            if (done() || (b.calls !== undefined && next >= b.calls)) return Effect.void
            const chatId = b.chatIds[next++ % b.chatIds.length]!
            return Effect.zipRight(one(chatId), Effect.suspend(loop))
          }),
        { concurrency: "unbounded", discard: true }
      )
    }), { concurrency: "unbounded", discard: true })
  print({ event: "done", results })
}).pipe(
  Effect.provide(Layer.mergeAll(redisLayer, NodeHttpClient.layerUndici)),
  Effect.provide(Logger.replace(Logger.defaultLogger, queueCounter)),
  Logger.withMinimumLogLevel(LogLevel.Debug)
)

runChild("worker", program)
