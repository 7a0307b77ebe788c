/**
 * The HTTP side of the receiver: the guards and answers of the core (`core/notifications`), body
 * reading and decoding. The event goes to the receiver's queue (`offer`), and the market gets its
 * 200 only once the queue says it is stored (or a repeat of one that is).
 */
import { type HttpApp, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { Clock, Effect, Either, Option } from "effect"
import { type Answer, answers, parseJson, refusalLogs } from "../../../../core/notifications/answers.js"
import { type GuardRules, screen } from "../../../../core/notifications/guards.js"
import { readEnvelope } from "../../../../core/notifications/wire.js"
import { notificationTypeLabel } from "../../../../core/metrics/names.js"
import { recordDuplicate, recordNotification } from "../../ChatsMetrics.js"

/** A body as the receiver sorts it: a check, or an event with a label for logs. */
export type Decoded<E> =
  | { readonly _tag: "Ping" }
  | { readonly _tag: "Event"; readonly event: E; readonly label: string }

/** Why a queue refused an event: full, or it could not store it (its store out of reach). */
export interface Refusal {
  readonly _tag: "NotificationQueueFullError" | "NotificationQueueUnavailableError"
  readonly description: string
}

/** What the handler is built from. */
export interface HandlerConfig<E> extends GuardRules {
  /** `name` and `version` of the success body. */
  readonly name: string
  readonly version: string
  /** Sorts a parsed JSON body, or says what is wrong with it. */
  readonly decode: (body: unknown) => Either.Either<Decoded<E>, string>
  /** Stores the event (or recognises a repeat); the market gets 200 only after it succeeds. */
  readonly offer: (event: E) => Effect.Effect<"stored" | "duplicate", Refusal>
}

/** The HTTP response of an answer. */
const respond = (answer: Answer) =>
  answer.body === undefined
    ? HttpServerResponse.empty({ status: answer.status, ...(answer.headers === undefined ? {} : { headers: answer.headers }) })
    : HttpServerResponse.unsafeJson(answer.body, { status: answer.status })

const malformed = (message: string) =>
  Effect.as(Effect.logDebug("notification refused as malformed", message), respond(answers.malformed(message)))

/** The answer to a refused event: 500, so that the market sends it again later. */
const refused = (refusal: Refusal, label: string) =>
  refusal._tag === "NotificationQueueFullError"
    ? Effect.as(Effect.logWarning(refusalLogs.full, label), respond(answers.queueFull))
    : Effect.as(Effect.logWarning(refusalLogs.notStored, label, refusal.description), respond(answers.notStored))

/** What a request told of itself: its `notificationType`, once the body is read (the metrics count by it). */
interface Seen {
  type: string | undefined
}

/** The answer to one request, noting in `seen` what the body said it was. */
const answer = <E>(config: HandlerConfig<E>, seen: Seen) =>
  Effect.gen(function*() {
    const request = yield* HttpServerRequest.HttpServerRequest
    const receivedAt = yield* Clock.currentTimeMillis
    const screened = screen({
      method: request.method,
      originalUrl: request.originalUrl,
      remoteAddress: Option.getOrUndefined(request.remoteAddress),
      headers: request.headers
    }, config)
    if (screened !== undefined) {
      if (screened.log !== undefined) yield* Effect.logDebug(...screened.log)
      return respond(screened.answer)
    }
    // a longer body without a Content-Length is cut off mid-read, and its connection with it
    const text = yield* request.text.pipe(
      HttpServerRequest.withMaxBodySize(Option.some(config.maxBodyBytes)),
      Effect.option
    )
    if (Option.isNone(text)) return yield* malformed(answers.unreadable(config.maxBodyBytes))
    const parsed = parseJson(text.value)
    if (!parsed.ok) return yield* malformed(parsed.message)
    const envelope = readEnvelope(parsed.value)
    if (envelope.ok) seen.type = envelope.type
    const decoded = config.decode(parsed.value)
    if (Either.isLeft(decoded)) return yield* malformed(decoded.left)
    const success = respond(answers.success(config.name, config.version, receivedAt))
    if (decoded.right._tag === "Ping") return success
    const { event, label } = decoded.right
    return yield* config.offer(event).pipe(
      Effect.matchEffect({
        onFailure: (refusal) => refused(refusal, label),
        onSuccess: (outcome) =>
          outcome === "stored"
            ? Effect.succeed(success)
            : Effect.as(
              Effect.zipRight(recordDuplicate(notificationTypeLabel(seen.type ?? "")), Effect.logDebug(refusalLogs.duplicate, label)),
              success
            )
      })
    )
  })

/**
 * The handler: an `HttpApp` that answers the market. It never fails: every outcome is an answer,
 * counted by the notification's type and the answer's status.
 */
export const makeHandler = <E>(
  config: HandlerConfig<E>
): HttpApp.Default<never, HttpServerRequest.HttpServerRequest> =>
  Effect.suspend(() => {
    const seen: Seen = { type: undefined }
    return Effect.tap(answer(config, seen), (response) => recordNotification(seen.type, response.status))
  }).pipe(Effect.annotateLogs("module", "ChatsNotifications"))
