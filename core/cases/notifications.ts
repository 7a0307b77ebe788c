/**
 * How a receiver of the market's notifications answers, as data that both editions' suites run
 * against their standalone server (`layerServer`): sample bodies, the bodies the description allows
 * at the edges of its types (200, delivered as given), the bodies it refuses (400), scenarios of
 * requests with the status and body shape of each answer and what reaches the stream (duplicates,
 * overflow, a queue that cannot store, allowed sources, the secret path), duplicate keys, `complete`
 * and the options refused. Statuses, tags and fields only, never message texts.
 */
import { marketSourceRanges } from "../notifications/settings.js"

/** A body as it goes on the wire: an object sent as JSON, or the text itself. */
export type WireBody = object | string

/** The text of a body on the wire. */
export const wireText = (body: WireBody): string => typeof body === "string" ? body : JSON.stringify(body)

/** Sample bodies, as the market's description shapes them. */
export const samples = {
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

/** A chat message notification with the given message id (a number is written as its digits, as the market does). */
export const messageSent = (messageId: number | string) => ({ ...samples.chatMessageSent, messageId: String(messageId) })

/** What a test reads of a delivered event to name it: the `messageId` of a message, else the `_tag`. */
export const labelOf = (event: { readonly _tag: string; readonly messageId?: string }): string =>
  event._tag === "ChatMessageSent" && event.messageId !== undefined ? event.messageId : event._tag

// -----------------------------------------------------------------------------
// Bodies
// -----------------------------------------------------------------------------

/** An allowed body and the event it is delivered as. */
export interface AllowedCase {
  readonly name: string
  readonly body: WireBody
  /** The event on the stream; absent for a PING, which is not put on it. */
  readonly event?: {
    readonly tag: string
    /** Fields of the event: numbers and strings as they are, dates as UTC ISO strings. */
    readonly fields: Readonly<Record<string, string | number>>
    /** `messageIdNumber` of a `ChatMessageSent`: the integer, or null for none. */
    readonly messageIdNumber?: number | null
    /** The event's `duplicateKey`. */
    readonly duplicateKey?: string
  }
}

/**
 * Bodies of chat notifications that the official description allows at the edges of its types:
 * each is answered 200 and (but for PING) delivered. A body is an object sent as JSON, or JSON text
 * (for integers beyond 2^53, which `JSON.stringify` cannot write exactly).
 */
export const allowedCases: ReadonlyArray<AllowedCase> = [
  {
    name: "messageId past 2^53",
    body: { ...samples.chatMessageSent, messageId: "9007199254740993" },
    event: {
      tag: "ChatMessageSent",
      fields: { messageId: "9007199254740993" },
      messageIdNumber: null,
      duplicateKey: "CHAT_MESSAGE_SENT:12345:101:9007199254740993"
    }
  },
  {
    name: "messageId \"0\"",
    body: { ...samples.chatMessageSent, messageId: "0" },
    event: { tag: "ChatMessageSent", fields: { messageId: "0" }, messageIdNumber: null, duplicateKey: "CHAT_MESSAGE_SENT:12345:101:0" }
  },
  {
    name: "messageId \"a1b2\"",
    body: { ...samples.chatMessageSent, messageId: "a1b2" },
    event: {
      tag: "ChatMessageSent",
      fields: { messageId: "a1b2" },
      messageIdNumber: null,
      duplicateKey: "CHAT_MESSAGE_SENT:12345:101:a1b2"
    }
  },
  {
    name: "an empty messageId",
    body: { ...samples.chatMessageSent, messageId: "" },
    event: { tag: "ChatMessageSent", fields: { messageId: "" }, messageIdNumber: null }
  },
  {
    name: "messageId with a leading zero",
    body: { ...samples.chatMessageSent, messageId: "05001" },
    event: { tag: "ChatMessageSent", fields: { messageId: "05001" }, messageIdNumber: null }
  },
  {
    name: "messageId the digits of an id the chats API takes",
    body: samples.chatMessageSent,
    event: {
      tag: "ChatMessageSent",
      fields: { messageId: "5001", chatId: 101, businessId: 12345, sentAt: "2025-06-01T09:01:00.250Z" },
      messageIdNumber: 5001,
      duplicateKey: "CHAT_MESSAGE_SENT:12345:101:5001"
    }
  },
  {
    name: "messageId 2^53 - 1, the largest id the chats API takes",
    body: messageSent("9007199254740991"),
    event: { tag: "ChatMessageSent", fields: { messageId: "9007199254740991" }, messageIdNumber: 9007199254740991 }
  },
  {
    name: "chatId 0 (no minimum in the description)",
    body: { ...samples.chatCreated, chatId: 0 },
    event: { tag: "ChatCreated", fields: { chatId: 0 }, duplicateKey: "CHAT_CREATED:12345:0" }
  },
  {
    name: "a negative chatId",
    body: { ...samples.arbitrageStarted, chatId: -7 },
    event: { tag: "ChatArbitrageStarted", fields: { chatId: -7, startedAt: "2025-06-02T09:00:00.000Z" } }
  },
  {
    name: "chatId written 101.0",
    body: `{"notificationType":"CHAT_CREATED","chatId":101.0,"businessId":12345,"createdAt":"2025-06-01T12:00:00+03:00"}`,
    event: { tag: "ChatCreated", fields: { chatId: 101, createdAt: "2025-06-01T09:00:00.000Z" } }
  },
  {
    name: "chatId past 2^53",
    body: `{"notificationType":"CHAT_MESSAGE_SENT","chatId":9007199254740993,"messageId":"5001","businessId":12345,"sentAt":"2025-06-01T12:01:00Z"}`,
    event: { tag: "ChatMessageSent", fields: { chatId: 9007199254740992 } }
  },
  {
    name: "businessId past 2^53",
    body: `{"notificationType":"CHAT_CREATED","chatId":101,"businessId":9223372036854775807,"createdAt":"2025-06-01T12:00:00Z"}`,
    event: { tag: "ChatCreated", fields: { businessId: 2 ** 63 } }
  },
  {
    name: "lowercase t and z",
    body: { ...samples.chatCreated, createdAt: "2025-06-01t09:00:00z" },
    event: { tag: "ChatCreated", fields: { createdAt: "2025-06-01T09:00:00.000Z" } }
  },
  {
    name: "a leap second",
    body: { ...samples.arbitrageFinished, finishedAt: "2016-12-31T23:59:60Z" },
    event: { tag: "ChatArbitrageFinished", fields: { finishedAt: "2017-01-01T00:00:00.000Z" } }
  },
  {
    name: "nanoseconds",
    body: { ...samples.chatMessageSent, sentAt: "2025-06-01T12:01:00.123456789+03:00" },
    event: { tag: "ChatMessageSent", fields: { sentAt: "2025-06-01T09:01:00.123Z" } }
  },
  {
    name: "a 20-minute offset",
    body: { ...samples.arbitrageStarted, startedAt: "1937-01-01T12:00:27.87+00:20" },
    event: { tag: "ChatArbitrageStarted", fields: { startedAt: "1937-01-01T11:40:27.870Z" } }
  },
  {
    name: "an offset of hours alone",
    body: { ...samples.chatMessageSent, sentAt: "2025-06-01T12:01:00-03" },
    event: { tag: "ChatMessageSent", fields: { sentAt: "2025-06-01T15:01:00.000Z" } }
  },
  {
    name: "year 0001 and offset -00:00",
    body: { ...samples.chatCreated, createdAt: "0001-01-01T00:00:00-00:00" },
    event: { tag: "ChatCreated", fields: { createdAt: "0001-01-01T00:00:00.000Z" } }
  },
  {
    name: "a dispute's time in its duplicate key",
    body: samples.arbitrageFinished,
    event: {
      tag: "ChatArbitrageFinished",
      fields: { finishedAt: "2025-06-03T15:30:00.000Z" },
      duplicateKey: `CHAT_ARBITRAGE_FINISHED:12345:101:${Date.parse("2025-06-03T15:30:00Z")}`
    }
  },
  { name: "PING", body: samples.ping },
  { name: "PING without time", body: { notificationType: "PING" } },
  {
    name: "fields the description does not list",
    body: { ...samples.chatCreated, somethingNew: { a: [1] } },
    event: { tag: "ChatCreated", fields: { chatId: 101 }, duplicateKey: "CHAT_CREATED:12345:101" }
  },
  {
    name: "another notification type, passed on with its raw body",
    body: samples.orderCreated,
    event: {
      tag: "UnknownNotification",
      fields: { notificationType: "ORDER_CREATED" },
      duplicateKey:
        `ORDER_CREATED:{"campaignId":2222,"createdAt":"2025-06-01T12:00:00+03:00","items":[{"count":2,"offerId":"SKU-1"}],"notificationType":"ORDER_CREATED","orderId":987654}`
    }
  }
]

/** A body refused with 400 `WRONG_EVENT_FORMAT`, and the field its message names (none when the body as a whole is wrong). */
export interface RefusedCase {
  readonly name: string
  readonly body: unknown
  readonly field?: string
}

/**
 * Bodies the receiver must refuse with 400: not JSON, not an object, no `notificationType`, or a
 * chat notification with a field missing or of another type than the description gives.
 */
export const refusedCases: ReadonlyArray<RefusedCase> = [
  { name: "not JSON", body: "{ notificationType: CHAT_CREATED" },
  { name: "an empty body", body: "" },
  { name: "a JSON array", body: "[1, 2]" },
  { name: "JSON null", body: "null" },
  { name: "no notificationType", body: { chatId: 1, businessId: 2 }, field: "notificationType" },
  { name: "a numeric notificationType", body: { notificationType: 7 }, field: "notificationType" },
  { name: "an empty notificationType", body: { notificationType: "" }, field: "notificationType" },
  { name: "CHAT_CREATED without businessId", body: { ...samples.chatCreated, businessId: undefined }, field: "businessId" },
  { name: "CHAT_CREATED without createdAt", body: { ...samples.chatCreated, createdAt: undefined }, field: "createdAt" },
  { name: "CHAT_CREATED with a string chatId", body: { ...samples.chatCreated, chatId: "101" }, field: "chatId" },
  { name: "CHAT_CREATED with a fractional chatId", body: { ...samples.chatCreated, chatId: 1.5 }, field: "chatId" },
  { name: "CHAT_CREATED with businessId 0", body: { ...samples.chatCreated, businessId: 0 }, field: "businessId" },
  { name: "CHAT_CREATED with a negative businessId", body: { ...samples.chatCreated, businessId: -1 }, field: "businessId" },
  { name: "CHAT_CREATED with a date that is not one", body: { ...samples.chatCreated, createdAt: "yesterday" }, field: "createdAt" },
  { name: "CHAT_CREATED with chatId null", body: { ...samples.chatCreated, chatId: null }, field: "chatId" },
  {
    name: "CHAT_CREATED with a chatId beyond int64",
    body: "{\"notificationType\":\"CHAT_CREATED\",\"chatId\":1e20,\"businessId\":1,\"createdAt\":\"2025-06-01T12:00:00Z\"}",
    field: "chatId"
  },
  {
    name: "CHAT_CREATED with a date without an offset",
    body: { ...samples.chatCreated, createdAt: "2025-06-01T12:00:00" },
    field: "createdAt"
  },
  { name: "CHAT_CREATED with a date as a number", body: { ...samples.chatCreated, createdAt: 1748768400000 }, field: "createdAt" },
  { name: "CHAT_CREATED on the 30th of February", body: { ...samples.chatCreated, createdAt: "2025-02-30T12:00:00Z" }, field: "createdAt" },
  {
    name: "CHAT_MESSAGE_SENT without messageId",
    body: { ...samples.chatMessageSent, messageId: undefined },
    field: "messageId"
  },
  { name: "CHAT_MESSAGE_SENT with messageId null", body: { ...samples.chatMessageSent, messageId: null }, field: "messageId" },
  { name: "CHAT_MESSAGE_SENT with messageId true", body: { ...samples.chatMessageSent, messageId: true }, field: "messageId" },
  {
    name: "CHAT_MESSAGE_SENT with an object messageId",
    body: { ...samples.chatMessageSent, messageId: { id: 1 } },
    field: "messageId"
  },
  {
    name: "CHAT_MESSAGE_SENT with a fractional messageId",
    body: { ...samples.chatMessageSent, messageId: 5001.5 },
    field: "messageId"
  },
  {
    name: "CHAT_ARBITRAGE_STARTED without startedAt",
    body: { ...samples.arbitrageStarted, startedAt: undefined },
    field: "startedAt"
  },
  {
    name: "CHAT_ARBITRAGE_FINISHED without finishedAt",
    body: { ...samples.arbitrageFinished, finishedAt: undefined },
    field: "finishedAt"
  },
  { name: "PING with a time that is not a date", body: { notificationType: "PING", time: "soon" }, field: "time" }
]

/** A body with several offending fields: the message names each of them. */
export const manyOffences = {
  body: { notificationType: "CHAT_MESSAGE_SENT", chatId: "x", messageId: true },
  fields: ["chatId", "businessId", "messageId", "sentAt"]
} as const

// -----------------------------------------------------------------------------
// Scenarios
// -----------------------------------------------------------------------------

/** Stands for the scenario's secret in a step's path. */
export const secretToken = "{secret}"

/** A secret path segment for the scenarios (every character class the pattern allows). */
export const sampleSecret = "k3Jd-9f_Qx.7~mP2vL0s"

/** The options of a scenario's standalone receiver (durations in milliseconds, the secret in the clear). */
export interface ScenarioOptions {
  readonly name?: string
  readonly version?: string
  readonly path?: `/${string}`
  readonly secret?: string
  readonly allowedSources?: ReadonlyArray<string>
  readonly addressSource?: "socket" | "x-forwarded-for"
  readonly capacity?: number
  readonly duplicateWindowMillis?: number
  readonly maxRemembered?: number
  readonly maxBodyBytes?: number
  /** `unavailable`: a `ChatsEventQueue` whose every call fails as a durable queue out of reach does. */
  readonly queue?: "memory" | "unavailable"
}

/** The shape of an answer: its status, and `success` (the success body), an error `type`, or no body. */
export type Expected =
  | { readonly status: 200; readonly body: "success" }
  | { readonly status: 400 | 403 | 500; readonly errorType: "WRONG_EVENT_FORMAT" | "UNKNOWN" }
  | { readonly status: 404 | 405; readonly body: "none" }

/** What a test reads of an answer. */
export interface Reply {
  readonly status: number
  readonly text: string
}

/**
 * The shape of an answer, to compare with an `Expected`: the success body (its `name` and `version`
 * those given, its `time` a date), an error body (`{ error: { type, message } }` and nothing else,
 * both strings), no body, or else the text as it came (which no `Expected` equals).
 */
export const shapeOf = (
  reply: Reply,
  success: { readonly name: string; readonly version: string }
): Expected | { readonly status: number; readonly unexpected: string } => {
  if (reply.text === "") return { status: reply.status, body: "none" } as Expected
  let json: any
  try {
    json = JSON.parse(reply.text)
  } catch {
    return { status: reply.status, unexpected: reply.text }
  }
  const keys = typeof json === "object" && json !== null ? Object.keys(json).sort().join(",") : ""
  if (
    keys === "name,time,version" && json.name === success.name && json.version === success.version &&
    typeof json.time === "string" && !Number.isNaN(Date.parse(json.time))
  ) {
    return { status: reply.status, body: "success" } as Expected
  }
  if (
    keys === "error" && typeof json.error === "object" && json.error !== null &&
    Object.keys(json.error).sort().join(",") === "message,type" && typeof json.error.type === "string" &&
    typeof json.error.message === "string"
  ) {
    return { status: reply.status, errorType: json.error.type } as Expected
  }
  return { status: reply.status, unexpected: reply.text }
}

/** A step of a scenario: a request and the answer expected, or taking events off the stream. */
export type Step =
  | {
    readonly send: WireBody
    /** The path, from the server's origin (`{secret}` stands for the secret); default the endpoint. */
    readonly path?: string
    readonly method?: "POST" | "GET" | "PUT"
    readonly headers?: Readonly<Record<string, string>>
    readonly expect: Expected
  }
  | {
    /** Takes this many events off the stream, and checks their labels (`labelOf`). */
    readonly take: ReadonlyArray<string>
  }

/** A scenario: a receiver, requests to it, and what is left on its queue. */
export interface Scenario {
  readonly name: string
  readonly options: ScenarioOptions
  readonly steps: ReadonlyArray<Step>
  /** How many events are stored and not yet taken at the end (unchecked when absent). */
  readonly pending?: number
  /** The labels of the events left, in order (taken off the stream at the end). */
  readonly delivered?: ReadonlyArray<string>
}

const ok = { status: 200, body: "success" } as const
const full = { status: 500, errorType: "UNKNOWN" } as const
const notAllowed = { status: 403, errorType: "UNKNOWN" } as const
const notFound = { status: 404, body: "none" } as const
const malformed = { status: 400, errorType: "WRONG_EVENT_FORMAT" } as const

/** Requests and answers, each scenario on a fresh standalone receiver. */
export const scenarios: ReadonlyArray<Scenario> = [
  {
    name: "PING is answered with the success body and not put on the stream",
    options: {},
    steps: [{ send: samples.ping, expect: ok }, { send: { notificationType: "PING" }, expect: ok }],
    pending: 0
  },
  {
    name: "the success body carries the name and version given",
    options: { name: "my-shop", version: "2.3.4" },
    steps: [{ send: samples.ping, expect: ok }, { send: samples.chatCreated, expect: ok }],
    pending: 1
  },
  {
    name: "each chat notification, and any other type, is answered 200 once queued and delivered in order",
    options: {},
    steps: [
      { send: samples.chatCreated, expect: ok },
      { send: samples.chatMessageSent, expect: ok },
      { send: samples.arbitrageStarted, expect: ok },
      { send: samples.arbitrageFinished, expect: ok },
      { send: samples.orderCreated, expect: ok },
      { send: { notificationType: "SOMETHING_NEW", nested: { a: [1, 2] } }, expect: ok }
    ],
    delivered: ["ChatCreated", "5001", "ChatArbitrageStarted", "ChatArbitrageFinished", "UnknownNotification", "UnknownNotification"]
  },
  {
    name: "a repeat within the window is answered 200 with the success body and not queued again",
    options: {},
    steps: [{ send: samples.chatMessageSent, expect: ok }, { send: samples.chatMessageSent, expect: ok }],
    pending: 1
  },
  {
    name: "identity is the ids (and the time for disputes), not the text of the body",
    options: {},
    steps: [
      // same ids, another key order, another offset for the same instant, an extra field: repeats
      { send: samples.chatMessageSent, expect: ok },
      {
        send: {
          sentAt: "2025-06-01T09:01:00.250Z",
          businessId: 12345,
          messageId: "5001",
          chatId: 101,
          notificationType: "CHAT_MESSAGE_SENT",
          extra: 1
        },
        expect: ok
      },
      { send: samples.chatCreated, expect: ok },
      { send: { ...samples.chatCreated, createdAt: "2025-06-01T12:00:05+03:00" }, expect: ok },
      { send: samples.arbitrageStarted, expect: ok },
      { send: samples.arbitrageStarted, expect: ok },
      // another message, another chat, another business, a later dispute: new events
      { send: messageSent(5002), expect: ok },
      { send: { ...samples.chatCreated, chatId: 102 }, expect: ok },
      { send: { ...samples.chatCreated, businessId: 54321 }, expect: ok },
      { send: { ...samples.arbitrageStarted, startedAt: "2025-07-01T00:00:00Z" }, expect: ok }
    ],
    delivered: [
      "5001",
      "ChatCreated",
      "ChatArbitrageStarted",
      "5002",
      "ChatCreated",
      "ChatCreated",
      "ChatArbitrageStarted"
    ]
  },
  {
    name: "messageId counts as given: \"5001\" and \"05001\" are two messages, the integer 5001 is \"5001\"",
    options: {},
    steps: ["5001", "05001", 5001, "9007199254740993", "9007199254740992", "a1b2", "a1b2"].map((messageId) => ({
      send: { ...samples.chatMessageSent, messageId },
      expect: ok
    })),
    delivered: ["5001", "05001", "9007199254740993", "9007199254740992", "a1b2"]
  },
  {
    name: "other notifications repeat when their bodies say the same thing, in any key order",
    options: {},
    steps: [
      { send: samples.orderCreated, expect: ok },
      { send: Object.fromEntries(Object.entries(samples.orderCreated).reverse()), expect: ok },
      { send: { ...samples.orderCreated, items: [{ offerId: "SKU-1", count: 3 }] }, expect: ok }
    ],
    pending: 2
  },
  {
    name: "duplicateWindow 0 passes every copy on",
    options: { duplicateWindowMillis: 0 },
    steps: [1, 2, 3].map(() => ({ send: samples.chatCreated, expect: ok })),
    pending: 3
  },
  {
    name: "beyond maxRemembered the oldest notifications are forgotten first",
    options: { maxRemembered: 2 },
    steps: [
      { send: messageSent(1), expect: ok },
      { send: messageSent(2), expect: ok },
      { send: messageSent(3), expect: ok },
      { send: messageSent(3), expect: ok },
      { send: messageSent(2), expect: ok },
      { send: messageSent(1), expect: ok }
    ],
    delivered: ["1", "2", "3", "1"]
  },
  {
    name: "beyond capacity the market is answered 500 UNKNOWN, and its retry is accepted once there is room",
    options: { capacity: 2 },
    steps: [
      { send: messageSent(1), expect: ok },
      { send: messageSent(2), expect: ok },
      { send: messageSent(3), expect: full },
      // PING is still answered while the queue is full
      { send: samples.ping, expect: ok },
      // a repeat of a queued event is still recognised as one
      { send: messageSent(1), expect: ok },
      { take: ["1"] },
      // the refused one was not remembered: the market's retry goes through
      { send: messageSent(3), expect: ok }
    ],
    delivered: ["2", "3"]
  },
  {
    name: "a queue that cannot store the event: 500 UNKNOWN; PING is answered without the queue",
    options: { queue: "unavailable" },
    steps: [
      { send: samples.chatCreated, expect: full },
      { send: samples.orderCreated, expect: full },
      { send: samples.ping, expect: ok },
      // a malformed body is refused before the queue is asked
      { send: { notificationType: "CHAT_CREATED" }, expect: malformed }
    ]
  },
  {
    name: "a sender outside the allowed sources (here 127.0.0.1 itself) is refused with 403 and nothing is queued",
    options: { allowedSources: marketSourceRanges },
    steps: [{ send: samples.chatCreated, expect: notAllowed }, { send: samples.ping, expect: notAllowed }],
    pending: 0
  },
  {
    name: "a sender inside the allowed sources is served",
    options: { allowedSources: ["10.0.0.0/8", "127.0.0.0/8"] },
    steps: [{ send: samples.chatCreated, expect: ok }],
    pending: 1
  },
  {
    name: "X-Forwarded-For is ignored unless asked for",
    options: { allowedSources: ["5.45.207.0/25"] },
    steps: [{ send: samples.ping, headers: { "x-forwarded-for": "5.45.207.10" }, expect: notAllowed }]
  },
  {
    name: "with addressSource x-forwarded-for only its last entry counts",
    options: { allowedSources: ["5.45.207.0/25"], addressSource: "x-forwarded-for" },
    steps: [
      { send: samples.ping, headers: { "x-forwarded-for": "5.45.207.10" }, expect: ok },
      { send: samples.ping, headers: { "x-forwarded-for": "1.2.3.4, 5.45.207.127" }, expect: ok },
      // a forged first entry does not help a sender the proxy saw elsewhere
      { send: samples.ping, headers: { "x-forwarded-for": "5.45.207.10, 1.2.3.4" }, expect: notAllowed },
      { send: samples.ping, headers: { "x-forwarded-for": "5.45.207.128" }, expect: notAllowed },
      { send: samples.ping, expect: notAllowed }
    ]
  },
  {
    name: "the endpoint with the secret is served; a wrong or missing secret, or another path, is 404",
    options: { secret: sampleSecret },
    steps: [
      { send: samples.chatCreated, path: `/${secretToken}/notification`, expect: ok },
      ...[
        "/notification",
        `/${sampleSecret.slice(0, -1)}/notification`,
        `/${sampleSecret}x/notification`,
        `/${sampleSecret.toUpperCase()}/notification`,
        `/${secretToken}/other`,
        `/${secretToken}`
      ].map((path) => ({ send: samples.chatMessageSent, path, expect: notFound }))
    ],
    pending: 1
  },
  {
    name: "a custom path goes after the secret segment",
    options: { secret: sampleSecret, path: "/hooks/market" },
    steps: [
      { send: samples.ping, path: `/${secretToken}/hooks/market`, expect: ok },
      { send: samples.ping, path: "/hooks/market", expect: notFound }
    ]
  },
  {
    name: "a GET on the route, or a POST elsewhere, is 404 from the standalone server",
    options: {},
    steps: [
      { send: "", method: "GET", expect: notFound },
      { send: samples.ping, path: "/other", expect: notFound },
      { send: samples.ping, expect: ok }
    ]
  },
  {
    name: "a body larger than maxBodyBytes is refused with 400; the receiver goes on",
    options: { maxBodyBytes: 256 },
    steps: [
      { send: { ...samples.orderCreated, padding: "x".repeat(1000) }, expect: malformed },
      { send: samples.chatCreated, expect: ok }
    ],
    pending: 1
  },
  {
    name: "the content type is not required",
    options: {},
    steps: [{ send: samples.chatCreated, headers: { "content-type": "text/plain" }, expect: ok }],
    pending: 1
  }
]

// -----------------------------------------------------------------------------
// complete
// -----------------------------------------------------------------------------

/** What `complete` does with an event: one request, or a refusal naming the id, or nothing. */
export interface CompleteCase {
  readonly name: string
  readonly body: WireBody
  readonly outcome:
    | { readonly request: string }
    | { readonly unusable: { readonly field: "businessId" | "chatId" | "messageId"; readonly id: string } }
    | "unchanged"
}

/** `complete` on each kind of event; a request is `METHOD path?query` against the API's base URL. */
export const completeCases: ReadonlyArray<CompleteCase> = [
  { name: "CHAT_CREATED gets its chat", body: samples.chatCreated, outcome: { request: "GET /v2/businesses/12345/chat?chatId=101" } },
  {
    name: "CHAT_MESSAGE_SENT gets its message",
    body: samples.chatMessageSent,
    outcome: { request: "GET /v2/businesses/12345/chats/message?chatId=101&messageId=5001" }
  },
  { name: "a dispute's start passes unchanged", body: samples.arbitrageStarted, outcome: "unchanged" },
  { name: "a dispute's end passes unchanged", body: samples.arbitrageFinished, outcome: "unchanged" },
  { name: "another notification passes unchanged", body: samples.orderCreated, outcome: "unchanged" },
  ...["9007199254740993", "0", "a1b2", "05001", ""].map((messageId): CompleteCase => ({
    name: `messageId ${JSON.stringify(messageId)} is not the chats API's`,
    body: { ...samples.chatMessageSent, messageId },
    outcome: { unusable: { field: "messageId", id: messageId } }
  })),
  { name: "chatId 0", body: { ...samples.chatCreated, chatId: 0 }, outcome: { unusable: { field: "chatId", id: "0" } } },
  {
    name: "a negative chatId of a message",
    body: { ...samples.chatMessageSent, chatId: -7 },
    outcome: { unusable: { field: "chatId", id: "-7" } }
  },
  {
    name: "chatId past 2^53",
    body: `{ "notificationType": "CHAT_CREATED", "chatId": 9007199254740993, "businessId": 1, "createdAt": "2025-06-01T12:00:00Z" }`,
    outcome: { unusable: { field: "chatId", id: "9007199254740992" } }
  },
  {
    name: "businessId past 2^53, named before the chat",
    body: { ...samples.chatCreated, businessId: 2 ** 60, chatId: 0 },
    outcome: { unusable: { field: "businessId", id: String(2 ** 60) } }
  }
]

// -----------------------------------------------------------------------------
// Options
// -----------------------------------------------------------------------------

/** Options refused when the receiver (or its standalone server) is built, and the option named. */
export interface BadOptionCase {
  readonly name: string
  /** The receiver's options (the secret in the clear), or the standalone server's bounds. */
  readonly options: {
    readonly secret?: string
    readonly allowedSources?: ReadonlyArray<string>
    readonly capacity?: number
    readonly maxRemembered?: number
    readonly maxBodyBytes?: number
    readonly name?: string
    readonly version?: string
    readonly path?: string
    /** Durations as the edition reads them: milliseconds, or a text such as `"2 seconds"`. */
    readonly requestTimeout?: number | string
    readonly duplicateWindow?: number | string
    readonly maxConnections?: number
  }
  readonly option: string
}

/** Options that are refused, each naming its option (never the secret). */
export const badOptionCases: ReadonlyArray<BadOptionCase> = [
  { name: "an allowed source that is a host name", options: { allowedSources: ["localhost"] }, option: "allowedSources" },
  {
    name: "an allowed range past /32",
    options: { allowedSources: ["5.45.207.0/25", "5.45.207.0/33"] },
    option: "allowedSources"
  },
  { name: "a secret with a slash", options: { secret: "has/slash" }, option: "secret" },
  { name: "an empty secret", options: { secret: "" }, option: "secret" },
  { name: "capacity 0", options: { capacity: 0 }, option: "capacity" },
  { name: "a fractional capacity", options: { capacity: 1.5 }, option: "capacity" },
  { name: "a negative maxRemembered", options: { maxRemembered: -1 }, option: "maxRemembered" },
  { name: "maxBodyBytes 0", options: { maxBodyBytes: 0 }, option: "maxBodyBytes" },
  { name: "an empty name", options: { name: "" }, option: "name" },
  { name: "a version of 101 characters", options: { version: "v".repeat(101) }, option: "version" },
  { name: "a path without its leading slash", options: { path: "notification" }, option: "path" },
  { name: "a negative duplicateWindow", options: { duplicateWindow: -1 }, option: "duplicateWindow" },
  { name: "a duplicateWindow that is no duration", options: { duplicateWindow: "an hour or so" }, option: "duplicateWindow" },
  { name: "requestTimeout 0", options: { requestTimeout: 0 }, option: "requestTimeout" },
  { name: "requestTimeout that is no duration", options: { requestTimeout: "soon" }, option: "requestTimeout" },
  { name: "maxConnections 0", options: { maxConnections: 0 }, option: "maxConnections" },
  { name: "a fractional maxConnections", options: { maxConnections: 2.5 }, option: "maxConnections" }
]
