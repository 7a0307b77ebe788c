/**
 * The in-memory gate: the fair semaphores of `core/limiter/fifoSlots.ts`, one per business and API,
 * behind the `Gate` interface. A call that finds a slot free takes it without suspending.
 */
import { Effect } from "effect"
import { type FifoSlots, gateKey, SlotTable } from "../../../../core/limiter/fifoSlots.js"
import type { Gate, LimitKey } from "../../ChatsLimiter.js"
import { memorySlots } from "./memoryLimits.js"

/** Notes on the current span and in the debug log that a request waits for a slot. */
export const noteQueued = (key: LimitKey): Effect.Effect<void> =>
  Effect.andThen(
    Effect.annotateCurrentSpan("yandex_market.gate_queued", true),
    Effect.logDebug("ChatsClient: waiting for a slot at the concurrency gate").pipe(
      Effect.annotateLogs({ businessId: key.businessId })
    )
  )

/** Waits for a slot; interruptible while waiting, and a slot handed over at that moment is passed on. */
const acquire = (slots: FifoSlots): Effect.Effect<void> =>
  Effect.callback<void>((resume) => {
    if (slots.tryTake()) {
      resume(Effect.void)
      return
    }
    const waiter = slots.wait(() => resume(Effect.void))
    return Effect.sync(() => slots.cancel(waiter))
  })

/** An in-memory gate of `maxInFlight` slots per business and API, and how many businesses it holds state for. */
export const makeTrackedMemoryGate = (maxInFlight: number): { readonly gate: Gate; readonly tracked: () => number } => {
  const table = new SlotTable(maxInFlight)
  const gate: Gate = {
    withPermit: (key) => (effect) =>
      Effect.uninterruptibleMask((restore) => {
        const slots = table.slotsOf(gateKey(key.businessId, key.api))
        const release = Effect.sync(() => slots.release())
        // the uncontended path: the slot is taken here, with no suspension and no note
        if (slots.tryTake()) return Effect.ensuring(restore(effect), release)
        return Effect.andThen(
          restore(Effect.andThen(noteQueued(key), acquire(slots))),
          Effect.ensuring(restore(effect), release)
        )
      })
  }
  memorySlots.set(gate, table)
  return { gate, tracked: () => table.size }
}
