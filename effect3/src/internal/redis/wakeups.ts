/**
 * The Effect side of the wake-ups of the fibers waiting at the Redis gate (see
 * `core/redis/wakeups.ts`): listening and waiting as effects.
 */
import { Effect } from "effect"
import * as Core from "../../../../core/redis/wakeups.js"
import { attempt, type Connection, type RedisFailure } from "./connection.js"

/** The wake-ups of one process. */
export interface Wakeups {
  /** The Promise-level wake-ups under these. */
  readonly core: Core.Wakeups
  /** A new token, unique across processes. */
  readonly token: () => string
  /** Makes sure the process listens on the channel of `wakePrefix` (subscribes once, then returns at once). */
  readonly listen: (wakePrefix: string) => Effect.Effect<void, RedisFailure>
  /** Waits at most `millis` for the wake-up of `token`: true if it came. One timer and no fiber per wait. */
  readonly wait: (token: string, millis: number) => Effect.Effect<boolean>
}

/** Makes the wake-ups of a process over `connection`. */
export const make = (connection: Connection): Wakeups => {
  const core = Core.makeWakeups(connection.core)
  return {
    core,
    token: core.token,
    listen: (wakePrefix) => core.listening(wakePrefix) ? Effect.void : attempt((signal) => core.listen(wakePrefix, signal)),
    wait: (token, millis) =>
      Effect.async<boolean>((resume) => {
        const cancel = core.wait(token, millis, (woken) => resume(Effect.succeed(woken)))
        return Effect.sync(cancel)
      })
  }
}
