/**
 * Shared code of the Effect 4 edition's durable notification queue tests (not a test file): a
 * standalone receiver over the Redis queue, the queue's key names, the bodies stored in a stream, and
 * a wait for a condition.
 */
import { Context, Effect, Layer, Redacted, Schedule, type Scope } from "effect"
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
  options: Redis.NotificationQueueOptions = {}
): Effect.Effect<DurableReceiver, never, Scope.Scope> =>
  Effect.gen(function*() {
    const context = yield* Layer.build(
      ChatsNotifications.layerServer().pipe(
        Layer.provideMerge(Redis.layerNotificationQueue({ url: Redacted.make(url), timeout: 500, ...options }))
      )
    )
    const endpoint = Redacted.value(Context.get(context, ChatsNotifications.NotificationsServer).endpoint)
    return {
      receiver: Context.get(context, ChatsNotifications.ChatsNotifications),
      queue: Context.get(context, Redis.DurableNotificationQueue),
      send: (body: unknown) => post(endpoint, body)
    }
  }).pipe(Effect.orDie)

/** The keys of the queue `name` (default prefix). */
export const keysOf = (name: string) => ({
  stream: `ymc:{notifications:${name}}:stream`,
  dead: `ymc:{notifications:${name}}:dead`
})

/** The JSON bodies stored in a stream, oldest first. */
export const storedBodies = (client: { sendCommand: (args: Array<string>) => Promise<unknown> }, stream: string) =>
  Effect.promise(async () => {
    const entries = (await client.sendCommand(["XRANGE", stream, "-", "+"])) as Array<[string, Array<string>]>
    return entries.map(([, fields]) => JSON.parse(fields[fields.indexOf("body") + 1]!) as Record<string, unknown>)
  })

/** Waits until `check` holds (every 20 ms, at most 20 s), else dies naming what it waited for. */
export const until = <E>(what: string, check: Effect.Effect<boolean, E>): Effect.Effect<void, E> =>
  check.pipe(
    Effect.flatMap((done) => (done ? Effect.void : Effect.fail("not yet" as const))),
    Effect.retry({ while: (e) => e === "not yet", schedule: Schedule.spaced("20 millis"), times: 1000 }),
    Effect.catchIf((e): e is "not yet" => e === "not yet", () => Effect.die(new Error(`timed out waiting for: ${what}`)))
  )
