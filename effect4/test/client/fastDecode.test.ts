/**
 * The client's hand-written decoders (src/internal/client/fastDecode.ts) stand in for the schemas on
 * the hot path: they must decode exactly as the schemas do (same classes, same keys in the same order,
 * same dates) on generated bodies, refuse what the schemas refuse, be on, and take the bodies the
 * market sends (a fast path that declined everything would pass the equivalence and be useless).
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Result, Schema, SchemaParser } from "effect"
import fc from "fast-check"
import * as Fast from "../../src/internal/client/fastDecode.js"
import { ChatsSchema } from "../../src/index.js"
import * as Simulator from "../../src/Simulator.js"

const runs = 600

/** A JSON value that is usually right for a field, and sometimes wrong. */
const maybe = <A>(good: fc.Arbitrary<A>): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 30, arbitrary: good },
    { weight: 1, arbitrary: fc.constantFrom(null, "1", 0, -1, 1.5, 2 ** 53, true, [], {}) }
  )

/** An object with some fields left out and sometimes an unknown one. */
const record = (fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Record<string, unknown>> =>
  fc.tuple(
    fc.record(fields, { requiredKeys: [] }),
    fc.record(fields),
    fc.integer({ min: 0, max: 5 }).map((n) => n > 0),
    fc.option(fc.tuple(fc.constantFrom("extra", "status", "__proto__"), fc.jsonValue({ maxDepth: 1 })), { nil: undefined })
  ).map(([partial, full, complete, extra]) => {
    const out: Record<string, unknown> = { ...(complete ? full : partial) }
    if (extra !== undefined) {
      Object.defineProperty(out, extra[0], { value: extra[1], enumerable: true, configurable: true, writable: true })
    }
    return out
  })

const id = fc.oneof(fc.integer({ min: 1, max: 2 ** 40 }), fc.constantFrom(1, 2 ** 53 - 1))
/** A date-time as the market writes it. */
const marketDate = fc.date({ min: new Date("1990-01-01T00:00:00Z"), max: new Date("2090-01-01T00:00:00Z"), noInvalidDate: true })
  .chain((d) =>
    fc.constantFrom("Z", "+03:00", "-05:30", "+00:00").map((zone) => {
      const sign = zone.startsWith("-") ? -1 : 1
      const offset = zone === "Z" ? 0 : sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)))
      return new Date(d.getTime() + offset * 60_000).toISOString().slice(0, 19) + zone
    })
  )
/** Date-times of other shapes, some not valid: fractions, lowercase, leap seconds, days a month lacks, no offset. */
const otherDate = fc.constantFrom(
  "2025-03-29T16:49:19.123456+03:00",
  "2025-03-29t16:49:19z",
  "2016-12-31T23:59:60Z",
  "2025-02-29T00:00:00Z",
  "2024-02-29T00:00:00Z",
  "2025-03-29T24:00:00Z",
  "2025-03-29T16:49:19",
  "2025-03-29 16:49:19+0300",
  ""
)
const date = fc.oneof({ weight: 10, arbitrary: marketDate }, { weight: 2, arbitrary: otherDate }, { weight: 1, arbitrary: fc.string() })
const text = fc.oneof(fc.string(), fc.constantFrom("Здравствуйте! Когда будет доставлен мой заказ?", "Спасибо 👍", ""))
const enumValue = fc.oneof(fc.constantFrom("ORDER", "RETURN", "DIRECT", "CHAT", "ARBITRAGE", "NEW", "FINISHED", "CUSTOMER"), fc.string())

const customer = record({ name: maybe(text), publicId: maybe(text) })
const context = record({ type: maybe(enumValue), customer: maybe(customer), campaignId: maybe(id), orderId: maybe(id), returnId: maybe(id) })
const chat = record({
  chatId: maybe(id),
  orderId: maybe(id),
  context: maybe(context),
  type: maybe(enumValue),
  status: maybe(enumValue),
  createdAt: maybe(date),
  updatedAt: maybe(date)
})
const payloadItem = record({ name: maybe(text), url: maybe(text), size: maybe(fc.integer()) })
const message = record({
  messageId: maybe(id),
  createdAt: maybe(date),
  sender: maybe(enumValue),
  message: maybe(text),
  payload: maybe(fc.oneof(fc.constant(null), fc.array(maybe(payloadItem), { maxLength: 3 })))
})
const paging = record({ nextPageToken: maybe(text) })
const chatsPage = record({ chats: maybe(fc.array(maybe(chat), { maxLength: 4 })), paging: maybe(paging) })
const historyPage = record({
  orderId: maybe(fc.integer()),
  context: maybe(context),
  messages: maybe(fc.array(maybe(message), { maxLength: 4 })),
  paging: maybe(paging)
})
const createChatResult = record({ chatId: maybe(id) })

/**
 * Checks `fast` against the schema on generated bodies (through JSON, as the client reads them): when
 * it gives a value, the schema gives one alike; when the schema refuses, it gives none. Returns how
 * many bodies the schema accepted and how many of those the fast path took.
 */
const check = <A>(
  schema: Schema.Decoder<A>,
  fast: (u: unknown) => A | undefined,
  input: fc.Arbitrary<unknown>
): { readonly valid: number; readonly taken: number } => {
  const general = SchemaParser.decodeUnknownResult(schema, { onExcessProperty: "ignore" })
  let valid = 0
  let taken = 0
  fc.assert(
    fc.property(input, (raw) => {
      const json = JSON.parse(JSON.stringify(raw)) as unknown
      const f = fast(json)
      const g = general(json)
      if (Result.isSuccess(g)) valid++
      if (f === undefined) return
      taken++
      expect(Result.isSuccess(g), `the fast path accepted what the schema refuses: ${JSON.stringify(json)}`).toBe(true)
      if (Result.isSuccess(g)) expect(Fast.alike(f, g.success), `decoded unlike the schema: ${JSON.stringify(json)}`).toBe(true)
    }),
    { numRuns: runs }
  )
  return { valid, taken }
}

describe("hand-written decoding", () => {
  it("is on: the fields of ChatsSchema are the ones the decoders were written for", () => {
    expect(Fast.fastDecodeOn).toBe(true)
    expect(Fast.fast).toBeDefined()
  })

  it("tells alike values from unlike ones (the comparison the checks rest on)", () => {
    const a = Fast.historyPage({ context: { type: "ORDER" }, messages: [] })
    expect(Fast.alike(a, Fast.historyPage({ context: { type: "ORDER" }, messages: [] }))).toBe(true)
    expect(Fast.alike(a, Fast.historyPage({ context: { type: "RETURN" }, messages: [] }))).toBe(false)
    expect(Fast.alike(a, { ...a })).toBe(false)
    expect(Fast.alike(Fast.chat({ chatId: 1, context: { type: "X" }, type: "CHAT", status: "NEW", createdAt: "2025-01-01T00:00:00Z", updatedAt: "2025-01-01T00:00:00Z" }), Fast.chat({ chatId: 1, context: { type: "X" }, type: "CHAT", status: "NEW", createdAt: "2025-01-01T00:00:00Z", updatedAt: "2025-01-01T00:00:01Z" }))).toBe(false)
  })

  const cases = [
    ["Chat", ChatsSchema.Chat, Fast.chat, chat],
    ["ChatMessage", ChatsSchema.ChatMessage, Fast.message, message],
    ["ChatsPage", ChatsSchema.ChatsPage, Fast.chatsPage, chatsPage],
    ["ChatHistoryPage", ChatsSchema.ChatHistoryPage, Fast.historyPage, historyPage],
    ["CreateChatResult", ChatsSchema.CreateChatResult, Fast.createChatResult, createChatResult]
  ] as const

  for (const [name, schema, fast, input] of cases) {
    it(`${name}: decodes exactly as the schema does, and takes at least 90% of the generated bodies the schema accepts`, () => {
      const { taken, valid } = check(schema as Schema.Decoder<unknown>, fast, input)
      // enough valid bodies for the share to mean something
      expect(valid).toBeGreaterThanOrEqual(runs / 10)
      expect(taken).toBeGreaterThanOrEqual(0.9 * valid)
    })
  }

  it.effect("takes every chat and message the simulator holds", () =>
    Effect.scoped(Effect.gen(function*() {
      const sim = yield* Simulator.make({ seed: 11, chats: 30, messages: 600 })
      const chats = yield* sim.chats()
      expect(chats.length).toBe(30)
      const declined: Array<string> = []
      const json = (u: unknown): unknown => JSON.parse(JSON.stringify(u))
      if (Fast.chatsPage(json({ chats, paging: { nextPageToken: "t" } })) === undefined) declined.push("the page of chats")
      for (const c of chats) {
        const messages = yield* sim.messages(c.chatId)
        if (Fast.historyPage(json({ context: c.context, messages, paging: {} })) === undefined) declined.push(`history of ${c.chatId}`)
        for (const m of messages) if (Fast.message(json(m)) === undefined) declined.push(`message ${m.messageId}`)
      }
      expect(declined).toEqual([])
    })))
})
