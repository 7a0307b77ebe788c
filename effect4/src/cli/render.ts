/**
 * How the CLI prints chats and messages: JSON Lines for scripts (the wire shape of the market's API,
 * one object a line, encoded by the library's Schemas), and aligned text for people (the Effect-free
 * `core/cli/render.ts`, over views of the decoded values).
 *
 * @since 1.0.0
 */
import { DateTime, Schema } from "effect"
import * as Text from "../../../core/cli/render.js"
import * as ChatsSchema from "../ChatsSchema.js"

const encodeChat = Schema.encodeSync(ChatsSchema.Chat)
const encodeMessage = Schema.encodeSync(ChatsSchema.ChatMessage)

/**
 * A chat as one line of JSON, in the shape the API answers it (dates in ISO 8601, UTC).
 *
 * @since 1.0.0
 * @category json
 */
export const chatJson = (chat: ChatsSchema.Chat): string => JSON.stringify(encodeChat(chat))

/**
 * A message as one line of JSON, in the shape the API answers it (dates in ISO 8601, UTC).
 *
 * @since 1.0.0
 * @category json
 */
export const messageJson = (message: ChatsSchema.ChatMessage): string => JSON.stringify(encodeMessage(message))

/** A decoded chat as the text renderer sees it. */
const chatView = (chat: ChatsSchema.Chat): Text.ChatView => ({
  chatId: chat.chatId,
  type: chat.type,
  status: chat.status,
  context: chat.context,
  createdAt: DateTime.toEpochMillis(chat.createdAt),
  updatedAt: DateTime.toEpochMillis(chat.updatedAt)
})

/**
 * Chats as a table with a header row: id, type, status, context, last update (UTC), customer.
 *
 * @since 1.0.0
 * @category text
 */
export const chatTable = (chats: ReadonlyArray<ChatsSchema.Chat>): ReadonlyArray<string> => Text.chatTable(chats.map(chatView))

/**
 * One chat as `field  value` lines.
 *
 * @since 1.0.0
 * @category text
 */
export const chatDetails = (chat: ChatsSchema.Chat): ReadonlyArray<string> => Text.chatDetails(chatView(chat))

/**
 * One message as text: `time  #id  SENDER  text`, then its files, continuation lines indented under the text.
 *
 * @since 1.0.0
 * @category text
 */
export const messageText = (message: ChatsSchema.ChatMessage): string =>
  Text.messageText({ ...message, createdAt: DateTime.toEpochMillis(message.createdAt) })
