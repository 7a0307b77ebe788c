/**
 * `ChatsSchema.DateTime` reads RFC 3339 / ISO 8601 date-times with an offset into a `DateTime.Utc`, and
 * refuses dates and times that do not exist (30 February, 29 February of a common year, hour 24)
 * instead of rolling them over, on both of its paths (the market's common shape read by hand, and the
 * general one for fractions, lowercase letters and leap seconds). In Effect 4 `Schema.DateTimeUtc` is
 * the `DateTime.Utc` value itself, not a string codec: the library's `DateTime` is the codec.
 */
import { describe, expect, it } from "@effect/vitest"
import { DateTime, Result, Schema } from "effect"
import * as ChatsSchema from "../../src/ChatsSchema.js"

const decode = Schema.decodeUnknownResult(ChatsSchema.DateTime)

/** The epoch millis a string decodes to, or undefined when it is refused. */
const millisOf = (s: string): number | undefined => {
  const result = decode(s)
  return Result.isSuccess(result) ? DateTime.toEpochMillis(result.success) : undefined
}

/** The same date-time in the shapes that take each parsing path. */
const shapes = (date: string, time = "12:00:00") => [
  `${date}T${time}Z`, // the common shape, read by hand
  `${date}T${time}+03:00`, // the market's shape, read by hand
  `${date}T${time}.250Z`, // a fraction: the general path
  `${date}t${time}z` // lowercase: the general path
]

describe("ChatsSchema.DateTime", () => {
  it("decodes a string to a DateTime.Utc, which Schema.DateTimeUtc (the value, in Effect 4) accepts", () => {
    const decoded = Schema.decodeUnknownSync(ChatsSchema.DateTime)("2025-03-29T16:49:19+03:00")
    expect(DateTime.isDateTime(decoded) && DateTime.isUtc(decoded)).toBe(true)
    expect(Schema.is(Schema.DateTimeUtc)(decoded)).toBe(true)
    expect(DateTime.formatIso(decoded)).toBe("2025-03-29T13:49:19.000Z")
    // Schema.DateTimeUtc is not a string codec any more: a string is not a DateTime.Utc
    expect(Schema.is(Schema.DateTimeUtc)("2025-03-29T16:49:19+03:00")).toBe(false)
    expect(Result.isFailure(Schema.decodeUnknownResult(Schema.DateTimeUtc)("2025-03-29T16:49:19+03:00"))).toBe(true)
  })

  it("reads the market's shape and the other RFC 3339 forms", () => {
    expect(millisOf("2025-03-29T16:49:19+03:00")).toBe(Date.UTC(2025, 2, 29, 13, 49, 19))
    expect(millisOf("2025-03-29t13:49:19.5z")).toBe(Date.UTC(2025, 2, 29, 13, 49, 19, 500))
    // a leap second counts as the next second (documented in core/client/dateTime.ts)
    expect(millisOf("2016-12-31T23:59:60Z")).toBe(Date.UTC(2017, 0, 1))
    expect(millisOf("2016-12-31T23:59:60.5Z")).toBe(Date.UTC(2017, 0, 1, 0, 0, 0, 500))
  })

  for (const [date, what] of [
    ["2025-02-30", "30 February"],
    ["2025-02-31", "31 February"],
    ["2025-02-29", "29 February of a common year"],
    ["2100-02-29", "29 February of a century that is not a leap year"],
    ["2025-04-31", "31 April"],
    ["2025-06-31", "31 June"],
    ["2025-09-31", "31 September"],
    ["2025-11-31", "31 November"],
    ["2025-01-32", "32 January"],
    ["2025-00-10", "month 0"],
    ["2025-13-10", "month 13"],
    ["2025-01-00", "day 0"]
  ] as const) {
    it(`refuses ${what} (${date}) on every path instead of rolling it over`, () => {
      for (const s of shapes(date)) expect(millisOf(s), s).toBeUndefined()
    })
  }

  it("refuses a leap second on a day that does not exist", () => {
    expect(millisOf("2025-02-30T23:59:60Z")).toBeUndefined()
    expect(millisOf("2025-02-29T23:59:60+03:00")).toBeUndefined()
  })

  for (const [date, day] of [
    ["2024-02-29", Date.UTC(2024, 1, 29)],
    ["2000-02-29", Date.UTC(2000, 1, 29)],
    ["2025-02-28", Date.UTC(2025, 1, 28)],
    ["2025-04-30", Date.UTC(2025, 3, 30)],
    ["2025-12-31", Date.UTC(2025, 11, 31)]
  ] as const) {
    it(`reads ${date}, a day that exists, on every path`, () => {
      const [z, offset, fraction, lower] = shapes(date)
      expect(millisOf(z!)).toBe(day + 12 * 3_600_000)
      expect(millisOf(offset!)).toBe(day + 9 * 3_600_000)
      expect(millisOf(fraction!)).toBe(day + 12 * 3_600_000 + 250)
      expect(millisOf(lower!)).toBe(day + 12 * 3_600_000)
    })
  }

  it("refuses times RFC 3339 does not allow: hour 24, minute 60, second 61, offsets past 23:59", () => {
    for (
      const s of [
        ...shapes("2025-01-01", "24:00:00"),
        ...shapes("2025-01-01", "24:00:60"),
        ...shapes("2025-01-01", "12:60:00"),
        ...shapes("2025-01-01", "12:00:61"),
        "2025-01-01T00:00:00+24:00",
        "2025-01-01T00:00:00+03:60",
        "2025-01-01T00:00:00.5-24:00"
      ]
    ) {
      expect(millisOf(s), s).toBeUndefined()
    }
  })

  it("refuses strings without an offset, with a separator other than T, t or a space, and non-strings", () => {
    for (const s of ["2025-01-01T00:00:00", "2025-01-01X00:00:00Z", "2025-01-01", "2025-01-01T00:00Z", ""]) {
      expect(millisOf(s), s).toBeUndefined()
    }
    expect(Result.isFailure(decode(1_700_000_000_000))).toBe(true)
    expect(Result.isFailure(decode(DateTime.makeUnsafe(0)))).toBe(true)
  })

  it("says what it expected and what it got", () => {
    const result = Schema.decodeUnknownResult(ChatsSchema.DateTime)("2025-02-30T00:00:00Z")
    expect(Result.isFailure(result) && result.failure.message).toContain(
      "expected an ISO 8601 date-time with an offset, got \"2025-02-30T00:00:00Z\""
    )
  })

  it("encodes as UTC ISO", () => {
    const decoded = Schema.decodeUnknownSync(ChatsSchema.DateTime)("2024-02-29T03:00:00+03:00")
    expect(Schema.encodeSync(ChatsSchema.DateTime)(decoded)).toBe("2024-02-29T00:00:00.000Z")
  })
})
