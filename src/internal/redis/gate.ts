/**
 * The Redis gate: a counting semaphore across processes, first come first served, with leases.
 * See `scripts.ts` for what runs on the server; this side waits for a wake-up (or re-checks after
 * a bounded delay, in case one is lost), keeps the lease of a long request, and gives up its place
 * when interrupted.
 */
import { Clock, Duration, Effect, Exit, Fiber, Option } from "effect"
import { LimiterUnavailableError } from "../../ChatsError.js"
import { type Gate, type LimitKey, makeMemoryGate, noteQueued } from "../../ChatsLimiter.js"
import type { Connection, RedisFailure } from "./connection.js"
import { type GateKeys, gateKeys } from "./keys.js"
import * as Scripts from "./scripts.js"
import type { Wakeups } from "./wakeups.js"

/** Settings of the gate (times in milliseconds). */
export interface GateSettings {
  readonly maxInFlight: number
  /** How long a slot stays held without renewal; renewed every third of it. */
  readonly lease: number
  /** Prefix of the keys and channels. */
  readonly prefix: string
  /** Wait in the process's own gate when Redis cannot answer, instead of failing. */
  readonly fallback: boolean
}

/**
 * How long a waiter's heartbeat, and a slot handed to a waiter before it renews it, stay valid: short
 * beside the lease, so that the waiters of a killed process are dropped before its leases run out.
 */
export const claimOf = (lease: number): number => Math.max(1, Math.min(Math.floor(lease / 2), 3000))

/** Runs a gate script for `token` at the keys of one business. */
export const runScript = (
  connection: Connection,
  script: Scripts.Script,
  keys: GateKeys,
  settings: { readonly maxInFlight: number; readonly lease: number },
  token: string
): Effect.Effect<unknown, RedisFailure> =>
  connection.run(
    script,
    [keys.holders, keys.queue, keys.waiters, keys.meta, keys.wakePrefix],
    [settings.maxInFlight, settings.lease, claimOf(settings.lease), connection.publishCommand, token]
  )

/** How a slot was obtained. */
type Grant = "lease" | "claim"

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

/** Makes a gate over Redis. */
export const make = (connection: Connection, wakeups: Wakeups, settings: GateSettings): Gate => {
  const { lease, maxInFlight, prefix } = settings
  const claim = claimOf(lease)
  const recheck = Math.max(1, Math.floor(claim / 3))
  const fallback = settings.fallback ? makeMemoryGate({ maxInFlight }) : undefined
  const keysOf = new Map<string, GateKeys>()
  const keysFor = (key: LimitKey): GateKeys => {
    const id = `${key.businessId} ${key.api}`
    let keys = keysOf.get(id)
    if (keys === undefined) {
      keys = gateKeys(prefix, key)
      keysOf.set(id, keys)
    }
    return keys
  }

  const runGate = (script: Scripts.Script, keys: GateKeys, token: string) =>
    runScript(connection, script, keys, settings, token)

  /** Leaves the queue, or frees the slot (true if the token held one); wakes the local waiters handed a slot. */
  const leave = (keys: GateKeys, token: string) =>
    Effect.map(runGate(Scripts.leave, keys, token), (reply) => {
      const [held, ...handed] = reply as [number, ...Array<string>]
      for (const t of handed) wakeups.wake(t)
      return held === 1
    })

  /** Waits in line for a slot: a wake-up, or a re-check after the earliest lease ends (at most `recheck`). */
  const waitForSlot = (key: LimitKey, keys: GateKeys, token: string): Effect.Effect<Grant, RedisFailure> =>
    Effect.gen(function*() {
      yield* wakeups.listen(keys.wakePrefix)
      wakeups.expect(token)
      let queued = false
      while (true) {
        const [status, wait] = (yield* runGate(Scripts.acquire, keys, token)) as [number, number]
        if (status === 1) return "lease"
        if (status === 2) return "claim"
        if (!queued) {
          queued = true
          yield* noteQueued(key)
        }
        if (yield* wakeups.wait(token, Math.min(wait, recheck))) return "claim"
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

  /** Frees the slot after the request; a failure is logged (the lease runs out on its own). */
  const release = (keys: GateKeys, token: string) =>
    Effect.catchAll(
      Effect.asVoid(leave(keys, token)),
      (failure) => Effect.logWarning(`ChatsClient: the Redis gate could not free a slot (its lease will run out): ${failure.description}`)
    )

  return {
    withPermit: (key) => (effect) =>
      Effect.uninterruptibleMask((restore) => {
        const keys = keysFor(key)
        const token = wakeups.token()
        return Effect.flatMap(Effect.either(restore(waitForSlot(key, keys, token))), (waited) => {
          if (waited._tag === "Left") {
            const error = unavailable(waited.left)
            return fallback === undefined
              ? Effect.fail(error)
              : Effect.zipRight(
                Effect.logWarning(`ChatsClient: ${error.message}; waiting at this process's own gate instead`),
                restore(fallback.withPermit(key)(effect))
              )
          }
          return Effect.flatMap(keep(key, keys, token, waited.right), (stopKeeping) =>
            restore(effect).pipe(
              Effect.ensuring(Effect.zipRight(stopKeeping, release(keys, token)))
            ))
        })
      })
  }
}
