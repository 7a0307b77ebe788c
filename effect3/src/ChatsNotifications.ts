/**
 * The receiver of the market's push notifications (API notifications): the
 * chat events as a tagged union decoded from the bodies the market POSTs, an
 * `HttpApp` that answers the market the way its description asks, a `Stream`
 * of events backed by a bounded queue, a standalone server layer on Node, and
 * a helper that completes an event with the chat or message it is about.
 *
 * How it answers:
 * - `PING`: 200 `{ version, name, time }` at once, without touching the queue; pings are not put on the stream.
 * - any other well-formed notification: 200 as soon as the event is stored in the receiver's
 *   queue, before the consumer of the stream has seen it.
 * - the same notification again within the duplicate window (see `duplicateKey`): 200
 *   as well, and it is not queued a second time. Not `DUPLICATED_EVENT`: the first copy
 *   was accepted, and an error answer would only tell the market that delivery failed.
 * - a body that is not JSON, not an object, has no `notificationType`, or is a chat
 *   notification with a field missing or of another type than the description gives:
 *   400 `{ error: { type: "WRONG_EVENT_FORMAT", message } }`. Every body the description
 *   allows is accepted: `messageId` any string, `chatId` any int64, `businessId` any
 *   int64 of at least 1, dates any ISO 8601 date-time with an offset.
 * - the queue is full, or cannot store the event (its store out of reach): 500
 *   `{ error: { type: "UNKNOWN", message } }`, so that the market sends it again later; it is
 *   not remembered as seen.
 * - a sender outside `allowedSources`: 403; a path without the `secret` segment: 404.
 *
 * The queue is a seam (`EventQueue`, provided through `ChatsEventQueue`). The default is in memory:
 * its 200 means "queued in memory", and events still queued when the receiver's scope closes are
 * lost. `effect-yandex-market-chats/redis` provides a durable one over Redis Streams (at-least-once,
 * shared by several receivers and consumers, with dead letters).
 *
 * @since 0.1.0
 */
import { type HttpApp, HttpRouter, type HttpServerRequest } from "@effect/platform"
import type { ServeError } from "@effect/platform/HttpServerError"
import {
  Cause,
  Chunk,
  ConfigError,
  Context,
  Data,
  DateTime,
  Duration,
  Effect,
  Either,
  Equal,
  Exit,
  Layer,
  Option,
  ParseResult,
  Redacted,
  Schema,
  type Scope,
  Stream
} from "effect"
import { dual } from "effect/Function"
import * as ChatsClient from "./ChatsClient.js"
import type * as ChatsError from "./ChatsError.js"
import * as ChatsSchema from "./ChatsSchema.js"
import type { ErrorType } from "../../core/notifications/answers.js"
import { duplicateKey as coreDuplicateKey } from "../../core/notifications/duplicates.js"
import type { AddressSource } from "../../core/notifications/guards.js"
import {
  apiMessageId as coreApiMessageId,
  idMessages,
  isInt64,
  usableChatIds,
  usableMessageIds,
  type UsableIds,
  withOffsetMinutes
} from "../../core/notifications/ids.js"
import { makeSeenWindow } from "../../core/notifications/seen.js"
import { checkServerLimits, createBoundedServer, originOf, serverDefaults } from "../../core/notifications/server.js"
import * as Settings from "../../core/notifications/settings.js"
import * as Wire from "../../core/notifications/wire.js"
import { notificationTypeOf, recordHandlerFailure, recordRedelivery } from "./ChatsMetrics.js"
import { describeIssue } from "./internal/client/issues.js"
import { invalid } from "./internal/configChecks.js"
import { type Decoded, makeHandler } from "./internal/notifications/handler.js"
import { makeMemoryQueue } from "./internal/notifications/memoryQueue.js"
import { nodeHttpServer } from "./internal/peers.js"

export type {
  /**
   * Where the sender's address is read: `"socket"` or `"x-forwarded-for"` (its last entry).
   *
   * @since 0.1.0
   * @category models
   */
  AddressSource,
  /**
   * The `type` of an error answer as the description lists them: `UNKNOWN`, `WRONG_EVENT_FORMAT`,
   * `DUPLICATED_EVENT` (the last one is never sent: repeats are answered 200).
   *
   * @since 0.1.0
   * @category models
   */
  ErrorType
}

// -----------------------------------------------------------------------------
// Schemas
// -----------------------------------------------------------------------------

/** The wire's `notificationType` literal, decoded to the event's `_tag`. */
const tagFrom = <const Wire extends string, const Tag extends string>(wire: Wire, tag: Tag) =>
  Schema.propertySignature(Schema.transformLiteral(wire, tag)).pipe(Schema.fromKey("notificationType"))

/**
 * An int64 as the notifications describe ids (chat ids with no lower bound): any integer JSON
 * number, not only the safe ones. One beyond 2^53 is the nearest number JSON parsing gives,
 * never a safe integer, so the chats API and `complete` refuse it rather than address another id.
 */
const Int64 = Schema.Number.pipe(
  Schema.filter(isInt64, { message: (issue) => idMessages.int64(issue.actual) })
).annotations({ identifier: "Int64" })

/** The fields every chat notification carries: `chatId` an int64, `businessId` an int64 of at least 1. */
const chatFields = {
  chatId: Int64,
  businessId: Int64.pipe(
    Schema.greaterThanOrEqualTo(1, { message: (issue) => idMessages.atLeastOne(issue.actual) })
  )
}

/**
 * A date-time as the notifications give it (format `date-time`, ISO 8601 with an offset): what
 * `ChatsSchema.DateTime` reads, and also an offset of hours alone (`+03`, which ISO 8601 and the
 * description's validators allow), read as `+03:00`. Encoded as UTC ISO.
 */
const NotificationDateTime = Schema.compose(
  Schema.transform(Schema.String, Schema.String, {
    strict: true,
    decode: withOffsetMinutes,
    encode: (s) => s
  }),
  ChatsSchema.DateTime
).annotations({ identifier: "NotificationDateTime" })

/** The chats API's integer id that a message id stands for, if any (`core/notifications/ids.ts`). */
const apiMessageId = (messageId: string): Option.Option<number> => Option.fromNullable(coreApiMessageId(messageId))

/**
 * `CHAT_CREATED`: a customer opened a chat.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ChatCreated = Schema.Struct({
  _tag: tagFrom("CHAT_CREATED", "ChatCreated"),
  ...chatFields,
  createdAt: NotificationDateTime
}).annotations({ identifier: "ChatCreated" })

/**
 * `CHAT_CREATED`: a customer opened a chat.
 *
 * @since 0.1.0
 * @category models
 */
export interface ChatCreated extends Schema.Schema.Type<typeof ChatCreated> {}

/** A message id as it came: the description's plain string, or an integer JSON number (kept as its digits). */
const MessageId = Schema.transform(
  Schema.Union(Schema.String, Int64).annotations({
    message: (issue) => ({ message: idMessages.messageId(issue.actual), override: true })
  }),
  Schema.String,
  {
    strict: true,
    decode: String,
    encode: (id) => id
  }
).annotations({ identifier: "MessageId" })

/** `CHAT_MESSAGE_SENT` field by field, as the description has it: `messageId` a plain string. */
const ChatMessageSentFields = Schema.Struct({
  _tag: tagFrom("CHAT_MESSAGE_SENT", "ChatMessageSent"),
  ...chatFields,
  messageId: MessageId,
  sentAt: NotificationDateTime
})

/**
 * `CHAT_MESSAGE_SENT`: a message was added to a chat (not sent for stickers). `messageId` is kept as
 * the string it came as; decoding adds `messageIdNumber`, the chats API's integer id when the string is
 * one (`Option.none()` otherwise), and encoding writes `messageId` alone. An event whose
 * `messageIdNumber` disagrees with its `messageId` does not validate or encode.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ChatMessageSent = Schema.transform(
  ChatMessageSentFields,
  Schema.extend(
    Schema.typeSchema(ChatMessageSentFields),
    Schema.Struct({ messageIdNumber: Schema.OptionFromSelf(Schema.Number) })
  ).pipe(
    Schema.filter((event) => Option.getEquivalence(Equal.equals)(event.messageIdNumber, apiMessageId(event.messageId)), {
      message: () => idMessages.messageIdNumber
    })
  ),
  {
    strict: true,
    decode: (fields) => ({ ...fields, messageIdNumber: apiMessageId(fields.messageId) }),
    encode: ({ messageIdNumber: _, ...fields }) => fields
  }
).annotations({ identifier: "ChatMessageSent" })

/**
 * `CHAT_MESSAGE_SENT`: a message was added to a chat; `messageId` as given, `messageIdNumber` the
 * chats API's integer id when `messageId` is one.
 *
 * @since 0.1.0
 * @category models
 */
export interface ChatMessageSent extends Schema.Schema.Type<typeof ChatMessageSent> {}

/**
 * `CHAT_ARBITRAGE_STARTED`: a dispute began on a chat.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ChatArbitrageStarted = Schema.Struct({
  _tag: tagFrom("CHAT_ARBITRAGE_STARTED", "ChatArbitrageStarted"),
  ...chatFields,
  startedAt: NotificationDateTime
}).annotations({ identifier: "ChatArbitrageStarted" })

/**
 * `CHAT_ARBITRAGE_STARTED`: a dispute began on a chat.
 *
 * @since 0.1.0
 * @category models
 */
export interface ChatArbitrageStarted extends Schema.Schema.Type<typeof ChatArbitrageStarted> {}

/**
 * `CHAT_ARBITRAGE_FINISHED`: the dispute of a chat ended.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ChatArbitrageFinished = Schema.Struct({
  _tag: tagFrom("CHAT_ARBITRAGE_FINISHED", "ChatArbitrageFinished"),
  ...chatFields,
  finishedAt: NotificationDateTime
}).annotations({ identifier: "ChatArbitrageFinished" })

/**
 * `CHAT_ARBITRAGE_FINISHED`: the dispute of a chat ended.
 *
 * @since 0.1.0
 * @category models
 */
export interface ChatArbitrageFinished extends Schema.Schema.Type<typeof ChatArbitrageFinished> {}

/**
 * `PING`: the market checking the endpoint; `time` is optional in the description.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Ping = Schema.Struct({
  _tag: tagFrom("PING", "Ping"),
  time: Schema.optional(NotificationDateTime)
}).annotations({ identifier: "Ping" })

/**
 * `PING`: the market checking the endpoint.
 *
 * @since 0.1.0
 * @category models
 */
export interface Ping extends Schema.Schema.Type<typeof Ping> {}

/**
 * Any other notification (orders, returns, feedback, questions, types added later):
 * its `notificationType` and the whole body as it came.
 *
 * @since 0.1.0
 * @category schemas
 */
export const UnknownNotification = Schema.TaggedStruct("UnknownNotification", {
  notificationType: Schema.String,
  body: Schema.Record({ key: Schema.String, value: Schema.Unknown })
}).annotations({ identifier: "UnknownNotification" })

/**
 * Any other notification, passed on with its type and raw body.
 *
 * @since 0.1.0
 * @category models
 */
export interface UnknownNotification extends Schema.Schema.Type<typeof UnknownNotification> {}

/**
 * The four chat events.
 *
 * @since 0.1.0
 * @category models
 */
export type ChatEvent = ChatCreated | ChatMessageSent | ChatArbitrageStarted | ChatArbitrageFinished

/**
 * What the stream of a receiver carries: a chat event or another notification, tagged by `_tag`.
 *
 * @since 0.1.0
 * @category models
 */
export type Event = ChatEvent | UnknownNotification

/**
 * Any body the market may POST, as decoded: an event or a ping.
 *
 * @since 0.1.0
 * @category models
 */
export type Notification = Event | Ping

/** The schema of each notification type this library reads, by its wire name. */
const knownSchemas = {
  PING: Ping,
  CHAT_CREATED: ChatCreated,
  CHAT_MESSAGE_SENT: ChatMessageSent,
  CHAT_ARBITRAGE_STARTED: ChatArbitrageStarted,
  CHAT_ARBITRAGE_FINISHED: ChatArbitrageFinished
} as const

/**
 * The notification types decoded field by field; any other type is an `UnknownNotification`.
 *
 * @since 0.1.0
 * @category constants
 */
export const knownNotificationTypes: ReadonlyArray<keyof typeof knownSchemas> = Wire.knownNotificationTypes

const knownDecoders: Readonly<
  Record<string, (input: unknown) => Either.Either<Notification, ParseResult.ParseIssue>>
> = Object.fromEntries(
  Object.entries(knownSchemas).map(([type, schema]) => [
    type,
    ParseResult.decodeUnknownEither(schema as Schema.Schema<Notification, unknown>, {
      errors: "all",
      onExcessProperty: "ignore"
    })
  ])
)

/**
 * A body that is not a notification, with a description of what is wrong.
 *
 * @since 0.1.0
 * @category errors
 */
export class MalformedNotificationError extends Data.TaggedError("MalformedNotificationError")<{
  readonly message: string
}> {}

/**
 * Decodes a parsed JSON body: a known type field by field, any other `notificationType`
 * as an `UnknownNotification`; a body without a `notificationType` string is malformed.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeNotification = (body: unknown): Either.Either<Notification, MalformedNotificationError> => {
  const envelope = Wire.readEnvelope(body)
  if (!envelope.ok) return Either.left(new MalformedNotificationError({ message: envelope.message }))
  const decode = knownDecoders[envelope.type]
  if (decode === undefined) {
    return Either.right(UnknownNotification.make({ notificationType: envelope.type, body: envelope.body }))
  }
  return Either.mapLeft(decode(body), (issue) => new MalformedNotificationError({ message: describeIssue(issue) }))
}

/**
 * The JSON body of a notification as the market sends it (the inverse of `decodeNotification`):
 * what a simulator or a test POSTs to a receiver.
 *
 * @since 0.1.0
 * @category encoding
 */
export const encodeNotification = (notification: Notification): Record<string, unknown> => {
  switch (notification._tag) {
    case "UnknownNotification":
      return { ...notification.body, notificationType: notification.notificationType }
    case "Ping":
      return Schema.encodeSync(Ping)(notification)
    case "ChatCreated":
      return Schema.encodeSync(ChatCreated)(notification)
    case "ChatMessageSent":
      return Schema.encodeSync(ChatMessageSent)(notification)
    case "ChatArbitrageStarted":
      return Schema.encodeSync(ChatArbitrageStarted)(notification)
    case "ChatArbitrageFinished":
      return Schema.encodeSync(ChatArbitrageFinished)(notification)
  }
}

/**
 * The identity of an event, by which repeats are recognised: business, chat and message ids
 * for messages, business and chat for a new chat, plus the time for disputes (a chat may go
 * to dispute more than once), and the whole body (keys sorted) for other notifications.
 *
 * @since 0.1.0
 * @category duplicates
 */
export const duplicateKey = (event: Event): string => coreDuplicateKey(event, DateTime.toEpochMillis)

// -----------------------------------------------------------------------------
// The queue between the receiver and its consumers
// -----------------------------------------------------------------------------

/**
 * The receiver's queue is full (the in-memory `capacity`, or a durable queue's maximum length): the
 * event was not stored, and the market is answered 500 so that it sends it again later.
 *
 * @since 0.2.0
 * @category errors
 */
export class NotificationQueueFullError extends Schema.TaggedError<NotificationQueueFullError>()(
  "NotificationQueueFullError",
  { description: Schema.String }
) {
  /** What is full. */
  override get message(): string {
    return this.description
  }
}

/**
 * The receiver's queue could not answer (a durable queue's store out of reach, or too slow): the
 * event may not be stored, and the market is answered 500 so that it sends it again later.
 * The description never holds a credential.
 *
 * @since 0.2.0
 * @category errors
 */
export class NotificationQueueUnavailableError extends Schema.TaggedError<NotificationQueueUnavailableError>()(
  "NotificationQueueUnavailableError",
  { description: Schema.String }
) {
  /** What failed, without credentials. */
  override get message(): string {
    return this.description
  }
}

/**
 * An event handed to a consumer by the receiver's queue, to be acknowledged once handled.
 *
 * @since 0.2.0
 * @category models
 */
export interface Delivery {
  /** The event. */
  readonly event: Event
  /** Its id in the queue (a Redis stream entry id, or `memory:<n>`). */
  readonly id: string
  /** How many times it was handed out, this one included (1 the first time). */
  readonly attempt: number
  /** Marks it handled: it is not delivered again. A failure is logged, and the event comes again later. */
  readonly ack: Effect.Effect<void>
  /** Marks the attempt failed: a durable queue delivers it again after its idle time, or moves it to the dead letters. */
  readonly fail: (reason: string) => Effect.Effect<void>
}

/**
 * The seam between the receiver and its consumers: where an event goes before the market gets its 200,
 * and where consumers take it from. The in-memory queue is the default; `Redis.layerNotificationQueue`
 * provides a durable one.
 *
 * @since 0.2.0
 * @category models
 */
export interface EventQueue {
  /**
   * Stores an event unless it is a repeat (by `duplicateKey`) of one stored within the duplicate
   * window; the receiver answers the market 200 only once this succeeds.
   */
  readonly offer: (
    event: Event
  ) => Effect.Effect<"stored" | "duplicate", NotificationQueueFullError | NotificationQueueUnavailableError>
  /** The events for this consumer, each to be acknowledged; ends when the queue's scope closes. */
  readonly deliveries: Stream.Stream<Delivery>
  /** How many events are stored and not yet acknowledged (in memory: waiting for the consumer). */
  readonly pending: Effect.Effect<number, NotificationQueueUnavailableError>
}

/**
 * The queue a receiver built by `make`, `layer` or `layerServer` uses when one is in the context;
 * without it, each receiver has its own in-memory queue (`capacity`, `duplicateWindow`).
 *
 * @since 0.2.0
 * @category tags
 */
export class ChatsEventQueue extends Context.Tag("effect-yandex-market-chats/ChatsEventQueue")<
  ChatsEventQueue,
  EventQueue
>() {}

/**
 * Settings of `Receiver.process`.
 *
 * @since 0.2.0
 * @category models
 */
export interface ProcessOptions {
  /** How many events are handled at once. Default 1 (in arrival order, redeliveries aside). */
  readonly concurrency?: number | undefined
}

/**
 * Lets the event loop run (a macrotask, not a microtask) before each event is handed over, so
 * that a consumer doing synchronous work between events cannot hold back the answers to the
 * market (a PING must be answered within 1 s). Independent of the Clock, so TestClock is unaffected.
 */
const yieldToEventLoop: Effect.Effect<void> = Effect.async<void>((resume) => {
  const handle = setImmediate(() => resume(Effect.void))
  return Effect.sync(() => clearImmediate(handle))
})

/** A failure of a handler as a short text for the logs and the dead letters. */
const describeFailure = (cause: Cause.Cause<unknown>): string => {
  const error = Cause.squash(cause)
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
  return text.length > 500 ? `${text.slice(0, 500)}…` : text
}

/** Runs the handler on one delivery: acknowledged on success, failed otherwise, left alone when interrupted. */
const settle = <E, R>(delivery: Delivery, handler: (event: Event) => Effect.Effect<void, E, R>) =>
  Effect.flatMap(Effect.exit(Effect.suspend(() => handler(delivery.event))), (exit) => {
    if (Exit.isSuccess(exit)) return delivery.ack
    if (Cause.isInterruptedOnly(exit.cause)) return Effect.void
    const reason = describeFailure(exit.cause)
    return Effect.zipRight(
      Effect.zipRight(
        recordHandlerFailure(notificationTypeOf(delivery.event)),
        Effect.logWarning("notification handler failed", delivery.event._tag, reason).pipe(
          Effect.annotateLogs({ module: "ChatsNotifications", id: delivery.id, attempt: delivery.attempt })
        )
      ),
      delivery.fail(reason)
    )
  })

/** Counts the deliveries that are not the first of their event. */
const countRedeliveries = (delivery: Delivery): Effect.Effect<void> =>
  delivery.attempt > 1 ? recordRedelivery(notificationTypeOf(delivery.event)) : Effect.void

/** Consumes a queue with a handler, acknowledging each event it handles. */
const processQueue = (queue: EventQueue) =>
<E, R>(handler: (event: Event) => Effect.Effect<void, E, R>, options: ProcessOptions = {}): Effect.Effect<void, never, R> =>
  queue.deliveries.pipe(
    Stream.tap((delivery) => Effect.zipRight(countRedeliveries(delivery), yieldToEventLoop)),
    Stream.mapEffect((delivery) => settle(delivery, handler), { concurrency: options.concurrency ?? 1, unordered: true }),
    Stream.runDrain
  )

/**
 * The plain stream of a queue: one event at a time, each acknowledged when the next one is pulled
 * (that is, once the consumer of the stream is done with it).
 */
const eventsOf = (queue: EventQueue): Stream.Stream<Event> =>
  Stream.unwrapScoped(Effect.map(Stream.toPull(Stream.rechunk(Stream.tap(queue.deliveries, countRedeliveries), 1)), (pull) => {
    let previous: ReadonlyArray<Delivery> = []
    const ackPrevious = Effect.suspend(() => {
      const done = previous
      previous = []
      return Effect.forEach(done, (delivery) => delivery.ack, { discard: true })
    })
    return Stream.repeatEffectChunkOption(
      ackPrevious.pipe(
        Effect.zipRight(pull),
        Effect.map((chunk) => {
          previous = Array.from(chunk)
          return Chunk.map(chunk, (delivery) => delivery.event)
        })
      )
    )
  })).pipe(Stream.tap(() => yieldToEventLoop))

// -----------------------------------------------------------------------------
// Receiver
// -----------------------------------------------------------------------------

/**
 * The library's name, the default `name` of the success body.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultName = Settings.defaultName

/**
 * The library's version, the default `version` of the success body.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultVersion = "0.1.0"

/**
 * The path of `sendNotification` in the market's description, the default route.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultPath = Settings.defaultPath

/**
 * The source ranges the market's documentation page on API notifications lists
 * (https://yandex.ru/dev/market/partner-api/doc/en/push-notifications/; they are not in the
 * OpenAPI description). Not applied unless passed as `allowedSources`; check the page for changes.
 *
 * @since 0.1.0
 * @category constants
 */
export const marketSourceRanges: ReadonlyArray<string> = Settings.marketSourceRanges

/**
 * Settings of a receiver.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** `name` of the success body, 1 to 100 characters. Default `effect-yandex-market-chats`. */
  readonly name?: string | undefined
  /** `version` of the success body, 1 to 100 characters. Default this library's version. */
  readonly version?: string | undefined
  /** The route of `mount` and `layerServer`. Default `/notification`, the path in the market's description. */
  readonly path?: HttpRouter.PathInput | undefined
  /**
   * A secret path segment (URL-unreserved characters: letters, digits, `-._~`). The route becomes
   * `/<secret><path>`, and the handler answers 404 to any request whose path lacks the segment.
   * Default: none.
   */
  readonly secret?: Redacted.Redacted<string> | undefined
  /**
   * The networks (`5.45.207.0/25`, `2001:db8::/32`) and single addresses allowed to send; anything
   * else gets 403. Default: no check. See `marketSourceRanges`.
   */
  readonly allowedSources?: ReadonlyArray<string> | undefined
  /**
   * Where the sender's address is read: `"socket"` (the peer of the connection, default), or
   * `"x-forwarded-for"` (its last entry) when a trusted reverse proxy stands in front.
   */
  readonly addressSource?: AddressSource | undefined
  /**
   * How many events may wait for the consumer; beyond that the market is answered 500. Default 1000.
   * In-memory queue only (a `ChatsEventQueue` in the context has its own bound).
   */
  readonly capacity?: number | undefined
  /**
   * How long an accepted notification is remembered to drop its repeats; 0 turns it off. Default 1 hour.
   * In-memory queue only (a `ChatsEventQueue` in the context has its own window). A `ConfigError` when
   * it is no duration or negative.
   */
  readonly duplicateWindow?: Duration.DurationInput | undefined
  /** At most this many notifications are remembered at once (the oldest are forgotten first). Default 100,000. In-memory queue only. */
  readonly maxRemembered?: number | undefined
  /** The largest body read, in bytes; a longer one is answered 400. Default 1 MiB. */
  readonly maxBodyBytes?: number | undefined
}

/**
 * A receiver: the handler to serve and the events it accepted.
 *
 * @since 0.1.0
 * @category models
 */
export interface Receiver {
  /** The `HttpApp` answering the market: serve it, or route POST `path` to it. */
  readonly handler: HttpApp.Default<never, HttpServerRequest.HttpServerRequest>
  /** The route to mount the handler on: `/:secret<path>` when a secret is set, else `path`. */
  readonly path: HttpRouter.PathInput
  /**
   * The accepted events, in arrival order, one at a time; meant for a single consumer. Each is
   * acknowledged when the next one is pulled (so a durable queue delivers again the one a consumer
   * failed or died on). Ends when the receiver's scope closes.
   */
  readonly events: Stream.Stream<Event>
  /**
   * Handles the events with `handler`: each is acknowledged when the handler succeeds; when it fails
   * (or dies) the failure is logged, and a durable queue delivers the event again later (or moves it to
   * its dead letters). Runs until the receiver's scope closes.
   */
  readonly process: <E, R>(
    handler: (event: Event) => Effect.Effect<void, E, R>,
    options?: ProcessOptions
  ) => Effect.Effect<void, never, R>
  /** How many events are stored and not yet acknowledged (in memory: waiting for the consumer). */
  readonly pending: Effect.Effect<number, NotificationQueueUnavailableError>
  /** The queue behind the receiver. */
  readonly queue: EventQueue
}

/**
 * The receiver service, provided by `layer` and `layerServer`.
 *
 * @since 0.1.0
 * @category tags
 */
export class ChatsNotifications extends Context.Tag("effect-yandex-market-chats/ChatsNotifications")<
  ChatsNotifications,
  Receiver
>() {}

/** Sorts a decoded notification for the handler. */
const sort = (body: unknown): Either.Either<Decoded<Event>, string> =>
  Either.match(decodeNotification(body), {
    onLeft: (error) => Either.left(error.message),
    onRight: (notification): Either.Either<Decoded<Event>, string> =>
      notification._tag === "Ping"
        ? Either.right({ _tag: "Ping" })
        : Either.right({
          _tag: "Event",
          event: notification,
          label: notification._tag === "UnknownNotification" ? notification.notificationType : notification._tag
        })
  })

/**
 * A duration option as the core's checks read it: its milliseconds (NaN when it is no duration) and
 * the input. A number is read as it is, since `Duration` would take a negative one for zero.
 */
const durationInput = (input: Duration.DurationInput) => ({
  millis: typeof input === "number"
    ? input
    : Option.match(Duration.decodeUnknown(input), { onNone: () => NaN, onSome: Duration.toMillis }),
  input
})

/**
 * Builds a receiver over the `ChatsEventQueue` of the context, or else its own in-memory queue. Fails
 * with a `ConfigError` on a bad option; the in-memory queue is shut down, and the stream ends, when
 * the scope closes.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options = {}): Effect.Effect<Receiver, ConfigError.ConfigError, Scope.Scope> =>
  Effect.gen(function*() {
    const checked = Settings.checkReceiver({
      ...options,
      version: options.version ?? defaultVersion,
      secret: options.secret === undefined ? undefined : Redacted.value(options.secret),
      duplicateWindow: options.duplicateWindow === undefined ? undefined : durationInput(options.duplicateWindow)
    })
    if (!checked.ok) return yield* invalid(checked.option, checked.message)
    const settings = checked.value

    const queue: EventQueue = yield* Option.match(yield* Effect.serviceOption(ChatsEventQueue), {
      onSome: Effect.succeed,
      onNone: () =>
        makeMemoryQueue({
          capacity: settings.capacity,
          seen: makeSeenWindow(settings.duplicateWindowMillis, settings.maxRemembered),
          keyOf: duplicateKey,
          full: () => new NotificationQueueFullError({ description: `the receiver's queue holds ${settings.capacity} events` })
        })
    })
    const handler = makeHandler({ ...settings, decode: sort, offer: queue.offer })
    return {
      handler,
      path: settings.route,
      events: eventsOf(queue),
      process: processQueue(queue),
      pending: queue.pending,
      queue
    }
  })

/**
 * A layer of a receiver, for an application that serves the handler from its own router.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<ChatsNotifications, ConfigError.ConfigError> =>
  Layer.scoped(ChatsNotifications, make(options))

/**
 * Adds the receiver's route (POST `receiver.path`) to a router.
 *
 * @since 0.1.0
 * @category routing
 */
export const mount: {
  (receiver: Receiver): <E, R>(router: HttpRouter.HttpRouter<E, R>) => HttpRouter.HttpRouter<E, R>
  <E, R>(router: HttpRouter.HttpRouter<E, R>, receiver: Receiver): HttpRouter.HttpRouter<E, R>
} = dual(
  2,
  <E, R>(router: HttpRouter.HttpRouter<E, R>, receiver: Receiver): HttpRouter.HttpRouter<E, R> =>
    HttpRouter.post(router, receiver.path, receiver.handler)
)

// -----------------------------------------------------------------------------
// Standalone server
// -----------------------------------------------------------------------------

/**
 * Settings of the standalone server: the receiver's, and where to listen.
 *
 * @since 0.1.0
 * @category models
 */
export interface ServerOptions extends Options {
  /** The port; 0 (default) picks a free one. */
  readonly port?: number | undefined
  /** The interface to listen on. Default `127.0.0.1` (loopback: put a TLS proxy in front, as the market requires HTTPS). */
  readonly host?: string | undefined
  /**
   * How long a request may take to arrive, headers and body, counted from its first byte. A client
   * still sending after that is cut: Node answers 408 and closes the connection, so that slow or
   * stalled clients cannot hold the server (the market itself gives up after 10 s). Default 5 seconds.
   * A `ConfigError` when not a finite duration of at least 1 millisecond.
   */
  readonly requestTimeout?: Duration.DurationInput | undefined
  /**
   * The most connections open at once; Node closes the ones beyond at once (the market retries a
   * notification that could not be delivered). Default 256.
   */
  readonly maxConnections?: number | undefined
}

/**
 * Where a standalone server listens.
 *
 * @since 0.1.0
 * @category models
 */
export interface ServerInfo {
  /** The origin, e.g. `http://127.0.0.1:49152`. */
  readonly url: string
  /** The port it listens on. */
  readonly port: number
  /** The full URL notifications are POSTed to, secret segment included (hence redacted). */
  readonly endpoint: Redacted.Redacted<string>
}

/**
 * The address of a standalone server, provided by `layerServer`.
 *
 * @since 0.1.0
 * @category tags
 */
export class NotificationsServer extends Context.Tag("effect-yandex-market-chats/NotificationsServer")<
  NotificationsServer,
  ServerInfo
>() {}

/**
 * A standalone HTTP server on Node that serves a receiver at POST `path` (404 elsewhere);
 * provides the receiver and where it listens.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerServer = (
  options: ServerOptions = {}
): Layer.Layer<ChatsNotifications | NotificationsServer, ConfigError.ConfigError | ServeError> =>
  Layer.scopedContext(Effect.gen(function*() {
    const limits = checkServerLimits({
      requestTimeout: options.requestTimeout === undefined ? undefined : durationInput(options.requestTimeout),
      maxConnections: options.maxConnections
    })
    if (!limits.ok) return yield* invalid(limits.option, limits.message)
    const receiver = yield* make(options)
    const NodeHttpServer = yield* Effect.promise(() => nodeHttpServer("ChatsNotifications.layerServer"))
    const server = yield* NodeHttpServer.make(() => createBoundedServer(limits.value), {
      port: options.port ?? serverDefaults.port,
      host: options.host ?? serverDefaults.host
    })
    yield* server.serve(yield* HttpRouter.toHttpApp(mount(HttpRouter.empty, receiver)))
    const address = server.address
    const host = address._tag === "TcpAddress" ? address.hostname : serverDefaults.host
    const port = address._tag === "TcpAddress" ? address.port : 0
    const url = originOf(host, port)
    const secret = options.secret === undefined ? undefined : Redacted.value(options.secret)
    const info: ServerInfo = {
      url,
      port,
      endpoint: Redacted.make(Settings.endpointOf(url, options.path ?? defaultPath, secret))
    }
    return Context.make(ChatsNotifications, receiver).pipe(Context.add(NotificationsServer, info))
  }))

// -----------------------------------------------------------------------------
// Completion
// -----------------------------------------------------------------------------

/**
 * An event names an id that the chats API cannot take (it wants a safe integer of at least 1):
 * a `messageId` that is not one (`"a1b2"`, `"0"`, past 2^53), a `chatId` of 0 or less or past 2^53.
 * `complete` fails with it before any request.
 *
 * @since 0.2.0
 * @category errors
 */
export class UnusableIdError extends Data.TaggedError("UnusableIdError")<{
  /** The event whose id it is. */
  readonly event: ChatEvent
  /** Which id. */
  readonly field: "businessId" | "chatId" | "messageId"
  /** The id as the event has it. */
  readonly id: string
}> {
  /** A description of the id and why it cannot be used. */
  override get message(): string {
    return idMessages.unusable(this.event._tag, this.field, this.id)
  }
}

/**
 * An event with what the chats API says about it: `chat` for `ChatCreated`, `chatMessage`
 * for `ChatMessageSent`; other events unchanged.
 *
 * @since 0.1.0
 * @category completion
 */
export type Completed<E extends Event = Event> = E extends ChatCreated ? E & { readonly chat: ChatsSchema.Chat }
  : E extends ChatMessageSent ? E & { readonly chatMessage: ChatsSchema.ChatMessage }
  : E

/** The ids of an event as the chats API takes them, or an `UnusableIdError` for the first that it cannot take. */
const usable = <A>(event: ChatEvent, ids: UsableIds<A>): Effect.Effect<A, UnusableIdError> =>
  ids.ok ? Effect.succeed(ids.ids) : Effect.fail(new UnusableIdError({ event, field: ids.field, id: ids.id }))

/**
 * Completes an event from the chats API: the chat of a `ChatCreated` through `getChat`, the
 * message of a `ChatMessageSent` through `getChatMessage` (with `messageIdNumber`); other events
 * pass unchanged. An id the chats API cannot take (a `messageId` without a `messageIdNumber`, a
 * `chatId` of 0 or less) fails with `UnusableIdError`, without a request.
 *
 * @since 0.1.0
 * @category completion
 */
export const complete = <E extends Event>(
  event: E
): Effect.Effect<Completed<E>, ChatsError.ChatsClientError | UnusableIdError, ChatsClient.ChatsClient> =>
  Effect.flatMap(
    ChatsClient.ChatsClient,
    (client): Effect.Effect<Event, ChatsError.ChatsClientError | UnusableIdError> => {
      const e: Event = event
      switch (e._tag) {
        case "ChatCreated":
          return usable(e, usableChatIds(e)).pipe(
            Effect.flatMap(client.getChat),
            Effect.map((chat) => ({ ...e, chat }))
          )
        case "ChatMessageSent":
          return usable(e, usableMessageIds(e)).pipe(
            Effect.flatMap(client.getChatMessage),
            Effect.map((chatMessage) => ({ ...e, chatMessage }))
          )
        default:
          return Effect.succeed(e)
      }
    }
  ) as Effect.Effect<Completed<E>, ChatsError.ChatsClientError | UnusableIdError, ChatsClient.ChatsClient>
