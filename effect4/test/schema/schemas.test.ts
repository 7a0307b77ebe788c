/**
 * The schemas of the answers decode what the market sends: realistic chats, messages and pages,
 * unknown fields ignored, `payload: null` read as no payload, and enum values the library does not
 * know yet passed through as their strings (with the `isKnown*` guards telling them apart), while a
 * missing required field or a bad id fails.
 */
import { describe, expect, it } from "@effect/vitest"
import { DateTime, Result, Schema } from "effect"
import * as ChatsSchema from "../../src/ChatsSchema.js"
import { chatJson, fileMessageJson, messageJson, orderContextJson } from "../../../core/cases/answers.js"

const options = { onExcessProperty: "ignore", errors: "all" } as const

/** Decodes `input` with `schema`, or throws with the message. */
const decode = <S extends Schema.ConstraintDecoder<unknown>>(schema: S, input: unknown): S["Type"] =>
  Schema.decodeUnknownSync(schema, options)(input)

/** The message of the failure of decoding `input`, or undefined when it decodes. */
const failureOf = <S extends Schema.ConstraintDecoder<unknown>>(schema: S, input: unknown): string | undefined => {
  const result = Schema.decodeUnknownResult(schema, options)(input)
  return Result.isFailure(result) ? result.failure.message : undefined
}

describe("a chat (GetChatInfoDTO)", () => {
  it("decodes the market's chat on an order to a Chat with its context, customer and dates", () => {
    const chat = decode(ChatsSchema.Chat, chatJson(42))
    expect(chat).toBeInstanceOf(ChatsSchema.Chat)
    expect(chat.chatId).toBe(42)
    expect(chat.orderId).toBe(5_000_042)
    expect(chat.context).toBeInstanceOf(ChatsSchema.ChatFullContext)
    expect(chat.context.customer).toBeInstanceOf(ChatsSchema.ChatCustomer)
    expect(chat.context).toMatchObject({ type: "ORDER", campaignId: 21_000_123, orderId: 5_000_042 })
    expect(chat.context.customer).toMatchObject({ name: "Анна К.", publicId: "u-7f3a" })
    expect([chat.type, chat.status]).toEqual(["CHAT", "WAITING_FOR_PARTNER"])
    expect(DateTime.formatIso(chat.createdAt)).toBe("2026-11-20T07:15:00.000Z")
    expect(DateTime.formatIso(chat.updatedAt)).toBe("2026-11-21T06:00:30.000Z")
  })

  it("ignores unknown fields at every level and leaves absent optional keys absent", () => {
    const { orderId: _orderId, ...withoutOrder } = chatJson(1, { newField2030: { nested: true } })
    const chat = decode(ChatsSchema.Chat, { ...withoutOrder, context: { type: "DIRECT", extra: 1 } })
    expect(Object.keys(chat)).not.toContain("newField2030")
    expect("orderId" in chat).toBe(false)
    expect(Object.keys(chat.context)).toEqual(["type"])
    expect("customer" in chat.context).toBe(false)
  })

  it("optional keys are optional keys, as on the wire: absent is fine, an explicit undefined (never in JSON) is not", () => {
    expect(failureOf(ChatsSchema.Chat, { ...chatJson(1), orderId: undefined })).toContain("orderId")
  })

  it("fails on a missing required field, a bad id or a date that does not exist, naming each", () => {
    const { chatId: _chatId, updatedAt: _updatedAt, ...partial } = chatJson(1)
    const missing = failureOf(ChatsSchema.Chat, partial)
    expect(missing).toContain("chatId")
    expect(missing).toContain("updatedAt")
    expect(failureOf(ChatsSchema.Chat, chatJson(0))).toContain("an id must be an integer of at least 1")
    expect(failureOf(ChatsSchema.Chat, chatJson(1.5))).toContain("integer")
    expect(failureOf(ChatsSchema.Chat, chatJson(1, { createdAt: "2026-02-29T10:00:00+03:00" }))).toContain(
      "expected an ISO 8601 date-time with an offset"
    )
    expect(failureOf(ChatsSchema.Chat, chatJson(1, { status: null }))).toBeDefined()
  })
})

describe("enum values the library does not know yet", () => {
  it("pass through as their strings, and the isKnown* guards say false; known ones say true", () => {
    const chat = decode(ChatsSchema.Chat, chatJson(7, { type: "GROUP", status: "ESCALATED", context: { type: "SUPPLY" } }))
    expect([chat.status, chat.type, chat.context.type]).toEqual(["ESCALATED", "GROUP", "SUPPLY"])
    expect(ChatsSchema.isKnownChatStatus(chat.status)).toBe(false)
    expect(ChatsSchema.isKnownChatType(chat.type)).toBe(false)
    expect(ChatsSchema.isKnownChatContextType(chat.context.type)).toBe(false)

    const message = decode(ChatsSchema.ChatMessage, messageJson(9, { sender: "BOT" }))
    expect(message.sender).toBe("BOT")
    expect(ChatsSchema.isKnownChatMessageSender(message.sender)).toBe(false)

    expect(ChatsSchema.isKnownChatStatus("WAITING_FOR_PARTNER")).toBe(true)
    expect(ChatsSchema.isKnownChatType("ARBITRAGE")).toBe(true)
    expect(ChatsSchema.isKnownChatContextType("DIRECT")).toBe(true)
    expect(ChatsSchema.isKnownChatMessageSender("CUSTOMER")).toBe(true)
  })

  it("in a page, an unknown chat does not fail the known one beside it", () => {
    const page = decode(ChatsSchema.ChatsPage, { chats: [chatJson(7, { status: "ESCALATED" }), chatJson(8)] })
    expect(page.chats.map((c) => c.status)).toEqual(["ESCALATED", "WAITING_FOR_PARTNER"])
  })

  it("keeps the known values for autocompletion: the open enums' literals are the closed ones", () => {
    expect(ChatsSchema.ChatStatusOpen.members[1].literals).toEqual(ChatsSchema.chatStatuses)
    expect(ChatsSchema.ChatTypeOpen.members[1].literals).toEqual(ChatsSchema.chatTypes)
    expect(ChatsSchema.ChatContextTypeOpen.members[1].literals).toEqual(ChatsSchema.chatContextTypes)
    expect(ChatsSchema.ChatMessageSender.members[1].literals).toEqual(ChatsSchema.messageSenders)
  })

  it("a non-string value is still refused", () => {
    expect(failureOf(ChatsSchema.ChatMessage, messageJson(1, { sender: 5 }))).toBeDefined()
  })

  it("request enums are closed: an unknown value is refused", () => {
    expect(failureOf(ChatsSchema.ChatStatus, "ESCALATED")).toBeDefined()
    expect(failureOf(ChatsSchema.ChatContextIdentifiableType, "DIRECT")).toBeDefined()
    expect(decode(ChatsSchema.ChatContextType, "DIRECT")).toBe("DIRECT")
  })
})

describe("messages and history pages", () => {
  it("a text message and a file message", () => {
    const text = decode(ChatsSchema.ChatMessage, messageJson(1))
    expect(text).toBeInstanceOf(ChatsSchema.ChatMessage)
    expect(text.message).toBe("Здравствуйте! Когда приедет заказ?")
    expect("payload" in text).toBe(false)
    const file = decode(ChatsSchema.ChatMessage, fileMessageJson(2))
    expect(file.sender).toBe("PARTNER")
    expect("message" in file).toBe(false)
    expect(file.payload).toHaveLength(1)
    expect(file.payload![0]).toBeInstanceOf(ChatsSchema.ChatMessagePayload)
    expect(file.payload![0]).toMatchObject({ name: "накладная.pdf", url: "https://files.market.example/abc", size: 48_213 })
  })

  it("payload: null decodes as an absent payload, and encodes back without the key", () => {
    const message = decode(ChatsSchema.ChatMessage, messageJson(3, { payload: null }))
    expect("payload" in message).toBe(false)
    const encoded = Schema.encodeSync(ChatsSchema.ChatMessage)(message)
    expect("payload" in encoded).toBe(false)
    expect(encoded.createdAt).toBe("2026-11-21T06:00:30.000Z")
  })

  it("a history page with its context, messages and paging; the chats page too", () => {
    const history = decode(ChatsSchema.ChatHistoryPage, {
      orderId: 5_000_001,
      context: orderContextJson,
      messages: [messageJson(1), fileMessageJson(2)],
      paging: { nextPageToken: "p2" }
    })
    expect(history).toBeInstanceOf(ChatsSchema.ChatHistoryPage)
    expect(history.context.customer?.name).toBe("Анна К.")
    expect(history.messages.map((m) => m.messageId)).toEqual([1, 2])
    expect(history.paging?.nextPageToken).toBe("p2")
    const last = decode(ChatsSchema.ChatHistoryPage, { context: orderContextJson, messages: [], paging: {} })
    expect(last.paging).toEqual({})
    const chats = decode(ChatsSchema.ChatsPage, { chats: [chatJson(1)] })
    expect(chats.paging).toBeUndefined()
  })

  it("createChat's result and an error body's entries", () => {
    expect(decode(ChatsSchema.CreateChatResult, { chatId: 77 }).chatId).toBe(77)
    expect(failureOf(ChatsSchema.CreateChatResult, { chatId: -1 })).toBeDefined()
    const error = decode(ChatsSchema.ApiError, { code: "CHAT_NOT_FOUND", message: "no such chat", extra: 1 })
    expect(error).toBeInstanceOf(ChatsSchema.ApiError)
    expect({ ...error }).toEqual({ code: "CHAT_NOT_FOUND", message: "no such chat" })
  })
})

describe("schemas of request parts", () => {
  it("Id: a safe integer of at least 1", () => {
    for (const good of [1, 42, Number.MAX_SAFE_INTEGER]) expect(failureOf(ChatsSchema.Id, good)).toBeUndefined()
    for (const bad of [0, -1, 1.5, 2 ** 53, NaN, Infinity, "1", null]) expect(failureOf(ChatsSchema.Id, bad), String(bad)).toBeDefined()
  })

  it("MessageText counts code points, as the official description does", () => {
    const emoji = "😀".repeat(ChatsSchema.maxMessageLength)
    expect(emoji.length).toBe(2 * ChatsSchema.maxMessageLength)
    expect(failureOf(ChatsSchema.MessageText, emoji)).toBeUndefined()
    expect(failureOf(ChatsSchema.MessageText, `${emoji}a`)).toContain("at most 4096 characters")
    expect(failureOf(ChatsSchema.MessageText, "")).toContain("must not be empty")
  })

  it("MediaType: a type/subtype with parameters, nothing that could break a header", () => {
    for (const good of ["application/pdf", "text/plain; charset=utf-8", "image/png;name=\"a b.png\""]) {
      expect(failureOf(ChatsSchema.MediaType, good), good).toBeUndefined()
    }
    for (const bad of ["pdf", "text/plain\r\nX-Injected: 1", "", "a/b; c"]) {
      expect(failureOf(ChatsSchema.MediaType, bad), bad).toContain("media type")
    }
  })

  it("FileToSend: a Uint8Array or a Blob of at most 5 MB", () => {
    const at = (size: number, blob: boolean) =>
      failureOf(ChatsSchema.FileToSend, { name: "f", data: blob ? new Blob([new Uint8Array(size)]) : new Uint8Array(size) })
    for (const blob of [false, true]) {
      expect(at(ChatsSchema.maxFileBytes, blob)).toBeUndefined()
      expect(at(ChatsSchema.maxFileBytes + 1, blob)).toContain("5 MB")
    }
    expect(failureOf(ChatsSchema.FileToSend, { name: "f", data: "text" })).toBeDefined()
  })

  it("ChatsFilter: each list non-empty and without repeats", () => {
    expect(failureOf(ChatsSchema.ChatsFilter, { statuses: ["NEW", "FINISHED"], contexts: [{ type: "ORDER", id: 1 }, { type: "RETURN", id: 1 }] }))
      .toBeUndefined()
    expect(failureOf(ChatsSchema.ChatsFilter, { types: [] })).toContain("types must hold at least one value when given")
    expect(failureOf(ChatsSchema.ChatsFilter, { orderIds: [5, 5] })).toContain("orderIds must not repeat a value")
    expect(failureOf(ChatsSchema.ChatsFilter, { contextTypes: ["DIRECT", "DIRECT"] })).toContain("repeat")
  })

  it("ChatsLimit 1 to 20, HistoryLimit 1 to 100, PageToken non-empty", () => {
    expect(failureOf(ChatsSchema.ChatsLimit, 20)).toBeUndefined()
    expect(failureOf(ChatsSchema.ChatsLimit, 21)).toContain("1 to 20")
    expect(failureOf(ChatsSchema.HistoryLimit, 100)).toBeUndefined()
    expect(failureOf(ChatsSchema.HistoryLimit, 0)).toContain("1 to 100")
    expect(failureOf(ChatsSchema.PageToken, "")).toContain("page token")
  })
})
