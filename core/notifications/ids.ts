/**
 * How a notification's ids and dates are read: `chatId` and `businessId` int64 JSON numbers (past
 * 2^53 as JSON parsing rounds them), `messageId` any string (or an integer JSON number, kept as its
 * digits), and which of them the chats API can take (a safe integer of at least 1).
 */

/** Whether a number is an integer in the range of an int64 (as JSON parsing rounds it, so 2^63 included). */
export const isInt64 = (n: number): boolean => Number.isInteger(n) && n >= -(2 ** 63) && n <= 2 ** 63

/** Whether a value is an id the chats API takes: a safe integer of at least 1. */
export const isApiId = (n: unknown): n is number => typeof n === "number" && Number.isSafeInteger(n) && n >= 1

/**
 * The integer id of the chats API that a message id of a notification stands for: the string is
 * exactly the decimal digits of a safe integer of at least 1 (`"5001"`); `undefined` for anything
 * else the description allows (`"0"`, `"05001"`, `"9007199254740993"`, `"a1b2"`).
 */
export const apiMessageId = (messageId: string): number | undefined => {
  const n = Number(messageId)
  return isApiId(n) && String(n) === messageId ? n : undefined
}

/**
 * A date-time of a notification made ready for the ISO reader: an offset of hours alone (`+03`,
 * which ISO 8601 and the description's validators allow) becomes `+03:00`.
 */
export const withOffsetMinutes = (s: string): string => /:\d\d(\.\d+)?[+-]\d\d$/.test(s) ? `${s}:00` : s

/** The messages of the id checks, the same in both editions. */
export const idMessages = {
  int64: (actual: unknown) => `expected an int64 integer, got ${String(actual)}`,
  atLeastOne: (actual: unknown) => `expected an integer of at least 1, got ${String(actual)}`,
  messageId: (actual: unknown) => `expected a string, got ${JSON.stringify(actual)}`,
  messageIdNumber: "messageIdNumber must be the integer that messageId is, if any",
  unusable: (tag: string, field: string, id: string) =>
    `${tag}: ${field} ${JSON.stringify(id)} is not an id the chats API takes (a safe integer of at least 1)`
} as const

/** Which id of an event the chats API cannot take. */
export type UnusableField = "businessId" | "chatId" | "messageId"

/** The ids of an event as the chats API takes them, or the first that it cannot take. */
export type UsableIds<A> =
  | { readonly ok: true; readonly ids: A }
  | { readonly ok: false; readonly field: UnusableField; readonly id: string }

/** The business and chat ids of an event, in that order, as the chats API takes them. */
export const usableChatIds = (event: { readonly businessId: number; readonly chatId: number }): UsableIds<{
  readonly businessId: number
  readonly chatId: number
}> =>
  !isApiId(event.businessId)
    ? { ok: false, field: "businessId", id: String(event.businessId) }
    : !isApiId(event.chatId)
    ? { ok: false, field: "chatId", id: String(event.chatId) }
    : { ok: true, ids: { businessId: event.businessId, chatId: event.chatId } }

/** The business, chat and message ids of a message event, in that order, as the chats API takes them. */
export const usableMessageIds = (
  event: { readonly businessId: number; readonly chatId: number; readonly messageId: string }
): UsableIds<{ readonly businessId: number; readonly chatId: number; readonly messageId: number }> => {
  const chat = usableChatIds(event)
  if (!chat.ok) return chat
  const messageId = apiMessageId(event.messageId)
  return messageId === undefined
    ? { ok: false, field: "messageId", id: event.messageId }
    : { ok: true, ids: { ...chat.ids, messageId } }
}
