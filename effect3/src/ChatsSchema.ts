/**
 * Schemas of the Yandex Market chats API: every DTO and enum of the seven chat
 * operations, written by hand from the official OpenAPI description.
 *
 * Decoding is tolerant the way the market asks clients to be: unknown object
 * fields are ignored, and an enum value the library does not know yet decodes
 * to its raw string (the types say `Known | (string & {})`, and `isKnown*`
 * guards tell the two apart) instead of failing a whole page.
 *
 * @since 0.1.0
 */
import { DateTime as EffectDateTime, ParseResult, Schema } from "effect"
import { parseDateTime } from "../../core/client/dateTime.js"
import {
  chatsLimitRange,
  checkMessages,
  contextKey,
  historyLimitRange,
  isUniqueBy,
  isWithinFileSize,
  isWithinMessageLength,
  maxFileBytes as coreMaxFileBytes,
  maxMessageLength as coreMaxMessageLength,
  mediaTypePattern
} from "../../core/client/limits.js"
import * as Wire from "../../core/client/wire.js"

// -----------------------------------------------------------------------------
// Building blocks
// -----------------------------------------------------------------------------

/**
 * An int64 identifier as the market uses it: a safe integer of at least 1.
 *
 * @since 0.1.0
 * @category primitives
 */
export const Id = Schema.Int.pipe(
  Schema.greaterThanOrEqualTo(1, { message: () => checkMessages.id }),
  Schema.annotations({ identifier: "Id", description: "A safe integer of at least 1" })
)

/**
 * A date-time in ISO 8601 with an offset (`2017-11-21T00:00:00+03:00`), decoded to a `DateTime.Utc`.
 * Accepts what RFC 3339 allows (lowercase `t`/`z`, leap seconds, any fraction); refuses a day the
 * month does not have (`2025-02-30`, `2025-02-29`) and hour 24 instead of rolling them over; encodes as UTC ISO.
 *
 * @since 0.1.0
 * @category primitives
 */
export const DateTime = Schema.transformOrFail(Schema.String, Schema.DateTimeUtcFromSelf, {
  strict: true,
  decode: (s, _, ast) => {
    const millis = parseDateTime(s)
    return Number.isNaN(millis)
      ? ParseResult.fail(new ParseResult.Type(ast, s, `expected an ISO 8601 date-time with an offset, got ${JSON.stringify(s)}`))
      : ParseResult.succeed(EffectDateTime.unsafeMake(millis))
  },
  encode: (dateTime) => ParseResult.succeed(EffectDateTime.formatIso(dateTime))
}).annotations({ identifier: "DateTime" })

/**
 * An open enum: the known literals, or any other string the server may add later.
 * The decoded type keeps autocompletion for the known values.
 */
const openEnum = <const L extends ReadonlyArray<string>>(identifier: string, literals: L) =>
  Schema.Union(Schema.Literal(...literals), Schema.String).annotations({ identifier }) as unknown as Schema.Schema<
    L[number] | (string & {}),
    string
  >

// -----------------------------------------------------------------------------
// Enums
// -----------------------------------------------------------------------------

/**
 * The context types of a chat: an order, a return, or a chat the customer started.
 *
 * @since 0.1.0
 * @category enums
 */
export const chatContextTypes = Wire.chatContextTypes

/**
 * The context a chat was started on, as a closed enum (for requests).
 *
 * @since 0.1.0
 * @category enums
 */
export const ChatContextType = Schema.Literal(...chatContextTypes)

/**
 * The context type of a chat as read from the server (unknown values pass through).
 *
 * @since 0.1.0
 * @category enums
 */
export const ChatContextTypeOpen = openEnum("ChatContextType", chatContextTypes)

/**
 * Tells a known context type from one the library does not know yet.
 *
 * @since 0.1.0
 * @category guards
 */
export const isKnownChatContextType = Wire.knownGuard(chatContextTypes)

/**
 * The context types on which a seller may open a chat.
 *
 * @since 0.1.0
 * @category enums
 */
export const chatContextIdentifiableTypes = Wire.chatContextIdentifiableTypes

/**
 * An order or return context type (for `createChat` and the `contexts` filter).
 *
 * @since 0.1.0
 * @category enums
 */
export const ChatContextIdentifiableType = Schema.Literal(...chatContextIdentifiableTypes)

/**
 * The types of chat: a chat with the customer, or a dispute.
 *
 * @since 0.1.0
 * @category enums
 */
export const chatTypes = Wire.chatTypes

/**
 * The type of chat, as a closed enum (for requests).
 *
 * @since 0.1.0
 * @category enums
 */
export const ChatType = Schema.Literal(...chatTypes)

/**
 * The type of chat as read from the server (unknown values pass through).
 *
 * @since 0.1.0
 * @category enums
 */
export const ChatTypeOpen = openEnum("ChatType", chatTypes)

/**
 * Tells a known chat type from one the library does not know yet.
 *
 * @since 0.1.0
 * @category guards
 */
export const isKnownChatType = Wire.knownGuard(chatTypes)

/**
 * The statuses of a chat: who must answer next, or finished.
 *
 * @since 0.1.0
 * @category enums
 */
export const chatStatuses = Wire.chatStatuses

/**
 * The status of a chat, as a closed enum (for requests).
 *
 * @since 0.1.0
 * @category enums
 */
export const ChatStatus = Schema.Literal(...chatStatuses)

/**
 * The status of a chat as read from the server (unknown values pass through).
 *
 * @since 0.1.0
 * @category enums
 */
export const ChatStatusOpen = openEnum("ChatStatus", chatStatuses)

/**
 * Tells a known chat status from one the library does not know yet.
 *
 * @since 0.1.0
 * @category guards
 */
export const isKnownChatStatus = Wire.knownGuard(chatStatuses)

/**
 * Who sent a message: the seller, the customer, the market's robot, or the market's support.
 *
 * @since 0.1.0
 * @category enums
 */
export const messageSenders = Wire.messageSenders

/**
 * The sender of a message as read from the server (unknown values pass through).
 *
 * @since 0.1.0
 * @category enums
 */
export const ChatMessageSender = openEnum("ChatMessageSender", messageSenders)

/**
 * Tells a known sender from one the library does not know yet.
 *
 * @since 0.1.0
 * @category guards
 */
export const isKnownChatMessageSender = Wire.knownGuard(messageSenders)

// -----------------------------------------------------------------------------
// DTOs read from the server
// -----------------------------------------------------------------------------

/**
 * The customer of a chat (`ChatCustomerDTO`).
 *
 * @since 0.1.0
 * @category models
 */
export class ChatCustomer extends Schema.Class<ChatCustomer>("ChatCustomer")({
  name: Schema.optional(Schema.String),
  publicId: Schema.optional(Schema.String)
}) {}

/**
 * The order or return a chat is about (`ChatFullContextDTO`).
 *
 * @since 0.1.0
 * @category models
 */
export class ChatFullContext extends Schema.Class<ChatFullContext>("ChatFullContext")({
  type: ChatContextTypeOpen,
  customer: Schema.optional(ChatCustomer),
  campaignId: Schema.optional(Id),
  orderId: Schema.optional(Id),
  returnId: Schema.optional(Id)
}) {}

/**
 * A chat with a customer (`GetChatInfoDTO`).
 *
 * @since 0.1.0
 * @category models
 */
export class Chat extends Schema.Class<Chat>("Chat")({
  chatId: Id,
  /** @deprecated use `context.orderId` */
  orderId: Schema.optional(Id),
  context: ChatFullContext,
  type: ChatTypeOpen,
  status: ChatStatusOpen,
  createdAt: DateTime,
  updatedAt: DateTime
}) {}

/**
 * A file attached to a message (`ChatMessagePayloadDTO`).
 *
 * @since 0.1.0
 * @category models
 */
export class ChatMessagePayload extends Schema.Class<ChatMessagePayload>("ChatMessagePayload")({
  name: Schema.String,
  url: Schema.String,
  /** Size in bytes, as the server reports it (int32; not checked for sign). */
  size: Schema.Int
}) {}

/**
 * A message of a chat (`ChatMessageDTO`): text in `message`, files in `payload`.
 * A `payload: null` from the server decodes as an absent payload.
 *
 * @since 0.1.0
 * @category models
 */
export class ChatMessage extends Schema.Class<ChatMessage>("ChatMessage")({
  messageId: Id,
  createdAt: DateTime,
  sender: ChatMessageSender,
  message: Schema.optional(Schema.String),
  payload: Schema.optionalWith(Schema.Array(ChatMessagePayload), { nullable: true })
}) {}

/**
 * The paging block of a page (`PackagingForwardScrollingPagerDTO`).
 *
 * @since 0.1.0
 * @category models
 */
export const Paging = Schema.Struct({
  nextPageToken: Schema.optional(Schema.String)
})

/**
 * One page of chats (`GetChatsInfoDTO`).
 *
 * @since 0.1.0
 * @category models
 */
export class ChatsPage extends Schema.Class<ChatsPage>("ChatsPage")({
  chats: Schema.Array(Chat),
  paging: Schema.optional(Paging)
}) {}

/**
 * One page of a chat's history (`ChatMessagesResultDTO`), with the chat's context.
 *
 * @since 0.1.0
 * @category models
 */
export class ChatHistoryPage extends Schema.Class<ChatHistoryPage>("ChatHistoryPage")({
  /** @deprecated use `context.orderId` */
  orderId: Schema.optional(Schema.Int),
  context: ChatFullContext,
  messages: Schema.Array(ChatMessage),
  paging: Schema.optional(Paging)
}) {}

/**
 * The result of `createChat` (`CreateChatResultDTO`).
 *
 * @since 0.1.0
 * @category models
 */
export class CreateChatResult extends Schema.Class<CreateChatResult>("CreateChatResult")({
  chatId: Id
}) {}

/**
 * One error entry of an error body (`ApiErrorDTO`).
 *
 * @since 0.1.0
 * @category models
 */
export class ApiError extends Schema.Class<ApiError>("ApiError")({
  code: Schema.String,
  message: Schema.optional(Schema.String)
}) {}

// -----------------------------------------------------------------------------
// Request bodies and filters
// -----------------------------------------------------------------------------

/** A non-empty list of unique values, as the filters of `getChats` require. */
const UniqueNonEmpty = <A, I>(item: Schema.Schema<A, I>, key: (a: A) => string, name: string) =>
  Schema.Array(item).pipe(
    Schema.minItems(1, { message: () => checkMessages.emptyList(name) }),
    Schema.filter((items) => isUniqueBy(items, key) || checkMessages.repeatedValue(name))
  )

/**
 * An order or a return identified by its id (`ChatContextDTO`).
 *
 * @since 0.1.0
 * @category models
 */
export const ChatContext = Schema.Struct({
  type: ChatContextIdentifiableType,
  id: Id
})

/**
 * The filters of `getChats` (`GetChatsRequest`): each list non-empty and without repeats.
 *
 * @since 0.1.0
 * @category models
 */
export const ChatsFilter = Schema.Struct({
  contexts: Schema.optional(UniqueNonEmpty(ChatContext, contextKey, "contexts")),
  contextTypes: Schema.optional(UniqueNonEmpty(ChatContextType, String, "contextTypes")),
  types: Schema.optional(UniqueNonEmpty(ChatType, String, "types")),
  statuses: Schema.optional(UniqueNonEmpty(ChatStatus, String, "statuses")),
  /** @deprecated use `contexts` with type `ORDER` */
  orderIds: Schema.optional(UniqueNonEmpty(Id, String, "orderIds"))
})

/**
 * The largest file `sendFileToChat` accepts: 5 MB.
 *
 * @since 0.1.0
 * @category constants
 */
export const maxFileBytes = coreMaxFileBytes

/**
 * The longest message `sendMessageToChat` accepts, in characters.
 *
 * @since 0.1.0
 * @category constants
 */
export const maxMessageLength = coreMaxMessageLength

/**
 * The text of a message: 1 to 4096 characters (code points, as the official description counts).
 *
 * @since 0.1.0
 * @category models
 */
export const MessageText = Schema.String.pipe(
  Schema.minLength(1, { message: () => checkMessages.emptyMessage }),
  Schema.filter(isWithinMessageLength, { message: () => checkMessages.longMessage })
)

/**
 * A media type such as `application/pdf` or `text/plain; charset=utf-8` (RFC 9110), so that it can
 * go into the part's `Content-Type` header as it is.
 *
 * @since 0.1.0
 * @category models
 */
export const MediaType = Schema.String.pipe(
  Schema.pattern(mediaTypePattern, { message: () => checkMessages.mediaType })
)

/**
 * A file to send: a name, its bytes (`Uint8Array` or `Blob`) of at most 5 MB, and an optional MIME type.
 *
 * @since 0.1.0
 * @category models
 */
export const FileToSend = Schema.Struct({
  name: Schema.String.pipe(Schema.minLength(1, { message: () => checkMessages.fileName })),
  data: Schema.Union(Schema.Uint8ArrayFromSelf, Schema.instanceOf(Blob)).pipe(
    Schema.filter((data) => isWithinFileSize(data) || checkMessages.fileSize)
  ),
  contentType: Schema.optional(MediaType)
})

/**
 * A page size for `getChats`: 1 to 20.
 *
 * @since 0.1.0
 * @category models
 */
export const ChatsLimit = Schema.Int.pipe(
  Schema.between(chatsLimitRange.min, chatsLimitRange.max, { message: () => checkMessages.chatsLimit })
)

/**
 * A page size for `getChatHistory`: 1 to 100.
 *
 * @since 0.1.0
 * @category models
 */
export const HistoryLimit = Schema.Int.pipe(
  Schema.between(historyLimitRange.min, historyLimitRange.max, { message: () => checkMessages.historyLimit })
)

/**
 * A page token as the server handed it out: a non-empty string.
 *
 * @since 0.1.0
 * @category models
 */
export const PageToken = Schema.String.pipe(Schema.minLength(1, { message: () => checkMessages.pageToken }))
