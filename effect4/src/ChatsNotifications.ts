/**
 * The receiver of the market's push notifications (API notifications): the chat events as a
 * tagged union decoded from the bodies the market POSTs, an HTTP handler that answers the market
 * the way its description asks, served as a route layer of `effect/http`'s `HttpRouter` or by a
 * standalone Node server, a `Stream` of events backed by a bounded queue, and a helper that
 * completes an event with the chat or message it is about.
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
 * ```ts
 * import { Effect, Layer, Stream } from "effect"
 * import { HttpRouter, HttpServerResponse } from "effect/http"
 * import { NodeHttpServer, NodeRuntime } from "@effect/platform-node"
 * import { createServer } from "node:http"
 * import * as ChatsNotifications from "effect-yandex-market-chats/notifications"
 *
 * const Routes = Layer.mergeAll(
 *   ChatsNotifications.layerRoutes, // POST /notification
 *   HttpRouter.add("GET", "/health", HttpServerResponse.text("ok"))
 * )
 * const Consumer = Layer.effectDiscard(Effect.gen(function*() {
 *   const receiver = yield* ChatsNotifications.ChatsNotifications
 *   yield* receiver.events.pipe(Stream.runForEach((event) => Effect.log(event._tag)), Effect.forkScoped)
 * }))
 *
 * HttpRouter.serve(Routes).pipe(
 *   Layer.merge(Consumer),
 *   // outside `serve`, so that the routes and the consumer share one receiver
 *   Layer.provide(ChatsNotifications.layer({ capacity: 500 })),
 *   Layer.provide(NodeHttpServer.layer(createServer, { port: 3000 })),
 *   Layer.launch,
 *   NodeRuntime.runMain
 * )
 * ```
 *
 * The queue is a seam (`EventQueue`, provided through `ChatsEventQueue`). The default is in memory:
 * its 200 means "queued in memory", and events still queued when the receiver's scope closes are lost.
 *
 * @since 1.0.0
 */
import {
  Context,
  Data,
  DateTime,
  Duration,
  Effect,
  Layer,
  Option,
  Redacted,
  Result,
  Schema,
  SchemaGetter,
  SchemaTransformation,
  type Scope,
  type Stream,
  Struct
} from "effect"
import { HttpRouter, type HttpServerRequest, HttpServerResponse } from "effect/http"
import type { ServeError } from "effect/http/HttpServerError"
import * as NetAddress from "effect/net/NetAddress"
import type { ErrorType } from "../../core/notifications/answers.js"
import { duplicateKey as coreDuplicateKey } from "../../core/notifications/duplicates.js"
import type { AddressSource } from "../../core/notifications/guards.js"
import {
  apiMessageId,
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
import * as ChatsClient from "./ChatsClient.js"
import * as ChatsError from "./ChatsError.js"
import * as ChatsSchema from "./ChatsSchema.js"
import { describeIssue, parseOptions } from "./internal/client/issues.js"
import { eventsOf, processDeliveries } from "./internal/notifications/consumers.js"
import { type Decoded, makeHandler } from "./internal/notifications/handler.js"
import { makeMemoryQueue } from "./internal/notifications/memoryQueue.js"
import { importPeer } from "./internal/peers.js"

export type {
  /**
   * Where the sender's address is read: `"socket"` or `"x-forwarded-for"` (its last entry).
   *
   * @since 1.0.0
   * @category models
   */
  AddressSource,
  /**
   * The `type` of an error answer as the description lists them: `UNKNOWN`, `WRONG_EVENT_FORMAT`,
   * `DUPLICATED_EVENT` (the last one is never sent: repeats are answered 200).
   *
   * @since 1.0.0
   * @category models
   */
  ErrorType
}

// -----------------------------------------------------------------------------
// Schemas
// -----------------------------------------------------------------------------

/**
 * An int64 as the notifications describe ids (chat ids with no lower bound): any integer JSON
 * number, not only the safe ones. One beyond 2^53 is the nearest number JSON parsing gives,
 * never a safe integer, so the chats API and `complete` refuse it rather than address another id.
 */
const Int64 = Schema.Number.check(Schema.makeFilter((n: number) => isInt64(n) || idMessages.int64(n)))

/** The fields every chat notification carries: `chatId` an int64, `businessId` an int64 of at least 1. */
const chatFields = {
  chatId: Int64,
  businessId: Int64.check(Schema.makeFilter((n: number) => n >= 1 || idMessages.atLeastOne(n)))
}

/**
 * A date-time as the notifications give it (format `date-time`, ISO 8601 with an offset): what
 * `ChatsSchema.DateTime` reads, and also an offset of hours alone (`+03`, which ISO 8601 and the
 * description's validators allow), read as `+03:00`. Encoded as UTC ISO.
 */
const NotificationDateTime = Schema.String.pipe(
  Schema.decodeTo(ChatsSchema.DateTime, {
    decode: SchemaGetter.transform(withOffsetMinutes),
    encode: SchemaGetter.transform((s: string) => s)
  })
).annotate({ identifier: "NotificationDateTime" })

/**
 * A notification of one type: its fields, with the wire's `notificationType` literal decoded to the
 * event's `_tag` (and encoded back). Every field is decoded before the tag is renamed, so a refusal
 * names every offending field at once.
 */
const notification = <const Wire extends string, const Tag extends string, const Fields extends Schema.Struct.Fields>(
  wire: Wire,
  tag: Tag,
  fields: Fields
) =>
  Schema.Struct({ notificationType: Schema.Literal(wire), ...fields }).pipe(
    Schema.decodeTo(
      Schema.Struct({ _tag: Schema.Literal(tag), ...Struct.map(fields, Schema.toType) }),
      SchemaTransformation.transform({
        decode: ({ notificationType: _, ...rest }: any) => ({ _tag: tag, ...rest }),
        encode: ({ _tag: _, ...rest }: any) => ({ notificationType: wire, ...rest })
      })
    )
  )

/**
 * `CHAT_CREATED`: a customer opened a chat.
 *
 * @since 1.0.0
 * @category schemas
 */
export const ChatCreated = notification("CHAT_CREATED", "ChatCreated", {
  ...chatFields,
  createdAt: NotificationDateTime
}).annotate({ identifier: "ChatCreated" })

/**
 * `CHAT_CREATED`: a customer opened a chat.
 *
 * @since 1.0.0
 * @category models
 */
export interface ChatCreated extends Schema.Schema.Type<typeof ChatCreated> {}

/** A message id as it came: the description's plain string, or an integer JSON number (kept as its digits). */
const MessageId = Schema.Union([Schema.String, Int64]).annotate({ expected: "a string" }).pipe(
  Schema.decodeTo(Schema.String, {
    decode: SchemaGetter.transform((id: string | number) => String(id)),
    encode: SchemaGetter.transform((id: string) => id)
  })
)

/** The fields of `CHAT_MESSAGE_SENT` as the description has them: `messageId` a plain string. */
const messageFields = { ...chatFields, messageId: MessageId, sentAt: NotificationDateTime }

/** `CHAT_MESSAGE_SENT` field by field. */
const ChatMessageSentFields = notification("CHAT_MESSAGE_SENT", "ChatMessageSent", messageFields)

/** The decoded `CHAT_MESSAGE_SENT`: the fields and `messageIdNumber`, which must agree with `messageId`. */
const ChatMessageSentType = Schema.Struct({
  _tag: Schema.Literal("ChatMessageSent"),
  ...Struct.map(messageFields, Schema.toType),
  messageIdNumber: Schema.Option(Schema.Number)
})

/**
 * `CHAT_MESSAGE_SENT`: a message was added to a chat (not sent for stickers). `messageId` is kept as
 * the string it came as; decoding adds `messageIdNumber`, the chats API's integer id when the string is
 * one (`Option.none()` otherwise), and encoding writes `messageId` alone. An event whose
 * `messageIdNumber` disagrees with its `messageId` does not validate or encode.
 *
 * @since 1.0.0
 * @category schemas
 */
export const ChatMessageSent = ChatMessageSentFields.pipe(
  Schema.decodeTo(
    ChatMessageSentType.check(Schema.makeFilter((event) =>
      Option.getOrUndefined(event.messageIdNumber) === apiMessageId(event.messageId) || idMessages.messageIdNumber
    )),
    SchemaTransformation.transform({
      decode: (fields) => ({ ...fields, messageIdNumber: Option.fromUndefinedOr(apiMessageId(fields.messageId)) }),
      encode: ({ messageIdNumber: _, ...fields }) => fields
    })
  )
).annotate({ identifier: "ChatMessageSent" })

/**
 * `CHAT_MESSAGE_SENT`: a message was added to a chat; `messageId` as given, `messageIdNumber` the
 * chats API's integer id when `messageId` is one.
 *
 * @since 1.0.0
 * @category models
 */
export interface ChatMessageSent extends Schema.Schema.Type<typeof ChatMessageSent> {}

/**
 * `CHAT_ARBITRAGE_STARTED`: a dispute began on a chat.
 *
 * @since 1.0.0
 * @category schemas
 */
export const ChatArbitrageStarted = notification("CHAT_ARBITRAGE_STARTED", "ChatArbitrageStarted", {
  ...chatFields,
  startedAt: NotificationDateTime
}).annotate({ identifier: "ChatArbitrageStarted" })

/**
 * `CHAT_ARBITRAGE_STARTED`: a dispute began on a chat.
 *
 * @since 1.0.0
 * @category models
 */
export interface ChatArbitrageStarted extends Schema.Schema.Type<typeof ChatArbitrageStarted> {}

/**
 * `CHAT_ARBITRAGE_FINISHED`: the dispute of a chat ended.
 *
 * @since 1.0.0
 * @category schemas
 */
export const ChatArbitrageFinished = notification("CHAT_ARBITRAGE_FINISHED", "ChatArbitrageFinished", {
  ...chatFields,
  finishedAt: NotificationDateTime
}).annotate({ identifier: "ChatArbitrageFinished" })

/**
 * `CHAT_ARBITRAGE_FINISHED`: the dispute of a chat ended.
 *
 * @since 1.0.0
 * @category models
 */
export interface ChatArbitrageFinished extends Schema.Schema.Type<typeof ChatArbitrageFinished> {}

/**
 * `PING`: the market checking the endpoint; `time` is optional in the description.
 *
 * @since 1.0.0
 * @category schemas
 */
export const Ping = notification("PING", "Ping", { time: Schema.optionalKey(NotificationDateTime) }).annotate({
  identifier: "Ping"
})

/**
 * `PING`: the market checking the endpoint.
 *
 * @since 1.0.0
 * @category models
 */
export interface Ping extends Schema.Schema.Type<typeof Ping> {}

/**
 * Any other notification (orders, returns, feedback, questions, types added later):
 * its `notificationType` and the whole body as it came.
 *
 * @since 1.0.0
 * @category schemas
 */
export const UnknownNotification = Schema.TaggedStruct("UnknownNotification", {
  notificationType: Schema.String,
  body: Schema.Record(Schema.String, Schema.Unknown)
}).annotate({ identifier: "UnknownNotification" })

/**
 * Any other notification, passed on with its type and raw body.
 *
 * @since 1.0.0
 * @category models
 */
export interface UnknownNotification extends Schema.Schema.Type<typeof UnknownNotification> {}

/**
 * The four chat events.
 *
 * @since 1.0.0
 * @category models
 */
export type ChatEvent = ChatCreated | ChatMessageSent | ChatArbitrageStarted | ChatArbitrageFinished

/**
 * What the stream of a receiver carries: a chat event or another notification, tagged by `_tag`.
 *
 * @since 1.0.0
 * @category models
 */
export type Event = ChatEvent | UnknownNotification

/**
 * Any body the market may POST, as decoded: an event or a ping.
 *
 * @since 1.0.0
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
} as const satisfies Record<Wire.KnownNotificationType, unknown>

/**
 * The notification types decoded field by field; any other type is an `UnknownNotification`.
 *
 * @since 1.0.0
 * @category constants
 */
export const knownNotificationTypes: ReadonlyArray<keyof typeof knownSchemas> = Wire.knownNotificationTypes

/** The decoder of each known type, every issue at once and unknown fields ignored. */
const knownDecoders: Readonly<Record<string, (input: unknown) => Result.Result<Notification, Schema.SchemaError>>> = Object
  .fromEntries(
    Object.entries(knownSchemas).map(([type, schema]) => {
      const decode = Schema.decodeUnknownResult(schema as Schema.Codec<Notification, unknown>)
      return [type, (input: unknown) => decode(input, parseOptions)]
    })
  )

/**
 * A body that is not a notification, with a description of what is wrong.
 *
 * @since 1.0.0
 * @category errors
 */
export class MalformedNotificationError extends Data.TaggedError("MalformedNotificationError")<{
  readonly message: string
}> {}

/**
 * Decodes a parsed JSON body: a known type field by field, any other `notificationType`
 * as an `UnknownNotification`; a body without a `notificationType` string is malformed.
 *
 * @since 1.0.0
 * @category decoding
 */
export const decodeNotification = (body: unknown): Result.Result<Notification, MalformedNotificationError> => {
  const envelope = Wire.readEnvelope(body)
  if (!envelope.ok) return Result.fail(new MalformedNotificationError({ message: envelope.message }))
  const decode = knownDecoders[envelope.type]
  if (decode === undefined) {
    return Result.succeed(UnknownNotification.make({ notificationType: envelope.type, body: envelope.body }))
  }
  return Result.mapError(decode(body), (error) => new MalformedNotificationError({ message: describeIssue(error.issue) }))
}

/**
 * The JSON body of a notification as the market sends it (the inverse of `decodeNotification`):
 * what a simulator or a test POSTs to a receiver. Throws on an event that does not validate
 * (a `messageIdNumber` that disagrees with its `messageId`).
 *
 * @since 1.0.0
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
 * @since 1.0.0
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
 * @since 1.0.0
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
 * @since 1.0.0
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
 * @since 1.0.0
 * @category models
 */
export interface Delivery {
  /** The event. */
  readonly event: Event
  /** Its id in the queue (a durable queue's entry id, or `memory:<n>`). */
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
 * and where consumers take it from. The in-memory queue is the default.
 *
 * @since 1.0.0
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
 * @since 1.0.0
 * @category services
 */
export class ChatsEventQueue extends Context.Service<ChatsEventQueue, EventQueue>()(
  "effect-yandex-market-chats/ChatsEventQueue"
) {}

/**
 * Settings of `Receiver.process`.
 *
 * @since 1.0.0
 * @category models
 */
export interface ProcessOptions {
  /** How many events are handled at once. Default 1 (in arrival order, redeliveries aside). */
  readonly concurrency?: number | undefined
}

// -----------------------------------------------------------------------------
// Receiver
// -----------------------------------------------------------------------------

/**
 * The library's name, the default `name` of the success body.
 *
 * @since 1.0.0
 * @category constants
 */
export const defaultName = Settings.defaultName

/**
 * The library's version, the default `version` of the success body.
 *
 * @since 1.0.0
 * @category constants
 */
export const defaultVersion = "1.0.0"

/**
 * The path of `sendNotification` in the market's description, the default route.
 *
 * @since 1.0.0
 * @category constants
 */
export const defaultPath = Settings.defaultPath

/**
 * The source ranges the market's documentation page on API notifications lists
 * (https://yandex.ru/dev/market/partner-api/doc/en/push-notifications/; they are not in the
 * OpenAPI description). Not applied unless passed as `allowedSources`; check the page for changes.
 *
 * @since 1.0.0
 * @category constants
 */
export const marketSourceRanges: ReadonlyArray<string> = Settings.marketSourceRanges

/**
 * Settings of a receiver.
 *
 * @since 1.0.0
 * @category models
 */
export interface Options {
  /** `name` of the success body, 1 to 100 characters. Default `effect-yandex-market-chats`. */
  readonly name?: string | undefined
  /** `version` of the success body, 1 to 100 characters. Default this library's version. */
  readonly version?: string | undefined
  /** The route of `layerRoutes` and `layerServer`. Default `/notification`, the path in the market's description. */
  readonly path?: `/${string}` | undefined
  /**
   * A secret path segment (URL-unreserved characters: letters, digits, `-._~`). The route becomes
   * `/<secret><path>`, and the handler answers 404 to any request whose path lacks the segment.
   * The route redacts the segment (`redactedParams`), so server spans and logs show `REDACTED`.
   * Default: none.
   */
  readonly secret?: Redacted.Redacted<string> | undefined
  /**
   * The networks (`5.45.207.0/25`, `2001:db8::/32`) and single addresses allowed to send; anything
   * else gets 403. Default: no check. See `marketSourceRanges`.
   */
  readonly allowedSources?: ReadonlyArray<string> | undefined
  /**
   * Where the sender's address is read: `"socket"` (the request's `remoteAddress`, default), or
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
   * In-memory queue only (a `ChatsEventQueue` in the context has its own window).
   */
  readonly duplicateWindow?: Duration.Input | undefined
  /** At most this many notifications are remembered at once (the oldest are forgotten first). Default 100,000. In-memory queue only. */
  readonly maxRemembered?: number | undefined
  /** The largest body read, in bytes; a longer one is answered 400. Default 1 MiB. */
  readonly maxBodyBytes?: number | undefined
}

/**
 * A receiver: the handler to serve and the events it accepted.
 *
 * @since 1.0.0
 * @category models
 */
export interface Receiver {
  /** The HTTP effect answering the market: route POST `path` to it (`route`, `layerRoutes`), or serve it. */
  readonly handler: Effect.Effect<HttpServerResponse.HttpServerResponse, never, HttpServerRequest.HttpServerRequest>
  /** The route to serve the handler on: `/:secret<path>` when a secret is set, else `path`. */
  readonly path: `/${string}`
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
 * @since 1.0.0
 * @category services
 */
export class ChatsNotifications extends Context.Service<ChatsNotifications, Receiver>()(
  "effect-yandex-market-chats/ChatsNotifications"
) {}

/** An `InvalidOptionsError` for a value that is wrong. */
const invalid = (option: string, description: string) =>
  Effect.fail(new ChatsError.InvalidOptionsError({ option, reason: "invalid", description }))

/** A duration option as the core's checks read it: its milliseconds (NaN when it is no duration) and the input. */
const durationInput = (input: Duration.Input) => ({
  millis: Option.match(Duration.fromInput(input), { onNone: () => NaN, onSome: Duration.toMillis }),
  input
})

/** Sorts a decoded notification for the handler. */
const sort = (body: unknown): Result.Result<Decoded<Event>, string> =>
  Result.match(decodeNotification(body), {
    onFailure: (error) => Result.fail(error.message),
    onSuccess: (notification): Result.Result<Decoded<Event>, string> =>
      notification._tag === "Ping"
        ? Result.succeed({ _tag: "Ping" })
        : Result.succeed({
          _tag: "Event",
          event: notification,
          label: notification._tag === "UnknownNotification" ? notification.notificationType : notification._tag
        })
  })

/**
 * Builds a receiver over the `ChatsEventQueue` of the context, or else its own in-memory queue. Fails
 * with an `InvalidOptionsError` naming the option on a bad option (never holding the secret); the
 * in-memory queue is dropped, and the stream ends, when the scope closes.
 *
 * @since 1.0.0
 * @category constructors
 */
export const make: (options?: Options) => Effect.Effect<Receiver, ChatsError.InvalidOptionsError, Scope.Scope> = Effect
  .fnUntraced(function*(options: Options = {}) {
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
    return {
      handler: makeHandler({ ...settings, decode: sort, offer: queue.offer }),
      path: settings.route,
      events: eventsOf(queue.deliveries),
      process: processDeliveries(queue.deliveries),
      pending: queue.pending,
      queue
    }
  })

/**
 * A layer of a receiver, for an application that serves it with its own router (`layerRoutes`).
 * Provide it outside `HttpRouter.serve` when a consumer beside the server reads the same receiver.
 *
 * @since 1.0.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<ChatsNotifications, ChatsError.InvalidOptionsError> =>
  Layer.effect(ChatsNotifications, make(options))

/**
 * The receiver's route, POST `receiver.path` to its handler with the secret segment redacted from
 * server spans and logs, for `HttpRouter.addAll` (or `router.addAll` inside `HttpRouter.use`).
 *
 * @since 1.0.0
 * @category routing
 */
export const route = (receiver: Receiver): HttpRouter.Route =>
  HttpRouter.route("POST", receiver.path, receiver.handler, { redactedParams: ["secret"] })

/**
 * The route of the `ChatsNotifications` receiver in the context, as a layer of `HttpRouter`, the
 * way `effect/http-api`'s own route layers come: merge it with the application's routes and serve
 * them with `HttpRouter.serve` (or `HttpRouter.toWebHandler`).
 *
 * @since 1.0.0
 * @category routing
 */
export const layerRoutes: Layer.Layer<never, never, HttpRouter.HttpRouter | ChatsNotifications> = HttpRouter.use(
  (router) => Effect.flatMap(ChatsNotifications, (receiver) => router.addAll([route(receiver)]))
)

// -----------------------------------------------------------------------------
// Standalone server
// -----------------------------------------------------------------------------

/**
 * Settings of the standalone server: the receiver's, where to listen, and its bounds.
 *
 * @since 1.0.0
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
   * An `InvalidOptionsError` when not a finite duration of at least 1 millisecond.
   */
  readonly requestTimeout?: Duration.Input | undefined
  /**
   * The most connections open at once; Node closes the ones beyond at once (the market retries a
   * notification that could not be delivered). Default 256.
   */
  readonly maxConnections?: number | undefined
}

/**
 * Where a standalone server listens.
 *
 * @since 1.0.0
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
 * @since 1.0.0
 * @category services
 */
export class NotificationsServer extends Context.Service<NotificationsServer, ServerInfo>()(
  "effect-yandex-market-chats/NotificationsServer"
) {}

/**
 * Any other path or method: 404 without a body, the path redacted from server spans (it may hold a
 * guess of the secret, or the secret itself before a path the route does not serve).
 */
const notFoundRoute = HttpRouter.route("*", "/*", HttpServerResponse.empty({ status: 404 }), { redactedParams: ["*"] })

/**
 * A standalone HTTP server on Node (`@effect/platform-node`'s `NodeHttpServer`, an optional peer)
 * that serves a receiver at POST `path` (404 elsewhere), with a bound on how long a request may take
 * to arrive (`requestTimeout`) and on open connections (`maxConnections`); provides the receiver and
 * where it listens. No access log: the receiver logs what it refuses.
 *
 * @since 1.0.0
 * @category layers
 */
export const layerServer = (
  options: ServerOptions = {}
): Layer.Layer<ChatsNotifications | NotificationsServer, ChatsError.InvalidOptionsError | ServeError> =>
  Layer.effectContext(Effect.gen(function*() {
    const limits = checkServerLimits({
      requestTimeout: options.requestTimeout === undefined ? undefined : durationInput(options.requestTimeout),
      maxConnections: options.maxConnections
    })
    if (!limits.ok) return yield* invalid(limits.option, limits.message)
    const receiver = yield* make(options)
    const NodeHttpServer = yield* Effect.promise(() =>
      importPeer("ChatsNotifications.layerServer", "@effect/platform-node", () => import("@effect/platform-node/NodeHttpServer"))
    )
    const server = yield* NodeHttpServer.make(() => createBoundedServer(limits.value), {
      port: options.port ?? serverDefaults.port,
      host: options.host ?? serverDefaults.host
    })
    const app = yield* HttpRouter.toHttpEffect(HttpRouter.addAll([route(receiver), notFoundRoute]))
    yield* server.serve(app)
    const address = server.address
    const host = address._tag === "UnixPathAddress" ? serverDefaults.host : NetAddress.formatHost(address)
    const port = address._tag === "UnixPathAddress" ? 0 : address.port
    const url = originOf(host, port)
    const secret = options.secret === undefined ? undefined : Redacted.value(options.secret)
    return Context.make(ChatsNotifications, receiver).pipe(
      Context.add(NotificationsServer, {
        url,
        port,
        endpoint: Redacted.make(Settings.endpointOf(url, options.path ?? defaultPath, secret))
      })
    )
  }))

// -----------------------------------------------------------------------------
// Completion
// -----------------------------------------------------------------------------

/**
 * An event names an id that the chats API cannot take (it wants a safe integer of at least 1):
 * a `messageId` that is not one (`"a1b2"`, `"0"`, past 2^53), a `chatId` of 0 or less or past 2^53.
 * `complete` fails with it before any request.
 *
 * @since 1.0.0
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
 * @since 1.0.0
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
 * message of a `ChatMessageSent` through `getChatMessage` (with the integer `messageIdNumber` holds);
 * other events pass unchanged. An id the chats API cannot take (a `messageId` without a
 * `messageIdNumber`, a `chatId` of 0 or less) fails with `UnusableIdError`, without a request.
 *
 * @since 1.0.0
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
