/**
 * Wake-ups of the fibers waiting at the Redis gate. A process listens on one channel per business
 * (its wake prefix followed by the process id) on its one pub/sub connection; a script that hands a
 * slot to a waiter publishes the waiter's token there, and the message completes that fiber's latch.
 */
import { randomBytes } from "node:crypto"
import { Deferred, Effect } from "effect"
import type { Connection, RedisFailure } from "./connection.js"

/** The wake-ups of one process. */
export interface Wakeups {
  /** This process's id: the first part of its tokens and the last part of its channels. */
  readonly processId: string
  /** A new token, unique across processes. */
  readonly token: () => string
  /** Makes sure the process listens on the channel of `wakePrefix` (subscribes once, then returns at once). */
  readonly listen: (wakePrefix: string) => Effect.Effect<void, RedisFailure>
  /** A latch that a wake-up for `token` opens, until `forget` is called. */
  readonly expect: (token: string) => Effect.Effect<Deferred.Deferred<void>>
  /** Stops expecting a wake-up for `token`. */
  readonly forget: (token: string) => void
  /** Wakes the fiber that expects `token`, if it is in this process. */
  readonly wake: (token: string) => void
}

/** Makes the wake-ups of a process over `connection`. */
export const make = (connection: Connection): Wakeups => {
  const processId = randomBytes(6).toString("hex")
  let counter = 0
  const latches = new Map<string, Deferred.Deferred<void>>()
  const listening = new Set<string>()
  const wake = (token: string) => {
    const latch = latches.get(token)
    if (latch !== undefined) Deferred.unsafeDone(latch, Effect.void)
  }
  return {
    processId,
    token: () => `${processId}:${(counter++).toString(36)}`,
    listen: (wakePrefix) =>
      listening.has(wakePrefix)
        ? Effect.void
        : Effect.tap(connection.subscribe(wakePrefix + processId, wake), () => listening.add(wakePrefix)),
    expect: (token) =>
      Effect.map(Deferred.make<void>(), (latch) => {
        latches.set(token, latch)
        return latch
      }),
    forget: (token) => {
      latches.delete(token)
    },
    wake
  }
}
