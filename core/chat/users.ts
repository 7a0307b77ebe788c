/**
 * Who wrote a message, as `effect/chat` user ids: the market names only the sender's role
 * (`PARTNER`, `CUSTOMER`, `MARKET`, `SUPPORT`), so the ids are built from the role and the chat.
 *
 * - the seller (`PARTNER`): `business:<businessId>`, the adapter's own identity (`isSelf`), whoever
 *   wrote it (the adapter, or a person in the seller's cabinet);
 * - the buyer (`CUSTOMER`): `customer:<businessId>:<chatId>`, the one buyer of that chat;
 * - the market (`MARKET`, a bot) and its support (`SUPPORT`): `market` and `support`;
 * - a sender the market adds later: `sender:<role in lower case>`.
 */
import type { ChatAddress } from "./threadId.js"

/** The kinds of author. */
export type AuthorKind = "self" | "customer" | "market" | "support" | "other"

/** An author as `effect/chat` sees it, without a name. */
export interface AuthorId {
  readonly id: string
  readonly kind: AuthorKind
  readonly isBot: boolean
  readonly isSelf: boolean
}

/** The author of a message of `sender` in a chat. */
export const authorOf = (sender: string, chat: ChatAddress): AuthorId => {
  switch (sender) {
    case "PARTNER":
      return { id: `business:${chat.businessId}`, kind: "self", isBot: true, isSelf: true }
    case "CUSTOMER":
      return { id: `customer:${chat.businessId}:${chat.chatId}`, kind: "customer", isBot: false, isSelf: false }
    case "MARKET":
      return { id: "market", kind: "market", isBot: true, isSelf: false }
    case "SUPPORT":
      return { id: "support", kind: "support", isBot: false, isSelf: false }
    default:
      return { id: `sender:${sender.toLowerCase()}`, kind: "other", isBot: false, isSelf: false }
  }
}

/** What a user id names: the seller of a business, the buyer of a chat, the market or support; `undefined` when none. */
export type ParsedUserId =
  | { readonly kind: "self"; readonly businessId: number }
  | { readonly kind: "customer"; readonly chat: ChatAddress }
  | { readonly kind: "market" | "support" }

const id = /^[1-9][0-9]{0,15}$/

/** Parses a user id made by `authorOf`. */
export const parseUserId = (userId: string): ParsedUserId | undefined => {
  if (userId === "market" || userId === "support") return { kind: userId }
  const parts = userId.split(":")
  const ids = parts.slice(1)
  if (!ids.every((part) => id.test(part) && Number.isSafeInteger(Number(part)))) return undefined
  if (parts[0] === "business" && ids.length === 1) return { kind: "self", businessId: Number(ids[0]) }
  if (parts[0] === "customer" && ids.length === 2) {
    return { kind: "customer", chat: { businessId: Number(ids[0]), chatId: Number(ids[1]) } }
  }
  return undefined
}
