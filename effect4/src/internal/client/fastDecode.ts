/**
 * Hand-written decoders of the bodies the client reads most (history pages, chat pages, one chat, one
 * message), for the JSON the market sends: one pass over the parsed body, with no schema interpreted
 * (the pass of `core/client/fastDecode.ts`, over this edition's classes and dates).
 * Each gives exactly what the schema of `ChatsSchema` gives for a body it accepts (the same class
 * instances, the same keys in the same order, the same `DateTime.Utc` values), and `undefined` for
 * anything it is not sure of: the caller then decodes with the schema, which accepts it or says what is
 * wrong. So a body that does not match is reported exactly as before.
 *
 * Why: on a page of 100 messages the Schema 4 interpreter costs about twice this pass (see
 * BENCHMARKS.md). `test/client/fastDecode.test.ts` checks every decoder against its schema on
 * generated bodies (fast-check). The decoders are used only while the classes have the fields written
 * here and the samples below decode alike both ways (`fastDecodeOn`); otherwise the schemas decode
 * everything until this file is brought up to date.
 */
import { DateTime, Result, Schema, SchemaParser } from "effect"
import { alike, makeFastDecoders } from "../../../../core/client/fastDecode.js"
import * as ChatsSchema from "../../ChatsSchema.js"

/** Marks a value the fast path does not handle. */
const NO = undefined

/**
 * Makes instances of a `Schema.Class` as its decoding does (the props copied onto an object of the
 * class's prototype, by `Data.Class`'s constructor), without the constructor's schema pass.
 */
const instantiate = <C>(Class: { readonly prototype: C }): (props: object) => C => {
  const prototype = Class.prototype as object
  return (props) => Object.assign(Object.create(prototype), props) as C
}

/** `DateTime.makeUnsafe(millis)` without the `Date` it goes through: an object of the same prototype and key. */
const makeUtc: (millis: number) => DateTime.Utc = (() => {
  const prototype = Object.getPrototypeOf(DateTime.makeUnsafe(0)) as object
  return (millis) => {
    const self = Object.create(prototype)
    self.epochMilliseconds = millis
    return self
  }
})()

/** The pass of `core/client/fastDecode.ts`, making this edition's classes and dates. */
const decoders = makeFastDecoders({
  utc: makeUtc,
  customer: instantiate(ChatsSchema.ChatCustomer),
  context: instantiate(ChatsSchema.ChatFullContext),
  chat: instantiate(ChatsSchema.Chat),
  payload: instantiate(ChatsSchema.ChatMessagePayload),
  message: instantiate(ChatsSchema.ChatMessage),
  chatsPage: instantiate(ChatsSchema.ChatsPage),
  historyPage: instantiate(ChatsSchema.ChatHistoryPage),
  createChatResult: instantiate(ChatsSchema.CreateChatResult)
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

/** The fields the decoders were written for, by class, in order. */
const expectedFields: ReadonlyArray<readonly [Schema.Struct.Fields, string]> = [
  [ChatsSchema.ChatCustomer.fields, "name publicId"],
  [ChatsSchema.ChatFullContext.fields, "type customer campaignId orderId returnId"],
  [ChatsSchema.Chat.fields, "chatId orderId context type status createdAt updatedAt"],
  [ChatsSchema.ChatMessagePayload.fields, "name url size"],
  [ChatsSchema.ChatMessage.fields, "messageId createdAt sender message payload"],
  [ChatsSchema.Paging.fields, "nextPageToken"],
  [ChatsSchema.ChatsPage.fields, "chats paging"],
  [ChatsSchema.ChatHistoryPage.fields, "orderId context messages paging"],
  [ChatsSchema.CreateChatResult.fields, "chatId"]
]

const fullContext = { type: "ORDER", customer: { name: "a", publicId: "b" }, campaignId: 1, orderId: 2, returnId: 3 }
const fullChat = {
  chatId: 1,
  orderId: 2,
  context: fullContext,
  type: "CHAT",
  status: "NEW",
  createdAt: "2025-03-29T16:49:19+03:00",
  updatedAt: "2025-03-29T16:49:19.5Z"
}
const fullMessage = {
  messageId: 1,
  createdAt: "2025-03-29T16:49:19+03:00",
  sender: "CUSTOMER",
  message: "a",
  payload: [{ name: "a", url: "b", size: 1 }]
}

/** Bodies on which the decoders must give what the schemas give (and ones both must refuse). */
const samples: ReadonlyArray<readonly [Schema.Decoder<unknown>, (u: unknown) => unknown, ReadonlyArray<unknown>]> = [
  [ChatsSchema.Chat, chat, [fullChat, { ...fullChat, orderId: undefined, context: { type: "X" } }, { ...fullChat, chatId: 0 }]],
  [ChatsSchema.ChatMessage, message, [fullMessage, { ...fullMessage, payload: null, message: undefined }, {
    ...fullMessage,
    createdAt: "2025-02-30T00:00:00Z"
  }]],
  [ChatsSchema.ChatsPage, chatsPage, [{ chats: [fullChat], paging: { nextPageToken: "t" } }, { chats: [] }]],
  [ChatsSchema.ChatHistoryPage, historyPage, [{ orderId: 1, context: fullContext, messages: [fullMessage], paging: {} }, {
    context: { type: "DIRECT" },
    messages: []
  }]],
  [ChatsSchema.CreateChatResult, createChatResult, [{ chatId: 7 }, { chatId: 1.5 }]]
]

/** Whether the decoders give what the schemas give on the samples (through JSON, as the client reads them). */
const samplesAgree = (): boolean =>
  samples.every(([schema, fast, bodies]) => {
    const decode = SchemaParser.decodeUnknownResult(schema, { onExcessProperty: "ignore" })
    return bodies.every((body) => {
      const json = JSON.parse(JSON.stringify(body)) as unknown
      const expected = decode(json)
      const actual = fast(json)
      return Result.isFailure(expected) ? actual === NO : actual !== NO && alike(actual, expected.success)
    })
  })

/** Whether the schemas are still the ones the decoders were written for. */
export const fastDecodeOn: boolean =
  expectedFields.every(([fields, names]) => Object.keys(fields).join(" ") === names) &&
  // the building blocks are the very schemas of ChatsSchema, whose checks the decoders repeat
  ChatsSchema.Chat.fields.chatId === ChatsSchema.Id &&
  ChatsSchema.Chat.fields.createdAt === ChatsSchema.DateTime &&
  ChatsSchema.Chat.fields.updatedAt === ChatsSchema.DateTime &&
  ChatsSchema.Chat.fields.type === ChatsSchema.ChatTypeOpen &&
  ChatsSchema.Chat.fields.status === ChatsSchema.ChatStatusOpen &&
  ChatsSchema.ChatFullContext.fields.type === ChatsSchema.ChatContextTypeOpen &&
  ChatsSchema.ChatMessage.fields.messageId === ChatsSchema.Id &&
  ChatsSchema.ChatMessage.fields.createdAt === ChatsSchema.DateTime &&
  ChatsSchema.ChatMessage.fields.sender === ChatsSchema.ChatMessageSender &&
  ChatsSchema.ChatMessagePayload.fields.size === Schema.Int &&
  ChatsSchema.CreateChatResult.fields.chatId === ChatsSchema.Id &&
  samplesAgree()

/** The hand-written decoders, or none when the schemas changed. */
export const fast = fastDecodeOn ? { chat, message, chatsPage, historyPage, createChatResult } : undefined
