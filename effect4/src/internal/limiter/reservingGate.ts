/**
 * The limits one call goes through, as one `ReservingGate`: the gate's own `reserving` when it is kept
 * beside the client's quota store, the in-memory gate and store as one, otherwise the gate and the store apart.
 */
import { Effect } from "effect"
import type { Gate, QuotaStore, ReservingGate } from "../../ChatsLimiter.js"
import { memoryLimits, memoryQuotas, memorySlots } from "./memoryLimits.js"
import { quotaStoreFailed } from "./quotaStoreFailed.js"

/**
 * A gate and a quota store apart: the unit is reserved through the store once the slot is taken, and
 * the answer's quota recorded before the slot is freed, so that a call waiting for the slot sees the
 * quota that answer reported (a store that cannot record is logged: it fails open).
 */
export const reservingApart = (gate: Gate, store: QuotaStore): ReservingGate => ({
  store,
  withPermit: (key, operation) => {
    const reservation = store.reserve(key, operation)
    return (use, reported) =>
      gate.withPermit(key)(Effect.tap(use(reservation), (a) => {
        const state = reported(a)
        return state === undefined ? Effect.void : Effect.catch(store.record(key, operation, state), quotaStoreFailed)
      }))
  }
})

/**
 * The limits of a client with `gate` and `store`: `gate.reserving` when its store is `store`; the two
 * as one when both are this library's in-memory ones (see `memoryLimits.ts`); else the two apart.
 */
export const limitsOf = (gate: Gate, store: QuotaStore): ReservingGate => {
  if (gate.reserving !== undefined && gate.reserving.store === store) return gate.reserving
  const apart = reservingApart(gate, store)
  const slots = memorySlots.get(gate)
  const quotas = memoryQuotas.get(store)
  return slots === undefined || quotas === undefined ? apart : memoryLimits(slots, store, quotas, apart)
}
