/**
 * The Effect 3 edition's consumer program of the durable notification queue (`core/testing/crashCases.ts`,
 * `endToEndCases.ts`): `node --import tsx test/redis/consumer.ts '<ConsumerJob as JSON>'`. It builds a
 * receiver (not served) over the Redis queue and handles its events with `process`, printing the JSON
 * lines of `core/testing/programJobs.ts` (`ready`, `handling`, `handled`; the handler of `hangOn`
 * never ends). It exits by itself after `maxMs`.
 */
import { Effect, Layer, Logger, LogLevel } from "effect"
import type { ConsumerJob } from "../../../core/testing/programJobs.js"
import * as ChatsNotifications from "../../src/ChatsNotifications.js"
import * as Redis from "../../src/Redis.js"
import { childJob, print, runChild } from "./child.js"

const job = childJob<ConsumerJob>()

const program = Effect.gen(function*() {
  const receiver = yield* ChatsNotifications.ChatsNotifications
  print({ event: "ready" })
  yield* receiver.process((event) => {
    const messageId = event._tag === "ChatMessageSent" ? event.messageId : event._tag
    return Effect.gen(function*() {
      print({ event: "handling", messageId, at: Date.now() })
      if (messageId === job.hangOn) return yield* Effect.never
      yield* Effect.sleep("20 millis")
      print({ event: "handled", messageId })
    })
  })
}).pipe(
  Effect.provide(
    ChatsNotifications.layer().pipe(
      Layer.provide(Redis.layerNotificationQueue({ url: job.redisUrl, name: job.name, claimIdle: job.claimIdle }))
    )
  ),
  Logger.withMinimumLogLevel(LogLevel.Error)
)

runChild("consumer", program)
