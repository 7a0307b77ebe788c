/**
 * Turning an HTTP answer (its status, headers and body text) into a decoded result or a typed error.
 * Decoders are built once per operation; a decoding is the operation's hand-written pass over the
 * parsed body when it has one (`fastDecode.ts`), and a Schema decode otherwise or when the pass declines.
 */
import { Result, Schema, type SchemaIssue, SchemaParser } from "effect"
import { apiErrorsOfText, isSuccessStatus } from "../../../../core/client/errorBody.js"
import { classifyRateLimit, type HeaderRecord } from "../../../../core/client/rateLimit.js"
import * as ChatsError from "../../ChatsError.js"
import { ApiError } from "../../ChatsSchema.js"
import { describeIssue } from "./issues.js"
import { rateLimitInfoOf } from "./rateLimit.js"

/** What the error of an answer needs to say about the request it answers. */
export interface RequestInfo {
  readonly operation: ChatsError.Operation
  readonly method: string
  readonly path: string
}

/** What the client read of an answer: its status, its headers and its body's text. */
export interface AnswerParts {
  readonly status: number
  readonly headers: HeaderRecord
  readonly text: string
}

const trusted = { disableChecks: true } as const

/** The typed error of a non-2xx answer, from its status, body text and headers. */
export const statusError = (info: RequestInfo, answer: AnswerParts): ChatsError.HttpStatusError => {
  const errors = apiErrorsOfText(answer.text).map((entry) => new ApiError(entry, trusted))
  const rateLimit = rateLimitInfoOf(answer.headers)
  const props = {
    operation: info.operation,
    method: info.method,
    path: info.path,
    status: answer.status,
    errors,
    ...(rateLimit === undefined ? {} : { rateLimit })
  }
  switch (answer.status) {
    case 400:
      return new ChatsError.BadRequestError(props, trusted)
    case 401:
      return new ChatsError.UnauthorizedError(props, trusted)
    case 403:
      return new ChatsError.ForbiddenError(props, trusted)
    case 404:
      return new ChatsError.NotFoundError(props, trusted)
    case 420:
      return new ChatsError.RateLimitError({ ...props, kind: classifyRateLimit(errors, rateLimit?.remaining) }, trusted)
    case 500:
      return new ChatsError.InternalServerError(props, trusted)
    default:
      return new ChatsError.UnexpectedStatusError(props, trusted)
  }
}

/**
 * How an operation turns an answer into its result, built once per operation. The client reads
 * the body (while it holds its slot at the gate), then decodes it.
 */
export interface BodyDecoder<A> {
  /** Whether a 2xx answer is a success even when its body cannot be read (its text is then empty). */
  readonly lenient: boolean
  /** The result, or the typed error, of an answer. */
  readonly decode: (
    info: RequestInfo,
    answer: AnswerParts
  ) => Result.Result<A, ChatsError.HttpStatusError | ChatsError.ResponseDecodeError>
}

/** Why a 2xx body could not be decoded. */
export interface DecodeFailure {
  readonly reason: ChatsError.ResponseDecodeError["reason"]
  readonly description: string
}

/** A hand-written decoding of a result: the value the schema gives, or `undefined` to leave it to the schema. */
export type FastDecode<A> = (result: unknown) => A | undefined

/**
 * Decodes the text of a success body `{ result: A }`: parses it and decodes `result` with `fast` when
 * given, else (or when `fast` declines) with the schema (unknown fields ignored). Built once per operation.
 */
export const decodeResultText = <A>(
  schema: Schema.Decoder<A>,
  fast?: FastDecode<A> | undefined
): (text: string) => Result.Result<A, DecodeFailure> => {
  const decode: (input: unknown) => Result.Result<{ readonly result: A }, SchemaIssue.Issue> = SchemaParser
    .decodeUnknownResult(Schema.Struct({ result: schema }), { onExcessProperty: "ignore" })
  return (text) => {
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch (e) {
      return Result.fail({ reason: "not-json", description: `the body is not JSON (${(e as Error).message})` })
    }
    if (fast !== undefined && typeof json === "object" && json !== null) {
      const result = (json as { readonly result?: unknown }).result
      const decoded = result === undefined ? undefined : fast(result)
      if (decoded !== undefined) return Result.succeed(decoded)
    }
    const decoded = decode(json)
    return Result.isSuccess(decoded)
      ? Result.succeed(decoded.success.result)
      : Result.fail({ reason: "mismatch", description: describeIssue(decoded.failure) })
  }
}

/**
 * A decoder for an operation whose success body is `{ result: A }`: checks the status, then
 * parses the body and decodes it with `fast` or the schema (see `decodeResultText`).
 */
export const decodeResult = <A>(schema: Schema.Decoder<A>, fast?: FastDecode<A> | undefined): BodyDecoder<A> => {
  const decodeText = decodeResultText(schema, fast)
  return {
    lenient: false,
    decode: (info, answer) => {
      if (!isSuccessStatus(answer.status)) return Result.fail(statusError(info, answer))
      const decoded = decodeText(answer.text)
      return Result.isSuccess(decoded)
        ? decoded as Result.Result<A, never>
        : Result.fail(decodeError(info, answer.status, decoded.failure))
    }
  }
}

const success = Result.succeed(undefined)

/**
 * A decoder for an operation without a result (`{ status: "OK" }`): any 2xx is a success,
 * whatever its body and even if the body is cut off, since the market carried the request out.
 */
export const decodeEmpty: BodyDecoder<void> = {
  lenient: true,
  decode: (info, answer) => isSuccessStatus(answer.status) ? success : Result.fail(statusError(info, answer))
}

/** A `ResponseDecodeError` for a 2xx answer. */
const decodeError = (info: RequestInfo, status: number, failure: DecodeFailure): ChatsError.ResponseDecodeError =>
  new ChatsError.ResponseDecodeError({
    operation: info.operation,
    method: info.method,
    path: info.path,
    status,
    reason: failure.reason,
    description: failure.description
  }, trusted)
