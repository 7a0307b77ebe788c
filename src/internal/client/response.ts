/**
 * Turning an HTTP answer into a decoded result or a typed error.
 */
import type { HttpClientError, HttpClientResponse } from "@effect/platform"
import { Effect, Either, ParseResult, Schema } from "effect"
import * as ChatsError from "../../ChatsError.js"
import { ApiError } from "../../ChatsSchema.js"
import { describeIssue } from "./issues.js"
import { classifyRateLimit, parseRateLimitHeaders } from "./rateLimit.js"

/** What the error of an answer needs to say about the request it answers. */
export interface RequestInfo {
  readonly operation: ChatsError.Operation
  readonly method: string
  readonly path: string
}

/** Parses JSON without throwing: undefined for a body that is not JSON. */
const parseJsonSafe = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** The `errors` list of an error body, keeping only well-formed entries; a missing, null or non-JSON body gives none. */
export const errorsOfBody = (body: unknown): ReadonlyArray<ApiError> => {
  if (typeof body !== "object" || body === null) return []
  const errors = (body as { readonly errors?: unknown }).errors
  if (!Array.isArray(errors)) return []
  const out: Array<ApiError> = []
  for (const e of errors) {
    if (typeof e === "object" && e !== null && typeof (e as { code?: unknown }).code === "string") {
      const { code, message } = e as { code: string; message?: unknown }
      out.push(new ApiError(typeof message === "string" ? { code, message } : { code }, { disableValidation: true }))
    }
  }
  return out
}

/** The typed error for a non-2xx answer, from its status, body text and headers. */
export const statusError = (
  info: RequestInfo,
  response: HttpClientResponse.HttpClientResponse,
  bodyText: string
): ChatsError.HttpStatusError => {
  const errors = errorsOfBody(bodyText === "" ? undefined : parseJsonSafe(bodyText))
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
      return new ChatsError.RateLimitError({ ...props, kind: classifyRateLimit(errors, rateLimit) }, opts)
    case 500:
      return new ChatsError.InternalServerError(props, opts)
    default:
      return new ChatsError.UnexpectedStatusError(props, opts)
  }
}

/** A decoder of a success body, built once per operation. */
export type BodyDecoder<A> = (
  info: RequestInfo,
  response: HttpClientResponse.HttpClientResponse
) => Effect.Effect<A, ChatsError.HttpStatusError | ChatsError.ResponseDecodeError | HttpClientError.ResponseError>

/** Why a 2xx body could not be decoded. */
export interface DecodeFailure {
  readonly reason: ChatsError.ResponseDecodeError["reason"]
  readonly description: string
}

/**
 * Decodes the text of a success body `{ result: A }`: parses it and decodes `result` with the
 * schema (unknown fields ignored). Built once per operation.
 */
export const decodeResultText = <A, I>(schema: Schema.Schema<A, I>): (text: string) => Either.Either<A, DecodeFailure> => {
  const decode = ParseResult.decodeUnknownEither(Schema.Struct({ result: schema }), { onExcessProperty: "ignore" })
  return (text) => {
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch (e) {
      return Either.left({ reason: "not-json", description: `the body is not JSON (${(e as Error).message})` })
    }
    const decoded = decode(json)
    return Either.isRight(decoded)
      ? Either.right(decoded.right.result)
      : Either.left({ reason: "mismatch", description: describeIssue(decoded.left) })
  }
}

/**
 * A decoder for an operation whose success body is `{ result: A }`: checks the status,
 * reads the body once as text, parses it and decodes it with the schema (unknown fields ignored).
 */
export const decodeResult = <A, I>(schema: Schema.Schema<A, I>): BodyDecoder<A> => {
  const decodeText = decodeResultText(schema)
  return (info, response) =>
    Effect.flatMap(response.text, (text): Effect.Effect<A, ChatsError.HttpStatusError | ChatsError.ResponseDecodeError> => {
      if (response.status < 200 || response.status >= 300) {
        return Effect.fail(statusError(info, response, text))
      }
      const decoded = decodeText(text)
      return Either.isRight(decoded)
        ? Effect.succeed(decoded.right)
        : Effect.fail(decodeError(info, response, decoded.left.reason, decoded.left.description))
    })
}

/**
 * A decoder for an operation without a result (`{ status: "OK" }`): any 2xx is a success,
 * whatever its body and even if the body is cut off, since the market carried the request out.
 */
export const decodeEmpty: BodyDecoder<void> = (info, response) =>
  response.status >= 200 && response.status < 300
    ? Effect.ignore(response.text)
    : Effect.flatMap(response.text, (text) => Effect.fail(statusError(info, response, text)))

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
