/**
 * The in-memory quota store: the table of `core/limiter/memoryQuotaTable.ts` behind the `QuotaStore`
 * interface, read at the time of the Effect `Clock`.
 */
import { Clock, Effect, Option } from "effect"
import { MemoryQuotaTable, quotaKey } from "../../../../core/limiter/memoryQuotaTable.js"
import type { QuotaStore } from "../../ChatsLimiter.js"
import { memoryQuotas } from "./memoryLimits.js"

/** An in-memory quota store, and how many states it holds. */
export const makeTrackedMemoryQuotaStore = (): { readonly store: QuotaStore; readonly tracked: () => number } => {
  const table = new MemoryQuotaTable()
  const store: QuotaStore = {
    reserve: (key, operation) =>
      Effect.map(
        Clock.currentTimeMillis,
        (now) => Option.fromUndefinedOr(table.reserve(quotaKey(key.businessId, operation, key.api), now))
      ),
    record: (key, operation, state) =>
      Effect.map(Clock.currentTimeMillis, (now) => table.record(quotaKey(key.businessId, operation, key.api), state, now))
  }
  memoryQuotas.set(store, table)
  return { store, tracked: () => table.size }
}
