/**
 * The client's hand-written decoders (src/internal/client/fastDecode.ts) stand in for the schemas on
 * the hot path: they must decode exactly as the schemas do (same classes, same keys in the same order,
 * same dates) on generated bodies, refuse what the schemas refuse, be on, and take the bodies the
 * market sends (a fast path that declined everything would pass the equivalence and be useless).
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Result, Schema, SchemaParser } from "effect"
import { alike } from "../../../core/client/fastDecode.js"
import { checkDecoder, type SchemaResult } from "../../../core/testing/decodeProperties.js"
import type { DecoderName } from "../../../core/testing/pageArbitraries.js"
import * as Fast from "../../src/internal/client/fastDecode.js"
import { ChatsSchema } from "../../src/index.js"
import * as Simulator from "../../src/Simulator.js"

const runs = 600

/** Checks a decoder against `SchemaParser.decodeUnknownResult` of its schema on generated bodies (`core/testing/decodeProperties.ts`). */
const check = (name: DecoderName, schema: Schema.Decoder<unknown>, fast: (u: unknown) => unknown) => {
  const general = SchemaParser.decodeUnknownResult(schema, { onExcessProperty: "ignore" })
  return checkDecoder(name, fast, (u): SchemaResult =>
    Result.match(general(u), {
      onFailure: (issue) => ({ valid: false, issue: String(issue) }),
      onSuccess: (value) => ({ valid: true, value })
    }), runs)
}

describe("hand-written decoding", () => {
  it("is on: the fields of ChatsSchema are the ones the decoders were written for", () => {
    expect(Fast.fastDecodeOn).toBe(true)
    expect(Fast.fast).toBeDefined()
  })

  it("tells alike values from unlike ones (the comparison the checks rest on)", () => {
    const a = Fast.historyPage({ context: { type: "ORDER" }, messages: [] })
    expect(alike(a, Fast.historyPage({ context: { type: "ORDER" }, messages: [] }))).toBe(true)
    expect(alike(a, Fast.historyPage({ context: { type: "RETURN" }, messages: [] }))).toBe(false)
    expect(alike(a, { ...a })).toBe(false)
    expect(alike(Fast.chat({ chatId: 1, context: { type: "X" }, type: "CHAT", status: "NEW", createdAt: "2025-01-01T00:00:00Z", updatedAt: "2025-01-01T00:00:00Z" }), Fast.chat({ chatId: 1, context: { type: "X" }, type: "CHAT", status: "NEW", createdAt: "2025-01-01T00:00:00Z", updatedAt: "2025-01-01T00:00:01Z" }))).toBe(false)
  })

  const cases = [
    ["Chat", ChatsSchema.Chat, Fast.chat],
    ["ChatMessage", ChatsSchema.ChatMessage, Fast.message],
    ["ChatsPage", ChatsSchema.ChatsPage, Fast.chatsPage],
    ["ChatHistoryPage", ChatsSchema.ChatHistoryPage, Fast.historyPage],
    ["CreateChatResult", ChatsSchema.CreateChatResult, Fast.createChatResult]
  ] as const

  for (const [name, schema, fast] of cases) {
    it(`${name}: decodes exactly as the schema does, and takes at least 90% of the generated bodies the schema accepts`, () => {
      const { inputs, taken, valid } = check(name, schema as Schema.Decoder<unknown>, fast)
      expect(inputs).toBe(runs)
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
