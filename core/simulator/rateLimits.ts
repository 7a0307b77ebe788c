/**
 * The market's two limits: at most N requests in flight per business (420 beyond),
 * and an hourly quota per business and operation, reported in the
 * `X-RateLimit-Resource-*` headers of every response.
 */
import { formatHttpDate } from "./dates.js"
import { type Operation, operationNames, operations, zeroPerOperation } from "./operations.js"

/** The limits of a simulator. */
export interface LimitsConfig {
  /** Requests in flight per business before 420 (the market: 4). */
  readonly parallel: number
  /** The quota per operation and window. */
  readonly quotas: Record<Operation, number>
  /** The length of a quota window in millis (the market: one hour). */
  readonly windowMillis: number
}

/** The quota state of one business and operation, as the headers tell it. */
export interface QuotaState {
  readonly limit: number
  readonly remaining: number
  readonly until: number
}

/** Builds the limits from the real quotas, overrides and a scale factor. */
export const makeLimitsConfig = (options: {
  readonly parallel?: number | undefined
  readonly quotas?: Partial<Record<Operation, number>> | undefined
  readonly quotaScale?: number | undefined
  readonly windowMillis?: number | undefined
}): LimitsConfig => {
  const quotas = zeroPerOperation()
  for (const name of operationNames) {
    quotas[name] = options.quotas?.[name] ??
      Math.max(1, Math.round(operations[name].quota * (options.quotaScale ?? 1)))
  }
  return { parallel: options.parallel ?? 4, quotas, windowMillis: options.windowMillis ?? 60 * 60 * 1000 }
}

/** Formats a window length the way the market's message does (`1 hours`). */
const windowText = (millis: number): string =>
  millis % 3_600_000 === 0 ?
    `${millis / 3_600_000} hours` :
    millis % 60_000 === 0 ?
    `${millis / 60_000} minutes` :
    `${millis / 1000} seconds`

/** The message of a parallel-limit 420. */
export const parallelMessage = (limit: number, businessId: number): string =>
  `Hit rate limit of ${limit} parallel requests for businessId ${businessId}`

/** The message of a quota 420. */
export const quotaMessage = (limit: number, windowMillis: number, resource: string): string =>
  `Hit rate limit of ${limit} requests per ${windowText(windowMillis)} for resource ${resource}`

/** The rate-limit headers of a response. */
export const rateLimitHeaders = (state: QuotaState): Record<string, string> => ({
  "x-ratelimit-resource-limit": String(state.limit),
  "x-ratelimit-resource-remaining": String(state.remaining),
  "x-ratelimit-resource-until": formatHttpDate(state.until)
})

interface Window {
  start: number
  used: number
}

/** The mutable limit state of a simulator. */
export class RateLimits {
  private readonly inFlight = new Map<number, number>()
  private readonly windows = new Map<string, Window>()
  /** The most requests seen in flight at once for one business. */
  maxInFlight = 0

  constructor(public config: LimitsConfig) {}

  /** Takes a parallel slot for the business, or returns false when all are taken. */
  tryEnter(businessId: number): boolean {
    const current = this.inFlight.get(businessId) ?? 0
    if (current >= this.config.parallel) return false
    this.inFlight.set(businessId, current + 1)
    this.maxInFlight = Math.max(this.maxInFlight, current + 1)
    return true
  }

  /** Gives back a parallel slot. */
  leave(businessId: number): void {
    const current = this.inFlight.get(businessId) ?? 0
    if (current <= 1) this.inFlight.delete(businessId)
    else this.inFlight.set(businessId, current - 1)
  }

  /** Requests in flight now, over all businesses. */
  totalInFlight(): number {
    let total = 0
    for (const count of this.inFlight.values()) total += count
    return total
  }

  private window(businessId: number, operation: Operation, now: number): Window | undefined {
    const window = this.windows.get(`${businessId}:${operation}`)
    return window && now < window.start + this.config.windowMillis ? window : undefined
  }

  /** The quota state without using any of it. */
  peek(businessId: number, operation: Operation, now: number): QuotaState {
    const limit = this.config.quotas[operation]
    const window = this.window(businessId, operation, now)
    return window ?
      { limit, remaining: Math.max(0, limit - window.used), until: window.start + this.config.windowMillis } :
      { limit, remaining: limit, until: now + this.config.windowMillis }
  }

  /** Uses one request of the quota; `ok` is false (and nothing is used) when it is spent. */
  consume(businessId: number, operation: Operation, now: number): QuotaState & { readonly ok: boolean } {
    const limit = this.config.quotas[operation]
    let window = this.window(businessId, operation, now)
    if (!window) {
      window = { start: now, used: 0 }
      this.windows.set(`${businessId}:${operation}`, window)
    }
    const until = window.start + this.config.windowMillis
    if (window.used >= limit) return { ok: false, limit, remaining: 0, until }
    window.used++
    return { ok: true, limit, remaining: limit - window.used, until }
  }

  /** Forgets every quota window (all quotas are full again). */
  resetQuotas(): void {
    this.windows.clear()
  }
}
