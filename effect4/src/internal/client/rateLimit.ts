/**
 * The market's `X-RateLimit-Resource-*` headers as the library's `RateLimitInfo` (the reading itself
 * is `core/client/rateLimit.ts`).
 */
import { DateTime } from "effect"
import { type HeaderRecord, rateLimitFiguresOf } from "../../../../core/client/rateLimit.js"
import { RateLimitInfo } from "../../ChatsError.js"

/** The quota headers of an answer; undefined when none is present or readable. */
export const rateLimitInfoOf = (headers: HeaderRecord): RateLimitInfo | undefined => {
  const figures = rateLimitFiguresOf(headers)
  if (figures === undefined) return undefined
  return new RateLimitInfo({
    ...(figures.limit === undefined ? {} : { limit: figures.limit }),
    ...(figures.remaining === undefined ? {} : { remaining: figures.remaining }),
    ...(figures.resetsAt === undefined ? {} : { resetsAt: DateTime.makeUnsafe(figures.resetsAt) })
  }, { disableChecks: true })
}
