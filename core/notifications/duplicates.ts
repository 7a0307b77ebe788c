/**
 * The identity of an event, by which repeats are recognised: business, chat and message ids for
 * messages, business and chat for a new chat, plus the time for disputes (a chat may go to dispute
 * more than once), and the whole body (keys sorted) for other notifications.
 */
import { canonicalJson } from "./canonical.js"

/** An event as both editions decode it, its dates of type `D`. */
export type KeyedEvent<D> =
  | { readonly _tag: "ChatCreated"; readonly businessId: number; readonly chatId: number }
  | { readonly _tag: "ChatMessageSent"; readonly businessId: number; readonly chatId: number; readonly messageId: string }
  | { readonly _tag: "ChatArbitrageStarted"; readonly businessId: number; readonly chatId: number; readonly startedAt: D }
  | { readonly _tag: "ChatArbitrageFinished"; readonly businessId: number; readonly chatId: number; readonly finishedAt: D }
  | { readonly _tag: "UnknownNotification"; readonly notificationType: string; readonly body: unknown }

/** The duplicate key of an event; `millis` reads a date as epoch milliseconds. */
export const duplicateKey = <D>(event: KeyedEvent<D>, millis: (date: D) => number): string => {
  switch (event._tag) {
    case "ChatCreated":
      return `CHAT_CREATED:${event.businessId}:${event.chatId}`
    case "ChatMessageSent":
      return `CHAT_MESSAGE_SENT:${event.businessId}:${event.chatId}:${event.messageId}`
    case "ChatArbitrageStarted":
      return `CHAT_ARBITRAGE_STARTED:${event.businessId}:${event.chatId}:${millis(event.startedAt)}`
    case "ChatArbitrageFinished":
      return `CHAT_ARBITRAGE_FINISHED:${event.businessId}:${event.chatId}:${millis(event.finishedAt)}`
    case "UnknownNotification":
      return `${event.notificationType}:${canonicalJson(event.body)}`
  }
}
