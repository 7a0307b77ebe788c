/**
 * How `ym-chats` prints chats and messages for people: aligned text, dates in UTC to the second, and
 * text from the market (names, messages, file names) with its control characters escaped, so that a
 * buyer's message cannot move the cursor or recolour the terminal of the person reading it.
 *
 * Written without Effect over plain views of a chat and a message (dates as epoch millis); each
 * edition turns its decoded `Chat` and `ChatMessage` into these views, and prints JSON Lines itself
 * with its own Schema.
 */

/** The customer of a chat, as printed. */
export interface CustomerView {
  readonly name?: string | undefined
  readonly publicId?: string | undefined
}

/** What a chat is about, as printed. */
export interface ContextView {
  readonly type: string
  readonly orderId?: number | undefined
  readonly returnId?: number | undefined
  readonly campaignId?: number | undefined
  readonly customer?: CustomerView | undefined
}

/** A chat, as printed: its fields, dates in epoch millis. */
export interface ChatView {
  readonly chatId: number
  readonly type: string
  readonly status: string
  readonly context: ContextView
  readonly createdAt: number
  readonly updatedAt: number
}

/** A file of a message, as printed. */
export interface FileView {
  readonly name: string
  readonly url: string
  readonly size: number
}

/** A message, as printed: its fields, the date in epoch millis. */
export interface MessageView {
  readonly messageId: number
  readonly createdAt: number
  readonly sender: string
  readonly message?: string | undefined
  readonly payload?: ReadonlyArray<FileView> | undefined
}

/**
 * Escapes the control characters of a text (C0, DEL and C1) as `\xNN`; a tab becomes a space and, unless
 * `keepNewlines`, a line break becomes a space too.
 */
export const sanitize = (text: string, keepNewlines = false): string =>
  text.replace(/\r\n?/g, "\n").replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => {
    if (c === "\t") return " "
    if (c === "\n") return keepNewlines ? "\n" : " "
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`
  })

/** A date (epoch millis) as `2025-06-01T09:00:00Z`: UTC, whole seconds. */
export const formatDate = (epochMillis: number): string => `${new Date(epochMillis).toISOString().slice(0, 19)}Z`

/** A byte count as people read it: `512 B`, `2.0 KB`, `1.5 MB`. */
export const formatSize = (bytes: number): string =>
  bytes < 1024 ? `${bytes} B` : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`

/** What a chat is about: `ORDER 123`, `RETURN 45 (order 123)`, `DIRECT`, or an unknown type as given. */
export const formatContext = (context: ContextView): string => {
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
export const columns = (rows: ReadonlyArray<ReadonlyArray<string>>): ReadonlyArray<string> => {
  const widths: Array<number> = []
  for (const row of rows) row.forEach((cell, i) => widths[i] = Math.max(widths[i] ?? 0, cell.length))
  return rows.map((row) => row.map((cell, i) => i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)).join("  "))
}

/** Chats as a table with a header row: id, type, status, context, last update, customer. */
export const chatTable = (chats: ReadonlyArray<ChatView>): ReadonlyArray<string> =>
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

/** One chat as `field  value` lines. */
export const chatDetails = (chat: ChatView): ReadonlyArray<string> => {
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

/** One message as text: `time  #id  SENDER  text`, then its files, continuation lines indented under the text. */
export const messageText = (message: MessageView): string => {
  const head = `${formatDate(message.createdAt)}  #${message.messageId}  ${sanitize(message.sender).padEnd(8)}  `
  const body = [
    ...(message.message === undefined ? [] : sanitize(message.message, true).split("\n")),
    ...(message.payload ?? []).map((file) => `[file] ${sanitize(file.name)} (${formatSize(file.size)}) ${sanitize(file.url)}`)
  ]
  const indent = " ".repeat(head.length)
  return head + (body.length === 0 ? "(empty)" : body.join(`\n${indent}`))
}
