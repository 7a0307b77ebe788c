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

/** A chat message notification with the given message id (its digits, as the market writes it). */
export const messageSent = (messageId: number) => ({ ...bodies.chatMessageSent, messageId: String(messageId) })

/** Checks the success body: `{ version, name, time }`. */
export const isSuccessBody = (json: any, name = ChatsNotifications.defaultName, version = ChatsNotifications.defaultVersion) =>
  typeof json === "object" && json !== null && json.name === name && json.version === version &&
  typeof json.time === "string" && !Number.isNaN(Date.parse(json.time))

/**
 * Bodies of chat notifications that the official description allows at the edges of its types,
 * each with a label: a body is an object sent as JSON, or JSON text (for integers beyond 2^53,
 * which `JSON.stringify` cannot write exactly).
 */
export const allowedBodies: ReadonlyArray<readonly [label: string, body: object | string]> = [
  ["messageId past 2^53", { ...bodies.chatMessageSent, messageId: "9007199254740993" }],
  ["messageId \"0\"", { ...bodies.chatMessageSent, messageId: "0" }],
  ["messageId \"a1b2\"", { ...bodies.chatMessageSent, messageId: "a1b2" }],
  ["an empty messageId", { ...bodies.chatMessageSent, messageId: "" }],
  ["messageId with a leading zero", { ...bodies.chatMessageSent, messageId: "05001" }],
  ["chatId 0 (no minimum in the description)", { ...bodies.chatCreated, chatId: 0 }],
  ["a negative chatId", { ...bodies.arbitrageStarted, chatId: -7 }],
  ["chatId written 101.0", `{"notificationType":"CHAT_CREATED","chatId":101.0,"businessId":12345,"createdAt":"2025-06-01T12:00:00+03:00"}`],
  ["chatId past 2^53", `{"notificationType":"CHAT_MESSAGE_SENT","chatId":9007199254740993,"messageId":"5001","businessId":12345,"sentAt":"2025-06-01T12:01:00Z"}`],
  ["businessId past 2^53", `{"notificationType":"CHAT_CREATED","chatId":101,"businessId":9223372036854775807,"createdAt":"2025-06-01T12:00:00Z"}`],
  ["lowercase t and z", { ...bodies.chatCreated, createdAt: "2025-06-01t09:00:00z" }],
  ["a leap second", { ...bodies.arbitrageFinished, finishedAt: "2016-12-31T23:59:60Z" }],
  ["nanoseconds", { ...bodies.chatMessageSent, sentAt: "2025-06-01T12:01:00.123456789+03:00" }],
  ["offset -00:00 and a 20-minute offset", { ...bodies.arbitrageStarted, startedAt: "1937-01-01T12:00:27.87+00:20" }],
  ["an offset of hours alone", { ...bodies.chatMessageSent, sentAt: "2025-06-01T12:01:00-03" }],
  ["year 0001", { ...bodies.chatCreated, createdAt: "0001-01-01T00:00:00-00:00" }],
  ["PING without time", { notificationType: "PING" }],
  ["fields the description does not list", { ...bodies.chatCreated, somethingNew: { a: [1] } }]
]

/**
 * Bodies the receiver must refuse with 400, each with a label and a piece of the message it must
 * give; `spec.test.ts` checks that the description refuses each chat notification among them too.
 */
export const refusedBodies: ReadonlyArray<readonly [label: string, body: unknown, says: string]> = [
  ["not JSON", "{ notificationType: CHAT_CREATED", "not JSON"],
  ["an empty body", "", "not JSON"],
  ["a JSON array", "[1, 2]", "must be a JSON object"],
  ["JSON null", "null", "must be a JSON object"],
  ["no notificationType", { chatId: 1, businessId: 2 }, "notificationType"],
  ["a numeric notificationType", { notificationType: 7 }, "notificationType"],
  ["CHAT_CREATED without businessId", { ...bodies.chatCreated, businessId: undefined }, "businessId: is missing"],
  ["CHAT_CREATED without createdAt", { ...bodies.chatCreated, createdAt: undefined }, "createdAt: is missing"],
  ["CHAT_CREATED with a string chatId", { ...bodies.chatCreated, chatId: "101" }, "chatId"],
  ["CHAT_CREATED with a fractional chatId", { ...bodies.chatCreated, chatId: 1.5 }, "chatId"],
  ["CHAT_CREATED with businessId 0", { ...bodies.chatCreated, businessId: 0 }, "businessId"],
  ["CHAT_CREATED with a date that is not one", { ...bodies.chatCreated, createdAt: "yesterday" }, "createdAt"],
  ["CHAT_MESSAGE_SENT without messageId", { ...bodies.chatMessageSent, messageId: undefined }, "messageId: is missing"],
  ["CHAT_MESSAGE_SENT with messageId null", { ...bodies.chatMessageSent, messageId: null }, "messageId: expected a string, got null"],
  ["CHAT_MESSAGE_SENT with messageId true", { ...bodies.chatMessageSent, messageId: true }, "messageId: expected a string"],
  ["CHAT_MESSAGE_SENT with an object messageId", { ...bodies.chatMessageSent, messageId: { id: 1 } }, "messageId"],
  ["CHAT_MESSAGE_SENT with a fractional messageId", { ...bodies.chatMessageSent, messageId: 5001.5 }, "messageId"],
  ["CHAT_CREATED with chatId null", { ...bodies.chatCreated, chatId: null }, "chatId"],
  ["CHAT_CREATED with a chatId beyond int64", "{\"notificationType\":\"CHAT_CREATED\",\"chatId\":1e20,\"businessId\":1,\"createdAt\":\"2025-06-01T12:00:00Z\"}", "chatId: expected an int64 integer"],
  ["CHAT_CREATED with a negative businessId", { ...bodies.chatCreated, businessId: -1 }, "businessId: expected an integer of at least 1, got -1"],
  ["CHAT_CREATED with a date without an offset", { ...bodies.chatCreated, createdAt: "2025-06-01T12:00:00" }, "createdAt"],
  ["CHAT_CREATED with a date as a number", { ...bodies.chatCreated, createdAt: 1748768400000 }, "createdAt"],
  ["CHAT_ARBITRAGE_STARTED without startedAt", { ...bodies.arbitrageStarted, startedAt: undefined }, "startedAt"],
  ["CHAT_ARBITRAGE_FINISHED without finishedAt", { ...bodies.arbitrageFinished, finishedAt: undefined }, "finishedAt"],
  ["PING with a time that is not a date", { notificationType: "PING", time: "soon" }, "time"]
]
