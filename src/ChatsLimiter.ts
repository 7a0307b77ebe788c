/**
 * Keeping the client under the market's limits before it sends: a concurrency
 * gate (at most 4 requests in flight per business) and a quota store (the last
 * `X-RateLimit-Resource-*` state per business and operation).
 *
 * Both are interfaces: the in-memory versions here serve one process. Several
 * processes that share a business cannot see each other's requests through them;
 * they still get parallel-limit 420s now and then, which the retry schedule absorbs.
 * A shared implementation (Redis, a database) plugs in through the client's
 * `gate` and `quotaStore` options.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import type { Operation } from "./ChatsError.js"

/**
 * The market's limit of requests in flight at once for one business.
 *
 * @since 0.1.0
 * @category constants
 */
export const marketParallelLimit = 4

/**
 * Admits at most a fixed number of requests in flight per business, first come, first served.
 *
 * @since 0.1.0
 * @category models
 */
export interface Gate {
  /** Runs `effect` while holding one of the business's slots, waiting in line for one if needed. */
  readonly withPermit: (businessId: number) => <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
}

/** Notes on the current span and in the debug log that a request waits for a slot. */
const queued = (businessId: number): Effect.Effect<void> =>
  Effect.zipRight(
    Effect.annotateCurrentSpan("yandex_market.gate_queued", true),
    Effect.logDebug("ChatsClient: waiting for a slot at the concurrency gate").pipe(
      Effect.annotateLogs({ businessId })
    )
  )

/** A fair counting semaphore: a released slot goes straight to the longest waiter. */
class FifoSlots {
  private inFlight = 0
  private readonly waiters: Array<{ readonly resume: () => void; handed: boolean }> = []

  constructor(private readonly max: number) {}

  /** Waits for a slot; interruptible while waiting, and a slot handed over at that moment is passed on. */
  readonly acquire: Effect.Effect<void> = Effect.async<void>((resume) => {
    if (this.inFlight < this.max && this.waiters.length === 0) {
      this.inFlight++
      resume(Effect.void)
      return
    }
    const waiter = { resume: () => resume(Effect.void), handed: false }
    this.waiters.push(waiter)
    return Effect.sync(() => {
      if (waiter.handed) this.releaseUnsafe()
      else this.waiters.splice(this.waiters.indexOf(waiter), 1)
    })
  })

  /** Hands the slot to the next waiter, or frees it. */
  releaseUnsafe(): void {
    const next = this.waiters.shift()
    if (next === undefined) {
      this.inFlight--
    } else {
      next.handed = true
      next.resume()
    }
  }

  readonly release: Effect.Effect<void> = Effect.sync(() => this.releaseUnsafe())

  /** Whether a new request would have to wait. */
  get full(): boolean {
    return this.inFlight >= this.max || this.waiters.length > 0
  }
}

/**
 * An in-memory gate: at most `maxInFlight` requests in flight per business (default 4, the market's limit).
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeGate = (maxInFlight: number = marketParallelLimit): Gate => {
  const slots = new Map<number, FifoSlots>()
  const slotsOf = (businessId: number): FifoSlots => {
    let s = slots.get(businessId)
    if (s === undefined) {
      s = new FifoSlots(maxInFlight)
      slots.set(businessId, s)
    }
    return s
  }
  return {
    withPermit: (businessId) => (effect) => {
      const s = slotsOf(businessId)
      return Effect.uninterruptibleMask((restore) =>
        Effect.zipRight(
          restore(s.full ? Effect.zipRight(queued(businessId), s.acquire) : s.acquire),
          Effect.ensuring(restore(effect), s.release)
        )
      )
    }
  }
}

/**
 * What the last answer of an operation said about its quota.
 *
 * @since 0.1.0
 * @category models
 */
export interface QuotaState {
  /** Requests left in the window. */
  readonly remaining: number
  /** When the window resets, in epoch milliseconds. */
  readonly resetsAt: number
  /** The quota of the window, when the answer said. */
  readonly limit?: number | undefined
}

/**
 * Remembers the quota state per business and operation.
 *
 * @since 0.1.0
 * @category models
 */
export interface QuotaStore {
  /** The last known state, or undefined. */
  readonly get: (businessId: number, operation: Operation) => Effect.Effect<QuotaState | undefined>
  /** Records the state an answer reported. */
  readonly set: (businessId: number, operation: Operation, state: QuotaState) => Effect.Effect<void>
}

/**
 * An in-memory quota store for one process.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeQuotaStore = (): QuotaStore => {
  const states = new Map<string, QuotaState>()
  return {
    get: (businessId, operation) => Effect.sync(() => states.get(`${businessId}/${operation}`)),
    set: (businessId, operation, state) => Effect.sync(() => void states.set(`${businessId}/${operation}`, state))
  }
}
