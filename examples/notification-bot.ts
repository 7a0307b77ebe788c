/**
 * A bot driven by the market's API notifications instead of polling: for each new customer
 * message it fetches the message through the chats API and answers it.
 *
 *   YANDEX_MARKET_API_KEY=... NOTIFICATIONS_PORT=8080 node --import tsx examples/notification-bot.ts
 *
 * Try it against the simulator: start the bot, then `npm run simulator -- --notify <the URL it prints>`.
 */
import { NodeHttpClient, NodeRuntime } from "@effect/platform-node"
import { Config, Console, Effect, Layer, Redacted, Stream } from "effect"
import { ChatsClient } from "effect-yandex-market-chats"
import * as ChatsNotifications from "effect-yandex-market-chats/notifications"

/** The answer to a customer's message. */
const reply = (text: string | undefined) =>
  text !== undefined && /возврат|return/i.test(text)
    ? "Здравствуйте! Оформите возврат в разделе «Заказы», мы примем его в течение дня."
    : "Здравствуйте! Спасибо за сообщение, менеджер ответит в ближайшее время."

const program = Effect.gen(function*() {
  const server = yield* ChatsNotifications.NotificationsServer
  yield* Console.log(`listening for notifications on ${Redacted.value(server.endpoint)}`)
  const notifications = yield* ChatsNotifications.ChatsNotifications
  const chats = yield* ChatsClient.ChatsClient

  /** Answers one new message if a customer wrote it; a failure is logged and the bot goes on. */
  const handle = (event: ChatsNotifications.ChatMessageSent) =>
    ChatsNotifications.complete(event).pipe(
      Effect.flatMap(({ chatMessage }) =>
        // the market notifies every message, the bot's own answers included: answer only the customer
        chatMessage.sender !== "CUSTOMER"
          ? Effect.void
          : chats.sendMessageToChat({ businessId: event.businessId, chatId: event.chatId, message: reply(chatMessage.message) })
            .pipe(Effect.zipRight(Console.log(`answered chat ${event.chatId} (message ${event.messageId})`)))
      ),
      Effect.catchAll((error) => Console.error(`chat ${event.chatId}: ${error.message}`))
    )

  yield* notifications.events.pipe(
    Stream.filter((event): event is ChatsNotifications.ChatMessageSent => event._tag === "ChatMessageSent"),
    Stream.runForEach(handle)
  )
})

const Notifications = Layer.unwrapEffect(
  Effect.map(Config.integer("NOTIFICATIONS_PORT").pipe(Config.withDefault(0)), (port) =>
    ChatsNotifications.layerServer({ port, name: "notification-bot", version: "1.0.0" }))
)

program.pipe(
  Effect.provide(Layer.mergeAll(Notifications, ChatsClient.layerConfig().pipe(Layer.provide(NodeHttpClient.layerUndici)))),
  NodeRuntime.runMain
)
