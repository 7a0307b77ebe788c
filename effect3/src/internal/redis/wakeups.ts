/**
 * Wake-ups of the fibers waiting at the Redis gate. A process listens on one channel per business
 * (its wake prefix followed by the process id) on its one pub/sub connection; a script that hands a
 * slot to a waiter publishes the waiter's token there (followed by `=` and the answer of the quota
 * unit taken with the slot, when the waiter asked for one), and the message completes that fiber's wait.
 */
import { randomBytes } from "node:crypto"
import { Effect } from "effect"
import type { Connection, RedisFailure } from "./connection.js"

/** The wake-ups of one process. */
export interface Wakeups {
  /** This process's id: the first part of its tokens and the last part of its channels. */
  readonly processId: string
  /** A new token, unique across processes. */
  readonly token: () => string
  /** Makes sure the process listens on the channel of `wakePrefix` (subscribes once, then returns at once). */
  readonly listen: (wakePrefix: string) => Effect.Effect<void, RedisFailure>
  /** Starts expecting a wake-up for `token` (one that comes before {@link Wakeups.wait} is kept). */
  readonly expect: (token: string) => void
  /** Waits at most `millis` for the wake-up of `token`: true if it came. */
  readonly wait: (token: string, millis: number) => Effect.Effect<boolean>
  /** The answer of the quota unit that came with the wake-up of `token`, if one did. */
  readonly unitOf: (token: string) => string | undefined
  /** Stops expecting a wake-up for `token`. */
  readonly forget: (token: string) => void
  /** Wakes the fiber that expects the token of a wake-up (`<token>` or `<token>=<unit>`), if it is in this process. */
  readonly wake: (wakeup: string) => void
}

/** A token expected by a fiber of this process. */
interface Expected {
  woken: boolean
  unit: string | undefined
  resume: ((woken: boolean) => void) | undefined
}

/** Makes the wake-ups of a process over `connection`. */
export const make = (connection: Connection): Wakeups => {
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
    listen: (wakePrefix) =>
      listening.has(wakePrefix)
        ? Effect.void
        : Effect.tap(connection.subscribe(wakePrefix + processId, wake), () => listening.add(wakePrefix)),
    expect: (token) => {
      expected.set(token, { woken: false, unit: undefined, resume: undefined })
    },
    // one timer and no fiber per wait: a waiting fiber costs as little as it can
    wait: (token, millis) =>
      Effect.async<boolean>((resume) => {
        const e = expected.get(token)
        if (e === undefined || e.woken) return resume(Effect.succeed(true))
        const timer = setTimeout(() => {
          e.resume = undefined
          resume(Effect.succeed(false))
        }, millis)
        e.resume = (woken) => {
          e.resume = undefined
          clearTimeout(timer)
          resume(Effect.succeed(woken))
        }
        return Effect.sync(() => {
          e.resume = undefined
          clearTimeout(timer)
        })
      }),
    unitOf: (token) => expected.get(token)?.unit,
    forget: (token) => {
      expected.delete(token)
    },
    wake
  }
}
