/**
 * A bot that answers buyers through `effect/chat`: the market's notifications come in as
 * `ChatEvent`s, and the answers go out with `Chat.post`, the same code any other chat platform
 * would run.
 *
 *   YANDEX_MARKET_API_KEY=... NOTIFICATIONS_PORT=8080 node --import tsx examples/chat-bot.ts
 *
 * Try it against the simulator: start the bot, then `npm run simulator -- --notify <the URL it prints>`.
 */
import { NodeHttpClient, NodeRuntime } from "@effect/platform-node"
import { Config, Console, Effect, Layer, Redacted } from "effect"
import { Chat, ChatEvent, ChatHandler } from "effect/chat"
import { ChatsClient } from "effect-yandex-market-chats"
import * as YandexMarketChat from "effect-yandex-market-chats/chat"
import * as ChatsNotifications from "effect-yandex-market-chats/notifications"

/** The answer to a buyer's message, in Markdown (the market shows it as plain text). */
const reply = (text: string) =>
  /возврат|return/i.test(text)
    ? "Здравствуйте! Оформите **возврат** в разделе «Заказы», мы примем его в течение дня."
    : "Здравствуйте! Спасибо за сообщение, менеджер ответит в ближайшее время."

/** Keys of the events answered already: delivery is at least once. */
const answered = new Set<string>()

/** Answers each buyer's message once; the bot's own messages never reach it (`ChatHandler.layer` drops them). */
const Handler = ChatHandler.layer((event) =>
  Effect.gen(function*() {
    if (event._tag !== "MessageCreated" || event.message.author.id === "market") return
    const key = ChatEvent.dedupeKey(event)
    if (answered.has(key)) return
    const chat = yield* Chat.Chat
    yield* chat.post(event.thread, { markdown: reply(event.message.text) })
    answered.add(key)
    yield* Console.log(`answered ${event.thread.id} (message ${event.message.id})`)
  }).pipe(
    // refused: logged, and with a durable queue the event comes again
    Effect.catchTag("ChatError", (error) =>
      Effect.andThen(Console.error(`not answered: ${error.message}`), Effect.fail(new ChatHandler.NotAccepted())))
  ))

/** The receiver on its own server, on `NOTIFICATIONS_PORT` (default or 0: a free port). */
const Notifications = Layer.unwrap(
  Effect.map(Config.Int("NOTIFICATIONS_PORT").pipe(Config.withDefault(0)), (port) =>
    ChatsNotifications.layerServer({ port, name: "chat-bot", version: "1.0.0" }))
)

/** `effect/chat` with the market registered, its client retrying as `effect/chat` does. */
const ChatLive = YandexMarketChat.layer.pipe(
  Layer.provideMerge(Chat.layer),
  Layer.provideMerge(ChatsClient.layerConfig({ retrySchedule: false })),
  Layer.provideMerge(NodeHttpClient.layerUndici)
)

const Main = Layer.effectDiscard(Effect.gen(function*() {
  const server = yield* ChatsNotifications.NotificationsServer
  yield* Console.log(`listening for notifications on ${Redacted.value(server.endpoint)}`)
}))

Layer.mergeAll(Main, YandexMarketChat.layerInbound()).pipe(
  Layer.provide(Handler),
  Layer.provideMerge(Notifications),
  Layer.provide(ChatLive),
  Layer.launch,
  NodeRuntime.runMain
)
