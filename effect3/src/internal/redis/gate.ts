/**
 * The Redis gate: a counting semaphore across processes, first come first served, with leases.
 * The calls and what runs on the server are the core's (`core/redis/gate.ts`, `scripts.ts`); this side
 * waits for a wake-up (or re-checks after a bounded delay, in case one is lost), keeps the lease of a
 * long request, and gives up its place when interrupted.
 */
import { Clock, Duration, Effect, Exit, Fiber, Option } from "effect"
import * as Core from "../../../../core/redis/gate.js"
import type { GateKeys } from "../../../../core/redis/keys.js"
import { LimiterUnavailableError } from "../../ChatsError.js"
import { recordGateFallback, recordLeaseLost, recordRedisUnavailable } from "../../ChatsMetrics.js"
import { type Gate, type LimitKey, makeMemoryGate, noteQueued, type QuotaState, type QuotaStore } from "../../ChatsLimiter.js"
import { reservingApart } from "../limiter/reservingGate.js"
import { attempt, type Connection, type RedisFailure } from "./connection.js"
import { spentState } from "./quotaStore.js"
import type { Wakeups } from "./wakeups.js"

/** Settings of the gate (times in milliseconds). */
export interface GateSettings extends Core.GateScriptSettings {
  /** Wait in the process's own gate when Redis cannot answer, instead of failing. */
  readonly fallback: boolean
}

/** A unit of an operation's quota asked with a slot. */
interface UnitAsked<A> {
  /** The key of the operation's quota state. */
  readonly quota: string
  /** The quota state the result reports, recorded when the slot is freed. */
  readonly reported: (a: A) => QuotaState | undefined
}

/** How a slot was obtained. */
type Grant = "lease" | "claim"

/** A slot: how it was obtained, and the answer of the quota unit taken with it (absent: none was). */
interface Slot {
  readonly grant: Grant
  readonly unit: string | undefined
}

const unavailable = (failure: RedisFailure) =>
  new LimiterUnavailableError({ limiter: "gate", description: failure.description })

/** Records an event on the current span, if any, and logs it. */
const noteLeaseLost = (key: LimitKey) =>
  Effect.zipRight(
    Effect.flatMap(Effect.option(Effect.currentSpan), (span) =>
      Option.isNone(span)
        ? Effect.void
        : Effect.map(Clock.currentTimeNanos, (now) =>
          span.value.event("yandex_market.gate_lease_lost", now, { "yandex_market.business_id": key.businessId }))),
    Effect.logWarning("ChatsClient: the Redis gate lost the lease of a request in flight (it goes on; the market may answer 420)").pipe(
      Effect.annotateLogs({ businessId: key.businessId })
    )
  )

/**
 * Makes a gate over Redis, with the keys of each business from `keysFor`. It takes a slot and a unit
 * of `quotaStore`'s quota in one step (see {@link Gate.reserving}): the units are kept beside the gate.
 */
export const make = (
  connection: Connection,
  wakeups: Wakeups,
  keysFor: (key: LimitKey) => GateKeys,
  quotaStore: QuotaStore,
  settings: GateSettings
): Gate => {
  const { lease, maxInFlight } = settings
  const claim = Core.claimOf(lease)
  const recheck = Math.max(1, Math.floor(claim / 3))
  const fallback = settings.fallback ? makeMemoryGate({ maxInFlight }) : undefined
  const calls = Core.makeGateCalls(connection.core, wakeups.core, settings)

  /**
   * Leaves the queue, or frees the slot, recording `state` at `quota` first if given: bounded, not
   * paused after a failure, and tried again until it lands or a lease has passed (see the core's
   * `leaveUntilLanded`). Returns once the first try is over.
   */
  const leave = (keys: GateKeys, token: string, quota?: string, state?: QuotaState) =>
    Effect.promise(() => calls.leaveUntilLanded(keys, token, quota, state))

  /**
   * Waits in line for a slot (and the unit of the quota at `quota`, if not ''): a wake-up, or a
   * re-check after the earliest lease ends (at most `recheck`). A slot handed over by a message (a
   * claim) is renewed before use: the claim may have run out while this process was starved, and the
   * slot gone to another; the caller then waits in line again.
   */
  const waitForSlot = (key: LimitKey, keys: GateKeys, token: string, quota: string): Effect.Effect<Slot, RedisFailure> =>
    Effect.gen(function*() {
      yield* wakeups.listen(keys.wakePrefix)
      let queued = false
      while (true) {
        wakeups.core.expect(token, keys.queue)
        let slot: Slot | undefined
        while (slot === undefined) {
          const acquired = yield* attempt((signal) => calls.acquire(keys, token, quota, { signal }))
          if (acquired._tag !== "wait") {
            slot = { grant: acquired._tag, unit: acquired.unit }
          } else {
            if (!queued) {
              queued = true
              yield* noteQueued(key)
            }
            if (yield* wakeups.wait(token, Math.min(acquired.millis, recheck))) {
              slot = { grant: wakeups.core.grantOf(token), unit: wakeups.core.unitOf(token) }
            }
          }
        }
        if (slot.grant === "lease") return slot
        if (yield* attempt((signal) => calls.renew(keys, token, { signal }))) return { grant: "lease", unit: slot.unit } as const
      }
    }).pipe(
      Effect.onExit((exit) => {
        wakeups.core.forget(token)
        if (Exit.isSuccess(exit)) return Effect.void
        // interrupted: leave the queue (or free a slot just handed over) before returning; failed:
        // Redis is out of reach, so leave in the background rather than delay the error. Either way
        // the clean-up is tried until it lands: an acquire Redis runs late must not keep a slot.
        return Exit.isInterrupted(exit) ? Effect.asVoid(leave(keys, token)) : Effect.sync(() => void calls.leaveUntilLanded(keys, token))
      })
    )

  /** Renews the lease every third of it (the first time sooner for a handed-over slot); records a lost one. */
  const renewals = (key: LimitKey, keys: GateKeys, token: string): Effect.Effect<void> =>
    Effect.gen(function*() {
      while (true) {
        const renewed = yield* Effect.either(attempt((signal) => calls.renew(keys, token, { signal })))
        if (renewed._tag === "Left") {
          yield* Effect.logWarning(`ChatsClient: the Redis gate could not renew a lease: ${renewed.left.description}`)
          yield* Effect.sleep(Duration.millis(Math.min(lease / 3, claim / 2)))
        } else if (!renewed.right) {
          yield* recordLeaseLost
          return yield* noteLeaseLost(key)
        } else {
          yield* Effect.sleep(Duration.millis(lease / 3))
        }
      }
    })

  /**
   * Keeps the lease while the request runs, and returns what stops that: a fiber in the caller's
   * context (for its span and logger) that renews the lease once it is due. Forked where
   * interruption is off, it turns it back on for itself.
   */
  const keep = (key: LimitKey, keys: GateKeys, token: string, grant: Grant): Effect.Effect<Effect.Effect<void>> =>
    Effect.map(
      Effect.fork(Effect.interruptible(
        Effect.zipRight(Effect.sleep(Duration.millis(grant === "lease" ? lease / 3 : claim / 2)), renewals(key, keys, token))
      )),
      (fiber) => Effect.asVoid(Fiber.interrupt(fiber))
    )

  /**
   * Frees the slot after the request, recording the state its answer reported in the same step; a
   * first try that fails is logged (the tries go on until the lease runs out, and the next answer
   * reports the quota again).
   */
  const release = (keys: GateKeys, token: string, quota?: string, state?: QuotaState) =>
    Effect.flatMap(leave(keys, token, quota, state), (outcome) =>
      outcome._tag === "landed"
        ? Effect.void
        : Effect.logWarning(`ChatsClient: the Redis gate could not free a slot yet (tried again until its lease runs out): ${outcome.failure.description}`))

  /**
   * Runs `use` while holding a slot, waiting in line for one. With `asked`, a unit of the operation's
   * quota is taken with the slot and `use` is given its answer (or `undefined` when it was lost), and
   * the state the result reports is recorded when the slot is freed. When Redis cannot answer, the
   * call fails, or with the fallback runs `atFallback` with this process's own gate.
   */
  const permit = <A, E, R>(
    key: LimitKey,
    asked: UnitAsked<A> | undefined,
    use: (unit: string | undefined) => Effect.Effect<A, E, R>,
    atFallback: (gate: Gate) => Effect.Effect<A, E | LimiterUnavailableError, R>
  ): Effect.Effect<A, E | LimiterUnavailableError, R> =>
    Effect.uninterruptibleMask((restore) => {
      const keys = keysFor(key)
      const token = wakeups.token()
      return Effect.flatMap(Effect.either(restore(waitForSlot(key, keys, token, asked?.quota ?? ""))), (waited) => {
        if (waited._tag === "Left") {
          const error = unavailable(waited.left)
          if (fallback === undefined) return Effect.zipRight(recordRedisUnavailable("gate"), Effect.fail(error))
          return Effect.zipRight(
            Effect.zipRight(recordGateFallback, Effect.logWarning(`ChatsClient: ${error.message}; waiting at this process's own gate instead`)),
            restore(atFallback(fallback))
          )
        }
        return Effect.flatMap(keep(key, keys, token, waited.right.grant), (stopKeeping) =>
          Effect.onExit(restore(use(waited.right.unit)), (exit) =>
            Effect.zipRight(
              stopKeeping,
              release(keys, token, asked?.quota, asked !== undefined && Exit.isSuccess(exit) ? asked.reported(exit.value) : undefined)
            )))
      })
    })

  return {
    withPermit: (key) => (effect) => permit(key, undefined, () => effect, (gate) => gate.withPermit(key)(effect)),
    reserving: {
      store: quotaStore,
      withPermit: (key, operation) => (use, reported) =>
        permit(
          key,
          { quota: keysFor(key).quotaPrefix + operation, reported },
          (unit) => use(unit === undefined ? quotaStore.reserve(key, operation) : Effect.succeed(spentState(unit))),
          (gate) => reservingApart(gate, quotaStore).withPermit(key, operation)(use, reported)
        )
    }
  }
}
