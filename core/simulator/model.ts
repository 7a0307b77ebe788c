/**
 * The simulator's records (mutable, in memory) and the wire shapes they are rendered to.
 */
import type { chatContextTypes, chatStatuses, chatTypes, messageSenders } from "../client/wire.js"
import { formatIso } from "./dates.js"

/** A chat context type: ORDER, RETURN or DIRECT. */
export type ContextType = typeof chatContextTypes[number]
/** A chat type: CHAT or ARBITRAGE. */
export type ChatType = typeof chatTypes[number]
/** A chat status. */
export type ChatStatus = typeof chatStatuses[number]
/** A message sender. */
export type Sender = typeof messageSenders[number]

/** The customer of a chat. */
export interface Customer {
  readonly name: string
  readonly publicId: string
}

/** A file attached to a message; `data` is kept only for files uploaded through the API. */
export interface FileRecord {
  readonly fileId: string
  readonly name: string
  readonly size: number
  readonly contentType: string
  readonly data?: Uint8Array
}

/** A message of a chat. */
export interface MessageRecord {
  readonly messageId: number
  readonly createdAt: number
  readonly sender: Sender
  readonly text?: string
  readonly files?: ReadonlyArray<FileRecord>
}

/** A chat of a business; `messages` are kept in ascending `messageId` order. */
export interface ChatRecord {
  readonly chatId: number
  readonly businessId: number
  readonly contextType: ContextType
  readonly type: ChatType
  status: ChatStatus
  readonly orderId?: number
  readonly returnId?: number
  readonly campaignId?: number
  readonly customer?: Customer
  readonly createdAt: number
  updatedAt: number
  readonly messages: Array<MessageRecord>
}

/** A business (cabinet): its campaigns and its chats in ascending `chatId` order. */
export interface BusinessRecord {
  readonly businessId: number
  readonly campaignIds: ReadonlyArray<number>
  readonly chats: Array<ChatRecord>
}

/** The customer of a chat on the wire (`ChatCustomerDTO`). */
export interface CustomerDto {
  readonly name: string
  readonly publicId: string
}

/** The context of a chat on the wire (`ChatFullContextDTO`). */
export interface ContextDto {
  readonly type: ContextType
  readonly customer?: CustomerDto
  readonly campaignId?: number
  readonly orderId?: number
  readonly returnId?: number
}

/** A chat on the wire (`GetChatInfoDTO`). */
export interface ChatDto {
  readonly chatId: number
  readonly orderId?: number
  readonly context: ContextDto
  readonly type: ChatType
  readonly status: ChatStatus
  readonly createdAt: string
  readonly updatedAt: string
}

/** A file of a message on the wire (`ChatMessagePayloadDTO`). */
export interface PayloadDto {
  readonly name: string
  readonly url: string
  readonly size: number
}

/** A message on the wire (`ChatMessageDTO`). */
export interface MessageDto {
  readonly messageId: number
  readonly createdAt: string
  readonly sender: Sender
  readonly message?: string
  readonly payload?: ReadonlyArray<PayloadDto>
}

/** Renders the context of a chat. */
export const contextToDto = (chat: ChatRecord): ContextDto => ({
  type: chat.contextType,
  ...(chat.customer ? { customer: { name: chat.customer.name, publicId: chat.customer.publicId } } : {}),
  ...(chat.campaignId !== undefined ? { campaignId: chat.campaignId } : {}),
  ...(chat.orderId !== undefined ? { orderId: chat.orderId } : {}),
  ...(chat.returnId !== undefined ? { returnId: chat.returnId } : {})
})

/** Renders a chat. */
export const chatToDto = (chat: ChatRecord): ChatDto => ({
  chatId: chat.chatId,
  ...(chat.orderId !== undefined ? { orderId: chat.orderId } : {}),
  context: contextToDto(chat),
  type: chat.type,
  status: chat.status,
  createdAt: formatIso(chat.createdAt),
  updatedAt: formatIso(chat.updatedAt)
})

/** The download path of a file, under the simulator's own URL. */
export const filePath = (file: FileRecord): string =>
  `/files/${file.fileId}/${encodeURIComponent(file.name.slice(0, 200))}`

/** Renders a message; file URLs point at `baseUrl`. */
export const messageToDto = (message: MessageRecord, baseUrl: string): MessageDto => ({
  messageId: message.messageId,
  createdAt: formatIso(message.createdAt),
  sender: message.sender,
  ...(message.text !== undefined ? { message: message.text } : {}),
  ...(message.files && message.files.length > 0 ?
    { payload: message.files.map((file) => ({ name: file.name, url: baseUrl + filePath(file), size: file.size })) } :
    {})
})
