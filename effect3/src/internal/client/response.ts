/**
 * Turning an HTTP answer into a decoded result or a typed error.
 */
import type { HttpClientResponse } from "@effect/platform"
import { Either, ParseResult, Schema } from "effect"
import * as ChatsError from "../../ChatsError.js"
import { ApiError } from "../../ChatsSchema.js"
import { apiErrorsOfText, isSuccessStatus as isSuccess } from "../../../../core/client/errorBody.js"
import { describeIssue } from "./issues.js"
import { classifyRateLimit, parseRateLimitHeaders } from "./rateLimit.js"

/** What the error of an answer needs to say about the request it answers. */
export interface RequestInfo {
  readonly operation: ChatsError.Operation
  readonly method: string
  readonly path: string
}

/** The typed error for a non-2xx answer, from its status, body text and headers. */
const statusError = (
  info: RequestInfo,
  response: HttpClientResponse.HttpClientResponse,
  bodyText: string
): ChatsError.HttpStatusError => {
  const errors = apiErrorsOfText(bodyText).map((entry) => new ApiError(entry, { disableValidation: true }))
  const rateLimit = parseRateLimitHeaders(response.headers)
  const props: ChatsError.HttpErrorProps = {
    operation: info.operation,
    method: info.method,
    path: info.path,
    status: response.status,
    errors,
    ...(rateLimit === undefined ? {} : { rateLimit })
  }
  const opts = { disableValidation: true }
  switch (response.status) {
    case 400:
      return new ChatsError.BadRequestError(props, opts)
    case 401:
      return new ChatsError.UnauthorizedError(props, opts)
    case 403:
      return new ChatsError.ForbiddenError(props, opts)
    case 404:
      return new ChatsError.NotFoundError(props, opts)
    case 420:
      return new ChatsError.RateLimitError({ ...props, kind: classifyRateLimit(errors, rateLimit?.remaining) }, opts)
    case 500:
      return new ChatsError.InternalServerError(props, opts)
    default:
      return new ChatsError.UnexpectedStatusError(props, opts)
  }
}

/**
 * How an operation turns an answer into its result, built once per operation. The client reads
 * the body (while it holds its slot at the gate), then decodes it.
 */
export interface BodyDecoder<A> {
  /** Whether a 2xx answer is a success even when its body cannot be read (its text is then empty). */
  readonly lenient: boolean
  /** The result, or the typed error, of an answer whose body was read as `text`. */
  readonly decode: (
    info: RequestInfo,
    response: HttpClientResponse.HttpClientResponse,
    text: string
  ) => Either.Either<A, ChatsError.HttpStatusError | ChatsError.ResponseDecodeError>
}

/** Why a 2xx body could not be decoded. */
export interface DecodeFailure {
  readonly reason: ChatsError.ResponseDecodeError["reason"]
  readonly description: string
}

/**
 * Decodes the text of a success body `{ result: A }`: parses it and decodes `result` with the
 * schema (unknown fields ignored). Built once per operation. `fast`, when given, decodes the
 * result the way the schema does, or gives `undefined` to leave it to the schema (see `fastDecode.ts`).
 */
export const decodeResultText = <A, I>(
  schema: Schema.Schema<A, I>,
  fast?: ((result: unknown) => A | undefined) | undefined
): (text: string) => Either.Either<A, DecodeFailure> => {
  const decode = ParseResult.decodeUnknownEither(Schema.Struct({ result: schema }), { onExcessProperty: "ignore" })
  return (text) => {
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch (e) {
      return Either.left({ reason: "not-json", description: `the body is not JSON (${(e as Error).message})` })
    }
    if (fast !== undefined && typeof json === "object" && json !== null && !Array.isArray(json)) {
      const result = (json as { readonly result?: unknown }).result
      const decoded = result === undefined ? undefined : fast(result)
      if (decoded !== undefined) return Either.right(decoded)
    }
    const decoded = decode(json)
    return Either.isRight(decoded)
      ? Either.right(decoded.right.result)
      : Either.left({ reason: "mismatch", description: describeIssue(decoded.left) })
  }
}

/**
 * A decoder for an operation whose success body is `{ result: A }`: checks the status, then
 * parses the body and decodes it with the schema (unknown fields ignored).
 */
export const decodeResult = <A, I>(
  schema: Schema.Schema<A, I>,
  fast?: ((result: unknown) => A | undefined) | undefined
): BodyDecoder<A> => {
  const decodeText = decodeResultText(schema, fast)
  return {
    lenient: false,
    decode: (info, response, text) => {
      if (!isSuccess(response.status)) return Either.left(statusError(info, response, text))
      const decoded = decodeText(text)
      return Either.isRight(decoded)
        ? decoded as Either.Either<A, never>
        : Either.left(decodeError(info, response, decoded.left.reason, decoded.left.description))
    }
  }
}

const success = Either.right(undefined)

/**
 * A decoder for an operation without a result (`{ status: "OK" }`): any 2xx is a success,
 * whatever its body and even if the body is cut off, since the market carried the request out.
 */
export const decodeEmpty: BodyDecoder<void> = {
  lenient: true,
  decode: (info, response, text) => isSuccess(response.status) ? success : Either.left(statusError(info, response, text))
}

/** A `ResponseDecodeError` for a 2xx answer. */
const decodeError = (
  info: RequestInfo,
  response: HttpClientResponse.HttpClientResponse,
  reason: ChatsError.ResponseDecodeError["reason"],
  description: string
): ChatsError.ResponseDecodeError =>
  new ChatsError.ResponseDecodeError({
    operation: info.operation,
    method: info.method,
    path: info.path,
    status: response.status,
    reason,
    description
  }, { disableValidation: true })
