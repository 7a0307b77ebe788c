/**
 * Where each chat operation goes: its HTTP method and its path under `/v2/businesses/{businessId}`,
 * as the official description has them. Shared by both editions' clients.
 */

/** The method and the path suffix of an operation. */
export interface Endpoint {
  readonly method: "GET" | "POST"
  /** The path after `/v2/businesses/{businessId}`. */
  readonly path: string
}

/** Each operation's endpoint. */
export const endpoints = {
  getChats: { method: "POST", path: "/chats" },
  getChatHistory: { method: "POST", path: "/chats/history" },
  createChat: { method: "POST", path: "/chats/new" },
  sendMessageToChat: { method: "POST", path: "/chats/message" },
  sendFileToChat: { method: "POST", path: "/chats/file/send" },
  getChat: { method: "GET", path: "/chat" },
  getChatMessage: { method: "GET", path: "/chats/message" }
} as const satisfies Record<string, Endpoint>

/** The full path of an operation's request for a business. */
export const endpointPath = (businessId: number, endpoint: Endpoint): string => `/v2/businesses/${businessId}${endpoint.path}`

/** Query parameters, leaving out the absent ones. */
export const queryParams = (params: Readonly<Record<string, string | number | undefined>>): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const key in params) {
    const value = params[key]
    if (value !== undefined) out[key] = String(value)
  }
  return out
}
