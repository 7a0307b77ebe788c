/**
 * The duplicate window: which notifications were accepted lately, by key, each
 * forgotten once the window has passed. Times are read by the caller (from the
 * Effect `Clock`, so a `TestClock` drives it) and passed in.
 */

/** Keys seen within the last `windowMillis`. */
export interface SeenWindow {
  /** Whether the key was added less than a window ago. */
  readonly has: (key: string, now: number) => boolean
  /** Remembers the key until `now` plus the window; the oldest keys go first beyond `maxKeys`. */
  readonly add: (key: string, now: number) => void
  /** How many keys are remembered now. */
  readonly size: () => number
}

/**
 * A window of `windowMillis` (0 or less remembers nothing) holding at most `maxKeys` keys.
 * A `Map` keeps insertion order, and with one window length that is the order of expiry,
 * so forgetting stops at the first key still alive.
 */
export const makeSeenWindow = (windowMillis: number, maxKeys: number): SeenWindow => {
  const expiries = new Map<string, number>()
  const forgetExpired = (now: number) => {
    for (const [key, expiresAt] of expiries) {
      if (expiresAt > now) break
      expiries.delete(key)
    }
  }
  return {
    has: (key, now) => {
      forgetExpired(now)
      return expiries.has(key)
    },
    add: (key, now) => {
      if (windowMillis <= 0) return
      expiries.delete(key)
      expiries.set(key, now + windowMillis)
      for (const oldest of expiries.keys()) {
        if (expiries.size <= maxKeys) break
        expiries.delete(oldest)
      }
    },
    size: () => expiries.size
  }
}
