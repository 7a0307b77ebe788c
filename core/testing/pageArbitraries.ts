/**
 * Generated result bodies (fast-check) for checking the hand-written decoding pass
 * (`core/client/fastDecode.ts`) against an edition's schemas: JSON bodies of chats, messages, pages and
 * `createChat`'s result whose fields are usually right and sometimes wrong, with fields left out and
 * unknown ones added, and date-times of the market's shape, of other shapes and mutated. Both editions'
 * property tests and the Effect 3 edition's `bench/equivalence.ts` use them.
 */
import * as fc from "fast-check"

/** Date-time strings of the market's shape, with digits and separators often out of range or wrong. */
const digits = (n: number) => fc.array(fc.constantFrom(..."0123456789"), { minLength: n, maxLength: n }).map((d) => d.join(""))
const twoDigits = fc.oneof(digits(2), fc.integer({ min: 0, max: 99 }).map((n) => String(n).padStart(2, "0")))
const padded = (min: number, max: number) => fc.integer({ min, max }).map((n) => String(n).padStart(2, "0"))

/** A date-time of the market's shape (`2025-03-29T16:49:19+03:00`) whose parts are often out of range or wrong. */
export const dateString: fc.Arbitrary<string> = fc.tuple(
  fc.oneof(digits(4), fc.integer({ min: 1900, max: 2100 }).map(String)),
  fc.oneof(twoDigits, padded(1, 12)),
  fc.oneof(twoDigits, padded(1, 31)),
  fc.constantFrom("T", "t", " ", "X"),
  fc.oneof(twoDigits, padded(0, 24)),
  fc.oneof(twoDigits, padded(0, 60)),
  fc.oneof(twoDigits, padded(0, 60)),
  fc.constantFrom("", ".5", ".123", ".123456789"),
  fc.oneof(
    fc.constantFrom("Z", "z", "", "+00:00", "-00:00", "+24:00", "UTC"),
    fc.tuple(fc.constantFrom("+", "-"), twoDigits, fc.constantFrom(":", ""), twoDigits).map((p) => p.join(""))
  )
).map(([y, mo, d, t, h, mi, s, frac, z]) => `${y}-${mo}-${d}${t}${h}:${mi}:${s}${frac}${z}`)

/** A `dateString` with a few characters replaced. */
export const mutatedDate: fc.Arbitrary<string> = fc.tuple(dateString, fc.nat(30), fc.string({ maxLength: 2 }))
  .map(([s, i, c]) => s.slice(0, i) + c + s.slice(i + c.length))

/** A valid date-time as the market writes it: seconds, and `Z` or an offset. */
export const marketDate: fc.Arbitrary<string> = fc
  .date({ min: new Date("1990-01-01T00:00:00Z"), max: new Date("2090-01-01T00:00:00Z"), noInvalidDate: true })
  .chain((d) =>
    fc.constantFrom("Z", "+03:00", "-05:30", "+00:00", "+14:00").map((zone) => {
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

/** A date-time field: mostly the market's, sometimes another shape, mutated, or any string. */
const date = fc.oneof(
  { weight: 20, arbitrary: marketDate },
  { weight: 3, arbitrary: otherDate },
  { weight: 3, arbitrary: dateString },
  { weight: 1, arbitrary: mutatedDate },
  { weight: 1, arbitrary: fc.string() }
)

/** A JSON value that is usually right for a field, and sometimes wrong. */
const maybe = <A>(good: fc.Arbitrary<A>): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 30, arbitrary: good },
    { weight: 1, arbitrary: fc.constantFrom(null, "1", 0, -1, 1.5, 2 ** 53, true, [], {}) }
  )

/** An object with some fields left out and sometimes an unknown one (`__proto__` as an own key too). */
const record = (fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Record<string, unknown>> =>
  fc.tuple(
    fc.record(fields, { requiredKeys: [] }),
    fc.record(fields),
    fc.integer({ min: 0, max: 5 }).map((n) => n > 0),
    fc.option(fc.tuple(fc.constantFrom("extra", "status", "__proto__"), fc.jsonValue({ maxDepth: 2 })), { nil: undefined })
  ).map(([partial, full, complete, extra]) => {
    const out: Record<string, unknown> = { ...(complete ? full : partial) }
    if (extra !== undefined) {
      Object.defineProperty(out, extra[0], { value: extra[1], enumerable: true, configurable: true, writable: true })
    }
    return out
  })

const id = fc.oneof(fc.integer({ min: 1, max: 2 ** 40 }), fc.constantFrom(1, 2 ** 53 - 1))
const text = fc.oneof(fc.string(), fc.constantFrom("Здравствуйте! Когда будет доставлен мой заказ?", "Спасибо 👍", ""))
const enumValue = fc.oneof(
  fc.constantFrom("ORDER", "RETURN", "DIRECT", "CHAT", "ARBITRAGE", "NEW", "FINISHED", "CUSTOMER", "PARTNER"),
  fc.string()
)

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

/** Generated bodies for each decoder of the pass, by the name of the schema it stands in for. */
export const pageBodies = {
  Chat: chat,
  ChatMessage: message,
  ChatsPage: record({ chats: maybe(fc.array(maybe(chat), { maxLength: 4 })), paging: maybe(paging) }),
  ChatHistoryPage: record({
    orderId: maybe(fc.integer()),
    context: maybe(context),
    messages: maybe(fc.array(maybe(message), { maxLength: 4 })),
    paging: maybe(paging)
  }),
  CreateChatResult: record({ chatId: maybe(id) })
} as const satisfies Record<string, fc.Arbitrary<unknown>>

/** The name of a decoder of the pass (see `pageBodies`). */
export type DecoderName = keyof typeof pageBodies
