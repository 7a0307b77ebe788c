/**
 * The Redis gate's calls: a counting semaphore across processes, first come first served (but for a
 * bounded number of local hand-offs), with leases (see `scripts.ts` for what runs on the server). The
 * editions wait for a wake-up between these calls, keep the lease of a long request, and give up a
 * caller's place when it stops waiting.
 */
import type { QuotaState } from "../limiter/quotaState.js"
import { type CallOptions, type Connection, monotonicMillis, RedisCallError } from "./connection.js"
import type { GateKeys } from "./keys.js"
import { stateArgs } from "./quota.js"
import * as Scripts from "./scripts.js"
import type { Wakeups } from "./wakeups.js"

/** Settings of the gate's scripts (times in milliseconds). */
export interface GateScriptSettings {
  readonly maxInFlight: number
  /** How long a slot stays held without renewal; renewed every third of it. */
  readonly lease: number
  /**
   * How many times in a row a slot freed in a process may go to a waiter of that process past the
   * oldest waiter of another process (see `scripts.ts`'s `leave`): 0 for first come, first served
   * strictly. Default {@link defaultHandoffs}.
   */
  readonly handoffs?: number | undefined
}

/** The default of {@link GateScriptSettings.handoffs}. */
export const defaultHandoffs = 4

/**
 * How long a waiter's heartbeat, and a slot handed to a waiter before it renews it, stay valid: short
 * beside the lease, so that the waiters of a killed process are dropped before its leases run out.
 */
export const claimOf = (lease: number): number => Math.max(1, Math.min(Math.floor(lease / 2), 3000))

/**
 * Runs a gate script for `token` at the keys of one business; `quota`: the key of the quota state of
 * the caller's operation, `state`: what to record there, and `candidate`: the waiter of the caller's
 * process a freed slot may go to (see `scripts.ts`). The raw reply.
 */
export const runScript = (
  connection: Connection,
  script: Scripts.Script,
  keys: GateKeys,
  settings: GateScriptSettings,
  token: string,
  quota = "",
  state?: QuotaState,
  options?: CallOptions,
  candidate = ""
): Promise<unknown> =>
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
      settings.handoffs ?? defaultHandoffs,
      candidate,
      ...(state === undefined ? [] : stateArgs(state))
    ],
    options
  )

/**
 * What `acquire` answered: a slot held for a lease (`lease`), a slot handed over while the caller
 * waited (`claim`, to renew before use: it may have run out), each with the answer of the quota unit taken with it (absent when
 * none was asked, or it was lost); or `wait` at most `millis` before asking again.
 */
export type Acquired =
  | { readonly _tag: "lease" | "claim"; readonly unit: string | undefined }
  | { readonly _tag: "wait"; readonly millis: number }

/** The gate's calls for one process. */
export interface GateCalls {
  /** Queues the caller once, beats its heartbeat, and takes a slot if one is free for it (with a unit of the quota at `quota`, if not ''). */
  readonly acquire: (keys: GateKeys, token: string, quota: string, options?: CallOptions) => Promise<Acquired>
  /** Extends the caller's lease: false when it no longer held its slot (the lease was lost). */
  readonly renew: (keys: GateKeys, token: string, options?: CallOptions) => Promise<boolean>
  /**
   * Leaves the queue, or frees the slot (true if the token held one), recording `state` at `quota`
   * first if given; the slot may go to this process's oldest waiter of the business (a local
   * hand-off). Wakes this process's waiters handed a slot (for a lease).
   */
  readonly leave: (keys: GateKeys, token: string, quota?: string, state?: QuotaState, options?: CallOptions) => Promise<boolean>
  /**
   * {@link GateCalls.leave} for a clean-up that must land: a caller that stopped waiting (its acquire
   * may still run when Redis resumes, and hand it a slot), or a slot freed after a request. Each try is
   * bounded but not paused after a failure; a try that cannot reach Redis is followed by another
   * until one lands or a lease has passed (by then what it left behind has run out on its own).
   * Settles with the first try: it landed, or it failed and the tries go on in the background.
   */
  readonly leaveUntilLanded: (keys: GateKeys, token: string, quota?: string, state?: QuotaState) => Promise<LeaveOutcome>
}

/** What the first try of {@link GateCalls.leaveUntilLanded} did: it landed, or it failed (and whether more tries follow). */
export type LeaveOutcome =
  | { readonly _tag: "landed"; readonly held: boolean }
  | { readonly _tag: "failed"; readonly failure: RedisCallError; readonly retrying: boolean }

/** A reply of the acquire script as what it means. */
const acquired = (reply: unknown): Acquired => {
  const [status, wait, unit] = reply as [number, number, string?]
  if (status === 1) return { _tag: "lease", unit }
  if (status === 2) return { _tag: "claim", unit }
  return { _tag: "wait", millis: Number(wait) }
}

/** Makes the gate's calls of a process over `connection`, waking its waiters through `wakeups`. */
export const makeGateCalls = (connection: Connection, wakeups: Wakeups, settings: GateScriptSettings): GateCalls => {
  const leave: GateCalls["leave"] = (keys, token, quota, state, options) =>
    runScript(connection, Scripts.leave, keys, settings, token, quota, state, options, wakeups.oldestWaiting(keys.queue) ?? "")
      .then((reply) => {
        const [held, ...woken] = reply as [number, ...Array<string>]
        for (const wakeup of woken) wakeups.wake(wakeup, "lease")
        return held === 1
      })

  // between two tries that could not reach Redis: a timeout (a try that fails at once does not spin)
  const spacing = Math.max(50, Math.min(connection.timeoutMillis, 1000))
  const leaveUntilLanded: GateCalls["leaveUntilLanded"] = (keys, token, quota, state) => {
    const giveUpAt = monotonicMillis() + settings.lease
    const once = () => leave(keys, token, quota, state, { pausable: false })
    /** Whether another try may help: Redis was out of reach (an error reply would come again), and there is time. */
    const worthRetrying = (error: unknown) =>
      !(error instanceof RedisCallError && error.answered) && !connection.closed() && monotonicMillis() + spacing < giveUpAt
    const retryLater = (): void => {
      setTimeout(() => {
        if (!connection.closed()) once().catch((error: unknown) => worthRetrying(error) && retryLater())
      }, spacing).unref()
    }
    return once().then(
      (held): LeaveOutcome => ({ _tag: "landed", held }),
      (error: unknown): LeaveOutcome => {
        const retrying = worthRetrying(error)
        if (retrying) retryLater()
        return { _tag: "failed", failure: error instanceof RedisCallError ? error : new RedisCallError(String(error)), retrying }
      }
    )
  }

  return {
    acquire: (keys, token, quota, options) =>
      runScript(connection, Scripts.acquire, keys, settings, token, quota, undefined, options).then(acquired),
    renew: (keys, token, options) =>
      runScript(connection, Scripts.renew, keys, settings, token, "", undefined, options).then((reply) => reply === 1),
    leave,
    leaveUntilLanded
  }
}
