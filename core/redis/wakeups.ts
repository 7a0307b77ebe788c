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
  /** Starts expecting a wake-up for `token` (one that comes before {@link Wakeups.wait} is kept). */
  readonly expect: (token: string) => void
  /**
   * Waits at most `millis` for the wake-up of `token`, then calls `done` (true if it came); returns
   * what cancels the wait (`done` is then not called). One timer and no promise per wait.
   */
  readonly wait: (token: string, millis: number, done: (woken: boolean) => void) => () => void
  /** The answer of the quota unit that came with the wake-up of `token`, if one did. */
  readonly unitOf: (token: string) => string | undefined
  /** Stops expecting a wake-up for `token`. */
  readonly forget: (token: string) => void
  /** Wakes the caller that expects the token of a wake-up (`<token>` or `<token>=<unit>`), if it is in this process. */
  readonly wake: (wakeup: string) => void
}

/** A token expected by a caller of this process. */
interface Expected {
  woken: boolean
  unit: string | undefined
  resume: ((woken: boolean) => void) | undefined
}

/** Makes the wake-ups of a process over `connection`. */
export const makeWakeups = (connection: Connection): Wakeups => {
  const processId = randomBytes(6).toString("hex")
  let counter = 0
  const expected = new Map<string, Expected>()
  const listening = new Set<string>()
  const wake = (wakeup: string) => {
    const at = wakeup.indexOf("=")
    const e = expected.get(at === -1 ? wakeup : wakeup.slice(0, at))
    if (e === undefined) return
    e.woken = true
    if (at !== -1) e.unit = wakeup.slice(at + 1)
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
    expect: (token) => {
      expected.set(token, { woken: false, unit: undefined, resume: undefined })
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
    forget: (token) => {
      expected.delete(token)
    },
    wake
  }
}
