/**
 * The market's notifications as `effect/chat` events: each `CHAT_MESSAGE_SENT` becomes a
 * `MessageCreated` whose message is fetched in full through the client, handed to the `ChatHandler`
 * of the context; `CHAT_CREATED` goes to `onChatCreated` (effect/chat 4.1.5 has no event for a new
 * thread). An event the handler refuses, or whose message cannot be read yet, fails its delivery, so
 * that a durable queue delivers it again (at least once).
 */
import { Effect, Option, type Schema } from "effect"
import { ChatAdapter as Adapter, type ChatError, ChatEvent, ChatHandler, type ChatThread } from "effect/chat"
import { isId } from "../../../../core/client/limits.js"
import { ChatsClient } from "../../ChatsClient.js"
import * as ChatsNotifications from "../../ChatsNotifications.js"
import { mapClientErrors } from "./errors.js"
import { threadOf, toChatMessage } from "./messages.js"

/** Settings of the inbound side. */
export interface InboundOptions {
  /** Called with the thread of each chat the market opens (`CHAT_CREATED`); default: nothing. */
  readonly onChatCreated?: ((thread: ChatThread.ChatThread, event: ChatsNotifications.ChatCreated) => Effect.Effect<void>) | undefined
  /** How many notifications are handled at once. Default 1 (in order). */
  readonly concurrency?: number | undefined
}

/** Why an event was not handed over: the handler refused it, or its message could not be read. */
type Refusal = ChatHandler.NotAccepted | ChatError.ChatError

/** The `MessageCreated` of a `CHAT_MESSAGE_SENT`, its message read through the client. */
export const messageEvent = (
  event: ChatsNotifications.ChatMessageSent
): Effect.Effect<Option.Option<ChatEvent.MessageCreated>, ChatError.ChatError, ChatsClient> =>
  Effect.gen(function*() {
    const messageId = Option.getOrUndefined(event.messageIdNumber)
    if (messageId === undefined || !isId(event.chatId) || !isId(event.businessId)) return Option.none()
    const client = yield* ChatsClient
    const chat = { businessId: event.businessId, chatId: event.chatId }
    const message = yield* Adapter.retrySafe(
      mapClientErrors("inbound")(client.getChatMessage({ ...chat, messageId }))
    )
    return Option.some(ChatEvent.MessageCreated.make({
      thread: threadOf(chat),
      kind: "direct",
      message: toChatMessage(chat, message),
      raw: ChatsNotifications.encodeNotification(event) as Schema.Json
    }))
  })

/** Handles one notification. */
const handleOne = (options: InboundOptions) =>
(event: ChatsNotifications.Event): Effect.Effect<void, Refusal, ChatsClient | ChatHandler.ChatHandler> => {
  switch (event._tag) {
    case "ChatMessageSent":
      return Effect.flatMap(messageEvent(event), (created) =>
        Option.match(created, {
          onNone: () => Effect.logWarning("effect/chat yandex-market: a CHAT_MESSAGE_SENT with unusable ids was dropped"),
          onSome: (created) => Effect.flatMap(ChatHandler.ChatHandler, (handler) => handler.handle(created))
        }))
    case "ChatCreated":
      return options.onChatCreated === undefined || !isId(event.chatId) || !isId(event.businessId)
        ? Effect.void
        : options.onChatCreated(threadOf({ businessId: event.businessId, chatId: event.chatId }), event)
    default:
      return Effect.void
  }
}

/** Runs the receiver's events into the `ChatHandler` until the scope closes. */
export const run = (
  options: InboundOptions
): Effect.Effect<void, never, ChatsNotifications.ChatsNotifications | ChatsClient | ChatHandler.ChatHandler> =>
  Effect.gen(function*() {
    const receiver = yield* ChatsNotifications.ChatsNotifications
    const context = yield* Effect.context<ChatsClient | ChatHandler.ChatHandler>()
    yield* receiver.process(
      (event) => Effect.provideContext(handleOne(options)(event), context),
      options.concurrency === undefined ? undefined : { concurrency: options.concurrency }
    )
  })
