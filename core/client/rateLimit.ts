/**
 * Reading the market's `X-RateLimit-Resource-*` headers and telling the two kinds of 420 apart.
 * Headers are read by their lower-case names, as both editions' `Headers` keep them.
 */
import type { QuotaState } from "../limiter/quotaState.js"

/** An answer's headers by lower-case name. */
export type HeaderRecord = { readonly [name: string]: string | undefined }

/** What the `X-RateLimit-Resource-*` headers of an answer said; each figure only when present and readable. */
export interface RateLimitFigures {
  /** `X-RateLimit-Resource-Limit`: the quota of the operation. */
  readonly limit?: number
  /** `X-RateLimit-Resource-Remaining`: what is left of it. */
  readonly remaining?: number
  /** `X-RateLimit-Resource-Until`: when the quota window resets, in epoch millis. */
  readonly resetsAt?: number
}

/** Which limit a 420 hit: too many requests in flight, the hourly quota, or the answer does not tell. */
export type RateLimitKind = "parallel" | "quota" | "unknown"

/** A header as a finite number, or undefined. */
const numberHeader = (headers: HeaderRecord, name: string): number | undefined => {
  const raw = headers[name]
  if (raw === undefined || raw.trim() === "") return undefined
  const n = Number(raw)
  return Number.isFinite(n) ? n : undefined
}

/** `X-RateLimit-Resource-Until`, an RFC 822 date, in epoch millis (`Date` reads that format). */
const resetMillis = (headers: HeaderRecord): number | undefined => {
  const raw = headers["x-ratelimit-resource-until"]
  if (raw === undefined) return undefined
  const millis = new Date(raw).getTime()
  return Number.isFinite(millis) ? millis : undefined
}

/** The quota state to remember from an answer: only when it says both what is left and when it resets. */
export const quotaStateOf = (headers: HeaderRecord): QuotaState | undefined => {
  const remaining = numberHeader(headers, "x-ratelimit-resource-remaining")
  if (remaining === undefined) return undefined
  const resetsAt = resetMillis(headers)
  if (resetsAt === undefined) return undefined
  const limit = numberHeader(headers, "x-ratelimit-resource-limit")
  return limit === undefined ? { remaining, resetsAt } : { remaining, resetsAt, limit }
}

/** The rate-limit figures of an answer; undefined when no header is present or readable. */
export const rateLimitFiguresOf = (headers: HeaderRecord): RateLimitFigures | undefined => {
  const limit = numberHeader(headers, "x-ratelimit-resource-limit")
  const remaining = numberHeader(headers, "x-ratelimit-resource-remaining")
  const resetsAt = resetMillis(headers)
  if (limit === undefined && remaining === undefined && resetsAt === undefined) return undefined
  return {
    ...(limit === undefined ? {} : { limit }),
    ...(remaining === undefined ? {} : { remaining }),
    ...(resetsAt === undefined ? {} : { resetsAt })
  }
}

const parallelPattern = /parallel/i
const quotaPattern = /requests per|per \d+ hour|quota/i

/**
 * Which limit a 420 hit: the message names it (`... 4 parallel requests ...` or
 * `... 1000 requests per 1 hours ...`); failing that, a spent quota in the headers (`remaining`) means the quota.
 */
export const classifyRateLimit = (
  errors: ReadonlyArray<{ readonly code: string; readonly message?: string | undefined }>,
  remaining: number | undefined
): RateLimitKind => {
  for (const e of errors) {
    const text = `${e.code} ${e.message ?? ""}`
    if (parallelPattern.test(text)) return "parallel"
    if (quotaPattern.test(text)) return "quota"
  }
  if (remaining !== undefined && remaining <= 0) return "quota"
  return "unknown"
}
