/**
 * The property checks of the hand-written decoding pass (fast-check over `pageArbitraries.ts`): each
 * decoder against the schema it stands in for (an edition passes its schema's decoding), and
 * `parseDateTime` against the general path it shortcuts. Each throws on the first difference, with the
 * shrunk counterexample and fast-check's seed.
 */
import * as fc from "fast-check"
import { parseDateTime, parseDateTimeGeneral } from "../client/dateTime.js"
import { difference } from "../client/fastDecode.js"
import { type DecoderName, dateString, marketDate, mutatedDate, pageBodies } from "./pageArbitraries.js"

/** What a schema gives for a body: the decoded value, or why it refuses the body. */
export type SchemaResult = { readonly valid: true; readonly value: unknown } | { readonly valid: false; readonly issue: string }

/** How many bodies were generated, how many the schema accepted, and how many of those the pass took. */
export interface DecoderFigures {
  readonly inputs: number
  readonly valid: number
  readonly taken: number
}

/**
 * Checks a decoder of the pass against its schema on `runs` generated bodies (through JSON, as the
 * client reads them): whenever the decoder gives a value, the schema accepts the body and gives a value
 * alike (`difference`: same classes, same keys in the same order, same dates); when it gives none, the
 * schema decides.
 */
export const checkDecoder = (
  name: DecoderName,
  fast: (u: unknown) => unknown,
  schema: (u: unknown) => SchemaResult,
  runs: number
): DecoderFigures => {
  let valid = 0
  let taken = 0
  fc.assert(
    fc.property(pageBodies[name], (raw) => {
      const json = JSON.parse(JSON.stringify(raw)) as unknown
      const f = fast(json)
      const g = schema(json)
      if (g.valid) valid++
      if (f === undefined) return
      taken++
      if (!g.valid) throw new Error(`${name}: the fast path accepted what the schema refuses: ${JSON.stringify(json)}\n${g.issue}`)
      const d = difference(f, g.value, "result")
      if (d !== undefined) throw new Error(`${name}: decoded unlike the schema: ${d}\ninput: ${JSON.stringify(json)}`)
    }),
    { numRuns: runs }
  )
  return { inputs: runs, valid, taken }
}

/** Checks `parseDateTime` (the common shape read by hand) against the pattern and `Date.parse` alone on `runs` strings. */
export const checkDateParsing = (runs: number): void => {
  fc.assert(
    fc.property(fc.oneof(marketDate, dateString, mutatedDate, fc.string()), (s) => {
      const fast = parseDateTime(s)
      const general = parseDateTimeGeneral(s)
      if (!Object.is(fast, general)) throw new Error(`parseDateTime(${JSON.stringify(s)}) = ${fast}, general path ${general}`)
    }),
    { numRuns: runs }
  )
}
