/**
 * The HTTP side of the receiver: guards, body decoding, and the answers the market expects. The
 * event goes to the receiver's queue (`offer`), and the market gets its 200 only once the queue says
 * it is stored (or a repeat of one that is).
 */
import { type HttpApp, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { Clock, Effect, Either, Option } from "effect"
import { type AddressSource, type AllowList, hasSecretSegment, senderAddress } from "./guards.js"

/** The `type` of an error answer, as the market's description lists them. */
export type ErrorType = "UNKNOWN" | "WRONG_EVENT_FORMAT" | "DUPLICATED_EVENT"

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
export interface HandlerConfig<E> {
  /** `name` and `version` of the success body. */
  readonly name: string
  readonly version: string
  /** Sorts a parsed JSON body, or says what is wrong with it. */
  readonly decode: (body: unknown) => Either.Either<Decoded<E>, string>
  /** Stores the event (or recognises a repeat); the market gets 200 only after it succeeds. */
  readonly offer: (event: E) => Effect.Effect<"stored" | "duplicate", Refusal>
  readonly allowList: AllowList | undefined
  readonly addressSource: AddressSource
  readonly secret: string | undefined
  readonly maxBodyBytes: number
}

/** The success body: `{ version, name, time }`, `time` being when handling began, in UTC. */
export const successBody = (name: string, version: string, at: number) => ({
  version,
  name,
  time: new Date(at).toISOString()
})

/** The error body: `{ error: { type, message } }`. */
export const errorBody = (type: ErrorType, message: string) => ({ error: { type, message } })

const answer = (status: number, body: unknown) => HttpServerResponse.unsafeJson(body, { status })

const malformed = (message: string) =>
  Effect.as(
    Effect.logDebug("notification refused as malformed", message),
    answer(400, errorBody("WRONG_EVENT_FORMAT", message))
  )

/** The answer to a refused event: 500, so that the market sends it again later. */
const refused = (refusal: Refusal, label: string) =>
  refusal._tag === "NotificationQueueFullError"
    ? Effect.as(
      Effect.logWarning("notification queue full: answered 500 so that the market retries later", label),
      answer(500, errorBody("UNKNOWN", "the receiver's queue is full; retry later"))
    )
    : Effect.as(
      Effect.logWarning("notification not stored: answered 500 so that the market retries later", label, refusal.description),
      answer(500, errorBody("UNKNOWN", "the receiver could not store the event; retry later"))
    )

/** Parses JSON text, or says why it is not JSON. */
const parseJson = (text: string): Either.Either<unknown, string> => {
  try {
    return Either.right(JSON.parse(text) as unknown)
  } catch (error) {
    return Either.left(`the body is not JSON: ${error instanceof Error ? error.message : String(error)}`)
  }
}

/**
 * The handler: an `HttpApp` that answers the market. It never fails: every outcome is an answer.
 */
export const makeHandler = <E>(
  config: HandlerConfig<E>
): HttpApp.Default<never, HttpServerRequest.HttpServerRequest> =>
  Effect.gen(function*() {
    const request = yield* HttpServerRequest.HttpServerRequest
    const receivedAt = yield* Clock.currentTimeMillis
    if (config.allowList !== undefined && !config.allowList.allows(senderAddress(request, config.addressSource))) {
      yield* Effect.logDebug("notification refused: source address not allowed")
      return answer(403, errorBody("UNKNOWN", "the source address is not allowed"))
    }
    if (config.secret !== undefined && !hasSecretSegment(request, config.secret)) {
      return HttpServerResponse.empty({ status: 404 })
    }
    if (request.method !== "POST") {
      return HttpServerResponse.empty({ status: 405, headers: { allow: "POST" } })
    }
    const tooLarge = `the body is larger than ${config.maxBodyBytes} bytes`
    if (Number(request.headers["content-length"] ?? 0) > config.maxBodyBytes) return yield* malformed(tooLarge)
    // a longer body without a Content-Length is cut off mid-read, and its connection with it
    const text = yield* request.text.pipe(
      HttpServerRequest.withMaxBodySize(Option.some(config.maxBodyBytes)),
      Effect.option
    )
    if (Option.isNone(text)) {
      return yield* malformed(`the body could not be read, or ${tooLarge}`)
    }
    const decoded = Either.flatMap(parseJson(text.value), config.decode)
    if (Either.isLeft(decoded)) return yield* malformed(decoded.left)
    const success = answer(200, successBody(config.name, config.version, receivedAt))
    if (decoded.right._tag === "Ping") return success
    const { event, label } = decoded.right
    return yield* config.offer(event).pipe(
      Effect.matchEffect({
        onFailure: (refusal) => refused(refusal, label),
        onSuccess: (outcome) =>
          outcome === "stored"
            ? Effect.succeed(success)
            : Effect.as(Effect.logDebug("duplicate notification answered as delivered", label), success)
      })
    )
  }).pipe(Effect.annotateLogs("module", "ChatsNotifications"))
