/**
 * The Effect 4 edition's receiver program over the durable notification queue (`core/testing/crashCases.ts`,
 * `endToEndCases.ts`): `node --import tsx test/redis/receiver.ts '<ReceiverJob as JSON>'`. It serves a
 * standalone receiver (no consumer) whose queue is the Redis queue, and prints
 * `{"event":"ready","endpoint":"http://127.0.0.1:<port>/notification"}` once it listens. It exits by
 * itself after `maxMs`.
 */
import { Effect, Layer, Redacted, References } from "effect"
import type { ReceiverJob } from "../../../core/testing/programJobs.js"
import * as ChatsNotifications from "../../src/ChatsNotifications.js"
import * as Redis from "../../src/Redis.js"
import { childJob, print, runChild } from "./child.js"

const job = childJob<ReceiverJob>()

const program = Effect.gen(function*() {
  const server = yield* ChatsNotifications.NotificationsServer
  print({ event: "ready", endpoint: Redacted.value(server.endpoint) })
  return yield* Effect.never
}).pipe(
  Effect.provide(
    ChatsNotifications.layerServer().pipe(
      Layer.provide(Redis.layerNotificationQueue({
        url: job.redisUrl,
        name: job.name,
        ...(job.timeout === undefined ? {} : { timeout: job.timeout })
      }))
    )
  ),
  Effect.provideService(References.MinimumLogLevel, "Error")
)

runChild("receiver", program)
