/**
 * The client's default limits, the in-memory gate and the in-memory quota store, as one
 * `ReservingGate`: a call that finds a slot free takes it, takes a unit of the quota, and, once its
 * answer is read, records the answer's quota and frees the slot, all in plain steps of one
 * uninterruptible region (no effect of the store in between: the store is a table in this process).
 * A call that has to wait goes through the gate and the store apart, as with any other gate.
 */
import { Effect, Exit, Option } from "effect"
import { gateKey, type SlotTable } from "../../../../core/limiter/fifoSlots.js"
import { type MemoryQuotaTable, quotaKey } from "../../../../core/limiter/memoryQuotaTable.js"
import type { Gate, QuotaStore, ReservingGate } from "../../ChatsLimiter.js"

/** The tables behind the in-memory gates and stores of this library, by gate and by store. */
export const memorySlots = new WeakMap<Gate, SlotTable>()
/** See {@link memorySlots}. */
export const memoryQuotas = new WeakMap<QuotaStore, MemoryQuotaTable>()

/** The in-memory gate and store as one; `apart` serves the calls that have to wait for a slot. */
export const memoryLimits = (
  slotTable: SlotTable,
  store: QuotaStore,
  quotaTable: MemoryQuotaTable,
  apart: ReservingGate
): ReservingGate => ({
  store,
  withPermit: (key, operation) => (use, reported) =>
    Effect.uninterruptibleMask((restore) => {
      const slots = slotTable.slotsOf(gateKey(key.businessId, key.api))
      if (!slots.tryTake()) return restore(apart.withPermit(key, operation)(use, reported))
      return Effect.clockWith((clock) => {
        const quota = quotaKey(key.businessId, operation, key.api)
        const reservation = Effect.succeed(Option.fromUndefinedOr(quotaTable.reserve(quota, clock.currentTimeMillisUnsafe())))
        return Effect.onExit(restore(use(reservation)), (exit) => {
          const state = Exit.isSuccess(exit) ? reported(exit.value) : undefined
          if (state !== undefined) quotaTable.record(quota, state, clock.currentTimeMillisUnsafe())
          slots.release()
          return Effect.void
        })
      })
    })
})
