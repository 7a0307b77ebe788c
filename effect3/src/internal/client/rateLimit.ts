/**
 * The market's `X-RateLimit-Resource-*` headers as the library's `RateLimitInfo`, and the two kinds of
 * 420 told apart (the reading itself is `core/client/rateLimit.ts`).
 */
import { DateTime } from "effect"
import { rateLimitFiguresOf } from "../../../../core/client/rateLimit.js"
import { RateLimitInfo } from "../../ChatsError.js"

export { classifyRateLimit, quotaStateOf } from "../../../../core/client/rateLimit.js"

/** Parses the quota headers of an answer; undefined when none is present or readable. */
export const parseRateLimitHeaders = (headers: Readonly<Record<string, string>>): RateLimitInfo | undefined => {
  const figures = rateLimitFiguresOf(headers)
  if (figures === undefined) return undefined
  return new RateLimitInfo({
    ...(figures.limit === undefined ? {} : { limit: figures.limit }),
    ...(figures.remaining === undefined ? {} : { remaining: figures.remaining }),
    ...(figures.resetsAt === undefined ? {} : { resetsAt: DateTime.unsafeMake(figures.resetsAt) })
  }, { disableValidation: true })
}
