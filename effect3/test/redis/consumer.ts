/**
 * A consumer process of the durable notification queue: `node --import tsx test/redis/consumer.ts '<json>'`.
 * It builds a receiver (not served) over the Redis queue and handles its events with `process`,
 * printing JSON lines on stdout:
 *
 * - `{"event":"ready"}` once the layers are built;
 * - `{"event":"handling","messageId":..,"attempt":..,"at":<epoch ms>}` when a handler starts;
 * - `{"event":"handled","messageId":..}` when it is done (never for `hangOn`: that handler never ends).
 *
 * It exits by itself after `maxMs`.
 */
import { Effect, Layer, Logger, LogLevel } from "effect"
import * as ChatsNotifications from "../../src/ChatsNotifications.js"
import * as Redis from "../../src/Redis.js"
import { childJob, print, runChild } from "./child.js"

/** What a consumer is told to do. */
export interface ConsumerJob {
  readonly redisUrl: string
  readonly name: string
  readonly claimIdle: number
  /** The message id whose handler never ends (the process is meant to be killed meanwhile). */
  readonly hangOn?: string
  readonly maxMs?: number
}

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
