/**
 * Yandex Market as a platform of `effect/chat`: an adapter for platform `yandex-market` over
 * `ChatsClient`, and the inbound side that turns the market's notifications into `ChatEvent`s.
 *
 * A thread is a chat (a direct conversation between the seller and one buyer), its id
 * `<businessId>:<chatId>`. `post` sends the Markdown as the plain text the market shows (and files,
 * one message each), `fetchMessage`, `history` and `download` read, `getThread`, `opener` and
 * `getUser` tell the chat and its people. What the market lacks (edit, delete, replies, threads
 * under a message, buttons, selects, modals, commands, ephemeral answers, native streams) fails
 * with `Unsupported`.
 *
 * ```ts
 * import { Layer } from "effect"
 * import { Chat } from "effect/chat"
 * import { FetchHttpClient } from "effect/http"
 * import { ChatsClient } from "effect-yandex-market-chats"
 * import * as YandexMarketChat from "effect-yandex-market-chats/chat"
 *
 * const ChatLive = YandexMarketChat.layer.pipe(
 *   Layer.provideMerge(Chat.layer),
 *   Layer.provide(ChatsClient.layerConfig({ retrySchedule: false })),
 *   Layer.provide(FetchHttpClient.layer)
 * )
 * ```
 *
 * @since 1.0.0
 */
import { Effect, Layer } from "effect"
import { ChatAdapter, type ChatError, type ChatHandler, ChatThread } from "effect/chat"
import type { HttpClient } from "effect/http"
import { formatThreadId, platform as platformName } from "../../core/chat/threadId.js"
import { ChatsClient } from "./ChatsClient.js"
import type * as ChatsNotifications from "./ChatsNotifications.js"
import type * as ChatsRequest from "./ChatsRequest.js"
import * as Adapter from "./internal/chat/adapter.js"
import { descriptor as marketDescriptor } from "./internal/chat/descriptor.js"
import { mapClientErrors } from "./internal/chat/errors.js"
import * as Inbound from "./internal/chat/inbound.js"

/**
 * The platform name the adapter registers under: `yandex-market`.
 *
 * @since 1.0.0
 * @category constants
 */
export const platform: string = platformName

/**
 * The market's capabilities and limits: messages of 4096 code points, one file per message of at
 * most 5 MB, and 3.6 seconds between writes to one chat (the adapter's own pace: an hour over the
 * send quota of 1,000 per business).
 *
 * @since 1.0.0
 * @category constants
 */
export const descriptor: ChatAdapter.Descriptor = marketDescriptor

/**
 * The thread of a chat: platform `yandex-market`, id `<businessId>:<chatId>`.
 *
 * @since 1.0.0
 * @category constructors
 */
export const thread = (businessId: number, chatId: number): ChatThread.ChatThread =>
  ChatThread.make(platformName, formatThreadId({ businessId, chatId }))

/**
 * The business and chat of a thread; `InvalidRequest` for an id that is not `<businessId>:<chatId>`.
 *
 * @since 1.0.0
 * @category getters
 */
export const chatOf = (
  chatThread: ChatThread.ChatThread
): Effect.Effect<{ readonly businessId: number; readonly chatId: number }, ChatError.ChatError> =>
  Adapter.addressOf("chatOf", chatThread)

/**
 * The adapter, built over the `ChatsClient` (its gate, quota, spans and transport) and the
 * `HttpClient` (file downloads, sent without credentials) of the context.
 *
 * @since 1.0.0
 * @category constructors
 */
export const make: Effect.Effect<ChatAdapter.ChatAdapter, never, ChatsClient | HttpClient.HttpClient> = Adapter.make

/**
 * Registers the `yandex-market` adapter in `effect/chat`'s `Registry`. Give it a client built with
 * `retrySchedule: false`: the adapter retries as `effect/chat` does (`retrySafe`, which
 * `Chat.withoutRetries` turns off), and a client's own retries would run inside each attempt.
 *
 * @since 1.0.0
 * @category layers
 */
export const layer: Layer.Layer<never, never, ChatAdapter.Registry | ChatsClient | HttpClient.HttpClient> =
  ChatAdapter.layer(Adapter.make)

/**
 * Settings of `layerInbound`.
 *
 * @since 1.0.0
 * @category models
 */
export interface InboundOptions extends Inbound.InboundOptions {}

/**
 * Hands the market's chat notifications, from the `ChatsNotifications` receiver of the context, to
 * the `ChatHandler`: each `CHAT_MESSAGE_SENT` as a `MessageCreated` (the message fetched through the
 * client, the seller's own marked `isSelf`), each `CHAT_CREATED` to `onChatCreated`. An event the
 * handler refuses fails its delivery, which a durable queue (`ChatsEventQueue`) delivers again.
 *
 * @since 1.0.0
 * @category layers
 */
export const layerInbound = (
  options: InboundOptions = {}
): Layer.Layer<never, never, ChatsNotifications.ChatsNotifications | ChatsClient | ChatHandler.ChatHandler> =>
  Layer.effectDiscard(Effect.forkScoped(Inbound.run(options)))

/**
 * Opens a chat with the buyer of an order or a return (`createChat`; the one already open when there
 * is one) and returns its thread. Not `startThread`: the market opens chats on orders and returns,
 * never under a message.
 *
 * @since 1.0.0
 * @category constructors
 */
export const openChat = (
  options: ChatsRequest.CreateChat
): Effect.Effect<ChatThread.ChatThread, ChatError.ChatError, ChatsClient> =>
  Effect.flatMap(ChatsClient, (client) =>
    ChatAdapter.retrySafe(mapClientErrors("openChat")(client.createChat(options))).pipe(
      Effect.map((chatId) => thread(options.businessId, chatId))
    ))
