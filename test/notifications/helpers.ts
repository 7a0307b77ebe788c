/**
 * Shared code of the notifications tests (not a test file): sample bodies as the
 * market POSTs them, a `fetch` helper, and a way to run a test against a standalone
 * receiver on a random loopback port (stopped when the test ends).
 */
import { Effect, Redacted } from "effect"
import * as ChatsNotifications from "../../src/ChatsNotifications.js"

/** What a test reads of an answer. */
export interface Reply {
  readonly status: number
  readonly headers: Headers
  readonly text: string
  /** The parsed body, or `undefined` when it is not JSON. */
  readonly json: any
}

/** POSTs a body (an object is sent as JSON, a string as it is) and reads the answer. */
export const post = (
  url: string,
  body: unknown,
  init: { readonly headers?: Record<string, string>; readonly method?: string } = {}
): Effect.Effect<Reply> =>
  Effect.promise(async () => {
    const response = await fetch(url, {
      method: init.method ?? "POST",
      headers: { "content-type": "application/json", ...init.headers },
      ...(init.method === "GET" ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) })
    })
    const text = await response.text()
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch {
      json = undefined
    }
    return { status: response.status, headers: response.headers, text, json }
  })

/** A running standalone receiver: where to POST, and the receiver itself. */
export interface Running {
  /** The full URL of the endpoint (secret segment included). */
  readonly endpoint: string
  readonly server: ChatsNotifications.ServerInfo
  readonly receiver: ChatsNotifications.Receiver
  /** POSTs a body to the endpoint. */
  readonly send: (body: unknown, headers?: Record<string, string>) => Effect.Effect<Reply>
}

/** Runs a test against a standalone receiver with the given options, stopped afterwards. */
export const withReceiver = <A, E, R>(
  options: ChatsNotifications.ServerOptions,
  test: (running: Running) => Effect.Effect<A, E, R>
) =>
  Effect.gen(function*() {
    const server = yield* ChatsNotifications.NotificationsServer
    const receiver = yield* ChatsNotifications.ChatsNotifications
    const endpoint = Redacted.value(server.endpoint)
    return yield* test({ endpoint, server, receiver, send: (body, headers) => post(endpoint, body, { headers: headers ?? {} }) })
  }).pipe(Effect.provide(ChatsNotifications.layerServer(options)), Effect.scoped)

/** Sample bodies, as the market's description shapes them. */
export const bodies = {
  chatCreated: { notificationType: "CHAT_CREATED", chatId: 101, businessId: 12345, createdAt: "2025-06-01T12:00:00+03:00" },
  chatMessageSent: {
    notificationType: "CHAT_MESSAGE_SENT",
    chatId: 101,
    messageId: "5001",
    businessId: 12345,
    sentAt: "2025-06-01T12:01:00.250+03:00"
  },
  arbitrageStarted: {
    notificationType: "CHAT_ARBITRAGE_STARTED",
    chatId: 101,
    businessId: 12345,
    startedAt: "2025-06-02T09:00:00Z"
  },
  arbitrageFinished: {
    notificationType: "CHAT_ARBITRAGE_FINISHED",
    chatId: 101,
    businessId: 12345,
    finishedAt: "2025-06-03T18:30:00+03:00"
  },
  ping: { notificationType: "PING", time: "2025-01-16T10:09:49.759084017Z" },
  orderCreated: {
    notificationType: "ORDER_CREATED",
    orderId: 987654,
    campaignId: 2222,
    items: [{ offerId: "SKU-1", count: 2 }],
    createdAt: "2025-06-01T12:00:00+03:00"
  }
} as const

/** A chat message notification with the given message id. */
export const messageSent = (messageId: number) => ({ ...bodies.chatMessageSent, messageId: String(messageId) })

/** Checks the success body: `{ version, name, time }`. */
export const isSuccessBody = (json: any, name = ChatsNotifications.defaultName, version = ChatsNotifications.defaultVersion) =>
  typeof json === "object" && json !== null && json.name === name && json.version === version &&
  typeof json.time === "string" && !Number.isNaN(Date.parse(json.time))
