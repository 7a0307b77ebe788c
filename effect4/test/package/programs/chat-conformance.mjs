// effect/chat's conformance suite, from the installed effect, against the installed package's
// `yandex-market` adapter: the simulator, a notification receiver it posts to, the client without its
// own retries, and the inbound side feeding a recording ChatHandler, over loopback HTTP. Every rule of
// the suite's own list runs; prints one JSON line { effect, run, passed, failed } and exits 1 on a failure.
import { NodeHttpClient } from "@effect/platform-node"
import { Deferred, Duration, Effect, Exit, Layer, Option, Redacted } from "effect"
import { Chat, ChatHandler, ChatTest } from "effect/chat"
import { ChatsClient } from "effect-yandex-market-chats"
import * as YandexMarketChat from "effect-yandex-market-chats/chat"
import * as ChatsNotifications from "effect-yandex-market-chats/notifications"
import * as Simulator from "effect-yandex-market-chats/simulator"
import { createRequire } from "node:module"

/** The events received, by message id. */
const waiting = new Map()
const received = (id) => {
  if (!waiting.has(id)) waiting.set(id, Deferred.makeUnsafe())
  return waiting.get(id)
}

const Handler = ChatHandler.layer((event) =>
  Effect.sync(() => {
    if (event._tag === "MessageCreated") Deferred.doneUnsafe(received(event.message.id), Effect.succeed(event))
  }))

const Live = Layer.mergeAll(YandexMarketChat.layer, YandexMarketChat.layerInbound()).pipe(
  Layer.provideMerge(Chat.layer),
  Layer.provideMerge(Handler),
  Layer.provideMerge(Layer.unwrap(Effect.map(Simulator.Simulator, (sim) =>
    ChatsClient.layer({ apiKey: Redacted.make(sim.apiKey), baseUrl: sim.url, retrySchedule: false })))),
  Layer.provideMerge(NodeHttpClient.layerUndici),
  Layer.provideMerge(Layer.effectDiscard(Effect.gen(function*() {
    const sim = yield* Simulator.Simulator
    const server = yield* ChatsNotifications.NotificationsServer
    yield* sim.setNotificationUrl(Redacted.value(server.endpoint))
  })).pipe(Layer.provideMerge(ChatsNotifications.layerServer({ port: 0 })))),
  Layer.provideMerge(Simulator.layer({ chats: 5, messages: 20 }))
)

const program = Effect.gen(function*() {
  const sim = yield* Simulator.Simulator
  const context = yield* Effect.context()
  const thread = yield* YandexMarketChat.openChat({ businessId: sim.businessId, context: { type: "ORDER", id: 990_001 } })
  const userPosts = (t, text) =>
    Effect.gen(function*() {
      const { chatId } = yield* YandexMarketChat.chatOf(t)
      const posted = yield* sim.userPosts(chatId, { text })
      return yield* Deferred.await(received(String(posted.messageId))).pipe(Effect.timeout(Duration.seconds(30)))
    }).pipe(Effect.orDie)
  const failNext = (op, reason, options) =>
    Effect.suspend(() => {
      const operation = op === "post" ? "sendMessageToChat" : op === "history" ? "getChatHistory" : "getChatMessage"
      const times = options?.times ?? 1
      if (reason._tag === "RateLimited") {
        const retryAfterMillis = reason.retryAfter === undefined ? 0 : Duration.toMillis(reason.retryAfter)
        return sim.failNext(operation, { kind: "rateLimit", retryAfterMillis }, times)
      }
      if (reason._tag === "Transport" || reason._tag === "Unknown") {
        return sim.addFault({ kind: reason.retry === "retry" ? "error503" : "deliveredThen500", operations: [operation], times })
      }
      const status = { NotFound: 404, Forbidden: 403, Unauthenticated: 401, TooLarge: 413, PlatformUnavailable: 503 }[reason._tag] ?? 400
      return sim.failNext(operation, { kind: "status", status }, times)
    })
  const rules = ChatTest.conformance({
    platform: YandexMarketChat.platform,
    thread,
    userPosts: (t, text) => Effect.provideContext(userPosts(t, text), context),
    parseMention: () => Option.none(),
    refuseFiles: () => sim.failNext("sendFileToChat", { kind: "status", status: 400, code: "BAD_REQUEST" }),
    failNext
  })
  const failed = []
  for (const [rule, body] of Object.entries(rules)) {
    const exit = yield* Effect.exit(Effect.timeout(body, Duration.seconds(60)))
    if (Exit.isFailure(exit)) failed.push({ rule, cause: String(exit.cause) })
  }
  const run = Object.keys(rules).length
  const effect = createRequire(import.meta.url)("effect/package.json").version
  console.log(JSON.stringify({ effect, run, passed: run - failed.length, failed }))
  return failed.length
}).pipe(Effect.provide(Live))

Effect.runPromise(program).then((failures) => process.exit(failures === 0 ? 0 : 1), (e) => {
  console.error(String(e))
  process.exit(1)
})
