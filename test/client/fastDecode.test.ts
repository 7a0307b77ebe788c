/**
 * The client's hand-written decoders (src/internal/client/fastDecode.ts) stand in for the schemas on
 * the hot path; they must decode exactly as the schemas do, and must be on. This runs the property
 * check of bench/equivalence.ts (fast-check against `Schema.decodeUnknownEither`) as part of the suite.
 */
import { describe, expect, it } from "@effect/vitest"
import { execFileSync } from "node:child_process"
import { resolve } from "node:path"
import * as Fast from "../../src/internal/client/fastDecode.js"

describe("fast decoding paths", () => {
  it("are on: the fields of ChatsSchema are the ones the decoders were written for", () => {
    expect(Fast.fieldsAsExpected).toBe(true)
    expect(Fast.fast).toBeDefined()
  })

  it("decode exactly as the schemas do, on generated bodies and date-times", () => {
    const root = resolve(__dirname, "../..")
    const output = execFileSync(process.execPath, ["--import", "tsx", "bench/equivalence.ts", "--runs", "1000"], {
      cwd: root,
      encoding: "utf8",
      timeout: 120_000
    })
    for (const name of ["parseDateTime", "Chat", "ChatMessage", "ChatsPage", "ChatHistoryPage", "CreateChatResult"]) {
      expect(output).toMatch(new RegExp(`${name}: \\d+ (inputs|strings)`))
    }
  })
})
