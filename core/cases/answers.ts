/**
 * Realistic answers of the chats API, as the market sends them, for both editions' tests.
 */

/** A chat on an order, as `GetChatInfoDTO`. */
export const chatJson = (chatId: number, extra: Record<string, unknown> = {}) => ({
  chatId,
  orderId: 5_000_000 + chatId,
  context: {
    type: "ORDER",
    customer: { name: "Анна К.", publicId: "u-7f3a" },
    campaignId: 21_000_123,
    orderId: 5_000_000 + chatId
  },
  type: "CHAT",
  status: "WAITING_FOR_PARTNER",
  createdAt: "2026-11-20T10:15:00+03:00",
  updatedAt: "2026-11-21T09:00:30+03:00",
  ...extra
})

/** A customer's text message, as `ChatMessageDTO`. */
export const messageJson = (messageId: number, extra: Record<string, unknown> = {}) => ({
  messageId,
  createdAt: "2026-11-21T09:00:30+03:00",
  sender: "CUSTOMER",
  message: "Здравствуйте! Когда приедет заказ?",
  ...extra
})

/** A message with a file, as `ChatMessageDTO` with a payload. */
export const fileMessageJson = (messageId: number) => ({
  messageId,
  createdAt: "2026-11-21T09:01:00+03:00",
  sender: "PARTNER",
  payload: [{ name: "накладная.pdf", url: "https://files.market.example/abc", size: 48_213 }]
})

/** The context block of a history page. */
export const orderContextJson = {
  type: "ORDER",
  customer: { name: "Анна К." },
  campaignId: 21_000_123,
  orderId: 5_000_001
}
