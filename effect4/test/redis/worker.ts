/**
 * The Effect 4 edition's worker program of the multi-process tests (`core/testing/processCases.ts`):
 * `node --import tsx test/redis/worker.ts '<WorkerJob as JSON>'`. It calls the simulator with
 * `ChatsClient` through the Redis gate and quota store (`Redis.layer`), each business with its own
 * concurrency, and prints the JSON lines of `core/testing/programJobs.ts` (`ready`, `call` when
 * verbose, `done`). A call that fails with `LimiterUnavailableError` is tried again after 50 ms.
 */
import { NodeHttpClient } from "@effect/platform-node"
import { Effect, Layer, Logger, Redacted, References } from "effect"
import { callStart, isQueuedNote, type WorkerBusiness, type WorkerJob, workerBook } from "../../../core/testing/programJobs.js"
import { ChatsClient } from "../../src/index.js"
import * as Redis from "../../src/Redis.js"
import { childJob, print, runChild } from "./child.js"

const job = childJob<WorkerJob>()
const book = workerBook(job)

/** Counts the gate's "waiting for a slot" notes per business (and prints no log). */
const queueCounter = Logger.make(({ fiber, message }) => {
  if (isQueuedNote(message)) book.queued(fiber.getRef(References.CurrentLogAnnotations)["businessId"])
})

const redisLayer = Redis.layer({
  url: job.redisUrl,
  ...(job.lease === undefined ? {} : { lease: job.lease }),
  ...(job.timeout === undefined ? {} : { timeout: job.timeout }),
  ...(job.fallback === undefined ? {} : { fallback: job.fallback })
})

/** The calls of one business, `concurrency` at a time, until it has made them all or the worker is done. */
const callBusiness = (b: WorkerBusiness) =>
  Effect.gen(function*() {
    const client = yield* ChatsClient.make({ apiKey: Redacted.make(b.apiKey), baseUrl: job.simulatorUrl })
    const call = (chatId: number) =>
      b.operation === "getChatMessage"
        ? Effect.asVoid(client.getChatMessage({ businessId: b.businessId, chatId, messageId: 1 }))
        : Effect.asVoid(client.getChat({ businessId: b.businessId, chatId }))
    const one = (chatId: number): Effect.Effect<void> =>
      Effect.suspend(() => {
        const started = callStart()
        return Effect.matchEffect(call(chatId), {
          onSuccess: () => Effect.sync(() => book.record(b, started)),
          onFailure: (error) =>
            Effect.suspend(() => {
              book.record(b, started, error._tag)
              return error._tag === "LimiterUnavailableError" && !book.done() ? Effect.andThen(Effect.sleep(50), one(chatId)) : Effect.void
            })
        })
      })
    yield* Effect.forEach(
      Array.from({ length: b.concurrency }),
      () =>
        Effect.suspend(function loop(): Effect.Effect<void> {
          const chatId = book.nextChat(b)
          return chatId === undefined ? Effect.void : Effect.andThen(one(chatId), Effect.suspend(loop))
        }),
      { concurrency: "unbounded", discard: true }
    )
  })

const program = Effect.gen(function*() {
  print({ event: "ready" })
  book.start()
  yield* Effect.forEach(job.businesses, callBusiness, { concurrency: "unbounded", discard: true })
  book.finish()
}).pipe(
  Effect.provide(Layer.mergeAll(redisLayer, NodeHttpClient.layerUndici)),
  Effect.provide(Logger.layer([queueCounter])),
  Effect.provideService(References.MinimumLogLevel, "Debug")
)

runChild("worker", program)
