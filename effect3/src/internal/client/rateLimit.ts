/**
 * Reading the market's `X-RateLimit-Resource-*` headers and telling the two kinds of 420 apart.
 */
import type { Headers } from "@effect/platform"
import { DateTime } from "effect"
import { RateLimitInfo, type RateLimitKind } from "../../ChatsError.js"
import type { QuotaState } from "../../ChatsLimiter.js"
import type { ApiError } from "../../ChatsSchema.js"

/** A header as a finite number, or undefined. */
const numberHeader = (headers: Headers.Headers, name: string): number | undefined => {
  const raw = headers[name]
  if (raw === undefined || raw.trim() === "") return undefined
  const n = Number(raw)
  return Number.isFinite(n) ? n : undefined
}

/** `X-RateLimit-Resource-Until`, an RFC 822 date, in epoch millis (`Date` reads that format). */
const resetMillis = (headers: Headers.Headers): number | undefined => {
  const raw = headers["x-ratelimit-resource-until"]
  if (raw === undefined) return undefined
  const millis = new Date(raw).getTime()
  return Number.isFinite(millis) ? millis : undefined
}

/** The quota state to remember from an answer: only when it says both what is left and when it resets. */
export const quotaStateOf = (headers: Headers.Headers): QuotaState | undefined => {
  const remaining = numberHeader(headers, "x-ratelimit-resource-remaining")
  const resetsAt = resetMillis(headers)
  if (remaining === undefined || resetsAt === undefined) return undefined
  const limit = numberHeader(headers, "x-ratelimit-resource-limit")
  return limit === undefined ? { remaining, resetsAt } : { remaining, resetsAt, limit }
}

/** Parses the quota headers of an answer; undefined when none is present or readable. */
export const parseRateLimitHeaders = (headers: Headers.Headers): RateLimitInfo | undefined => {
  const limit = numberHeader(headers, "x-ratelimit-resource-limit")
  const remaining = numberHeader(headers, "x-ratelimit-resource-remaining")
  const reset = resetMillis(headers)
  if (limit === undefined && remaining === undefined && reset === undefined) return undefined
  return new RateLimitInfo({
    ...(limit === undefined ? {} : { limit }),
    ...(remaining === undefined ? {} : { remaining }),
    ...(reset === undefined ? {} : { resetsAt: DateTime.unsafeMake(reset) })
  }, { disableValidation: true })
}

const parallelPattern = /parallel/i
const quotaPattern = /requests per|per \d+ hour|quota/i

/**
 * Which limit a 420 hit: the message names it (`... 4 parallel requests ...` or
 * `... 1000 requests per 1 hours ...`); failing that, a spent quota in the headers means the quota.
 */
export const classifyRateLimit = (
  errors: ReadonlyArray<ApiError>,
  rateLimit: RateLimitInfo | undefined
): RateLimitKind => {
  for (const e of errors) {
    const text = `${e.code} ${e.message ?? ""}`
    if (parallelPattern.test(text)) return "parallel"
    if (quotaPattern.test(text)) return "quota"
  }
  if (rateLimit?.remaining !== undefined && rateLimit.remaining <= 0) return "quota"
  return "unknown"
}
