/**
 * The in-memory gate: a fair counting semaphore per business and API, kept only while a request of
 * that business is in flight or waiting.
 */
import { Effect } from "effect"
import type { Gate, LimitKey } from "../../ChatsLimiter.js"

/** Notes on the current span and in the debug log that a request waits for a slot. */
export const noteQueued = (key: LimitKey): Effect.Effect<void> =>
  Effect.zipRight(
    Effect.annotateCurrentSpan("yandex_market.gate_queued", true),
    Effect.logDebug("ChatsClient: waiting for a slot at the concurrency gate").pipe(
      Effect.annotateLogs({ businessId: key.businessId })
    )
  )

/** A fair counting semaphore: a released slot goes straight to the longest waiter. */
class FifoSlots {
  private inFlight = 0
  private readonly waiters: Array<{ readonly resume: () => void; handed: boolean }> = []

  constructor(private readonly max: number, private readonly onIdle: () => void) {}

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

  /** Hands the slot to the next waiter, or frees it (and tells when nothing is left in flight). */
  releaseUnsafe(): void {
    const next = this.waiters.shift()
    if (next === undefined) {
      this.inFlight--
      if (this.inFlight === 0) this.onIdle()
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

/** An in-memory gate of `maxInFlight` slots per business and API, and how many businesses it holds state for. */
export const makeTrackedMemoryGate = (maxInFlight: number): { readonly gate: Gate; readonly tracked: () => number } => {
  const slots = new Map<string, FifoSlots>()
  const slotsOf = (key: LimitKey): FifoSlots => {
    const id = `${key.businessId} ${key.api}`
    let s = slots.get(id)
    if (s === undefined) {
      s = new FifoSlots(maxInFlight, () => slots.delete(id))
      slots.set(id, s)
    }
    return s
  }
  return {
    tracked: () => slots.size,
    gate: {
      withPermit: (key) => (effect) =>
        Effect.uninterruptibleMask((restore) => {
          const s = slotsOf(key)
          return Effect.zipRight(
            restore(s.full ? Effect.zipRight(noteQueued(key), s.acquire) : s.acquire),
            Effect.ensuring(restore(effect), s.release)
          )
        })
    }
  }
}
