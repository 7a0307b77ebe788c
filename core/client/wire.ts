/**
 * The chats API as it travels on the wire, without Effect: the enums of the official description,
 * the names of the seven operations, and the kinds the typed errors carry. Both editions build their
 * schemas and errors from these tables.
 */

// -----------------------------------------------------------------------------
// Enums of the official description
// -----------------------------------------------------------------------------

/** The context types of a chat: an order, a return, or a chat the customer started. */
export const chatContextTypes = ["ORDER", "RETURN", "DIRECT"] as const

/** The context types on which a seller may open a chat (and filter by context). */
export const chatContextIdentifiableTypes = ["ORDER", "RETURN"] as const

/** The types of chat: a chat with the customer, or a dispute. */
export const chatTypes = ["CHAT", "ARBITRAGE"] as const

/** The statuses of a chat: who must answer next, or finished. */
export const chatStatuses = [
  "NEW",
  "WAITING_FOR_CUSTOMER",
  "WAITING_FOR_PARTNER",
  "WAITING_FOR_ARBITER",
  "WAITING_FOR_MARKET",
  "FINISHED"
] as const

/** Who sent a message: the seller, the customer, the market's robot, or the market's support. */
export const messageSenders = ["PARTNER", "CUSTOMER", "MARKET", "SUPPORT"] as const

/** A guard that tells a known enum value from one the library does not know yet. */
export const knownGuard = <const L extends ReadonlyArray<string>>(literals: L) => {
  const set: ReadonlySet<string> = new Set(literals)
  return (value: string): value is L[number] => set.has(value)
}

// -----------------------------------------------------------------------------
// Operations
// -----------------------------------------------------------------------------

/** The names of the seven chat operations, as the official description calls them. */
export const operations = [
  "getChats",
  "getChatHistory",
  "createChat",
  "sendMessageToChat",
  "sendFileToChat",
  "getChat",
  "getChatMessage"
] as const

/** The name of one of the seven chat operations. */
export type Operation = typeof operations[number]

// -----------------------------------------------------------------------------
// Kinds the typed errors carry
// -----------------------------------------------------------------------------

/** The kinds of 420: too many requests in flight, the hourly quota spent, or not told. */
export const rateLimitKinds = ["parallel", "quota", "unknown"] as const

/** Why a 2xx body could not be decoded: not JSON at all, or JSON that does not match the description. */
export const decodeFailureReasons = ["not-json", "mismatch"] as const

/** What went wrong in transit, as the HTTP client tells it. */
export const transportReasons = ["Transport", "Encode", "InvalidUrl", "StatusCode", "Decode", "EmptyBody"] as const

/** The limiters that can fail to answer: the concurrency gate and the quota store. */
export const limiterNames = ["gate", "quotaStore"] as const
