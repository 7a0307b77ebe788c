/**
 * The client's hand-written decoders (src/internal/client/fastDecode.ts) stand in for the schemas on
 * the hot path; they must decode exactly as the schemas do, must be on, and must take the bodies the
 * market sends (a fast path that declined everything would pass an equivalence check and be useless).
 * This runs the property check of bench/equivalence.ts (fast-check against
 * `Schema.decodeUnknownEither`) as part of the suite, and feeds the decoders the simulator's pages.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { execFileSync } from "node:child_process"
import { resolve } from "node:path"
import * as Fast from "../../src/internal/client/fastDecode.js"
import * as Simulator from "../../src/Simulator.js"
import { allPages } from "../simulator/http.js"

/** The decoders `bench/equivalence.ts` checks, each with a line of figures. */
const decoders = ["Chat", "ChatMessage", "ChatsPage", "ChatHistoryPage", "CreateChatResult"]

describe("fast decoding paths", () => {
  it("are on: the fields of ChatsSchema are the ones the decoders were written for", () => {
    expect(Fast.fieldsAsExpected).toBe(true)
    expect(Fast.fast).toBeDefined()
  })

  it("decode exactly as the schemas do, and take at least 90% of the generated bodies the schemas accept", () => {
    const root = resolve(__dirname, "../..")
    const runs = 1000
    const output = execFileSync(process.execPath, ["--import", "tsx", "bench/equivalence.ts", "--runs", String(runs)], {
      cwd: root,
      encoding: "utf8",
      timeout: 120_000
    })
    expect(output).toContain(`parseDateTime: ${runs * 10} strings, same as the pattern and Date.parse`)
    for (const name of decoders) {
      const match = new RegExp(`${name}: (\\d+) inputs, (\\d+) valid for the schema, (\\d+) of them decoded by the fast path`)
        .exec(output)
      expect(match, `a line of figures for ${name} in:\n${output}`).not.toBeNull()
      const [inputs, valid, taken] = match!.slice(1).map(Number) as [number, number, number]
      expect(inputs).toBe(runs)
      // enough valid bodies for the share to mean something
      expect({ name, enoughValid: valid >= runs / 10 }).toEqual({ name, enoughValid: true })
      expect({ name, taken: taken >= 0.9 * valid }).toEqual({ name, taken: true })
    }
  })

  it.scoped("take every page, chat and message the simulator answers", () =>
    Effect.gen(function*() {
      const sim = yield* Simulator.make({ seed: 11, chats: 40, messages: 800 })
      const declined: Array<string> = []
      const chatPages = yield* allPages(sim, "getChats", { query: { limit: 20 } })
      for (const page of chatPages) {
        if (Fast.chatsPage(page.json.result) === undefined) declined.push(`chats page ${page.text.slice(0, 80)}`)
        for (const chat of page.json.result.chats) if (Fast.chat(chat) === undefined) declined.push(`chat ${chat.chatId}`)
      }
      const chats = yield* sim.chats()
      expect(chats).toHaveLength(40)
      for (const chat of chats) {
        for (const page of yield* allPages(sim, "getChatHistory", { query: { chatId: chat.chatId, limit: 100 } })) {
          if (Fast.historyPage(page.json.result) === undefined) declined.push(`history page of chat ${chat.chatId}`)
          for (const m of page.json.result.messages) if (Fast.message(m) === undefined) declined.push(`message ${m.messageId}`)
        }
      }
      expect(declined).toEqual([])
    }))
})
