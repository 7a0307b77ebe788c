/**
 * Date formats of the wire: ISO 8601 with the Moscow offset for bodies, the HTTP date for headers.
 */

const mskOffsetMillis = 3 * 60 * 60 * 1000

/** Formats epoch millis as ISO 8601 with the Moscow offset, e.g. `2017-11-21T00:00:00+03:00`. */
export const formatIso = (millis: number): string =>
  new Date(millis + mskOffsetMillis).toISOString().slice(0, 19) + "+03:00"

/**
 * Formats epoch millis as an RFC 822 / HTTP date, e.g. `Thu, 10 Jul 2018 00:42:42 GMT`, rounded up
 * to the second: the format has no milliseconds, and a reset announced early would invite a refused retry.
 */
export const formatHttpDate = (millis: number): string => new Date(Math.ceil(millis / 1000) * 1000).toUTCString()
