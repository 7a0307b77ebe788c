/**
 * Wake-ups of the callers waiting at the Redis gate. A process listens on one channel per business
 * (its wake prefix followed by the process id) on its one pub/sub connection; a script that hands a
 * slot to a waiter publishes the waiter's token there (followed by `=` and the answer of the quota
 * unit taken with the slot, when the waiter asked for one), and the message ends that caller's wait.
 */
import { randomBytes } from "node:crypto"
import type { Connection } from "./connection.js"

/** The wake-ups of one process. */
export interface Wakeups {
  /** This process's id: the first part of its tokens and the last part of its channels. */
  readonly processId: string
  /** A new token, unique across processes. */
  readonly token: () => string
  /** Whether the process already listens on the channel of `wakePrefix`. */
  readonly listening: (wakePrefix: string) => boolean
  /** Makes sure the process listens on the channel of `wakePrefix` (subscribes once). */
  readonly listen: (wakePrefix: string, signal?: AbortSignal) => Promise<void>
  /**
   * Starts expecting a wake-up for `token`, waiting in the queue `queue` (a business's gate); one that
   * comes before {@link Wakeups.wait} is kept.
   */
  readonly expect: (token: string, queue: string) => void
  /** The token of this process that has waited longest in `queue` and is not woken yet, if any: where a slot freed here may go. */
  readonly oldestWaiting: (queue: string) => string | undefined
  /**
   * Waits at most `millis` for the wake-up of `token`, then calls `done` (true if it came); returns
   * what cancels the wait (`done` is then not called). One timer and no promise per wait.
   */
  readonly wait: (token: string, millis: number, done: (woken: boolean) => void) => () => void
  /** The answer of the quota unit that came with the wake-up of `token`, if one did. */
  readonly unitOf: (token: string) => string | undefined
  /**
   * How the slot of `token`'s wake-up was handed over: for a lease (by a script this process ran: it
   * starts at once), or for a claim (a message: renewed first, since it may have run out meanwhile).
   */
  readonly grantOf: (token: string) => Grant
  /** Stops expecting a wake-up for `token`. */
  readonly forget: (token: string) => void
  /**
   * Wakes the caller that expects the token of a wake-up (`<token>` or `<token>=<unit>`), if it is in
   * this process: a message is a `claim` (the default), a script's reply a `lease`.
   */
  readonly wake: (wakeup: string, grant?: Grant) => void
}

/** How a slot was handed to a waiter: for a lease, or for a claim to renew before use. */
export type Grant = "lease" | "claim"

/** A token expected by a caller of this process. */
interface Expected {
  readonly queue: string
  woken: boolean
  grant: Grant
  unit: string | undefined
  resume: ((woken: boolean) => void) | undefined
}

/** Makes the wake-ups of a process over `connection`. */
export const makeWakeups = (connection: Connection): Wakeups => {
  const processId = randomBytes(6).toString("hex")
  let counter = 0
  const expected = new Map<string, Expected>()
  // the tokens not yet woken, by queue, oldest first
  const waiting = new Map<string, Set<string>>()
  const listening = new Set<string>()
  const stopWaiting = (token: string, e: Expected) => {
    const tokens = waiting.get(e.queue)
    if (tokens === undefined) return
    tokens.delete(token)
    if (tokens.size === 0) waiting.delete(e.queue)
  }
  const wake = (wakeup: string, grant: Grant = "claim") => {
    const at = wakeup.indexOf("=")
    const token = at === -1 ? wakeup : wakeup.slice(0, at)
    const e = expected.get(token)
    if (e === undefined || e.woken) return
    e.woken = true
    e.grant = grant
    if (at !== -1) e.unit = wakeup.slice(at + 1)
    stopWaiting(token, e)
    e.resume?.(true)
  }
  return {
    processId,
    token: () => `${processId}:${(counter++).toString(36)}`,
    listening: (wakePrefix) => listening.has(wakePrefix),
    listen: (wakePrefix, signal) =>
      listening.has(wakePrefix)
        ? Promise.resolve()
        : connection.subscribe(wakePrefix + processId, wake, { signal }).then(() => {
          listening.add(wakePrefix)
        }),
    expect: (token, queue) => {
      expected.set(token, { queue, woken: false, grant: "claim", unit: undefined, resume: undefined })
      let tokens = waiting.get(queue)
      if (tokens === undefined) waiting.set(queue, tokens = new Set())
      tokens.add(token)
    },
    oldestWaiting: (queue) => {
      const tokens = waiting.get(queue)
      return tokens === undefined ? undefined : tokens.values().next().value
    },
    wait: (token, millis, done) => {
      const e = expected.get(token)
      if (e === undefined || e.woken) {
        done(true)
        return () => {}
      }
      const timer = setTimeout(() => {
        e.resume = undefined
        done(false)
      }, millis)
      e.resume = (woken) => {
        e.resume = undefined
        clearTimeout(timer)
        done(woken)
      }
      return () => {
        e.resume = undefined
        clearTimeout(timer)
      }
    },
    unitOf: (token) => expected.get(token)?.unit,
    grantOf: (token) => expected.get(token)?.grant ?? "claim",
    forget: (token) => {
      const e = expected.get(token)
      if (e === undefined) return
      stopWaiting(token, e)
      expected.delete(token)
    },
    wake
  }
}
