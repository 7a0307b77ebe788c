/**
 * The inputs of the client's methods, as Schemas. The client checks each input
 * against its schema before sending anything; a violation is an
 * `InvalidRequestError` that says what is wrong.
 *
 * @since 0.1.0
 */
import { Schema, Struct } from "effect"
import {
  ChatContext,
  ChatsFilter,
  ChatsLimit,
  FileToSend,
  HistoryLimit,
  Id,
  MessageText,
  PageToken
} from "./ChatsSchema.js"

/**
 * Options of `getChats`: one page of a business's chats.
 *
 * @since 0.1.0
 * @category inputs
 */
export const GetChats = Schema.Struct({
  businessId: Id,
  filter: Schema.optional(ChatsFilter),
  pageToken: Schema.optional(PageToken),
  limit: Schema.optional(ChatsLimit)
})

/**
 * Options of `getChats`.
 *
 * @since 0.1.0
 * @category inputs
 */
export interface GetChats extends Schema.Schema.Type<typeof GetChats> {}

/**
 * Options of `streamChats`: every chat of a business, page after page.
 *
 * @since 0.1.0
 * @category inputs
 */
export const StreamChats = GetChats.mapFields(Struct.omit(["pageToken"]))

/**
 * Options of `streamChats`.
 *
 * @since 0.1.0
 * @category inputs
 */
export interface StreamChats extends Schema.Schema.Type<typeof StreamChats> {}

/**
 * Options of `getChatHistory`: one page of a chat's messages.
 *
 * @since 0.1.0
 * @category inputs
 */
export const GetChatHistory = Schema.Struct({
  businessId: Id,
  chatId: Id,
  messageIdFrom: Schema.optional(Id),
  pageToken: Schema.optional(PageToken),
  limit: Schema.optional(HistoryLimit)
})

/**
 * Options of `getChatHistory`.
 *
 * @since 0.1.0
 * @category inputs
 */
export interface GetChatHistory extends Schema.Schema.Type<typeof GetChatHistory> {}

/**
 * Options of `streamChatHistory`: every message of a chat, page after page.
 *
 * @since 0.1.0
 * @category inputs
 */
export const StreamChatHistory = GetChatHistory.mapFields(Struct.omit(["pageToken"]))

/**
 * Options of `streamChatHistory`.
 *
 * @since 0.1.0
 * @category inputs
 */
export interface StreamChatHistory extends Schema.Schema.Type<typeof StreamChatHistory> {}

/**
 * Options of `createChat`: open (or find) the chat on an order or a return.
 *
 * @since 0.1.0
 * @category inputs
 */
export const CreateChat = Schema.Struct({
  businessId: Id,
  context: ChatContext
})

/**
 * Options of `createChat`.
 *
 * @since 0.1.0
 * @category inputs
 */
export interface CreateChat extends Schema.Schema.Type<typeof CreateChat> {}

/**
 * Options of `sendMessageToChat`: a text of 1 to 4096 characters.
 *
 * @since 0.1.0
 * @category inputs
 */
export const SendMessageToChat = Schema.Struct({
  businessId: Id,
  chatId: Id,
  message: MessageText
})

/**
 * Options of `sendMessageToChat`.
 *
 * @since 0.1.0
 * @category inputs
 */
export interface SendMessageToChat extends Schema.Schema.Type<typeof SendMessageToChat> {}

/**
 * Options of `sendFileToChat`: a file of at most 5 MB.
 *
 * @since 0.1.0
 * @category inputs
 */
export const SendFileToChat = Schema.Struct({
  businessId: Id,
  chatId: Id,
  file: FileToSend
})

/**
 * Options of `sendFileToChat`.
 *
 * @since 0.1.0
 * @category inputs
 */
export interface SendFileToChat extends Schema.Schema.Type<typeof SendFileToChat> {}

/**
 * Options of `getChat`.
 *
 * @since 0.1.0
 * @category inputs
 */
export const GetChat = Schema.Struct({
  businessId: Id,
  chatId: Id
})

/**
 * Options of `getChat`.
 *
 * @since 0.1.0
 * @category inputs
 */
export interface GetChat extends Schema.Schema.Type<typeof GetChat> {}

/**
 * Options of `getChatMessage`.
 *
 * @since 0.1.0
 * @category inputs
 */
export const GetChatMessage = Schema.Struct({
  businessId: Id,
  chatId: Id,
  messageId: Id
})

/**
 * Options of `getChatMessage`.
 *
 * @since 0.1.0
 * @category inputs
 */
export interface GetChatMessage extends Schema.Schema.Type<typeof GetChatMessage> {}
