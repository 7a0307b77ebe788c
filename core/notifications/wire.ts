/**
 * The notification types as the market writes them, the `_tag` each decodes to, and the first
 * reading of a body: a JSON object with a non-empty `notificationType` string.
 */

/** The chat notification types, each with the `_tag` of its event. */
export const chatEventTags = {
  CHAT_CREATED: "ChatCreated",
  CHAT_MESSAGE_SENT: "ChatMessageSent",
  CHAT_ARBITRAGE_STARTED: "ChatArbitrageStarted",
  CHAT_ARBITRAGE_FINISHED: "ChatArbitrageFinished"
} as const

/** The notification types decoded field by field; any other type is an `UnknownNotification`. */
export const knownNotificationTypes = [
  "PING",
  "CHAT_CREATED",
  "CHAT_MESSAGE_SENT",
  "CHAT_ARBITRAGE_STARTED",
  "CHAT_ARBITRAGE_FINISHED"
] as const

/** A notification type decoded field by field. */
export type KnownNotificationType = typeof knownNotificationTypes[number]

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

/** The messages of a body refused before its fields are read. */
export const envelopeMessages = {
  notObject: "the body must be a JSON object",
  noType: "notificationType: expected a non-empty string"
} as const

/** A parsed body's `notificationType` and the body as a record, or why it is no notification. */
export const readEnvelope = (
  body: unknown
):
  | { readonly ok: true; readonly type: string; readonly body: Record<string, unknown> }
  | { readonly ok: false; readonly message: string } =>
{
  if (!isRecord(body)) return { ok: false, message: envelopeMessages.notObject }
  const type = body.notificationType
  if (typeof type !== "string" || type.length === 0) return { ok: false, message: envelopeMessages.noType }
  return { ok: true, type, body }
}
