/**
 * The HTTP side of the receiver: guards, body decoding, the answers the market
 * expects, the duplicate window and the bounded queue of events.
 */
import { type HttpApp, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { Clock, Effect, Either, Option, type Queue } from "effect"
import { type AddressSource, type AllowList, hasSecretSegment, senderAddress } from "./guards.js"
import type { SeenWindow } from "./seen.js"

/** The `type` of an error answer, as the market's description lists them. */
export type ErrorType = "UNKNOWN" | "WRONG_EVENT_FORMAT" | "DUPLICATED_EVENT"

/** A body as the receiver sorts it: a check, or an event with its duplicate key and a label for logs. */
export type Decoded<E> =
  | { readonly _tag: "Ping" }
  | { readonly _tag: "Event"; readonly event: E; readonly key: string; readonly label: string }

/** What the handler is built from. */
export interface HandlerConfig<E> {
  /** `name` and `version` of the success body. */
  readonly name: string
  readonly version: string
  /** Sorts a parsed JSON body, or says what is wrong with it. */
  readonly decode: (body: unknown) => Either.Either<Decoded<E>, string>
  readonly queue: Queue.Enqueue<E>
  readonly seen: SeenWindow
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

/** What became of an event: queued, a repeat within the window, or refused for a full queue. */
type Outcome = "queued" | "duplicate" | "full"

/** Checks the window and offers to the queue in one synchronous step, so two copies cannot both pass. */
const accept = <E>(config: HandlerConfig<E>, event: E, key: string, now: number): Outcome => {
  if (config.seen.has(key, now)) return "duplicate"
  if (!config.queue.unsafeOffer(event)) return "full"
  config.seen.add(key, now)
  return "queued"
}

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
    const { event, key, label } = decoded.right
    const now = yield* Clock.currentTimeMillis
    switch (accept(config, event, key, now)) {
      case "queued":
        return success
      case "duplicate":
        yield* Effect.logDebug("duplicate notification answered as delivered", label)
        return success
      case "full":
        yield* Effect.logWarning("notification queue full: answered 500 so that the market retries later", label)
        return answer(500, errorBody("UNKNOWN", "the receiver's queue is full; retry later"))
    }
  }).pipe(Effect.annotateLogs("module", "ChatsNotifications"))
