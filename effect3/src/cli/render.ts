/**
 * How the CLI prints chats and messages: JSON Lines for scripts (the wire shape of the market's
 * API, one object a line), aligned text for people. Text from the market (names, messages, file
 * names) is printed with its control characters escaped, so that a buyer's message cannot move the
 * cursor or recolour the terminal of the person reading it.
 *
 * @since 0.1.0
 */
import { DateTime, Schema } from "effect"
import * as ChatsSchema from "../ChatsSchema.js"

const encodeChat = Schema.encodeSync(ChatsSchema.Chat)
const encodeMessage = Schema.encodeSync(ChatsSchema.ChatMessage)

/**
 * A chat as one line of JSON, in the shape the API answers it (dates in ISO 8601, UTC).
 *
 * @since 0.1.0
 * @category json
 */
export const chatJson = (chat: ChatsSchema.Chat): string => JSON.stringify(encodeChat(chat))

/**
 * A message as one line of JSON, in the shape the API answers it (dates in ISO 8601, UTC).
 *
 * @since 0.1.0
 * @category json
 */
export const messageJson = (message: ChatsSchema.ChatMessage): string => JSON.stringify(encodeMessage(message))

/**
 * Escapes the control characters of a text (C0, DEL and C1) as `\xNN`; a tab becomes a space and, unless
 * `keepNewlines`, a line break becomes a space too.
 *
 * @since 0.1.0
 * @category text
 */
export const sanitize = (text: string, keepNewlines = false): string =>
  text.replace(/\r\n?/g, "\n").replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => {
    if (c === "\t") return " "
    if (c === "\n") return keepNewlines ? "\n" : " "
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`
  })

/**
 * A date as `2025-06-01T09:00:00Z` (UTC, whole seconds).
 *
 * @since 0.1.0
 * @category text
 */
export const formatDate = (date: DateTime.Utc): string => `${DateTime.formatIso(date).slice(0, 19)}Z`

/** A byte count as people read it. */
const formatSize = (bytes: number): string =>
  bytes < 1024 ? `${bytes} B` : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`

/**
 * What a chat is about: `ORDER 123`, `RETURN 45 (order 123)` or `DIRECT`.
 *
 * @since 0.1.0
 * @category text
 */
export const formatContext = (context: ChatsSchema.ChatFullContext): string => {
  const order = context.orderId
  switch (context.type) {
    case "ORDER":
      return order === undefined ? "ORDER" : `ORDER ${order}`
    case "RETURN": {
      const id = context.returnId === undefined ? "RETURN" : `RETURN ${context.returnId}`
      return order === undefined ? id : `${id} (order ${order})`
    }
    default:
      return sanitize(context.type)
  }
}

/** Lays rows out in columns two spaces apart; the last column is not padded. */
const columns = (rows: ReadonlyArray<ReadonlyArray<string>>): ReadonlyArray<string> => {
  const widths: Array<number> = []
  for (const row of rows) row.forEach((cell, i) => widths[i] = Math.max(widths[i] ?? 0, cell.length))
  return rows.map((row) => row.map((cell, i) => i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)).join("  "))
}

/**
 * Chats as a table with a header row: id, type, status, context, customer, last update.
 *
 * @since 0.1.0
 * @category text
 */
export const chatTable = (chats: ReadonlyArray<ChatsSchema.Chat>): ReadonlyArray<string> =>
  columns([
    ["CHAT", "TYPE", "STATUS", "CONTEXT", "UPDATED (UTC)", "CUSTOMER"],
    ...chats.map((chat) => [
      String(chat.chatId),
      sanitize(chat.type),
      sanitize(chat.status),
      formatContext(chat.context),
      formatDate(chat.updatedAt),
      sanitize(chat.context.customer?.name ?? "-")
    ])
  ])

/**
 * One chat as `field  value` lines.
 *
 * @since 0.1.0
 * @category text
 */
export const chatDetails = (chat: ChatsSchema.Chat): ReadonlyArray<string> => {
  const customer = chat.context.customer
  const rows: Array<[string, string]> = [
    ["chat", String(chat.chatId)],
    ["type", sanitize(chat.type)],
    ["status", sanitize(chat.status)],
    ["context", formatContext(chat.context)]
  ]
  if (chat.context.campaignId !== undefined) rows.push(["campaign", String(chat.context.campaignId)])
  if (customer?.name !== undefined) rows.push(["customer", sanitize(customer.name)])
  if (customer?.publicId !== undefined) rows.push(["customer id", sanitize(customer.publicId)])
  rows.push(["created", formatDate(chat.createdAt)], ["updated", formatDate(chat.updatedAt)])
  return columns(rows)
}

/**
 * One message as text: `time  #id  SENDER  text`, then its files, continuation lines indented under the text.
 *
 * @since 0.1.0
 * @category text
 */
export const messageText = (message: ChatsSchema.ChatMessage): string => {
  const head = `${formatDate(message.createdAt)}  #${message.messageId}  ${sanitize(message.sender).padEnd(8)}  `
  const body = [
    ...(message.message === undefined ? [] : sanitize(message.message, true).split("\n")),
    ...(message.payload ?? []).map((file) =>
      `[file] ${sanitize(file.name)} (${formatSize(file.size)}) ${sanitize(file.url)}`
    )
  ]
  const indent = " ".repeat(head.length)
  return head + (body.length === 0 ? "(empty)" : body.join(`\n${indent}`))
}
