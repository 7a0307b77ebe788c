/**
 * What the library's metrics must read after real calls, as data both editions' metric suites can
 * run: one call of the client against the simulator with one failure queued (`failNext`) or one fault
 * set, and the series it leaves; and a run of requests to the receiver (in-memory queue) with the
 * answer of each and the series they leave. Each case lists every series of the metrics it names that
 * must move, by the metric's key in `core/metrics/names.ts`, its attributes besides `unit`, and the
 * value it must move by: a counter's count, a histogram's number of observations. (The gauges and the
 * durations' values are checked by each suite on its own.)
 */
import type { MetricKey } from "../metrics/names.js"
import type { Attributes } from "../metrics/series.js"
import type { NextFailure } from "../simulator/nextFailures.js"
import { messageSent, samples, type WireBody } from "../cases/notifications.js"

/** A series and how much it must move. */
export interface ExpectedSeries {
  readonly metric: MetricKey
  /** Its attributes besides `unit`, exactly. */
  readonly attributes: Attributes
  /** A counter's count, or a histogram's number of observations. */
  readonly value: number
}

/** One call of `getChat` against the simulator, with no retries and the series it leaves. */
export interface ClientMetricCase {
  readonly title: string
  /** What the simulator answers instead (`failNext`); none for a plain call. */
  readonly failure?: NextFailure
  /** A latency added to the call (with `requestTimeoutMillis` below it, the call times out). */
  readonly latencyMillis?: number
  readonly requestTimeoutMillis?: number
  /** The call's outcome: `success`, or the tag of its error. */
  readonly outcome: string
  readonly expected: ReadonlyArray<ExpectedSeries>
}

const getChat = { "yandex_market.operation": "getChat" } as const
const getChatAttempt = { ...getChat, "http.request.method": "GET" } as const

/** The series of one call of `getChat` that ended with `outcome`. */
const callOf = (outcome: string): ReadonlyArray<ExpectedSeries> => [
  { metric: "calls", attributes: { ...getChat, outcome }, value: 1 },
  { metric: "callDuration", attributes: { ...getChat, outcome }, value: 1 },
  { metric: "gateWait", attributes: getChat, value: 1 }
]

/** An attempt answered with `status`. */
const answered = (status: number): ExpectedSeries => ({
  metric: "attemptDuration",
  attributes: {
    ...getChatAttempt,
    "http.response.status_code": String(status),
    ...(status >= 400 ? { "error.type": String(status) } : {})
  },
  value: 1
})

/** A 420 of `kind`. */
const rateLimited = (kind: "parallel" | "quota" | "unknown"): ExpectedSeries => ({
  metric: "rateLimited",
  attributes: { ...getChat, "yandex_market.rate_limit.kind": kind },
  value: 1
})

/** The client's cases: a success, a 420 of each kind, an error status and a timeout. */
export const clientMetricCases: ReadonlyArray<ClientMetricCase> = [
  {
    title: "a success",
    outcome: "success",
    expected: [...callOf("success"), answered(200)]
  },
  {
    title: "a quota 420",
    failure: { kind: "rateLimit", retryAfterMillis: 60_000 },
    outcome: "RateLimitError",
    expected: [...callOf("RateLimitError"), answered(420), rateLimited("quota")]
  },
  {
    title: "a parallel 420",
    failure: { kind: "status", status: 420, code: "LIMIT_EXCEEDED", message: "Too many parallel requests: 4 at most" },
    outcome: "RateLimitError",
    expected: [...callOf("RateLimitError"), answered(420), rateLimited("parallel")]
  },
  {
    title: "a 420 that names no limit",
    failure: { kind: "status", status: 420, code: "LIMIT_EXCEEDED", message: "slow down" },
    outcome: "RateLimitError",
    expected: [...callOf("RateLimitError"), answered(420), rateLimited("unknown")]
  },
  {
    title: "a 500",
    failure: { kind: "status", status: 500, code: "INTERNAL_ERROR" },
    outcome: "InternalServerError",
    expected: [...callOf("InternalServerError"), answered(500)]
  },
  {
    title: "a timeout",
    latencyMillis: 1_000,
    requestTimeoutMillis: 150,
    outcome: "RequestTimeoutError",
    expected: [
      ...callOf("RequestTimeoutError"),
      { metric: "attemptDuration", attributes: { ...getChatAttempt, "error.type": "RequestTimeoutError" }, value: 1 }
    ]
  }
]

/** One request to the receiver and the status it must be answered with. */
export interface NotificationSend {
  readonly body: WireBody
  readonly status: number
}

/** The answered notifications by type and status. */
const received = (type: string, status: number, value: number): ExpectedSeries => ({
  metric: "notificationsReceived",
  attributes: { "yandex_market.notification.type": type, "http.response.status_code": String(status) },
  value
})

/**
 * Requests to a receiver whose in-memory queue holds 4 events, in order: each answer counted by the
 * notification's type and the status, a repeat counted as a duplicate, an unknown type as `OTHER`, a
 * body that is no notification as `none`. Four events are stored and waiting at the end.
 */
export const notificationMetricCase = {
  capacity: 4,
  sends: [
    { body: samples.ping, status: 200 },
    { body: messageSent(1), status: 200 },
    { body: messageSent(1), status: 200 }, // a repeat
    { body: samples.chatCreated, status: 200 },
    { body: samples.orderCreated, status: 200 },
    // a type the library does not know, sent with any name: one series, OTHER
    { body: { notificationType: "MADE_UP_BY_A_SENDER_1" }, status: 200 },
    // the queue holds 4: the next event is refused with 500
    { body: messageSent(2), status: 500 },
    // a known type with a field missing, then a body that is not JSON
    { body: { ...samples.chatMessageSent, chatId: undefined }, status: 400 },
    { body: "{not json", status: 400 }
  ] satisfies ReadonlyArray<NotificationSend>,
  expected: [
    received("PING", 200, 1),
    received("CHAT_MESSAGE_SENT", 200, 2),
    received("CHAT_CREATED", 200, 1),
    received("OTHER", 200, 2),
    received("CHAT_MESSAGE_SENT", 500, 1),
    received("CHAT_MESSAGE_SENT", 400, 1),
    received("none", 400, 1),
    { metric: "notificationDuplicates", attributes: { "yandex_market.notification.type": "CHAT_MESSAGE_SENT" }, value: 1 }
  ] satisfies ReadonlyArray<ExpectedSeries>,
  /** Events stored and waiting at the end (the pending gauge of the `memory` queue). */
  pending: 4
} as const
