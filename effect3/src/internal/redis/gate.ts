/**
 * The Redis gate: a counting semaphore across processes, first come first served, with leases.
 * See `scripts.ts` for what runs on the server; this side waits for a wake-up (or re-checks after
 * a bounded delay, in case one is lost), keeps the lease of a long request, and gives up its place
 * when interrupted.
 */
import { Clock, Duration, Effect, Exit, Fiber, Option } from "effect"
import { LimiterUnavailableError } from "../../ChatsError.js"
import { type Gate, type LimitKey, makeMemoryGate, noteQueued, type QuotaState, type QuotaStore } from "../../ChatsLimiter.js"
import type { Connection, RedisFailure } from "./connection.js"
import { reservingApart } from "../limiter/reservingGate.js"
import type { GateKeys } from "./keys.js"
import { spentState, stateArgs } from "./quotaStore.js"
import * as Scripts from "./scripts.js"
import type { Wakeups } from "./wakeups.js"

/** Settings of the gate (times in milliseconds). */
export interface GateSettings {
  readonly maxInFlight: number
  /** How long a slot stays held without renewal; renewed every third of it. */
  readonly lease: number
  /** Wait in the process's own gate when Redis cannot answer, instead of failing. */
  readonly fallback: boolean
}

/**
 * How long a waiter's heartbeat, and a slot handed to a waiter before it renews it, stay valid: short
 * beside the lease, so that the waiters of a killed process are dropped before its leases run out.
 */
export const claimOf = (lease: number): number => Math.max(1, Math.min(Math.floor(lease / 2), 3000))

/**
 * Runs a gate script for `token` at the keys of one business; `quota`: the key of the quota state of
 * the caller's operation, and `state`: what to record there (see `scripts.ts`).
 */
export const runScript = (
  connection: Connection,
  script: Scripts.Script,
  keys: GateKeys,
  settings: { readonly maxInFlight: number; readonly lease: number },
  token: string,
  quota = "",
  state?: QuotaState
): Effect.Effect<unknown, RedisFailure> =>
  connection.run(
    script,
    [keys.holders, keys.queue, keys.waiters, keys.meta, keys.wakePrefix, keys.units],
    [
      settings.maxInFlight,
      settings.lease,
      claimOf(settings.lease),
      connection.publishCommand,
      token,
      quota,
      ...(state === undefined ? [] : stateArgs(state))
    ]
  )

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
  const claim = claimOf(lease)
  const recheck = Math.max(1, Math.floor(claim / 3))
  const fallback = settings.fallback ? makeMemoryGate({ maxInFlight }) : undefined

  const runGate = (script: Scripts.Script, keys: GateKeys, token: string, quota?: string, state?: QuotaState) =>
    runScript(connection, script, keys, settings, token, quota, state)

  /**
   * Leaves the queue, or frees the slot (true if the token held one), recording `state` at `quota`
   * first if given; wakes the local waiters handed a slot.
   */
  const leave = (keys: GateKeys, token: string, quota?: string, state?: QuotaState) =>
    Effect.map(runGate(Scripts.leave, keys, token, quota, state), (reply) => {
      const [held, ...woken] = reply as [number, ...Array<string>]
      for (const wakeup of woken) wakeups.wake(wakeup)
      return held === 1
    })

  /**
   * Waits in line for a slot (and the unit of the quota at `quota`, if not ''): a wake-up, or a
   * re-check after the earliest lease ends (at most `recheck`).
   */
  const waitForSlot = (key: LimitKey, keys: GateKeys, token: string, quota: string): Effect.Effect<Slot, RedisFailure> =>
    Effect.gen(function*() {
      yield* wakeups.listen(keys.wakePrefix)
      wakeups.expect(token)
      let queued = false
      while (true) {
        const [status, wait, unit] = (yield* runGate(Scripts.acquire, keys, token, quota)) as [number, number, string?]
        if (status === 1) return { grant: "lease", unit } as const
        if (status === 2) return { grant: "claim", unit } as const
        if (!queued) {
          queued = true
          yield* noteQueued(key)
        }
        if (yield* wakeups.wait(token, Math.min(wait, recheck))) return { grant: "claim", unit: wakeups.unitOf(token) } as const
      }
    }).pipe(
      Effect.onExit((exit) => {
        wakeups.forget(token)
        if (Exit.isSuccess(exit)) return Effect.void
        // interrupted: leave the queue (or free a slot just handed over) before returning; failed:
        // Redis is out of reach, so try it in the background rather than delay the error
        const cleanup = Effect.ignore(leave(keys, token))
        return Exit.isInterrupted(exit) ? cleanup : Effect.asVoid(Effect.forkDaemon(cleanup))
      })
    )

  /** Renews the lease every third of it (the first time sooner for a handed-over slot); records a lost one. */
  const renewals = (key: LimitKey, keys: GateKeys, token: string): Effect.Effect<void> =>
    Effect.gen(function*() {
      while (true) {
        const renewed = yield* Effect.either(runGate(Scripts.renew, keys, token))
        if (renewed._tag === "Left") {
          yield* Effect.logWarning(`ChatsClient: the Redis gate could not renew a lease: ${renewed.left.description}`)
          yield* Effect.sleep(Duration.millis(Math.min(lease / 3, claim / 2)))
        } else if (renewed.right !== 1) {
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
   * failure is logged (the lease runs out on its own, and the next answer reports the quota again).
   */
  const release = (keys: GateKeys, token: string, quota?: string, state?: QuotaState) =>
    Effect.catchAll(
      Effect.asVoid(leave(keys, token, quota, state)),
      (failure) => Effect.logWarning(`ChatsClient: the Redis gate could not free a slot (its lease will run out): ${failure.description}`)
    )

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
          if (fallback === undefined) return Effect.fail(error)
          return Effect.zipRight(
            Effect.logWarning(`ChatsClient: ${error.message}; waiting at this process's own gate instead`),
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
