import { describe, expect, it } from "@effect/vitest"
import { Effect, Stream } from "effect"
import { ChatsClient, ChatsSchema } from "../../src/index.js"
import { fakeClient, ok } from "./fakeHttp.js"

const b = 12345

/** Each bad input, the call it goes to, and a word its error must mention. */
const cases: ReadonlyArray<[string, (c: ChatsClient.Service) => Effect.Effect<unknown, unknown>, string]> = [
  ["businessId 0", (c) => c.getChats({ businessId: 0 }), "at least 1"],
  ["negative businessId", (c) => c.getChat({ businessId: -5, chatId: 1 }), "at least 1"],
  ["fractional chatId", (c) => c.getChat({ businessId: b, chatId: 1.5 }), "integer"],
  ["unsafe chatId", (c) => c.getChat({ businessId: b, chatId: 2 ** 53 }), "integer"],
  ["NaN messageId", (c) => c.getChatMessage({ businessId: b, chatId: 1, messageId: NaN }), "messageId"],
  ["chats limit 0", (c) => c.getChats({ businessId: b, limit: 0 }), "1 to 20"],
  ["chats limit 21", (c) => c.getChats({ businessId: b, limit: 21 }), "1 to 20"],
  ["history limit 101", (c) => c.getChatHistory({ businessId: b, chatId: 1, limit: 101 }), "1 to 100"],
  ["empty page token", (c) => c.getChats({ businessId: b, pageToken: "" }), "page token"],
  ["empty message", (c) => c.sendMessageToChat({ businessId: b, chatId: 1, message: "" }), "empty"],
  [
    "message of 4097 characters",
    (c) => c.sendMessageToChat({ businessId: b, chatId: 1, message: "я".repeat(4097) }),
    "4096"
  ],
  [
    "file over 5 MB",
    (c) =>
      c.sendFileToChat({
        businessId: b,
        chatId: 1,
        file: { name: "big.bin", data: new Uint8Array(ChatsSchema.maxFileBytes + 1) }
      }),
    "5 MB"
  ],
  ["file without a name", (c) => c.sendFileToChat({ businessId: b, chatId: 1, file: { name: "", data: new Uint8Array(1) } }), "name"],
  ["empty status filter", (c) => c.getChats({ businessId: b, filter: { statuses: [] } }), "at least one"],
  ["repeated status filter", (c) => c.getChats({ businessId: b, filter: { statuses: ["NEW", "NEW"] } }), "repeat"],
  [
    "unknown status in the filter",
    (c) => c.getChats({ businessId: b, filter: { statuses: ["SLEEPING" as "NEW"] } }),
    "SLEEPING"
  ],
  [
    "repeated context",
    (c) => c.getChats({ businessId: b, filter: { contexts: [{ type: "ORDER", id: 1 }, { type: "ORDER", id: 1 }] } }),
    "repeat"
  ],
  ["DIRECT context for createChat", (c) => c.createChat({ businessId: b, context: { type: "DIRECT" as "ORDER", id: 1 } }), "DIRECT"],
  ["missing context", (c) => c.createChat({ businessId: b } as never), "context"],
  ["not an object at all", (c) => c.getChat(null as never), "null"]
]

describe("bad input is an InvalidRequestError and nothing is sent", () => {
  for (const [name, call, mention] of cases) {
    it.effect(name, () => {
      const { requests, layer } = fakeClient(() => ok())
      return Effect.gen(function*() {
        const error = yield* Effect.flip(Effect.flatMap(ChatsClient.ChatsClient, call))
        expect((error as { _tag: string })._tag).toBe("InvalidRequestError")
        expect((error as Error).message).toContain(mention)
        expect(requests).toHaveLength(0)
      }).pipe(Effect.provide(layer))
    })
  }

  it.effect("a stream with bad input fails before its first request", () => {
    const { requests, layer } = fakeClient(() => ok({ chats: [] }))
    return Effect.gen(function*() {
      const error = yield* Effect.flip(Effect.flatMap(ChatsClient.ChatsClient, (c) =>
        Stream.runDrain(c.streamChatHistory({ businessId: b, chatId: 0 }))))
      expect(error._tag).toBe("InvalidRequestError")
      expect(requests).toHaveLength(0)
    }).pipe(Effect.provide(layer))
  })

  it.effect("the largest valid inputs do go out", () => {
    const { requests, layer } = fakeClient(() => ok())
    return Effect.gen(function*() {
      const c = yield* ChatsClient.ChatsClient
      yield* c.sendMessageToChat({ businessId: Number.MAX_SAFE_INTEGER, chatId: 1, message: "я".repeat(4096) })
      yield* c.sendFileToChat({
        businessId: b,
        chatId: 1,
        file: { name: "max.bin", data: new Uint8Array(ChatsSchema.maxFileBytes) }
      })
      expect(requests).toHaveLength(2)
    }).pipe(Effect.provide(layer))
  })
})
