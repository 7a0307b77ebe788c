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
import { DateTime as EffectDateTime, Effect, Option, Predicate, Schema, SchemaIssue, SchemaTransformation } from "effect"
import { parseDateTime } from "../../core/client/dateTime.js"
import {
  chatsLimitRange,
  checkMessages,
  contextKey,
  historyLimitRange,
  isUniqueBy,
  isWithinFileSize,
  maxFileBytes as coreMaxFileBytes,
  maxMessageLength as coreMaxMessageLength,
  mediaTypePattern
} from "../../core/client/limits.js"
import * as Wire from "../../core/client/wire.js"

/** The identifier of a class of this module, namespaced so that it cannot be taken for a class of another library. */
const id = (name: string) => `effect-yandex-market-chats/ChatsSchema/${name}`

// -----------------------------------------------------------------------------
// Building blocks
// -----------------------------------------------------------------------------

/**
 * An int64 identifier as the market uses it: a safe integer of at least 1.
 *
 * @since 0.1.0
 * @category primitives
 */
export const Id = Schema.Int.check(Schema.isGreaterThanOrEqualTo(1, { message: checkMessages.id })).annotate({
  description: "A safe integer of at least 1"
})

/**
 * A date-time in ISO 8601 with an offset (`2017-11-21T00:00:00+03:00`), decoded to a `DateTime.Utc`.
 * Accepts what RFC 3339 allows (lowercase `t`/`z`, leap seconds, any fraction); refuses a day the
 * month does not have (`2025-02-30`, `2025-02-29`) and hour 24 instead of rolling them over; encodes as UTC ISO.
 *
 * @since 0.1.0
 * @category primitives
 */
export const DateTime = Schema.String.pipe(
  Schema.decodeTo(
    Schema.DateTimeUtc,
    SchemaTransformation.transformEffect<EffectDateTime.Utc, string>({
      decode: (s, options) => {
        const millis = parseDateTime(s)
        return Number.isNaN(millis)
          ? Effect.fail(
            new SchemaIssue.InvalidValue(
              { message: `expected an ISO 8601 date-time with an offset, got ${JSON.stringify(s)}` },
              s,
              options
            )
          )
          : Effect.succeed(EffectDateTime.makeUnsafe(millis))
      },
      encode: (dateTime) => Effect.succeed(EffectDateTime.formatIso(dateTime))
    })
  )
).annotate({ identifier: "DateTime" })

/**
 * An open enum: any string the server may send, with the known literals kept for autocompletion
 * (the type is `Known | (string & {})`).
 */
const openEnum = <const L extends ReadonlyArray<string>>(identifier: string, literals: L) =>
  Schema.Union([Schema.StringForLiteralAutocomplete, Schema.Literals(literals)]).annotate({ identifier })

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
export const ChatContextType = Schema.Literals(chatContextTypes)

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
export const ChatContextIdentifiableType = Schema.Literals(chatContextIdentifiableTypes)

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
export const ChatType = Schema.Literals(chatTypes)

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
export const ChatStatus = Schema.Literals(chatStatuses)

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
export class ChatCustomer extends Schema.Class<ChatCustomer>(id("ChatCustomer"))({
  name: Schema.optionalKey(Schema.String),
  publicId: Schema.optionalKey(Schema.String)
}) {}

/**
 * The order or return a chat is about (`ChatFullContextDTO`).
 *
 * @since 0.1.0
 * @category models
 */
export class ChatFullContext extends Schema.Class<ChatFullContext>(id("ChatFullContext"))({
  type: ChatContextTypeOpen,
  customer: Schema.optionalKey(ChatCustomer),
  campaignId: Schema.optionalKey(Id),
  orderId: Schema.optionalKey(Id),
  returnId: Schema.optionalKey(Id)
}) {}

/**
 * A chat with a customer (`GetChatInfoDTO`).
 *
 * @since 0.1.0
 * @category models
 */
export class Chat extends Schema.Class<Chat>(id("Chat"))({
  chatId: Id,
  /** @deprecated use `context.orderId` */
  orderId: Schema.optionalKey(Id),
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
export class ChatMessagePayload extends Schema.Class<ChatMessagePayload>(id("ChatMessagePayload"))({
  name: Schema.String,
  url: Schema.String,
  /** Size in bytes, as the server reports it (int32; not checked for sign). */
  size: Schema.Int
}) {}

/** The files of a message: a `null` from the server decodes as an absent key. */
const MessagePayloads = Schema.optionalKey(Schema.NullOr(Schema.Array(ChatMessagePayload))).pipe(
  Schema.decodeTo(
    Schema.optionalKey(Schema.toType(Schema.Array(ChatMessagePayload))),
    SchemaTransformation.transformOptional<ReadonlyArray<ChatMessagePayload>, ReadonlyArray<ChatMessagePayload> | null>({
      decode: (payloads) => Option.filter(payloads, Predicate.isNotNull),
      encode: (payloads) => payloads
    })
  )
)

/**
 * A message of a chat (`ChatMessageDTO`): text in `message`, files in `payload`.
 * A `payload: null` from the server decodes as an absent payload.
 *
 * @since 0.1.0
 * @category models
 */
export class ChatMessage extends Schema.Class<ChatMessage>(id("ChatMessage"))({
  messageId: Id,
  createdAt: DateTime,
  sender: ChatMessageSender,
  message: Schema.optionalKey(Schema.String),
  payload: MessagePayloads
}) {}

/**
 * The paging block of a page (`PackagingForwardScrollingPagerDTO`).
 *
 * @since 0.1.0
 * @category models
 */
export const Paging = Schema.Struct({
  nextPageToken: Schema.optionalKey(Schema.String)
})

/**
 * One page of chats (`GetChatsInfoDTO`).
 *
 * @since 0.1.0
 * @category models
 */
export class ChatsPage extends Schema.Class<ChatsPage>(id("ChatsPage"))({
  chats: Schema.Array(Chat),
  paging: Schema.optionalKey(Paging)
}) {}

/**
 * One page of a chat's history (`ChatMessagesResultDTO`), with the chat's context.
 *
 * @since 0.1.0
 * @category models
 */
export class ChatHistoryPage extends Schema.Class<ChatHistoryPage>(id("ChatHistoryPage"))({
  /** @deprecated use `context.orderId` */
  orderId: Schema.optionalKey(Schema.Int),
  context: ChatFullContext,
  messages: Schema.Array(ChatMessage),
  paging: Schema.optionalKey(Paging)
}) {}

/**
 * The result of `createChat` (`CreateChatResultDTO`).
 *
 * @since 0.1.0
 * @category models
 */
export class CreateChatResult extends Schema.Class<CreateChatResult>(id("CreateChatResult"))({
  chatId: Id
}) {}

/**
 * One error entry of an error body (`ApiErrorDTO`).
 *
 * @since 0.1.0
 * @category models
 */
export class ApiError extends Schema.Class<ApiError>(id("ApiError"))({
  code: Schema.String,
  message: Schema.optionalKey(Schema.String)
}) {}

// -----------------------------------------------------------------------------
// Request bodies and filters
// -----------------------------------------------------------------------------

/** A non-empty list of unique values, as the filters of `getChats` require. */
const UniqueNonEmpty = <S extends Schema.Top>(item: S, key: (a: S["Type"]) => string, name: string) =>
  Schema.Array(item).check(
    Schema.isMinLength(1, { message: checkMessages.emptyList(name) }),
    Schema.makeFilter<ReadonlyArray<S["Type"]>>((items) => isUniqueBy(items, key), {
      message: checkMessages.repeatedValue(name)
    })
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
export const MessageText = Schema.String.check(
  Schema.isMinLength(1, { message: checkMessages.emptyMessage }),
  Schema.isMaxCodePoints(maxMessageLength, { message: checkMessages.longMessage })
)

/**
 * A media type such as `application/pdf` or `text/plain; charset=utf-8` (RFC 9110), so that it can
 * go into the part's `Content-Type` header as it is.
 *
 * @since 0.1.0
 * @category models
 */
export const MediaType = Schema.String.check(Schema.isPattern(mediaTypePattern, { message: checkMessages.mediaType }))

/**
 * A file to send: a name, its bytes (`Uint8Array` or `Blob`) of at most 5 MB, and an optional MIME type.
 *
 * @since 0.1.0
 * @category models
 */
export const FileToSend = Schema.Struct({
  name: Schema.String.check(Schema.isMinLength(1, { message: checkMessages.fileName })),
  data: Schema.Union([Schema.Uint8Array, Schema.instanceOf(Blob, { expected: "Blob" })]).check(
    Schema.makeFilter(isWithinFileSize, { message: checkMessages.fileSize })
  ),
  contentType: Schema.optional(MediaType)
})

/**
 * A page size for `getChats`: 1 to 20.
 *
 * @since 0.1.0
 * @category models
 */
export const ChatsLimit = Schema.Int.check(
  Schema.isBetween({ minimum: chatsLimitRange.min, maximum: chatsLimitRange.max }, { message: checkMessages.chatsLimit })
)

/**
 * A page size for `getChatHistory`: 1 to 100.
 *
 * @since 0.1.0
 * @category models
 */
export const HistoryLimit = Schema.Int.check(
  Schema.isBetween({ minimum: historyLimitRange.min, maximum: historyLimitRange.max }, { message: checkMessages.historyLimit })
)

/**
 * A page token as the server handed it out: a non-empty string.
 *
 * @since 0.1.0
 * @category models
 */
export const PageToken = Schema.String.check(Schema.isMinLength(1, { message: checkMessages.pageToken }))
