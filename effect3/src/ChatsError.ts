/**
 * The typed errors of the chats client: one `Schema.TaggedError` per HTTP status
 * the API documents, plus decoding, input and pagination errors. None of them
 * carries a credential: they describe the request by operation, method and path.
 *
 * @since 0.1.0
 */
import { Predicate, Schema } from "effect"
import {
  causeMessage,
  deliveryUnknownMessage,
  httpFailureMessage,
  invalidRequestMessage,
  limiterUnavailableMessage,
  pageTokenLoopMessage,
  rateLimitMessage,
  requestTimeoutMessage,
  responseDecodeMessage,
  transportMessage
} from "../../core/client/errorMessages.js"
import * as Wire from "../../core/client/wire.js"
import { ApiError } from "./ChatsSchema.js"

/**
 * The names of the seven chat operations, as the official description calls them.
 *
 * @since 0.1.0
 * @category models
 */
export const operations = Wire.operations

/**
 * One of the seven chat operations.
 *
 * @since 0.1.0
 * @category models
 */
export const Operation = Schema.Literal(...operations)

/**
 * The name of one of the seven chat operations.
 *
 * @since 0.1.0
 * @category models
 */
export type Operation = typeof Operation.Type

/**
 * The quota state a response reported in its `X-RateLimit-Resource-*` headers.
 *
 * @since 0.1.0
 * @category models
 */
export class RateLimitInfo extends Schema.Class<RateLimitInfo>("RateLimitInfo")({
  /** `X-RateLimit-Resource-Limit`: the quota of the operation. */
  limit: Schema.optional(Schema.Number),
  /** `X-RateLimit-Resource-Remaining`: what is left of it. */
  remaining: Schema.optional(Schema.Number),
  /** `X-RateLimit-Resource-Until`: when the quota window resets. */
  resetsAt: Schema.optional(Schema.DateTimeUtc)
}) {}

/** The fields every error of an HTTP answer carries. */
const httpFields = {
  /** The operation that failed. */
  operation: Operation,
  /** The HTTP method of the request. */
  method: Schema.String,
  /** The path of the request, without query or host. */
  path: Schema.String,
  /** The HTTP status of the answer. */
  status: Schema.Number,
  /** The `errors` list of the answer's body; empty when the body had none or was not JSON. */
  errors: Schema.Array(ApiError),
  /** The quota state from the answer's headers, when present. */
  rateLimit: Schema.optional(RateLimitInfo)
}

/**
 * The fields of an HTTP error, as passed to its constructor.
 *
 * @since 0.1.0
 * @category models
 */
export type HttpErrorProps = Schema.Struct.Constructor<typeof httpFields>

/**
 * 400: the market refused the request's data; `errors` says what.
 *
 * @since 0.1.0
 * @category errors
 */
export class BadRequestError extends Schema.TaggedError<BadRequestError>()("BadRequestError", httpFields) {
  /** A readable account of the failure, without secrets. */
  override get message(): string {
    return httpFailureMessage(this)
  }
}

/**
 * 401: the request carried no credentials.
 *
 * @since 0.1.0
 * @category errors
 */
export class UnauthorizedError extends Schema.TaggedError<UnauthorizedError>()("UnauthorizedError", httpFields) {
  /** A readable account of the failure, without secrets. */
  override get message(): string {
    return httpFailureMessage(this)
  }
}

/**
 * 403: wrong credentials, or no access to this business or chat.
 *
 * @since 0.1.0
 * @category errors
 */
export class ForbiddenError extends Schema.TaggedError<ForbiddenError>()("ForbiddenError", httpFields) {
  /** A readable account of the failure, without secrets. */
  override get message(): string {
    return httpFailureMessage(this)
  }
}

/**
 * 404: no such chat, message or business.
 *
 * @since 0.1.0
 * @category errors
 */
export class NotFoundError extends Schema.TaggedError<NotFoundError>()("NotFoundError", httpFields) {
  /** A readable account of the failure, without secrets. */
  override get message(): string {
    return httpFailureMessage(this)
  }
}

/**
 * The two kinds of 420: too many requests in flight for the business, or the
 * operation's hourly quota spent; `unknown` when the answer does not tell.
 *
 * @since 0.1.0
 * @category models
 */
export const RateLimitKind = Schema.Literal(...Wire.rateLimitKinds)

/**
 * Which limit a 420 hit.
 *
 * @since 0.1.0
 * @category models
 */
export type RateLimitKind = typeof RateLimitKind.Type

/**
 * 420 (Enhance Your Calm): a rate limit was hit and the request was not carried out.
 * `kind` says which limit; `rateLimit.resetsAt` says when a spent quota comes back.
 *
 * @since 0.1.0
 * @category errors
 */
export class RateLimitError extends Schema.TaggedError<RateLimitError>()("RateLimitError", {
  ...httpFields,
  kind: RateLimitKind
}) {
  /** A readable account of the failure, without secrets. */
  override get message(): string {
    return rateLimitMessage(this)
  }
}

/**
 * 500: an internal error of the market.
 *
 * @since 0.1.0
 * @category errors
 */
export class InternalServerError extends Schema.TaggedError<InternalServerError>()("InternalServerError", httpFields) {
  /** A readable account of the failure, without secrets. */
  override get message(): string {
    return httpFailureMessage(this)
  }
}

/**
 * Any other non-2xx status (405, 415, 423, 499, 502, 503, ...), with its status.
 *
 * @since 0.1.0
 * @category errors
 */
export class UnexpectedStatusError extends Schema.TaggedError<UnexpectedStatusError>()(
  "UnexpectedStatusError",
  httpFields
) {
  /** A readable account of the failure, without secrets. */
  override get message(): string {
    return httpFailureMessage(this)
  }
}

/**
 * A 2xx answer whose body does not match the official description (or is not JSON).
 *
 * @since 0.1.0
 * @category errors
 */
export class ResponseDecodeError extends Schema.TaggedError<ResponseDecodeError>()("ResponseDecodeError", {
  operation: Operation,
  method: Schema.String,
  path: Schema.String,
  status: Schema.Number,
  /**
   * `not-json` when the body could not be parsed at all (often a body cut off in transit: reads
   * retry it), `mismatch` when it parsed but does not match the description (not retried).
   */
  reason: Schema.Literal(...Wire.decodeFailureReasons),
  /** What did not match. */
  description: Schema.String
}) {
  /** A readable account of the failure, without secrets. */
  override get message(): string {
    return responseDecodeMessage(this)
  }
}

/**
 * Input rejected before any request was sent: `description` says what is wrong.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidRequestError extends Schema.TaggedError<InvalidRequestError>()("InvalidRequestError", {
  operation: Operation,
  /** What is wrong with the input, as Schema's tree formatter describes it. */
  description: Schema.String
}) {
  /** A readable account of the failure. */
  override get message(): string {
    return invalidRequestMessage(this)
  }
}

/**
 * A paginated stream got a page token that the server had already handed out: following it would loop forever.
 *
 * @since 0.1.0
 * @category errors
 */
export class PageTokenLoopError extends Schema.TaggedError<PageTokenLoopError>()("PageTokenLoopError", {
  operation: Operation,
  /** The token that came back a second time. */
  pageToken: Schema.String,
  /** How many pages the stream had read when it saw the repeat. */
  pagesRead: Schema.Number
}) {
  /** A readable account of the failure. */
  override get message(): string {
    return pageTokenLoopMessage(this)
  }
}

/**
 * The market did not answer within the client's per-request timeout.
 *
 * @since 0.1.0
 * @category errors
 */
export class RequestTimeoutError extends Schema.TaggedError<RequestTimeoutError>()("RequestTimeoutError", {
  operation: Operation,
  method: Schema.String,
  path: Schema.String,
  /** The timeout that ran out, in milliseconds. */
  timeoutMillis: Schema.Number
}) {
  /** A readable account of the failure. */
  override get message(): string {
    return requestTimeoutMessage(this)
  }
}

/**
 * A send (`sendMessageToChat`, `sendFileToChat`) failed in a way that leaves its outcome
 * unknown: a 5xx, a broken connection or a timeout after the request left. The message may
 * have been posted, so the client does not repeat it; check the chat's history before sending again.
 *
 * @since 0.1.0
 * @category errors
 */
export class DeliveryUnknownError extends Schema.TaggedError<DeliveryUnknownError>()("DeliveryUnknownError", {
  operation: Operation,
  method: Schema.String,
  path: Schema.String,
  /** The failure that cut the send off: an HTTP error, a transport error or a timeout. */
  cause: Schema.Unknown
}) {
  /** A readable account of the failure. */
  override get message(): string {
    return deliveryUnknownMessage(this, causeMessage(this.cause))
  }
}

/**
 * The request or its answer was lost in transit: the connection failed or broke, or the body could
 * not be read. It describes the exchange with copied, credential-free details only: unlike
 * `@effect/platform`'s `RequestError` and `ResponseError` it holds no request, response or cause object.
 *
 * @since 0.2.0
 * @category errors
 */
export class TransportError extends Schema.TaggedError<TransportError>()("TransportError", {
  operation: Operation,
  method: Schema.String,
  path: Schema.String,
  /**
   * What went wrong, as `@effect/platform` tells it: `Transport` (no answer: connection refused,
   * reset, DNS), `Encode`/`InvalidUrl` (the request could not be built), `Decode`/`EmptyBody` (the
   * answer's body could not be read), `StatusCode`.
   */
  reason: Schema.Literal(...Wire.transportReasons),
  /** The HTTP status, when an answer had started. */
  status: Schema.optional(Schema.Number),
  /** What the transport said, credentials removed. */
  description: Schema.String
}) {
  /** A readable account of the failure, without secrets. */
  override get message(): string {
    return transportMessage(this)
  }
}

/**
 * A limiter (the concurrency gate or the quota store) could not answer, for instance a shared store
 * out of reach. Nothing was sent.
 *
 * @since 0.2.0
 * @category errors
 */
export class LimiterUnavailableError extends Schema.TaggedError<LimiterUnavailableError>()("LimiterUnavailableError", {
  /** Which limiter failed. */
  limiter: Schema.Literal(...Wire.limiterNames),
  /** What went wrong, without credentials. */
  description: Schema.String
}) {
  /** A readable account of the failure. */
  override get message(): string {
    return limiterUnavailableMessage(this)
  }
}

/**
 * An error of an HTTP answer with a non-2xx status.
 *
 * @since 0.1.0
 * @category errors
 */
export type HttpStatusError =
  | BadRequestError
  | UnauthorizedError
  | ForbiddenError
  | NotFoundError
  | RateLimitError
  | InternalServerError
  | UnexpectedStatusError

/**
 * Every error a single chats operation can fail with.
 *
 * @since 0.1.0
 * @category errors
 */
export type ChatsClientError =
  | HttpStatusError
  | RequestTimeoutError
  | DeliveryUnknownError
  | ResponseDecodeError
  | InvalidRequestError
  | TransportError
  | LimiterUnavailableError

/**
 * Every error a paginated stream can fail with.
 *
 * @since 0.1.0
 * @category errors
 */
export type ChatsStreamError = ChatsClientError | PageTokenLoopError

/**
 * Tells whether a value is a `RateLimitError`.
 *
 * @since 0.1.0
 * @category guards
 */
export const isRateLimitError = (u: unknown): u is RateLimitError => Predicate.isTagged(u, "RateLimitError")
