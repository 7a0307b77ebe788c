/**
 * One call of an operation, end to end: queue at the gate, take a unit of the quota (or wait out a
 * spent one), send with a timeout, remember the quota, decode, keep secrets out of errors, mark
 * unknown outcomes of sends, retry what is safe to retry, and record the call's metrics (see
 * `callMetrics.ts`).
 *
 * The request, the span and the rest of the call's setting are made before the slot at the gate is
 * taken; the slot is held for the exchange only (the request and the reading of its answer's body).
 */
import { FetchHttpClient, Headers, type HttpBody, type HttpClient, HttpClientRequest } from "@effect/platform"
import type { HttpClientResponse } from "@effect/platform"
import { Cause, Clock, DateTime, Duration, Effect, Either, Exit, Option, Schedule, ScheduleDecision } from "effect"
import * as ChatsError from "../../ChatsError.js"
import { type LimitKey, quotaBackAt, type QuotaState, type ReservingGate } from "../../ChatsLimiter.js"
import * as ChatsRetry from "../../ChatsRetry.js"
import { queryParams } from "../../../../core/client/endpoints.js"
import { isSuccessStatus as isSuccess } from "../../../../core/client/errorBody.js"
import { leavesOutcomeUnknown } from "../../../../core/client/retryPolicy.js"
import { quotaStoreFailed } from "../limiter/quotaStoreFailed.js"
import { type Recording, startRecording } from "./callMetrics.js"
import type { BodyDecoder, RequestInfo } from "./response.js"
import { quotaStateOf } from "./rateLimit.js"
import { toTransportError } from "./transportError.js"

/** What every call of one client shares. */
export interface CallContext {
  readonly httpClient: HttpClient.HttpClient
  readonly baseUrl: string
  readonly authHeaders: Readonly<Record<string, string>>
  /** The credential values, removed from any text an error carries. */
  readonly secrets: ReadonlyArray<string>
  readonly schedule: ChatsRetry.RetrySchedule | false
  /** The gate and the quota store, as one (see `limitsOf`). */
  readonly limits: ReservingGate
  readonly requestTimeout: Duration.Duration
  readonly quotaWaitBudget: Duration.Duration
}

/** One request of an operation. */
export interface CallSpec<A> {
  readonly operation: ChatsError.Operation
  readonly businessId: number
  readonly method: "GET" | "POST"
  readonly path: string
  readonly query: Readonly<Record<string, string | number | undefined>>
  readonly body: HttpBody.HttpBody
  readonly decode: BodyDecoder<A>
}

/** The name of the header that carries the API key. */
export const apiKeyHeader = "Api-Key"

/** Records an event on the current span and logs it at debug level (with no secret: only names and numbers). */
const note = (event: string, attributes: Record<string, string | number>): Effect.Effect<void> =>
  Effect.zipRight(
    Effect.flatMap(Effect.option(Effect.currentSpan), (span) =>
      Option.isNone(span)
        ? Effect.void
        : Effect.map(Clock.currentTimeNanos, (now) => span.value.event(event, now, attributes))),
    Effect.logDebug(`ChatsClient: ${event}`).pipe(Effect.annotateLogs(attributes))
  )

/** The tag of the error a call failed with, or `interrupted` / `defect`. */
const failureTag = (cause: Cause.Cause<{ readonly _tag: string }>): string =>
  Option.match(Cause.failureOption(cause), {
    onNone: () => Cause.isInterruptedOnly(cause) ? "interrupted" : "defect",
    onSome: (error) => error._tag
  })

/** The redacted header names with `Api-Key` among them. */
const withApiKeyRedacted = (names: ReadonlyArray<string | RegExp>): ReadonlyArray<string | RegExp> =>
  names.includes(apiKeyHeader) ? names : [...names, apiKeyHeader]

/**
 * The fetch options of the call: `fetch` does not follow redirects, which would carry the `Api-Key`
 * header to whatever host the redirect names (the Node transports never follow redirects; a 3xx
 * then reaches the caller as an `UnexpectedStatusError`).
 */
const noRedirects = Effect.map(
  Effect.serviceOption(FetchHttpClient.RequestInit),
  (init): RequestInit => ({ ...Option.getOrElse(init, () => ({})), redirect: "manual" })
)

/**
 * The retry schedule over the failures safe to retry for `operation`, recording a `retry` event (and
 * counting the retry with `recording`) each time it decides to retry (and only then: not for a failure
 * that stops the retries, whatever the schedule).
 */
const withRetryEvents = (
  schedule: ChatsRetry.RetrySchedule,
  operation: ChatsError.Operation,
  recording: Recording
): ChatsRetry.RetrySchedule =>
  Schedule.onDecision(
    Schedule.whileInput(Schedule.passthrough(schedule), (error: ChatsError.ChatsClientError) => ChatsRetry.isSafeToRetry(operation, error)),
    (error, decision) => {
      if (!ScheduleDecision.isContinue(decision)) return Effect.void
      recording.retry(error._tag)
      return note("retry", { operation, error: error._tag })
    }
  )

/** Inside one call: the quota store said the quota is spent until `state.resetsAt`. */
class QuotaSpent {
  readonly _tag = "QuotaSpent"
  constructor(readonly state: QuotaState) {}
}

/** An answer, its body and the quota it reported. */
interface Answer {
  readonly response: HttpClientResponse.HttpClientResponse
  readonly text: string
  readonly quota: QuotaState | undefined
}

/** The quota an answer reported. */
const reportedQuota = (answer: Answer): QuotaState | undefined => answer.quota

/** Sends one call, with everything around it that keeps it within the market's limits, and records its metrics. */
export const call = <A>(ctx: CallContext, spec: CallSpec<A>): Effect.Effect<A, ChatsError.ChatsClientError> =>
  Effect.withFiberRuntime((fiber) => measured(ctx, spec, startRecording(fiber, spec.operation, spec.businessId)))

/** One call, recording its metrics with `recording`. */
const measured = <A>(ctx: CallContext, spec: CallSpec<A>, recording: Recording): Effect.Effect<A, ChatsError.ChatsClientError> => {
  const info: RequestInfo = { operation: spec.operation, method: spec.method, path: spec.path }
  const key: LimitKey = { api: ctx.baseUrl, businessId: spec.businessId }
  const decoder = spec.decode
  const request = HttpClientRequest.make(spec.method)(ctx.baseUrl + spec.path, {
    urlParams: queryParams(spec.query),
    headers: ctx.authHeaders,
    body: spec.body,
    acceptJson: true
  })

  /** An answer to the attempt that started at `startedAt`, recorded: its status and duration, and the quota it reported. */
  const answered = (response: HttpClientResponse.HttpClientResponse, text: string, startedAt: number): Answer => {
    const quota = quotaStateOf(response.headers)
    recording.attempt(response.status, startedAt)
    if (quota !== undefined) recording.quotaRemaining(quota.remaining)
    return { response, text, quota }
  }

  /**
   * The request and its answer's body. The status decides: the body of a non-2xx answer that cannot
   * be read, or does not end within the timeout, is empty (the error then has no `errors`), and so is
   * that of a 2xx answer to an operation without a result.
   */
  const exchange: Effect.Effect<Answer, ChatsError.ChatsClientError> = Effect.suspend(() => {
    const startedAt = recording.now()
    /** An answer whose status decides on its own, once its headers have come. */
    let decided: HttpClientResponse.HttpClientResponse | undefined
    /** The error of an attempt that got no answer, recorded. */
    const unanswered = (error: ChatsError.RequestTimeoutError | ChatsError.TransportError) => {
      recording.attempt(error._tag, startedAt)
      return Effect.fail(error)
    }
    return Effect.flatMap(
      ctx.httpClient.execute(request),
      (response) => {
        /** The answer, recorded: the attempt's status and duration, and the quota it reported. */
        const answer = (text: string): Answer => answered(response, text, startedAt)
        if (isSuccess(response.status) && !decoder.lenient) return Effect.map(response.text, answer)
        decided = response
        return Effect.map(Effect.orElseSucceed(response.text, () => ""), answer)
      }
    ).pipe(
      Effect.timeoutFail({
        duration: ctx.requestTimeout,
        onTimeout: () => new ChatsError.RequestTimeoutError({ ...info, timeoutMillis: Duration.toMillis(ctx.requestTimeout) })
      }),
      Effect.catchTags({
        RequestError: (error) => unanswered(toTransportError(info, error, ctx.secrets)),
        ResponseError: (error) => unanswered(toTransportError(info, error, ctx.secrets)),
        RequestTimeoutError: (error) =>
          decided === undefined ? unanswered(error) : Effect.succeed(answered(decided, "", startedAt))
      })
    )
  })

  /**
   * Takes a unit of the quota with `reservation`, then exchanges: a spent quota fails with `QuotaSpent`;
   * a store that cannot answer lets the request go.
   */
  const reserveThenExchange = (
    reservation: Effect.Effect<Option.Option<QuotaState>, ChatsError.LimiterUnavailableError>
  ): Effect.Effect<Answer, ChatsError.ChatsClientError | QuotaSpent> =>
    Effect.suspend(() => {
      recording.gateWait(askedAt)
      return reservation.pipe(
        Effect.catchAll((error) => Effect.as(quotaStoreFailed(error), Option.none<QuotaState>())),
        Effect.flatMap(Option.match({
          onNone: (): Effect.Effect<Answer, ChatsError.ChatsClientError | QuotaSpent> => exchange,
          onSome: (state) => Effect.fail(new QuotaSpent(state))
        }))
      )
    })

  /** Decodes an answer's body; a 420 of the market is recorded by the limit it names. */
  const decode = (answer: Answer): Effect.Effect<A, ChatsError.ChatsClientError> =>
    Effect.suspend(() => {
      const decoded = decoder.decode(info, answer.response, answer.text)
      if (Either.isRight(decoded)) return Effect.succeed(decoded.right)
      if (decoded.left._tag === "RateLimitError") recording.rateLimited(decoded.left.kind)
      return Effect.fail(decoded.left)
    })

  /** When the attempt asked the gate for its slot (read when the slot is held: see `reserveThenExchange`). */
  let askedAt = 0

  /**
   * One exchange at the gate, then its decoding. The quota is checked once the slot is taken and the
   * answer's quota recorded (a gate kept beside the client's quota store does both with the slot, in
   * the same steps as taking and freeing it).
   */
  const permitted = ctx.limits.withPermit(key, spec.operation)(reserveThenExchange, reportedQuota)
  const once: Effect.Effect<A, ChatsError.ChatsClientError | QuotaSpent> = Effect.flatMap(
    Effect.suspend(() => {
      askedAt = recording.now()
      return permitted
    }),
    decode
  )

  /**
   * A spent quota: wait for its reset within the budget and go again, or refuse at once. The refusal
   * is a success of the attempt (`Either.left`), so that no retry schedule sees it.
   */
  const attempt: Effect.Effect<Either.Either<A, ChatsError.RateLimitError>, ChatsError.ChatsClientError> = Effect.catchIf(
    Effect.map(once, Either.right),
    (error): error is QuotaSpent => error instanceof QuotaSpent,
    ({ state }) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) => {
        const wait = quotaBackAt(state.resetsAt) - now
        if (wait <= 0) return attempt
        if (wait <= Duration.toMillis(ctx.quotaWaitBudget)) {
          return Effect.zipRight(
            note("quota wait", { operation: spec.operation, waitMillis: wait }),
            Effect.zipRight(Effect.sleep(wait), attempt)
          )
        }
        recording.quotaRefused()
        return Effect.succeed(Either.left(quotaRefusal(info, state)))
      })
  )

  const safeAttempt = ChatsRetry.isIdempotent(spec.operation) ? attempt : Effect.mapError(
    attempt,
    (error) => leavesOutcomeUnknown(error) ? new ChatsError.DeliveryUnknownError({ ...info, cause: error }) : error
  )

  /** The retries: the schedule decides over the failures that are safe to retry (see `withRetryEvents`). */
  const retried: Effect.Effect<A, ChatsError.ChatsClientError> = Effect.flatMap(
    ctx.schedule === false ? safeAttempt : Effect.retry(safeAttempt, withRetryEvents(ctx.schedule, spec.operation, recording)),
    Either.match({ onLeft: Effect.fail, onRight: Effect.succeed })
  )

  const chatId = spec.query["chatId"]
  return Effect.useSpan(
    `ChatsClient.${spec.operation}`,
    {
      kind: "client",
      captureStackTrace: false,
      attributes: chatId === undefined
        ? { "yandex_market.business_id": spec.businessId }
        : { "yandex_market.business_id": spec.businessId, "yandex_market.chat_id": chatId }
    },
    (span) =>
      retried.pipe(
        Effect.onExit((exit) =>
          Effect.sync(() => {
            const outcome = Exit.isSuccess(exit) ? "success" : failureTag(exit.cause)
            recording.call(outcome)
            span.attribute("outcome", outcome)
          })
        ),
        Effect.provideServiceEffect(FetchHttpClient.RequestInit, noRedirects),
        Effect.locallyWith(Headers.currentRedactedNames, withApiKeyRedacted),
        Effect.withParentSpan(span)
      )
  )
}

/** The error of a call refused before sending: the quota is spent until a reset past the wait budget. */
const quotaRefusal = (info: RequestInfo, state: QuotaState): ChatsError.RateLimitError => {
  const resetsAt = DateTime.unsafeMake(state.resetsAt)
  return new ChatsError.RateLimitError({
    ...info,
    status: 420,
    kind: "quota",
    errors: [{
      code: "QUOTA_SPENT",
      message: `not sent: the quota of ${info.operation} is spent until ${DateTime.formatIso(resetsAt)}`
    }],
    rateLimit: new ChatsError.RateLimitInfo({
      remaining: 0,
      resetsAt,
      ...(state.limit === undefined ? {} : { limit: state.limit })
    })
  }, { disableValidation: true })
}
