/**
 * A bot driven by the market's API notifications instead of polling: for each new customer
 * message it fetches the message through the chats API and answers it.
 *
 *   YANDEX_MARKET_API_KEY=... NOTIFICATIONS_PORT=8080 node --import tsx examples/notification-bot.ts
 *
 * Try it against the simulator: start the bot, then `npm run simulator -- --notify <the URL it prints>`.
 *
 * With `REDIS_URL` set, the events wait in a Redis Stream (`Redis.layerNotificationQueue`): the market's
 * 200 comes once the event is stored, and an event the bot failed on, or was killed on, comes again.
 * Without it they wait in the receiver's in-memory queue, and an event the bot failed on is dropped.
 */
import { NodeHttpClient, NodeRuntime } from "@effect/platform-node"
import { Config, Console, Effect, Layer, Option, Redacted } from "effect"
import { ChatsClient } from "effect-yandex-market-chats"
import * as ChatsNotifications from "effect-yandex-market-chats/notifications"
import * as Redis from "effect-yandex-market-chats/redis"

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

  /**
   * Answers one new message if a customer wrote it. A failure fails the handler: logged, and with the
   * Redis queue the event comes again later (the bot may then answer twice: at-least-once).
   */
  const handle = (event: ChatsNotifications.Event) =>
    event._tag !== "ChatMessageSent" ? Effect.void : ChatsNotifications.complete(event).pipe(
      Effect.flatMap(({ chatMessage }) =>
        // the market notifies every message, the bot's own answers included: answer only the customer
        chatMessage.sender !== "CUSTOMER"
          ? Effect.void
          : chats.sendMessageToChat({ businessId: event.businessId, chatId: event.chatId, message: reply(chatMessage.message) })
            .pipe(Effect.andThen(Console.log(`answered chat ${event.chatId} (message ${event.messageId})`)))
      ),
      // an id the chats API cannot take will not get better by waiting
      Effect.catchTag("UnusableIdError", (error) => Console.error(`chat ${event.chatId}: ${error.message}`))
    )

  // each event is acknowledged when `handle` succeeds
  yield* notifications.process(handle)
})

/** With REDIS_URL, the durable queue over Redis Streams; without it, the receiver's in-memory queue. */
const Queue = Layer.unwrap(
  Effect.map(Config.option(Config.Redacted("REDIS_URL")), (url) =>
    Option.match(url, {
      onNone: () => Layer.empty,
      onSome: (url) => Redis.layerNotificationQueue({ url, name: "notification-bot" })
    }))
)

/** The receiver on its own server, on `NOTIFICATIONS_PORT` (default or 0: a free port). */
const Notifications = Layer.unwrap(
  Effect.map(Config.Int("NOTIFICATIONS_PORT").pipe(Config.withDefault(0)), (port) =>
    ChatsNotifications.layerServer({ port, name: "notification-bot", version: "1.0.0" }))
).pipe(Layer.provide(Queue))

program.pipe(
  Effect.provide(Layer.mergeAll(Notifications, ChatsClient.layerConfig().pipe(Layer.provide(NodeHttpClient.layerUndici)))),
  NodeRuntime.runMain
)
