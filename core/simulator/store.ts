/**
 * The simulator's in-memory store: businesses, chats, messages and files, with
 * the queries the routes need (filtered chat pages, history pages, lookups).
 */
import type {
  BusinessRecord,
  ChatRecord,
  ChatStatus,
  ContextType,
  FileRecord,
  MessageRecord,
  Sender
} from "./model.js"
import type { LiveEvent } from "./notifier.js"

/** The filters of `getChats`, validated. */
export interface ChatFilter {
  readonly contexts?: ReadonlyArray<{ readonly type: ContextType; readonly id: number }>
  readonly contextTypes?: ReadonlySet<string>
  readonly types?: ReadonlySet<string>
  readonly statuses?: ReadonlySet<string>
  readonly orderIds?: ReadonlySet<number>
}

/** One page of a query, with whether more items follow. */
export interface Page<A> {
  readonly items: ReadonlyArray<A>
  readonly more: boolean
}

/** A chat to add: everything but the id and the messages. */
export type NewChat = Omit<ChatRecord, "chatId" | "messages">

/** A message to add: its files get their ids from the store. */
export interface NewMessage {
  readonly sender: Sender
  readonly createdAt: number
  readonly text?: string
  readonly files?: ReadonlyArray<Omit<FileRecord, "fileId">>
}

/** The first chat id and message id handed out (distinct ranges, so a mixed-up id is caught). */
const firstChatId = 10_001
const firstMessageId = 1_000_001

/** The status a chat takes after a message from this sender. */
const statusAfter = (sender: Sender, current: ChatStatus): ChatStatus =>
  sender === "PARTNER" ? "WAITING_FOR_CUSTOMER" : sender === "CUSTOMER" ? "WAITING_FOR_PARTNER" : current

/** Index of the first message with `messageId >= id` (messages are sorted by id). */
const lowerBound = (messages: ReadonlyArray<MessageRecord>, id: number): number => {
  let lo = 0
  let hi = messages.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if ((messages[mid] as MessageRecord).messageId < id) lo = mid + 1
    else hi = mid
  }
  return lo
}

const contextKey = (businessId: number, type: ContextType, id: number) => `${businessId}:${type}:${id}`

const matches = (chat: ChatRecord, filter: ChatFilter): boolean =>
  (filter.contextTypes === undefined || filter.contextTypes.has(chat.contextType)) &&
  (filter.types === undefined || filter.types.has(chat.type)) &&
  (filter.statuses === undefined || filter.statuses.has(chat.status)) &&
  (filter.orderIds === undefined || (chat.orderId !== undefined && filter.orderIds.has(chat.orderId))) &&
  (filter.contexts === undefined ||
    filter.contexts.some((c) =>
      c.type === chat.contextType && (c.type === "RETURN" ? chat.returnId === c.id : chat.orderId === c.id)
    ))

/** The mutable in-memory state of a simulator. */
export class Store {
  readonly businesses = new Map<number, BusinessRecord>()
  readonly chats = new Map<number, ChatRecord>()
  readonly files = new Map<string, FileRecord>()
  private readonly byContext = new Map<string, ChatRecord>()
  private nextChatId = firstChatId
  private nextMessageId = firstMessageId
  /** Told of every chat opened and every message added live (not of the seeded ones). */
  onLive: ((event: LiveEvent) => void) | undefined = undefined

  /** Adds a business (or returns the existing one). */
  addBusiness(businessId: number, campaignIds: ReadonlyArray<number>): BusinessRecord {
    const existing = this.businesses.get(businessId)
    if (existing) return existing
    const business: BusinessRecord = { businessId, campaignIds, chats: [] }
    this.businesses.set(businessId, business)
    return business
  }

  /** Adds a chat to its business, giving it the next chat id; `live` for a chat opened now (not seeded). */
  addChat(fields: NewChat, live = false): ChatRecord {
    const business = this.businesses.get(fields.businessId)
    if (!business) throw new Error(`unknown business ${fields.businessId}`)
    const chat: ChatRecord = { ...fields, chatId: this.nextChatId++, messages: [] }
    business.chats.push(chat)
    this.chats.set(chat.chatId, chat)
    const contextId = chat.contextType === "RETURN" ? chat.returnId : chat.orderId
    if (chat.type === "CHAT" && chat.contextType !== "DIRECT" && contextId !== undefined) {
      const key = contextKey(chat.businessId, chat.contextType, contextId)
      if (!this.byContext.has(key)) this.byContext.set(key, chat)
    }
    if (live) this.onLive?.({ kind: "chatCreated", chat })
    return chat
  }

  /**
   * Appends a message to a chat; with `touch` (a live message, not a seeded one), moves the chat's
   * `updatedAt` and status as a live message does, and tells `onLive`.
   */
  addMessage(chat: ChatRecord, message: NewMessage, touch: boolean): MessageRecord {
    const messageId = this.nextMessageId++
    const files = message.files?.map((file, index): FileRecord => {
      const record: FileRecord = { ...file, fileId: `${messageId}-${index}` }
      this.files.set(record.fileId, record)
      return record
    })
    const record: MessageRecord = {
      messageId,
      createdAt: message.createdAt,
      sender: message.sender,
      ...(message.text !== undefined ? { text: message.text } : {}),
      ...(files !== undefined ? { files } : {})
    }
    chat.messages.push(record)
    if (touch) {
      chat.updatedAt = Math.max(chat.updatedAt, message.createdAt)
      chat.status = statusAfter(message.sender, chat.status)
      this.onLive?.({ kind: "messageSent", chat, message: record })
    }
    return record
  }

  /** The chat with this id if it belongs to the business. */
  findChat(businessId: number, chatId: number): ChatRecord | undefined {
    const chat = this.chats.get(chatId)
    return chat && chat.businessId === businessId ? chat : undefined
  }

  /** The message with this id in the chat. */
  findMessage(chat: ChatRecord, messageId: number): MessageRecord | undefined {
    const message = chat.messages[lowerBound(chat.messages, messageId)]
    return message && message.messageId === messageId ? message : undefined
  }

  /** The chat (of type CHAT) about this order or return, if there is one. */
  findByContext(businessId: number, type: ContextType, id: number): ChatRecord | undefined {
    return this.byContext.get(contextKey(businessId, type, id))
  }

  /** A page of a business's chats matching the filter, newest first, after the chat id of the previous page. */
  listChats(businessId: number, filter: ChatFilter, afterChatId: number | undefined, limit: number): Page<ChatRecord> {
    const chats = this.businesses.get(businessId)?.chats ?? []
    const items: Array<ChatRecord> = []
    for (let i = chats.length - 1; i >= 0; i--) {
      const chat = chats[i] as ChatRecord
      if (afterChatId !== undefined && chat.chatId >= afterChatId) continue
      if (!matches(chat, filter)) continue
      if (items.length === limit) return { items, more: true }
      items.push(chat)
    }
    return { items, more: false }
  }

  /** A page of a chat's messages, oldest first, from `messageIdFrom` and after the message id of the previous page. */
  history(
    chat: ChatRecord,
    messageIdFrom: number | undefined,
    afterMessageId: number | undefined,
    limit: number
  ): Page<MessageRecord> {
    const from = Math.max(messageIdFrom ?? 0, afterMessageId === undefined ? 0 : afterMessageId + 1)
    const start = lowerBound(chat.messages, from)
    const items = chat.messages.slice(start, start + limit)
    return { items, more: start + limit < chat.messages.length }
  }

  /** The number of messages of all chats. */
  messageCount(): number {
    let count = 0
    for (const chat of this.chats.values()) count += chat.messages.length
    return count
  }
}
