/**
 * A receiver process over the durable notification queue: `node --import tsx test/redis/receiver.ts '<json>'`.
 * It serves a standalone receiver (no consumer) whose queue is the Redis queue, and prints
 * `{"event":"ready","endpoint":"http://127.0.0.1:<port>/notification"}` once it listens.
 *
 * It exits by itself after `maxMs`.
 */
import { Effect, Layer, Logger, LogLevel, Redacted } from "effect"
import * as ChatsNotifications from "../../src/ChatsNotifications.js"
import * as Redis from "../../src/Redis.js"
import { childJob, runChild } from "./child.js"

/** What a receiver is told to do. */
export interface ReceiverJob {
  readonly redisUrl: string
  readonly name: string
  readonly maxMs?: number
}

const job = childJob<ReceiverJob>()

const program = Effect.gen(function*() {
  const server = yield* ChatsNotifications.NotificationsServer
  process.stdout.write(JSON.stringify({ event: "ready", endpoint: Redacted.value(server.endpoint) }) + "\n")
  return yield* Effect.never
}).pipe(
  Effect.provide(
    ChatsNotifications.layerServer().pipe(Layer.provide(Redis.layerNotificationQueue({ url: job.redisUrl, name: job.name })))
  ),
  Logger.withMinimumLogLevel(LogLevel.Error)
)

runChild("receiver", program)
