/**
 * Reading the durable notification queue's Redis replies (RESP2 arrays or RESP3 maps) and its
 * settings: the same for both editions.
 */

/** Settings of the queue (times in milliseconds). */
export interface QueueSettings {
  readonly prefix: string
  readonly name: string
  readonly group: string
  readonly maxLength: number
  readonly duplicateWindow: number
  readonly claimIdle: number
  readonly maxDeliveries: number
  readonly batchSize: number
}

/** A stream entry as the scripts and `XREADGROUP` give it: id, flat fields, and which delivery this is. */
export interface Entry {
  readonly id: string
  readonly fields: Record<string, string>
  readonly attempt: number
}

/** A flat `[field, value, ...]` list (RESP2), or a map (RESP3), as a record. */
export const fieldsOf = (raw: unknown): Record<string, string> => {
  const fields: Record<string, string> = {}
  if (Array.isArray(raw)) {
    for (let i = 0; i + 1 < raw.length; i += 2) fields[String(raw[i])] = String(raw[i + 1])
  } else if (raw instanceof Map) {
    for (const [k, v] of raw) fields[String(k)] = String(v)
  } else if (typeof raw === "object" && raw !== null) {
    for (const [k, v] of Object.entries(raw)) fields[k] = String(v)
  }
  return fields
}

/** The entries of an `XREADGROUP` reply for one stream (RESP2 arrays or RESP3 maps), each a first delivery. */
export const readEntries = (reply: unknown): ReadonlyArray<Entry> => {
  if (reply === null || reply === undefined) return []
  const streams: Array<unknown> = Array.isArray(reply)
    ? reply.map((s) => (Array.isArray(s) ? s[1] : undefined))
    : reply instanceof Map
    ? [...reply.values()]
    : Object.values(reply as object)
  return streams.flatMap((entries) =>
    Array.isArray(entries)
      ? entries.filter(Array.isArray).map(([id, fields]) => ({ id: String(id), fields: fieldsOf(fields), attempt: 1 }))
      : []
  )
}

/** The entries a claim gave: `{id, fields, attempt}` each. */
export const claimedEntries = (reply: unknown): ReadonlyArray<Entry> =>
  Array.isArray(reply)
    ? reply.map(([id, fields, attempt]) => ({ id: String(id), fields: fieldsOf(fields), attempt: Number(attempt) }))
    : []

/** The `[status, id]` reply of the offer and replay scripts. */
export const statusOf = (reply: unknown): number => (Array.isArray(reply) ? Number(reply[0]) : -1)

/** Whether a failure's description is Redis's `NOGROUP` (the consumer group is gone, e.g. after an empty restart). */
export const isNoGroupDescription = (description: string): boolean => description.includes("NOGROUP")
