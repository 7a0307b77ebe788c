/**
 * Checks the client's fast paths against the general ones they stand in for, on generated inputs
 * (fast-check), and exits non-zero on the first difference:
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
import { DateTime, Either, ParseResult, Schema } from "effect"
import * as fc from "fast-check"
import { ChatsSchema } from "../src/index.js"
import { parseDateTime, parseDateTimeGeneral } from "../../core/client/dateTime.js"
import * as Fast from "../src/internal/client/fastDecode.js"
import { args } from "./lib.js"

const runs = Number(args().get("runs") ?? 2000)

/** Whether two decoded values are the same: prototypes, own keys in order, and values, deeply. */
const same = (a: unknown, b: unknown, path = "result"): string | undefined => {
  if (Object.is(a, b)) return undefined
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return `${path}: ${String(a)} vs ${String(b)}`
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return `${path}: different prototypes`
  if (DateTime.isDateTime(a) && DateTime.isDateTime(b)) {
    return a.epochMillis === b.epochMillis ? undefined : `${path}: ${a.epochMillis} vs ${b.epochMillis}`
  }
  if (Array.isArray(a) !== Array.isArray(b)) return `${path}: array vs not`
  const ka = Reflect.ownKeys(a)
  const kb = Reflect.ownKeys(b)
  if (ka.join() !== kb.join()) return `${path}: keys [${ka.join()}] vs [${kb.join()}]`
  for (const k of ka) {
    const d = same((a as Record<PropertyKey, unknown>)[k], (b as Record<PropertyKey, unknown>)[k], `${path}.${String(k)}`)
    if (d !== undefined) return d
  }
  return undefined
}

// -----------------------------------------------------------------------------
// date-times
// -----------------------------------------------------------------------------

const digits = (n: number) => fc.array(fc.constantFrom(..."0123456789"), { minLength: n, maxLength: n }).map((d) => d.join(""))
const twoDigits = fc.oneof(digits(2), fc.integer({ min: 0, max: 99 }).map((n) => String(n).padStart(2, "0")))
const dateString = fc.tuple(
  fc.oneof(digits(4), fc.integer({ min: 1900, max: 2100 }).map(String)),
  fc.oneof(twoDigits, fc.integer({ min: 1, max: 12 }).map((n) => String(n).padStart(2, "0"))),
  fc.oneof(twoDigits, fc.integer({ min: 1, max: 31 }).map((n) => String(n).padStart(2, "0"))),
  fc.constantFrom("T", "t", " ", "X"),
  fc.oneof(twoDigits, fc.integer({ min: 0, max: 24 }).map((n) => String(n).padStart(2, "0"))),
  fc.oneof(twoDigits, fc.integer({ min: 0, max: 60 }).map((n) => String(n).padStart(2, "0"))),
  fc.oneof(twoDigits, fc.integer({ min: 0, max: 60 }).map((n) => String(n).padStart(2, "0"))),
  fc.constantFrom("", ".5", ".123", ".123456789"),
  fc.oneof(
    fc.constantFrom("Z", "z", "", "+00:00", "-00:00", "+24:00", "UTC"),
    fc.tuple(fc.constantFrom("+", "-"), twoDigits, fc.constantFrom(":", ""), twoDigits).map((p) => p.join(""))
  )
).map(([y, mo, d, t, h, mi, s, frac, z]) => `${y}-${mo}-${d}${t}${h}:${mi}:${s}${frac}${z}`)
const mutated = fc.tuple(dateString, fc.nat(30), fc.string({ maxLength: 2 })).map(([s, i, c]) => s.slice(0, i) + c + s.slice(i + c.length))

const checkDates = () => {
  fc.assert(
    fc.property(fc.oneof(marketDate, dateString, mutated, fc.string()), (s) => {
      const fast = parseDateTime(s)
      const general = parseDateTimeGeneral(s)
      if (!Object.is(fast, general)) throw new Error(`parseDateTime(${JSON.stringify(s)}) = ${fast}, general path ${general}`)
    }),
    { numRuns: runs * 10 }
  )
}

// -----------------------------------------------------------------------------
// decoders
// -----------------------------------------------------------------------------

/** A JSON value that is usually right for a field, and sometimes wrong. */
const maybe = <A>(good: fc.Arbitrary<A>): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 40, arbitrary: good },
    { weight: 1, arbitrary: fc.constantFrom(null, "1", 0, -1, 1.5, 2 ** 53, true, [], {}) }
  )

/** An object with some fields left out and sometimes an unknown one. */
const record = (fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Record<string, unknown>> =>
  fc.tuple(
    fc.record(fields, { requiredKeys: [] }),
    fc.record(fields),
    fc.integer({ min: 0, max: 5 }).map((n) => n > 0),
    fc.option(fc.tuple(fc.constantFrom("extra", "status", "__proto__"), fc.jsonValue()), { nil: undefined })
  ).map(([partial, full, complete, extra]) => {
    const out: Record<string, unknown> = { ...(complete ? full : partial) }
    if (extra !== undefined) Object.defineProperty(out, extra[0], { value: extra[1], enumerable: true, configurable: true, writable: true })
    return out
  })

const id = fc.oneof(fc.integer({ min: 1, max: 2 ** 40 }), fc.constantFrom(1, 2 ** 53 - 1))
/** A date-time as the market writes it, valid. */
const marketDate = fc.date({ min: new Date("1990-01-01T00:00:00Z"), max: new Date("2090-01-01T00:00:00Z"), noInvalidDate: true }).chain((d) =>
  fc.tuple(fc.constantFrom("Z", "+03:00", "-05:30", "+00:00", "+14:00"), fc.constant(d)).map(([zone, d]) => {
    const sign = zone.startsWith("-") ? -1 : 1
    const offset = zone === "Z" ? 0 : sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)))
    return new Date(d.getTime() + offset * 60_000).toISOString().slice(0, 19) + zone
  })
)
const date = fc.oneof({ weight: 20, arbitrary: marketDate }, { weight: 4, arbitrary: dateString }, { weight: 1, arbitrary: mutated })
const text = fc.oneof(fc.string(), fc.constantFrom("Здравствуйте! Когда будет доставлен мой заказ?", "Спасибо 👍", ""))
const enumValue = fc.oneof(fc.constantFrom("ORDER", "RETURN", "DIRECT", "CHAT", "ARBITRAGE", "NEW", "FINISHED", "CUSTOMER", "PARTNER"), fc.string())

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
const chatsPage = record({ chats: maybe(fc.array(maybe(chat), { maxLength: 5 })), paging: maybe(paging) })
const historyPage = record({
  orderId: maybe(fc.integer()),
  context: maybe(context),
  messages: maybe(fc.array(maybe(message), { maxLength: 5 })),
  paging: maybe(paging)
})
const createChatResult = record({ chatId: maybe(id) })

const checkDecoder = <A, I>(
  name: string,
  schema: Schema.Schema<A, I>,
  fast: (u: unknown) => A | undefined,
  input: fc.Arbitrary<unknown>
) => {
  const general = ParseResult.decodeUnknownEither(schema, { onExcessProperty: "ignore" })
  let valid = 0
  let taken = 0
  fc.assert(
    fc.property(input, (raw) => {
      // through JSON, as the client receives it
      const json = JSON.parse(JSON.stringify(raw)) as unknown
      const f = fast(json)
      const g = general(json)
      if (Either.isRight(g)) valid++
      if (f === undefined) return
      taken++
      if (Either.isLeft(g)) throw new Error(`${name}: the fast path accepted what the schema refuses: ${JSON.stringify(json)}\n${String(g.left)}`)
      const difference = same(f, g.right)
      if (difference !== undefined) throw new Error(`${name}: ${difference}\ninput: ${JSON.stringify(json)}`)
    }),
    { numRuns: runs }
  )
  console.log(`  ${name}: ${runs} inputs, ${valid} valid for the schema, ${taken} of them decoded by the fast path, all as the schema decodes them`)
}

if (!Fast.fieldsAsExpected || Fast.fast === undefined) {
  console.error("the fast path is off: ChatsSchema changed; bring src/internal/client/fastDecode.ts up to date")
  process.exit(1)
}
console.log("equivalence of the fast paths:")
checkDates()
console.log(`  parseDateTime: ${runs * 10} strings, same as the pattern and Date.parse`)
checkDecoder("Chat", ChatsSchema.Chat, Fast.chat, chat)
checkDecoder("ChatMessage", ChatsSchema.ChatMessage, Fast.message, message)
checkDecoder("ChatsPage", ChatsSchema.ChatsPage, Fast.chatsPage, chatsPage)
checkDecoder("ChatHistoryPage", ChatsSchema.ChatHistoryPage, Fast.historyPage, historyPage)
checkDecoder("CreateChatResult", ChatsSchema.CreateChatResult, Fast.createChatResult, createChatResult)
