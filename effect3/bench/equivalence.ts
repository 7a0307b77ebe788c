/**
 * Checks the client's fast paths against the general ones they stand in for, on generated inputs
 * (fast-check, the checks and bodies of `core/testing/decodeProperties.ts`), and exits non-zero on the
 * first difference:
 *
 * - `parseDateTime` (hand-read common shape, then the pattern and `Date.parse`) against the pattern
 *   and `Date.parse` alone, on date-times of the market's shape with digits and separators mutated;
 * - each hand-written decoder of `fastDecode.ts` against `Schema.decodeUnknownEither` of the same
 *   schema: whenever the fast decoder gives a value, the schema must give the very same value (same
 *   classes, same keys in the same order, same dates); when it gives none, the schema decides.
 *
 *   node --import tsx bench/equivalence.ts [--runs 2000]
 *
 * `npm run bench` runs it first with fewer runs.
 */
import { Either, ParseResult, type Schema } from "effect"
import { ChatsSchema } from "../src/index.js"
import { checkDateParsing, checkDecoder, type SchemaResult } from "../../core/testing/decodeProperties.js"
import type { DecoderName } from "../../core/testing/pageArbitraries.js"
import * as Fast from "../src/internal/client/fastDecode.js"
import { args } from "./lib.js"

const runs = Number(args().get("runs") ?? 2000)

/** Checks one decoder against `Schema.decodeUnknownEither` of its schema and prints its figures. */
const checkAgainst = <A, I>(name: DecoderName, schema: Schema.Schema<A, I>, fast: (u: unknown) => A | undefined) => {
  const general = ParseResult.decodeUnknownEither(schema, { onExcessProperty: "ignore" })
  const decode = (u: unknown): SchemaResult =>
    Either.match(general(u), {
      onLeft: (issue) => ({ valid: false, issue: String(issue) }),
      onRight: (value) => ({ valid: true, value })
    })
  const { inputs, taken, valid } = checkDecoder(name, fast, decode, runs)
  console.log(`  ${name}: ${inputs} inputs, ${valid} valid for the schema, ${taken} of them decoded by the fast path, all as the schema decodes them`)
}

if (!Fast.fieldsAsExpected || Fast.fast === undefined) {
  console.error("the fast path is off: ChatsSchema changed; bring src/internal/client/fastDecode.ts up to date")
  process.exit(1)
}
console.log("equivalence of the fast paths:")
checkDateParsing(runs * 10)
console.log(`  parseDateTime: ${runs * 10} strings, same as the pattern and Date.parse`)
checkAgainst("Chat", ChatsSchema.Chat, Fast.chat)
checkAgainst("ChatMessage", ChatsSchema.ChatMessage, Fast.message)
checkAgainst("ChatsPage", ChatsSchema.ChatsPage, Fast.chatsPage)
checkAgainst("ChatHistoryPage", ChatsSchema.ChatHistoryPage, Fast.historyPage)
checkAgainst("CreateChatResult", ChatsSchema.CreateChatResult, Fast.createChatResult)
