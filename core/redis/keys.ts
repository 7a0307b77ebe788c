/**
 * The names of the Redis keys and channels of one business at one API. They share one hash tag,
 * `{<businessId>:<hash of the API>}`, so that they live in one hash slot of a Redis Cluster (a script
 * may only touch the keys of one slot).
 */
import { createHash } from "node:crypto"

/** Whose limits a gate or quota key belongs to: a business at one API (the editions' `ChatsLimiter.LimitKey`). */
export interface LimitKey {
  readonly api: string
  readonly businessId: number
}

/** The keys of a business's gate, in the order the gate scripts take them. */
export interface GateKeys {
  /** The holders: a sorted set of tokens scored by their lease deadline (server time, ms). */
  readonly holders: string
  /** The queue: a sorted set of waiting tokens scored by their ticket. */
  readonly queue: string
  /** The waiters: a sorted set of waiting tokens scored by the deadline of their heartbeat. */
  readonly waiters: string
  /** A hash with the ticket counter, and the server run (`run_id`) with the time grants may start on it (after a restart of Redis). */
  readonly meta: string
  /** The prefix of the wake-up channels: a process listens on this prefix followed by its id. */
  readonly wakePrefix: string
  /** The units: a hash of the quota units asked with a slot and of their answers, by token. */
  readonly units: string
  /** The prefix of the business's quota keys: followed by the operation (see {@link quotaKey}). */
  readonly quotaPrefix: string
}

/** The hash tag of a business at an API: the API is hashed, so that no brace of a URL can break the tag. */
export const hashTag = (prefix: string, key: LimitKey): string =>
  `${prefix}:{${key.businessId}:${createHash("sha1").update(key.api).digest("hex").slice(0, 12)}}`

/** The keys of the gate of one business. */
export const gateKeys = (prefix: string, key: LimitKey): GateKeys => {
  const tag = hashTag(prefix, key)
  return {
    holders: `${tag}:gate:holders`,
    queue: `${tag}:gate:queue`,
    waiters: `${tag}:gate:waiters`,
    meta: `${tag}:gate:meta`,
    wakePrefix: `${tag}:gate:wake:`,
    units: `${tag}:gate:units`,
    quotaPrefix: `${tag}:quota:`
  }
}

/** The key of the quota state of one business and operation. */
export const quotaKey = (prefix: string, key: LimitKey, operation: string): string =>
  gateKeys(prefix, key).quotaPrefix + operation

/**
 * The keys of each business, made once: the gate and the quota store of one connection share this
 * cache (it holds an entry per business and API the process has called).
 */
export const keyCache = (prefix: string): (key: LimitKey) => GateKeys => {
  const cache = new Map<string, GateKeys>()
  return (key) => {
    const id = `${key.businessId} ${key.api}`
    let keys = cache.get(id)
    if (keys === undefined) {
      keys = gateKeys(prefix, key)
      cache.set(id, keys)
    }
    return keys
  }
}

/** The keys of a durable notification queue, in one hash slot (`{<name>}`). */
export interface QueueKeys {
  /** The stream of stored events not yet acknowledged. */
  readonly stream: string
  /** The stream of dead letters. */
  readonly dead: string
  /** The prefix of the duplicate keys: one per event, expiring with the duplicate window. */
  readonly seenPrefix: string
}

/** The keys of the notification queue `name`. */
export const queueKeys = (prefix: string, name: string): QueueKeys => {
  const tag = `${prefix}:{notifications:${name}}`
  return { stream: `${tag}:stream`, dead: `${tag}:dead`, seenPrefix: `${tag}:seen:` }
}

/** The duplicate key of an event: its identity hashed, so that a long one stays a short key. */
export const seenKey = (keys: QueueKeys, identity: string): string =>
  `${keys.seenPrefix}${createHash("sha1").update(identity).digest("hex")}`
