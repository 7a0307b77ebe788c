/**
 * The market's messages and chats as `effect/chat` values: the same `ChatMessage` on every read
 * path (inbound, `fetchMessage`, `history`), built from the message alone and its chat's address.
 */
import { DateTime } from "effect"
import type { ChatAdapter, ChatMessage } from "effect/chat"
import { ChatThread } from "effect/chat"
import { formatAttachmentId, formatThreadId, type ChatAddress, platform } from "../../../../core/chat/threadId.js"
import { authorOf } from "../../../../core/chat/users.js"
import type * as ChatsSchema from "../../ChatsSchema.js"

/** The thread of a chat. */
export const threadOf = (chat: ChatAddress): ChatThread.ChatThread => ChatThread.make(platform, formatThreadId(chat))

/** The message's record as JSON, without the files' URLs (an attachment never carries one). */
const rawOf = (message: ChatsSchema.ChatMessage) => ({
  messageId: message.messageId,
  createdAt: DateTime.formatIso(message.createdAt),
  sender: message.sender,
  ...(message.message === undefined ? {} : { message: message.message }),
  ...(message.payload === undefined ? {} : { payload: message.payload.map((file) => ({ name: file.name, size: file.size })) })
})

/** A market message as a `ChatMessage` of its chat's thread: text verbatim, files as attachments, no mentions. */
export const toChatMessage = (chat: ChatAddress, message: ChatsSchema.ChatMessage): ChatMessage.ChatMessage => {
  const author = authorOf(message.sender, chat)
  return {
    id: String(message.messageId),
    thread: threadOf(chat),
    author: { id: author.id, isBot: author.isBot, isSelf: author.isSelf },
    text: message.message ?? "",
    mentions: [],
    attachments: (message.payload ?? []).map((file, index) => ({
      id: formatAttachmentId(message.messageId, index),
      name: file.name,
      size: file.size
    })),
    timestamp: message.createdAt,
    raw: rawOf(message)
  }
}

/** A chat as `getThread` tells it: a direct conversation with one buyer, named after the buyer when the market says. */
export const toThreadInfo = (address: ChatAddress, chat: ChatsSchema.Chat): ChatAdapter.ThreadInfo => {
  const { context } = chat
  const about = context.orderId !== undefined
    ? `order ${context.orderId}`
    : context.returnId !== undefined
    ? `return ${context.returnId}`
    : String(context.type).toLowerCase()
  return {
    thread: threadOf(address),
    kind: "direct",
    ...(context.customer?.name === undefined ? {} : { name: context.customer.name }),
    topic: about,
    createdAt: chat.createdAt,
    raw: {
      chatId: chat.chatId,
      type: chat.type,
      status: chat.status,
      context: {
        type: context.type,
        ...(context.orderId === undefined ? {} : { orderId: context.orderId }),
        ...(context.returnId === undefined ? {} : { returnId: context.returnId }),
        ...(context.campaignId === undefined ? {} : { campaignId: context.campaignId }),
        ...(context.customer === undefined ? {} : {
          customer: {
            ...(context.customer.name === undefined ? {} : { name: context.customer.name }),
            ...(context.customer.publicId === undefined ? {} : { publicId: context.customer.publicId })
          }
        })
      },
      createdAt: DateTime.formatIso(chat.createdAt),
      updatedAt: DateTime.formatIso(chat.updatedAt)
    }
  }
}
