/**
 * Hand-written decoders of the bodies the client reads most (history pages, chat pages, one
 * chat, one message), for the JSON the market sends: one pass over the parsed body, with no schema
 * interpreted (the pass of `core/client/fastDecode.ts`, over this edition's classes and dates).
 * Each gives exactly what the schema of `ChatsSchema` gives for a body it accepts (the same class
 * instances, the same keys in the same order, the same `DateTime.Utc` values), and `undefined` for
 * anything it is not sure of: the caller then decodes with the schema, which accepts it or says what
 * is wrong. So a body that does not match is reported exactly as before, and the fast path only skips
 * the interpretation of the schema for the bodies that do.
 *
 * A decoder is used only while the fields of the classes are the ones written here: if a field is
 * added, removed or changed in `ChatsSchema`, `fieldsAsExpected` turns the fast path off and the
 * schema decodes everything until this file is brought up to date (`bench/equivalence.ts` checks
 * both paths against each other).
 */
import { DateTime, Schema } from "effect"
import * as ChatsSchema from "../../ChatsSchema.js"
import { parseDateTime } from "../../../../core/client/dateTime.js"
import { alike, isId, isInt, makeFastDecoders } from "../../../../core/client/fastDecode.js"

/**
 * Makes instances of a `Schema.Class` as its decoding does (`new Class(props, true)`: a copy of the
 * props on an object of the class's prototype), without the constructor's generic work (copying,
 * looking for defaults); or with the constructor itself, when the two would not give alike objects
 * for the samples (a class with defaults, or another version of `effect`).
 */
const instantiate = <P extends object, C>(
  Class: new(props: P, options: boolean) => C,
  samples: ReadonlyArray<NoInfer<P>>
): (props: P) => C => {
  const prototype = Class.prototype as object
  const direct = (props: P): C => Object.assign(Object.create(prototype), props) as C
  const viaNew = (props: P): C => new Class(props, true)
  return samples.every((p) => alike(direct(p), viaNew(p))) ? direct : viaNew
}

/**
 * `DateTime.unsafeMake(millis)` for the millis of a parsed date (always a valid date): the same
 * object, made without going through a `Date`; or `DateTime.unsafeMake` itself, when the two would
 * not give alike objects.
 */
const makeUtc: (millis: number) => DateTime.Utc = (() => {
  const viaEffect = (millis: number) => DateTime.unsafeMake(millis) as DateTime.Utc
  const prototype = Object.getPrototypeOf(viaEffect(0)) as object
  const hidden = { value: undefined, enumerable: false, writable: true }
  const direct = (millis: number): DateTime.Utc => {
    const self = Object.create(prototype)
    self.epochMillis = millis
    Object.defineProperty(self, "partsUtc", hidden)
    return self
  }
  return [0, 1_743_256_159_000, -1].every((m) => alike(direct(m), viaEffect(m))) ? direct : viaEffect
})()

const sampleDate = makeUtc(0)
const newCustomer = instantiate(ChatsSchema.ChatCustomer, [{ name: "a", publicId: "b" }, {}])
const newContext = instantiate(ChatsSchema.ChatFullContext, [
  { type: "ORDER", customer: newCustomer({}), campaignId: 1, orderId: 2, returnId: 3 },
  { type: "DIRECT" }
])
const newChat = instantiate(ChatsSchema.Chat, [
  { chatId: 1, orderId: 2, context: newContext({ type: "ORDER" }), type: "CHAT", status: "NEW", createdAt: sampleDate, updatedAt: sampleDate },
  { chatId: 1, context: newContext({ type: "ORDER" }), type: "CHAT", status: "NEW", createdAt: sampleDate, updatedAt: sampleDate }
])
const newPayload = instantiate(ChatsSchema.ChatMessagePayload, [{ name: "a", url: "b", size: 1 }])
const newMessage = instantiate(ChatsSchema.ChatMessage, [
  { messageId: 1, createdAt: sampleDate, sender: "CUSTOMER", message: "a", payload: [] },
  { messageId: 1, createdAt: sampleDate, sender: "CUSTOMER" }
])
const newChatsPage = instantiate(ChatsSchema.ChatsPage, [{ chats: [], paging: {} }, { chats: [] }])
const newHistoryPage = instantiate(ChatsSchema.ChatHistoryPage, [
  { orderId: 1, context: newContext({ type: "ORDER" }), messages: [], paging: { nextPageToken: "a" } },
  { context: newContext({ type: "ORDER" }), messages: [] }
])
const newCreateChatResult = instantiate(ChatsSchema.CreateChatResult, [{ chatId: 1 }])

/** The pass of `core/client/fastDecode.ts`, making this edition's classes and dates. */
const decoders = makeFastDecoders({
  utc: makeUtc,
  customer: newCustomer,
  context: newContext,
  chat: newChat,
  payload: newPayload,
  message: newMessage,
  chatsPage: newChatsPage,
  historyPage: newHistoryPage,
  createChatResult: newCreateChatResult
})

/** The decoded chat, or undefined. */
export const chat = decoders.chat
/** The decoded message, or undefined. */
export const message = decoders.message
/** The decoded page of chats, or undefined. */
export const chatsPage = decoders.chatsPage
/** The decoded page of a chat's history, or undefined. */
export const historyPage = decoders.historyPage
/** The decoded result of `createChat`, or undefined. */
export const createChatResult = decoders.createChatResult

// -----------------------------------------------------------------------------
// The guard: the fast path serves only the schemas it was written for
// -----------------------------------------------------------------------------

/** A short description of a schema's fields, enough to notice a change. */
const fingerprint = (fields: Schema.Struct.Fields): string =>
  Object.entries(fields).map(([key, field]) => `${key}: ${String(field.ast)}`).join("; ")

/** What the fast path was written for (see `fingerprint`). */
const expected: ReadonlyArray<readonly [Schema.Struct.Fields, string]> = [
  [
    ChatsSchema.ChatCustomer.fields,
    "name: PropertySignature<\"?:\", string | undefined, never, \"?:\", string | undefined>; publicId: PropertySignature<\"?:\", string | undefined, never, \"?:\", string | undefined>"
  ],
  [
    ChatsSchema.ChatFullContext.fields,
    "type: ChatContextType; customer: PropertySignature<\"?:\", (ChatCustomer (Encoded side) <-> ChatCustomer) | undefined, never, \"?:\", (ChatCustomer (Encoded side) <-> ChatCustomer) | undefined>; campaignId: PropertySignature<\"?:\", Id | undefined, never, \"?:\", Id | undefined>; orderId: PropertySignature<\"?:\", Id | undefined, never, \"?:\", Id | undefined>; returnId: PropertySignature<\"?:\", Id | undefined, never, \"?:\", Id | undefined>"
  ],
  [
    ChatsSchema.Chat.fields,
    "chatId: Id; orderId: PropertySignature<\"?:\", Id | undefined, never, \"?:\", Id | undefined>; context: (ChatFullContext (Encoded side) <-> ChatFullContext); type: ChatType; status: ChatStatus; createdAt: DateTime; updatedAt: DateTime"
  ],
  [
    ChatsSchema.ChatMessagePayload.fields,
    "name: string; url: string; size: Int"
  ],
  [
    ChatsSchema.ChatMessage.fields,
    "messageId: Id; createdAt: DateTime; sender: ChatMessageSender; message: PropertySignature<\"?:\", string | undefined, never, \"?:\", string | undefined>; payload: PropertySignature<\"?:\", ReadonlyArray<ChatMessagePayload> | undefined, never, \"?:\", ReadonlyArray<(ChatMessagePayload (Encoded side) <-> ChatMessagePayload)> | null | undefined>"
  ],
  [
    ChatsSchema.Paging.fields,
    "nextPageToken: PropertySignature<\"?:\", string | undefined, never, \"?:\", string | undefined>"
  ],
  [
    ChatsSchema.ChatsPage.fields,
    "chats: ReadonlyArray<(Chat (Encoded side) <-> Chat)>; paging: PropertySignature<\"?:\", { readonly nextPageToken?: string | undefined } | undefined, never, \"?:\", { readonly nextPageToken?: string | undefined } | undefined>"
  ],
  [
    ChatsSchema.ChatHistoryPage.fields,
    "orderId: PropertySignature<\"?:\", Int | undefined, never, \"?:\", Int | undefined>; context: (ChatFullContext (Encoded side) <-> ChatFullContext); messages: ReadonlyArray<(ChatMessage (Encoded side) <-> ChatMessage)>; paging: PropertySignature<\"?:\", { readonly nextPageToken?: string | undefined } | undefined, never, \"?:\", { readonly nextPageToken?: string | undefined } | undefined>"
  ],
  [
    ChatsSchema.CreateChatResult.fields,
    "chatId: Id"
  ]
]

/** Values on which the checks written here must agree with the schemas'. */
const probes: ReadonlyArray<unknown> = [0, 1, 2, -1, 0.5, 1.5, -0, 2 ** 53 - 1, 2 ** 53, NaN, Infinity, "1", null, undefined]
const dateProbes: ReadonlyArray<string> = [
  "2025-03-29T16:49:19+03:00",
  "2025-03-29T16:49:19Z",
  "2025-03-29t16:49:19z",
  "2016-12-31T23:59:60Z",
  "2025-02-30T00:00:00-01:30",
  "2025-03-29T16:49:19.123456+03:00",
  "2025-03-29T16:49:19",
  "2025-13-29T16:49:19Z"
]

/** Whether the checks written here agree with the schemas on the probes. */
const checksAgree = (): boolean => {
  const schemaId = Schema.is(ChatsSchema.Id)
  const schemaInt = Schema.is(Schema.Int)
  const schemaDate = Schema.decodeUnknownOption(ChatsSchema.DateTime)
  return probes.every((u) => isId(u) === schemaId(u) && isInt(u) === schemaInt(u)) &&
    dateProbes.every((s) => {
      const expected = schemaDate(s)
      const actual = parseDateTime(s)
      return expected._tag === "None" ? Number.isNaN(actual) : actual === expected.value.epochMillis
    })
}

/** Whether the schemas are still the ones the fast path was written for. */
export const fieldsAsExpected: boolean = expected.every(([fields, description]) => fingerprint(fields) === description) &&
  checksAgree() &&
  // the building blocks are the very schemas of ChatsSchema, whose checks the fast path repeats
  ChatsSchema.Chat.fields.chatId === ChatsSchema.Id &&
  ChatsSchema.ChatMessage.fields.messageId === ChatsSchema.Id &&
  ChatsSchema.ChatMessagePayload.fields.size === Schema.Int &&
  ChatsSchema.ChatMessage.fields.createdAt === ChatsSchema.DateTime &&
  ChatsSchema.ChatMessage.fields.sender === ChatsSchema.ChatMessageSender &&
  ChatsSchema.Chat.fields.type === ChatsSchema.ChatTypeOpen &&
  ChatsSchema.Chat.fields.status === ChatsSchema.ChatStatusOpen &&
  ChatsSchema.Chat.fields.createdAt === ChatsSchema.DateTime &&
  ChatsSchema.ChatFullContext.fields.type === ChatsSchema.ChatContextTypeOpen &&
  ChatsSchema.CreateChatResult.fields.chatId === ChatsSchema.Id

/** The fast decoders, or none when the schemas changed. */
export const fast = fieldsAsExpected
  ? { chat, message, chatsPage, historyPage, createChatResult }
  : undefined
