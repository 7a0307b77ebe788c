/**
 * Bad inputs that the client refuses with an `InvalidRequestError` before any request leaves, as data
 * that both editions' suites run: the operation, the input (built when the case runs), and the input
 * field the error's description names. Tags and fields only, never message texts.
 */

/** The market's cap on a file sent to a chat: 5 MB. */
const fileCap = 5 * 1024 * 1024

/** A bad input of one operation. */
export interface BadInputCase {
  readonly name: string
  readonly operation:
    | "getChats"
    | "getChat"
    | "getChatHistory"
    | "getChatMessage"
    | "createChat"
    | "sendMessageToChat"
    | "sendFileToChat"
    | "streamChats"
    | "streamChatHistory"
  /** The options object passed to the operation. */
  readonly input: () => unknown
  /** The input field that is wrong, as the description's path names it; absent when the input is no object. */
  readonly field?: string
}

const b = 12345

/** Every kind of bad input the client checks. */
export const badInputCases: ReadonlyArray<BadInputCase> = [
  { name: "businessId 0", operation: "getChats", input: () => ({ businessId: 0 }), field: "businessId" },
  { name: "negative businessId", operation: "getChat", input: () => ({ businessId: -5, chatId: 1 }), field: "businessId" },
  { name: "fractional chatId", operation: "getChat", input: () => ({ businessId: b, chatId: 1.5 }), field: "chatId" },
  { name: "unsafe chatId", operation: "getChat", input: () => ({ businessId: b, chatId: 2 ** 53 }), field: "chatId" },
  { name: "NaN messageId", operation: "getChatMessage", input: () => ({ businessId: b, chatId: 1, messageId: NaN }), field: "messageId" },
  { name: "chats limit 0", operation: "getChats", input: () => ({ businessId: b, limit: 0 }), field: "limit" },
  { name: "chats limit 21", operation: "getChats", input: () => ({ businessId: b, limit: 21 }), field: "limit" },
  { name: "history limit 101", operation: "getChatHistory", input: () => ({ businessId: b, chatId: 1, limit: 101 }), field: "limit" },
  { name: "empty page token", operation: "getChats", input: () => ({ businessId: b, pageToken: "" }), field: "pageToken" },
  { name: "empty message", operation: "sendMessageToChat", input: () => ({ businessId: b, chatId: 1, message: "" }), field: "message" },
  {
    name: "message of 4097 characters",
    operation: "sendMessageToChat",
    input: () => ({ businessId: b, chatId: 1, message: "я".repeat(4097) }),
    field: "message"
  },
  {
    name: "file over 5 MB",
    operation: "sendFileToChat",
    input: () => ({ businessId: b, chatId: 1, file: { name: "big.bin", data: new Uint8Array(fileCap + 1) } }),
    field: "file"
  },
  {
    name: "file without a name",
    operation: "sendFileToChat",
    input: () => ({ businessId: b, chatId: 1, file: { name: "", data: new Uint8Array(1) } }),
    field: "name"
  },
  { name: "empty status filter", operation: "getChats", input: () => ({ businessId: b, filter: { statuses: [] } }), field: "statuses" },
  {
    name: "repeated status filter",
    operation: "getChats",
    input: () => ({ businessId: b, filter: { statuses: ["NEW", "NEW"] } }),
    field: "statuses"
  },
  {
    name: "unknown status in the filter",
    operation: "getChats",
    input: () => ({ businessId: b, filter: { statuses: ["SLEEPING"] } }),
    field: "statuses"
  },
  {
    name: "repeated context",
    operation: "getChats",
    input: () => ({ businessId: b, filter: { contexts: [{ type: "ORDER", id: 1 }, { type: "ORDER", id: 1 }] } }),
    field: "contexts"
  },
  { name: "DIRECT context for createChat", operation: "createChat", input: () => ({ businessId: b, context: { type: "DIRECT", id: 1 } }), field: "type" },
  { name: "missing context", operation: "createChat", input: () => ({ businessId: b }), field: "context" },
  { name: "a stream's bad input", operation: "streamChatHistory", input: () => ({ businessId: b, chatId: 0 }), field: "chatId" },
  { name: "not an object at all", operation: "getChat", input: () => null }
]

/** The largest valid inputs, which do go out. */
export const largestValidInputs: ReadonlyArray<{ readonly operation: BadInputCase["operation"]; readonly input: () => unknown }> = [
  { operation: "sendMessageToChat", input: () => ({ businessId: Number.MAX_SAFE_INTEGER, chatId: 1, message: "я".repeat(4096) }) },
  { operation: "sendFileToChat", input: () => ({ businessId: b, chatId: 1, file: { name: "max.bin", data: new Uint8Array(fileCap) } }) }
]
