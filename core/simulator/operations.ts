/**
 * The seven chat operations the simulator serves: method, path, resource name and hourly quota.
 */

import { type Operation, operations as operationNames } from "../client/wire.js"

export {
  /** The names of the seven chat operations (the operationIds of the official description). */
  operationNames,
  /** One of the seven chat operations. */
  type Operation
}

/** What the simulator knows of an operation. */
export interface OperationInfo {
  readonly method: "GET" | "POST"
  /** The path after `/v2/businesses/:businessId`. */
  readonly path: string
  /** The hourly quota of the real API. */
  readonly quota: number
}

/** The method, path and real hourly quota of each operation. */
export const operations: { readonly [K in Operation]: OperationInfo } = {
  getChats: { method: "POST", path: "/chats", quota: 5000 },
  getChatHistory: { method: "POST", path: "/chats/history", quota: 10000 },
  createChat: { method: "POST", path: "/chats/new", quota: 1000 },
  sendMessageToChat: { method: "POST", path: "/chats/message", quota: 1000 },
  sendFileToChat: { method: "POST", path: "/chats/file/send", quota: 1000 },
  getChat: { method: "GET", path: "/chat", quota: 1000 },
  getChatMessage: { method: "GET", path: "/chats/message", quota: 1000 }
}

/** The resource name of an operation, as the quota 420 message names it (`POST /v2/businesses/{businessId}/chats`). */
export const resourceName = (operation: Operation): string =>
  `${operations[operation].method} /v2/businesses/{businessId}${operations[operation].path}`

/** A record with one zero per operation, for counters. */
export const zeroPerOperation = (): Record<Operation, number> =>
  Object.fromEntries(operationNames.map((name) => [name, 0])) as Record<Operation, number>
