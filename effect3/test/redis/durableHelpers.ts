/**
 * Shared code of the durable notification queue tests (not a test file): a standalone receiver over
 * the Redis queue, a plain Redis client to look at the keys, and the queue's key names.
 */
import { Effect, Layer, Redacted, type Scope } from "effect"
import * as ChatsNotifications from "../../src/ChatsNotifications.js"
import * as Redis from "../../src/Redis.js"
import { post, type Reply } from "../notifications/helpers.js"

/** A receiver served over the Redis queue, with its queue. */
export interface DurableReceiver {
  readonly receiver: ChatsNotifications.Receiver
  readonly queue: Redis.NotificationQueue
  readonly send: (body: unknown) => Effect.Effect<Reply>
}

/** Starts a standalone receiver whose queue is the Redis queue at `url` (stopped with the scope). */
export const durableReceiver = (
  url: string,
  options: Redis.NotificationQueueOptions = {},
  receiverOptions: ChatsNotifications.ServerOptions = {}
): Effect.Effect<DurableReceiver, never, Scope.Scope> =>
  Effect.gen(function*() {
    const context = yield* Layer.build(
      ChatsNotifications.layerServer(receiverOptions).pipe(
        Layer.provideMerge(Redis.layerNotificationQueue({ url: Redacted.make(url), timeout: 500, ...options }))
      )
    )
    const receiver = Effect.runSync(Effect.provide(ChatsNotifications.ChatsNotifications, context))
    const server = Effect.runSync(Effect.provide(ChatsNotifications.NotificationsServer, context))
    const queue = Effect.runSync(Effect.provide(Redis.DurableNotificationQueue, context))
    const endpoint = Redacted.value(server.endpoint)
    return { receiver, queue, send: (body: unknown) => post(endpoint, body) }
  }).pipe(Effect.orDie)

/** The keys of the queue `name` (default prefix). */
export const keysOf = (name = "notifications") => ({
  stream: `ymc:{notifications:${name}}:stream`,
  dead: `ymc:{notifications:${name}}:dead`
})

/** The JSON bodies stored in a stream, oldest first. */
export const storedBodies = (client: { sendCommand: (args: Array<string>) => Promise<unknown> }, stream: string) =>
  Effect.promise(async () => {
    const entries = (await client.sendCommand(["XRANGE", stream, "-", "+"])) as Array<[string, Array<string>]>
    return entries.map(([, fields]) => JSON.parse(fields[fields.indexOf("body") + 1]!) as Record<string, unknown>)
  })
