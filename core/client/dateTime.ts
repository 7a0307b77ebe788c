/**
 * Reading the market's date-times: RFC 3339 / ISO 8601 with an offset.
 *
 * The market writes every date the same way, `2025-03-29T16:49:19+03:00`; that shape is read by
 * hand (no regular expression, no `Date.parse`), and anything else takes the general path, which
 * gives the same answer for every string. Both refuse a day the month does not have (`2025-02-30`,
 * `2025-02-29`, `2100-02-29`) and hour 24, which `Date.parse` would roll over into the next month
 * or day; a leap second (`:60`) is accepted and counts as the next second.
 */

/** RFC 3339 / ISO 8601 date-time with an offset; `T`/`Z` in either case, fractions of any length. */
const isoDateTime = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):\d{2}:(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:?\d{2})$/

/** Whether a year of the proleptic Gregorian calendar has a 29th of February. */
const isLeapYear = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0

/** Whether the month (1 to 12) has that day (from 1). */
const dayExists = (year: number, month: number, day: number): boolean =>
  month >= 1 && month <= 12 && day >= 1 &&
  day <= (month === 2 ? (isLeapYear(year) ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31)

/**
 * Epoch millis by the general path: the pattern, a day the month has and an hour below 24, then
 * `Date.parse`; a leap second (`:60`) counts as the next second.
 */
const parseGeneral = (s: string): number => {
  const match = isoDateTime.exec(s)
  if (match === null || !dayExists(Number(match[1]), Number(match[2]), Number(match[3])) || Number(match[4]) > 23) return NaN
  return match[5] === "60" ? Date.parse(s.replace(/:60(?=[.Zz+-])/, ":59")) + 1000 : Date.parse(s)
}

/** The value of the two ASCII digits at `i`, or -1. */
const two = (s: string, i: number): number => {
  const a = s.charCodeAt(i) - 48
  const b = s.charCodeAt(i + 1) - 48
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1
}

/**
 * Epoch millis of `YYYY-MM-DDTHH:MM:SS` followed by `Z` or `±HH:MM` (no fraction, uppercase `T`
 * and `Z`, fields in their usual ranges, a day the month has, year from 100), or NaN for any other
 * string. For the strings it accepts it equals `Date.parse`.
 */
const parseCommon = (s: string): number => {
  const length = s.length
  if (length !== 20 && length !== 25) return NaN
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) {
    return NaN
  }
  const century = two(s, 0)
  const yy = two(s, 2)
  const month = two(s, 5)
  const day = two(s, 8)
  const hour = two(s, 11)
  const minute = two(s, 14)
  const second = two(s, 17)
  if (century < 1 || yy < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return NaN
  const year = century * 100 + yy
  if (!dayExists(year, month, day)) return NaN
  let offsetMinutes = 0
  const zone = s.charCodeAt(19)
  if (length === 20) {
    if (zone !== 90) return NaN
  } else {
    if ((zone !== 43 && zone !== 45) || s.charCodeAt(22) !== 58) return NaN
    const oh = two(s, 20)
    const om = two(s, 23)
    if (oh < 0 || oh > 23 || om < 0 || om > 59) return NaN
    offsetMinutes = (zone === 43 ? 1 : -1) * (oh * 60 + om)
  }
  return ((daysFromCivil(year, month) + day - 1) * 86_400 + hour * 3_600 + minute * 60 + second - offsetMinutes * 60) *
    1000
}

/**
 * Days from 1970-01-01 to the first of a month of the proleptic Gregorian calendar (H. Hinnant's
 * `days_from_civil`).
 */
const daysFromCivil = (year: number, month: number): number => {
  const y = month <= 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yearOfEra = y - era * 400
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5)
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear
  return era * 146_097 + dayOfEra - 719_468
}

/**
 * Epoch millis of an RFC 3339 date-time with an offset, or NaN; a leap second (`:60`) counts as the next second.
 */
export const parseDateTime = (s: string): number => {
  const millis = parseCommon(s)
  return Number.isNaN(millis) ? parseGeneral(s) : millis
}

/** The general path alone, for checking the fast one against it. */
export const parseDateTimeGeneral = parseGeneral
