// The "client + Redis" install at work (Effect 4): the client over FetchHttpClient, with the gate and
// the quota store of effect-yandex-market-chats/redis (which loads `redis` when its layer opens the
// connection), makes 12 getChats calls at concurrency 12 against the simulator; the gate holds at most 4
// of them, and the quota store leaves its keys in Redis. Then the durable notification queue
// (Redis.layerNotificationQueue) stores an event and delivers it back. Prints one JSON line.
//
//   node redis.mjs <simulator url> <business id> <api key> <redis url>
import { Effect, Layer, Redacted, Result, Stream } from "effect"
import { FetchHttpClient } from "effect/http"
import { ChatsClient, ChatsLimiter } from "effect-yandex-market-chats"
import * as ChatsNotifications from "effect-yandex-market-chats/notifications"
import * as Redis from "effect-yandex-market-chats/redis"

const [url, businessId, apiKey, redisUrl] = process.argv.slice(2)

/** The gate of Redis, counting how many calls hold a slot at once. */
const counted = Layer.effect(
  ChatsLimiter.ChatsGate,
  Effect.gen(function*() {
    const gate = yield* ChatsLimiter.ChatsGate
    let now = 0
    const counter = { max: 0 }
    return Object.assign({
      withPermit: (key) => (effect) =>
        gate.withPermit(key)(Effect.acquireUseRelease(
          Effect.sync(() => counter.max = Math.max(counter.max, ++now)),
          () => effect,
          () => Effect.sync(() => now--)
        ))
    }, { counter })
  })
)

const program = Effect.gen(function*() {
  const chats = yield* ChatsClient.ChatsClient
  const gate = yield* ChatsLimiter.ChatsGate
  const ids = Array.from({ length: 12 }, (_, i) => i + 1)
  const found = yield* Effect.forEach(ids, (i) =>
    chats.getChats({ businessId: Number(businessId), limit: 1 }).pipe(Effect.as(i)), { concurrency: 12 })
  // the user's own import of node-redis, after the layer (an install without it fails before, in the layer)
  const { createClient } = yield* Effect.promise(() => import("redis"))
  const keys = yield* Effect.promise(async () => {
    const client = await createClient({ url: redisUrl }).connect()
    try {
      return await client.keys("*")
    } finally {
      await client.close()
    }
  })
  // the durable notification queue: one event stored in a Redis Stream, delivered and acknowledged
  const durable = yield* Effect.scoped(Effect.gen(function*() {
    const queue = yield* Redis.DurableNotificationQueue
    const event = Result.getOrThrow(ChatsNotifications.decodeNotification({
      notificationType: "CHAT_CREATED", businessId: Number(businessId), chatId: 777, createdAt: new Date().toISOString()
    }))
    const stored = yield* queue.offer(event)
    const [delivery] = yield* Stream.runCollect(Stream.take(queue.deliveries, 1))
    yield* delivery.ack
    return stored === "stored" && delivery.event.chatId === 777
  }).pipe(Effect.provide(Redis.layerNotificationQueue({ url: Redacted.make(redisUrl), prefix: "package-test" }))))
  console.log(JSON.stringify({ calls: found.length, inFlight: gate.counter.max, redisKeys: keys.length > 0, durable }))
}).pipe(
  Effect.provide(ChatsClient.layer({ baseUrl: url, apiKey: Redacted.make(apiKey) })),
  Effect.provide(counted),
  Effect.provide(Layer.merge(Redis.layer({ url: Redacted.make(redisUrl) }), FetchHttpClient.layer))
)

Effect.runPromise(program).then(() => process.exit(0), (e) => { console.error(String(e)); process.exit(1) })
