import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import fc from "fast-check"
import { ChatsClient, ChatsSchema } from "../../src/index.js"
import { fakeClient, ok } from "./fakeHttp.js"

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

/** Every kind of bad call, generated. */
type Call = (c: ChatsClient.Service) => Effect.Effect<unknown, unknown>
const badCall: fc.Arbitrary<Call> = fc.oneof<Array<fc.Arbitrary<Call>>>(
  fc.tuple(badId, goodId).map(([b, chat]) => (c) => c.getChat({ businessId: b, chatId: chat })),
  fc.tuple(goodId, badId).map(([b, chat]) => (c) => c.getChat({ businessId: b, chatId: chat })),
  fc.tuple(goodId, goodId, badId).map(([b, chat, m]) => (c) => c.getChatMessage({ businessId: b, chatId: chat, messageId: m })),
  fc.tuple(goodId, badChatsLimit).map(([b, limit]) => (c) => c.getChats({ businessId: b, limit })),
  fc.tuple(goodId, goodId, badHistoryLimit).map(([b, chat, limit]) => (c) => c.getChatHistory({ businessId: b, chatId: chat, limit })),
  fc.tuple(goodId, goodId, badId).map(([b, chat, from]) => (c) => c.getChatHistory({ businessId: b, chatId: chat, messageIdFrom: from })),
  fc.tuple(goodId, goodId, badMessage).map(([b, chat, message]) => (c) => c.sendMessageToChat({ businessId: b, chatId: chat, message })),
  fc.tuple(goodId, unknownStatus).map(([b, s]) => (c) => c.getChats({ businessId: b, filter: { statuses: [s as "NEW"] } })),
  fc.tuple(goodId, unknownType).map(([b, t]) => (c) => c.getChats({ businessId: b, filter: { types: [t as "CHAT"] } })),
  fc.tuple(goodId, badId).map(([b, id]) => (c) => c.createChat({ businessId: b, context: { type: "ORDER", id } })),
  fc.tuple(goodId, badId).map(([b, id]) => (c) => c.getChats({ businessId: b, filter: { orderIds: [id] } }))
)

describe("property: bad input never reaches the server", () => {
  it.effect("every generated bad call is an InvalidRequestError and sends nothing", () => {
    const { requests, layer } = fakeClient(() => ok())
    return Effect.gen(function*() {
      const client = yield* ChatsClient.ChatsClient
      let tried = 0
      yield* Effect.promise(() =>
        fc.assert(
          fc.asyncProperty(badCall, async (call) => {
            tried++
            const exit = await Effect.runPromiseExit(call(client))
            expect(Exit.isFailure(exit)).toBe(true)
            if (Exit.isFailure(exit)) expect(JSON.stringify(exit.cause)).toContain("InvalidRequestError")
          }),
          { numRuns: 2_000, seed: 20261126 }
        )
      )
      expect(tried).toBe(2_000)
      expect(requests).toHaveLength(0)
    }).pipe(Effect.provide(layer))
  })

  it.effect("oversize files are refused before sending", () => {
    const { requests, layer } = fakeClient(() => ok())
    return Effect.gen(function*() {
      const client = yield* ChatsClient.ChatsClient
      const chunk = new Uint8Array(1024 * 1024)
      yield* Effect.promise(() =>
        fc.assert(
          fc.asyncProperty(fc.integer({ min: 1, max: 3 * 1024 * 1024 }), fc.boolean(), async (extra, asBlob) => {
            const size = ChatsSchema.maxFileBytes + extra
            const data = asBlob
              ? new Blob([...Array(Math.floor(size / chunk.length)).fill(chunk), new Uint8Array(size % chunk.length)])
              : new Uint8Array(size)
            const exit = await Effect.runPromiseExit(
              client.sendFileToChat({ businessId: 1, chatId: 1, file: { name: "big.bin", data } })
            )
            expect(Exit.isFailure(exit) && JSON.stringify(exit.cause).includes("InvalidRequestError")).toBe(true)
          }),
          { numRuns: 20, seed: 7 }
        )
      )
      expect(requests).toHaveLength(0)
    }).pipe(Effect.provide(layer))
  })
})
