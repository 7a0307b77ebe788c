/**
 * The inputs of the methods are checked against `ChatsRequest`'s schemas before anything is sent: a
 * bad input is an `InvalidRequestError` naming the operation and, in its description, the field and
 * what is wrong with it (the shared table of core/cases, which the Effect 3 edition runs too, plus the
 * wording this edition keeps from the Effect 3 one). Generated bad inputs are all refused.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Schema } from "effect"
import fc from "fast-check"
import { badInputCases, largestValidInputs } from "../../../core/cases/badInputs.js"
import { InvalidRequestError } from "../../src/ChatsError.js"
import * as ChatsRequest from "../../src/ChatsRequest.js"
import * as ChatsSchema from "../../src/ChatsSchema.js"
import { validate } from "../../src/internal/client/validate.js"

/** The operation an input of a method is checked as (a stream's is its operation's). */
const operationOf = (method: keyof typeof validate) =>
  method === "streamChats" ? "getChats" : method === "streamChatHistory" ? "getChatHistory" : method

describe("the shared bad inputs", () => {
  for (const { field, input, name, operation } of badInputCases) {
    it.effect(`${name}: an InvalidRequestError of ${operationOf(operation)}${field === undefined ? "" : ` naming ${field}`}`, () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(validate[operation](input()))
        expect(error).toBeInstanceOf(InvalidRequestError)
        expect(error._tag).toBe("InvalidRequestError")
        expect(error.operation).toBe(operationOf(operation))
        if (field !== undefined) expect(error.description).toContain(field)
        expect(error.message).toBe(`${error.operation}: invalid request, nothing was sent: ${error.description}`)
      }))
  }

  for (const { input, operation } of largestValidInputs) {
    it.effect(`the largest valid input of ${operation} passes`, () =>
      Effect.gen(function*() {
        expect(yield* validate[operation](input())).toMatchObject(input() as object)
      }))
  }
})

/** Each bad input, the method it goes to, and a word its error must mention (as the Effect 3 edition words them). */
const wording: ReadonlyArray<[string, keyof typeof validate, unknown, string]> = [
  ["businessId 0", "getChats", { businessId: 0 }, "businessId: an id must be an integer of at least 1"],
  ["fractional chatId", "getChat", { businessId: 1, chatId: 1.5 }, "chatId: Expected an integer, got 1.5"],
  ["unsafe chatId", "getChat", { businessId: 1, chatId: 2 ** 53 }, "integer"],
  ["NaN messageId", "getChatMessage", { businessId: 1, chatId: 1, messageId: NaN }, "messageId"],
  ["chats limit 21", "getChats", { businessId: 1, limit: 21 }, "limit: limit must be an integer from 1 to 20"],
  ["history limit 101", "getChatHistory", { businessId: 1, chatId: 1, limit: 101 }, "1 to 100"],
  ["empty page token", "getChats", { businessId: 1, pageToken: "" }, "pageToken: a page token must not be empty"],
  ["empty message", "sendMessageToChat", { businessId: 1, chatId: 1, message: "" }, "message: a message must not be empty"],
  ["message of 4097", "sendMessageToChat", { businessId: 1, chatId: 1, message: "я".repeat(4097) }, "4096"],
  [
    "file over 5 MB",
    "sendFileToChat",
    { businessId: 1, chatId: 1, file: { name: "big.bin", data: new Uint8Array(ChatsSchema.maxFileBytes + 1) } },
    "file.data: a file must be at most 5242880 bytes (5 MB)"
  ],
  ["file without a name", "sendFileToChat", { businessId: 1, chatId: 1, file: { name: "", data: new Uint8Array(1) } }, "file.name"],
  [
    "a content type that is no media type",
    "sendFileToChat",
    { businessId: 1, chatId: 1, file: { name: "a", data: new Uint8Array(1), contentType: "pdf" } },
    "file.contentType: contentType must be a media type"
  ],
  ["file data of the wrong kind", "sendFileToChat", { businessId: 1, chatId: 1, file: { name: "a", data: "x" } }, "Expected Blob"],
  ["empty status filter", "getChats", { businessId: 1, filter: { statuses: [] } }, "filter.statuses: statuses must hold at least one value"],
  ["repeated status filter", "getChats", { businessId: 1, filter: { statuses: ["NEW", "NEW"] } }, "statuses must not repeat a value"],
  [
    "unknown status in the filter",
    "getChats",
    { businessId: 1, filter: { statuses: ["SLEEPING"] } },
    "filter.statuses.0: expected one of \"NEW\", \"WAITING_FOR_CUSTOMER\", \"WAITING_FOR_PARTNER\", \"WAITING_FOR_ARBITER\", \"WAITING_FOR_MARKET\", \"FINISHED\", got \"SLEEPING\""
  ],
  ["DIRECT context for createChat", "createChat", { businessId: 1, context: { type: "DIRECT", id: 1 } }, "context.type: expected one of \"ORDER\", \"RETURN\", got \"DIRECT\""],
  ["missing context", "createChat", { businessId: 1 }, "context: is missing"],
  ["not an object at all", "getChat", null, "input: expected an options object, got null"],
  ["a filter that is no object", "getChats", { businessId: 1, filter: 5 }, "filter: Expected object, got 5"]
]

describe("what an InvalidRequestError says", () => {
  for (const [name, method, input, mention] of wording) {
    it.effect(name, () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(validate[method](input))
        expect(error.description).toContain(mention)
      }))
  }

  it.effect("every offending field at once, one line each", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(validate.getChats({ businessId: 0, limit: 0, pageToken: "" }))
      expect(error.description.split("; ").map((line) => line.split(":")[0])).toEqual(["businessId", "pageToken", "limit"])
    }))

  it.effect("a huge rejected value is cut, not copied whole into the message", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(validate.sendFileToChat({ businessId: 1, chatId: 1, file: { name: "a", data: "x".repeat(100_000) } }))
      expect(error.description.length).toBeLessThan(1_000)
    }))
})

describe("a valid input", () => {
  it.effect("is given back decoded, unknown fields left out and absent options absent", () =>
    Effect.gen(function*() {
      const input = { businessId: 1, limit: undefined, filter: { statuses: ["NEW"] }, extra: "ignored" }
      const decoded = yield* validate.getChats(input)
      expect(decoded).toEqual({ businessId: 1, filter: { statuses: ["NEW"] } })
      expect("extra" in decoded).toBe(false)
      // a stream's input has no page token: one given is left out, not refused
      expect(yield* validate.streamChats({ businessId: 1, pageToken: "" })).toEqual({ businessId: 1 })
    }))

  it("the request schemas accept undefined for an absent option (the options types allow it)", () => {
    const options: ChatsRequest.GetChatHistory = { businessId: 1, chatId: 2, limit: undefined, messageIdFrom: undefined }
    expect(Schema.is(ChatsRequest.GetChatHistory)(options)).toBe(true)
    expect(Schema.is(ChatsRequest.StreamChatHistory)({ businessId: 1, chatId: 2 })).toBe(true)
    expect(Object.keys(ChatsRequest.StreamChats.fields)).toEqual(["businessId", "filter", "limit"])
    expect(Object.keys(ChatsRequest.StreamChatHistory.fields)).toEqual(["businessId", "chatId", "messageIdFrom", "limit"])
  })
})

/** Numbers that are not valid ids: zero, negative, fractional, unsafe or not finite. */
const badId = fc.oneof(
  fc.constant(0),
  fc.integer({ min: -(2 ** 31), max: 0 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Number.isInteger(n)),
  fc.double({ min: 2 ** 53, max: 2 ** 60 }),
  fc.constantFrom(NaN, Infinity, -Infinity, -0.5, 1.000001)
)
const goodId = fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER })
const badChatsLimit = fc.oneof(fc.integer({ max: 0 }), fc.integer({ min: 21 }), fc.double({ min: 1.01, max: 19.99 }))
const badHistoryLimit = fc.oneof(fc.integer({ max: 0 }), fc.integer({ min: 101 }), fc.double({ min: 1.01, max: 99.99 }))
const badMessage = fc.oneof(fc.constant(""), fc.string({ minLength: 4097, maxLength: 6000, unit: "grapheme-ascii" }))
const unknownStatus = fc.string({ minLength: 1 }).filter((s) => !(ChatsSchema.chatStatuses as ReadonlyArray<string>).includes(s))
const unknownType = fc.string({ minLength: 1 }).filter((s) => !(ChatsSchema.chatTypes as ReadonlyArray<string>).includes(s))

/** Every kind of bad call, generated: the method and its input. */
const badCall: fc.Arbitrary<readonly [keyof typeof validate, unknown]> = fc.oneof(
  fc.tuple(badId, goodId).map(([b, chat]) => ["getChat", { businessId: b, chatId: chat }] as const),
  fc.tuple(goodId, badId).map(([b, chat]) => ["getChat", { businessId: b, chatId: chat }] as const),
  fc.tuple(goodId, goodId, badId).map(([b, chat, m]) => ["getChatMessage", { businessId: b, chatId: chat, messageId: m }] as const),
  fc.tuple(goodId, badChatsLimit).map(([b, limit]) => ["getChats", { businessId: b, limit }] as const),
  fc.tuple(goodId, goodId, badHistoryLimit).map(([b, chat, limit]) => ["getChatHistory", { businessId: b, chatId: chat, limit }] as const),
  fc.tuple(goodId, goodId, badId).map(([b, chat, from]) => ["streamChatHistory", { businessId: b, chatId: chat, messageIdFrom: from }] as const),
  fc.tuple(goodId, goodId, badMessage).map(([b, chat, message]) => ["sendMessageToChat", { businessId: b, chatId: chat, message }] as const),
  fc.tuple(goodId, unknownStatus).map(([b, s]) => ["getChats", { businessId: b, filter: { statuses: [s] } }] as const),
  fc.tuple(goodId, unknownType).map(([b, t]) => ["streamChats", { businessId: b, filter: { types: [t] } }] as const),
  fc.tuple(goodId, badId).map(([b, id]) => ["createChat", { businessId: b, context: { type: "ORDER", id } }] as const),
  fc.tuple(goodId, badId).map(([b, id]) => ["getChats", { businessId: b, filter: { orderIds: [id] } }] as const)
)

describe("property: every generated bad input is refused", () => {
  it("an InvalidRequestError each time, for 2000 generated calls", () => {
    let tried = 0
    fc.assert(
      fc.property(badCall, ([method, input]) => {
        tried++
        const exit = Effect.runSyncExit(validate[method](input))
        expect(Exit.isFailure(exit)).toBe(true)
        if (Exit.isFailure(exit)) expect(JSON.stringify(exit.cause)).toContain("InvalidRequestError")
      }),
      { numRuns: 2_000, seed: 20261126 }
    )
    expect(tried).toBe(2_000)
  })

  it("oversize files, as bytes or as a Blob, are refused", () => {
    const chunk = new Uint8Array(1024 * 1024)
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 * 1024 * 1024 }), fc.boolean(), (extra, asBlob) => {
        const size = ChatsSchema.maxFileBytes + extra
        const data = asBlob
          ? new Blob([...Array(Math.floor(size / chunk.length)).fill(chunk), new Uint8Array(size % chunk.length)])
          : new Uint8Array(size)
        const exit = Effect.runSyncExit(validate.sendFileToChat({ businessId: 1, chatId: 1, file: { name: "big.bin", data } }))
        expect(Exit.isFailure(exit) && JSON.stringify(exit.cause).includes("5 MB")).toBe(true)
      }),
      { numRuns: 20, seed: 7 }
    )
  })
})
