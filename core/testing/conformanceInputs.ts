/**
 * Valid inputs of the client's methods generated with fast-check (ids up to 2^53-1, credentials,
 * page tokens with URL-special characters, filters, messages of up to 4096 characters with Cyrillic
 * and emoji, files up to exactly 5 MB), and canned valid answers: the material of the request
 * conformance checks of both editions.
 */
import * as fc from "fast-check"
import { maxFileBytes, maxMessageLength } from "../client/limits.js"
import * as Wire from "../client/wire.js"
import type { ClientSetup } from "./conformanceDriver.js"
import type { Json } from "./openApiBodies.js"
import { defaultOrigin } from "./openApiSpec.js"

/** The seed of every generated run and body unless one is asked for, so that a failure reproduces. */
export const conformanceSeed = 20260717

/** An int64 id within JavaScript's safe integers: 1 .. 2^53-1. */
export const idArb: fc.Arbitrary<number> = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 1000 }) },
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 2 ** 31 - 1 }) },
  { weight: 4, arbitrary: fc.maxSafeNat().map((n) => Math.max(1, n)) },
  { weight: 1, arbitrary: fc.constantFrom(1, 2 ** 31, 2 ** 32 + 1, Number.MAX_SAFE_INTEGER - 1, Number.MAX_SAFE_INTEGER) }
)

const tokenChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.:".split("")

/** Credentials: an API key, an OAuth token, or both (the key wins); and a base URL spelling. */
export const setupArb: fc.Arbitrary<ClientSetup> = fc
  .record({
    kind: fc.constantFrom("apiKey", "oauth", "both"),
    apiKey: fc.string({ unit: fc.constantFrom(...tokenChars), minLength: 8, maxLength: 80 }),
    oauthToken: fc.string({ unit: fc.constantFrom(...tokenChars), minLength: 8, maxLength: 80 }),
    baseUrl: fc.constantFrom<string | undefined>(undefined, defaultOrigin, `${defaultOrigin}/`, `${defaultOrigin}//`)
  })
  .map(({ apiKey, baseUrl, kind, oauthToken }): ClientSetup => ({
    ...(kind === "oauth" ? {} : { apiKey }),
    ...(kind === "apiKey" ? {} : { oauthToken }),
    ...(baseUrl === undefined ? {} : { baseUrl })
  }))

/** A page token as a server might hand it out: base64-ish, unicode, or with URL-special characters. */
export const pageTokenArb: fc.Arbitrary<string> = fc.oneof(
  fc.base64String({ minLength: 4, maxLength: 64 }),
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 30 }),
  fc.constantFrom("a+b c", "x&limit=5", "%2F%", "#frag", "?q=1&r", "ключ страницы", "😀👍🏽", "=", "  ")
).filter((s) => s.length > 0)

/** A chat context the client can name: an order or a return, with an id. */
export const contextArb = fc.record({ type: fc.constantFrom(...Wire.chatContextIdentifiableTypes), id: idArb }, {
  noNullPrototype: true
})

/** The filters of getChats: each list optional, non-empty, without repeats. */
export const filterArb = fc.record({
  contexts: fc.uniqueArray(contextArb, { minLength: 1, maxLength: 6, selector: (c) => `${c.type}:${c.id}` }),
  contextTypes: fc.uniqueArray(fc.constantFrom(...Wire.chatContextTypes), { minLength: 1 }),
  types: fc.uniqueArray(fc.constantFrom(...Wire.chatTypes), { minLength: 1 }),
  statuses: fc.uniqueArray(fc.constantFrom(...Wire.chatStatuses), { minLength: 1 }),
  orderIds: fc.uniqueArray(idArb, { minLength: 1, maxLength: 6 })
}, { requiredKeys: [], noNullPrototype: true })

const cyrillicArb = fc.oneof(fc.integer({ min: 0x410, max: 0x44f }), fc.constantFrom(0x401, 0x451)).map((c) =>
  String.fromCodePoint(c)
)
const emojiArb = fc.oneof(
  fc.integer({ min: 0x1f300, max: 0x1faff }).map((c) => String.fromCodePoint(c)),
  fc.constantFrom("👍🏽", "👨‍👩‍👧", "🇷🇺", "❤️", "✅", "🎉")
)
/** One "character" of a message: ASCII, Cyrillic, emoji, other graphemes or awkward characters. */
const messageUnitArb = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 1 }) },
  { weight: 4, arbitrary: cyrillicArb },
  { weight: 2, arbitrary: emojiArb },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.constantFrom(" ", "\n", "\r\n", "\t", "\"", "\\", "\u2028", "<b>", "&amp;", "\u0000") }
)

/** Joins units while the UTF-16 length stays within `max` code units. */
const joinWithin = (units: ReadonlyArray<string>, max: number): string => {
  let out = ""
  for (const u of units) {
    if (out.length + u.length > max) break
    out += u
  }
  return out
}

/**
 * A message text of 1..4096 characters, counted as the client counts them (UTF-16 code units,
 * `String.length`), including Cyrillic, emoji and exactly-4096 messages.
 */
export const messageArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.array(messageUnitArb, { minLength: 1, maxLength: 40 }) },
  { weight: 3, arbitrary: fc.array(messageUnitArb, { minLength: 1, maxLength: 600 }) },
  { weight: 1, arbitrary: fc.array(messageUnitArb, { minLength: 1000, maxLength: 2600 }) }
).chain((units) =>
  fc.constantFrom("as is", "fill to 4096").map((how) => {
    const text = joinWithin(units, maxMessageLength)
    if (how === "as is") return text.length > 0 ? text : "x"
    let filled = text
    while (filled.length < maxMessageLength) {
      const next = joinWithin(units, maxMessageLength - filled.length)
      filled += next.length > 0 ? next : "ж".repeat(maxMessageLength - filled.length)
    }
    return filled
  })
)

/** Fills bytes deterministically from a seed (xorshift32). */
export const fillBytes = (size: number, seed: number, offset = 0): Uint8Array => {
  const backing = new Uint8Array(size + offset)
  let x = (seed | 0) || 0x9e3779b9
  for (let i = 0; i < backing.length; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    backing[i] = x & 0xff
  }
  return offset === 0 ? backing : backing.subarray(offset)
}

/** Awkward and ordinary file names. */
const fileNameArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "photo.jpg",
    "Счёт №1.pdf",
    "отчёт 2024 (финал).xlsx",
    "😀.png",
    "a",
    "file with spaces.txt",
    "quote\".txt",
    "semi;colon=eq.txt",
    "back\\slash.txt",
    "new\nline.txt",
    "x".repeat(255)
  ),
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 40 }),
  fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 40 })
).filter((s) => s.length > 0)

/** A file to send as the test describes it (the bytes are made from a seed when run). */
export interface FileSpec {
  readonly name: string
  readonly size: number
  readonly seed: number
  readonly kind: "uint8array" | "uint8array-view" | "blob"
  readonly blobType: string
  readonly contentType: string | undefined
}

const MB5 = maxFileBytes

/** Files of 0 bytes up to exactly 5 MB, as `Uint8Array`, a view into a larger buffer, or a `Blob`. */
export const fileSpecArb: fc.Arbitrary<FileSpec> = fc.record({
  name: fileNameArb,
  size: fc.oneof(
    { weight: 12, arbitrary: fc.integer({ min: 0, max: 4096 }) },
    { weight: 5, arbitrary: fc.integer({ min: 4097, max: 256 * 1024 }) },
    { weight: 1, arbitrary: fc.integer({ min: 256 * 1024, max: MB5 }) },
    { weight: 1, arbitrary: fc.constantFrom(MB5, MB5 - 1, 1) }
  ),
  seed: fc.integer(),
  kind: fc.constantFrom("uint8array", "uint8array-view", "blob"),
  blobType: fc.constantFrom("", "image/png", "application/pdf", "Text/Plain; Charset=UTF-8"),
  contentType: fc.constantFrom(
    undefined,
    "image/jpeg",
    "application/pdf",
    "text/plain; charset=utf-8",
    "IMAGE/PNG",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "text/csv; charset=\"utf-8\""
  )
}, { noNullPrototype: true })

/** The client's `file` input for a file spec. */
export const makeFile = (f: FileSpec): { name: string; data: Uint8Array | Blob; contentType?: string } => {
  const bytes = fillBytes(f.size, f.seed, f.kind === "uint8array-view" ? 7 : 0)
  const data = f.kind === "blob" ? new Blob([bytes as BlobPart], { type: f.blobType }) : bytes
  return { name: f.name, data, ...(f.contentType === undefined ? {} : { contentType: f.contentType }) }
}

// -----------------------------------------------------------------------------
// Canned valid answers
// -----------------------------------------------------------------------------

const chatJson = (chatId: number): Json => ({
  chatId,
  context: { type: "ORDER", orderId: 7, campaignId: 21, customer: { name: "Иван", publicId: "pub-1" } },
  type: "CHAT",
  status: "NEW",
  createdAt: "2017-11-21T00:00:00+03:00",
  updatedAt: "2017-11-21T00:00:00+03:00"
})

const messageJson = (messageId: number): Json => ({
  messageId,
  createdAt: "2017-11-21T00:00:00+03:00",
  sender: "CUSTOMER",
  message: "Здравствуйте 👋"
})

/** A valid 200 body per operation; `next` adds a next-page token to the pages. */
export const cannedBody = (operationId: string, next?: string, items = 1): Json => {
  const paging = next === undefined ? {} : { paging: { nextPageToken: next } }
  switch (operationId) {
    case "getChats":
      return { status: "OK", result: { chats: Array.from({ length: items }, (_, i) => chatJson(i + 1)), ...paging } }
    case "getChatHistory":
      return {
        status: "OK",
        result: {
          context: { type: "ORDER", orderId: 7 },
          messages: Array.from({ length: items }, (_, i) => messageJson(i + 1)),
          ...paging
        }
      }
    case "createChat":
      return { status: "OK", result: { chatId: 42 } }
    case "getChat":
      return { status: "OK", result: chatJson(42) }
    case "getChatMessage":
      return { status: "OK", result: messageJson(42) }
    default:
      return { status: "OK" }
  }
}
