/**
 * The id of an `effect/chat` thread on the `yandex-market` platform: a chat of one business,
 * written `<businessId>:<chatId>` (both the market's ids: safe integers of at least 1).
 */
import { isId } from "../client/limits.js"

/** The platform name the adapter registers under. */
export const platform = "yandex-market"

/** A chat, as a thread id names it. */
export interface ChatAddress {
  readonly businessId: number
  readonly chatId: number
}

/** What `parseThreadId` gives: the chat, or why the id is not one (the message never holds the id itself). */
export type ParsedThreadId =
  | { readonly ok: true; readonly value: ChatAddress }
  | { readonly ok: false; readonly message: string }

/** The message of a thread id that is not `<businessId>:<chatId>`. */
export const malformedThreadId = "a yandex-market thread id is <businessId>:<chatId>, two integers of at least 1"

const digits = /^[1-9][0-9]*$/

/** Reads one id: decimal digits without a sign or leading zero, a safe integer. */
const readId = (text: string): number | undefined => {
  if (!digits.test(text)) return undefined
  const n = Number(text)
  return isId(n) ? n : undefined
}

/** Parses `<businessId>:<chatId>`. */
export const parseThreadId = (id: string): ParsedThreadId => {
  const parts = id.split(":")
  if (parts.length !== 2) return { ok: false, message: malformedThreadId }
  const businessId = readId(parts[0] as string)
  const chatId = readId(parts[1] as string)
  return businessId === undefined || chatId === undefined
    ? { ok: false, message: malformedThreadId }
    : { ok: true, value: { businessId, chatId } }
}

/** Formats a chat as a thread id. */
export const formatThreadId = (address: ChatAddress): string => `${address.businessId}:${address.chatId}`

/** Parses a message id: the market's integer id written in decimal; `undefined` when it is not one. */
export const parseMessageId = (id: string): number | undefined => readId(id)

/** An attachment's id: `<messageId>:<index>` of the file in the message's `payload`. */
export const formatAttachmentId = (messageId: number, index: number): string => `${messageId}:${index}`

/** Parses an attachment id; `undefined` when it is not `<messageId>:<index>`. */
export const parseAttachmentId = (id: string): { readonly messageId: number; readonly index: number } | undefined => {
  const parts = id.split(":")
  if (parts.length !== 2) return undefined
  const messageId = readId(parts[0] as string)
  const index = parts[1] === "0" ? 0 : readId(parts[1] as string)
  return messageId === undefined || index === undefined ? undefined : { messageId, index }
}
