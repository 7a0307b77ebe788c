/**
 * One call of an operation, end to end: queue at the gate, take a unit of the quota (or wait out a
 * spent one), send with a timeout, remember the quota, decode, keep secrets out of errors, mark
 * unknown outcomes of sends, retry what is safe to retry, and record the call's metrics (see
 * `callMetrics.ts`).
 *
 * What does not change from call to call is made once: per client (the header set, the base URL, the
 * limits) and per operation (the span's name, the retry policy with its gate, the decoder). A call
 * makes its request, its span and the rest of its setting before the slot at the gate is taken; the
 * slot is held for the exchange only (the request and the reading of its answer's body).
 */
import { Cause, Clock, Context, Data, DateTime, Duration, Effect, Exit, Option, Result, Schedule } from "effect"
import { FetchHttpClient, Headers, HttpBody, HttpClient, HttpClientRequest, type HttpClientResponse, UrlParams } from "effect/http"
import { endpointPath, endpoints, queryParams } from "../../../../core/client/endpoints.js"
import { isSuccessStatus } from "../../../../core/client/errorBody.js"
import { quotaStateOf } from "../../../../core/client/rateLimit.js"
import { isIdempotent, isSafeToRetry, leavesOutcomeUnknown } from "../../../../core/client/retryPolicy.js"
import * as ChatsError from "../../ChatsError.js"
import { type LimitKey, quotaBackAt, type QuotaState, type ReservingGate } from "../../ChatsLimiter.js"
import type * as ChatsRetry from "../../ChatsRetry.js"
import { ApiError } from "../../ChatsSchema.js"
import { quotaStoreFailed } from "../limiter/quotaStoreFailed.js"
import { OperationMetrics, type Recording } from "./callMetrics.js"
import type { AnswerParts, BodyDecoder, RequestInfo } from "./response.js"
import { toTransportError } from "./transportError.js"

/** The name of the header that carries the API key. */
export const apiKeyHeader = "Api-Key"

/** What every call of one client shares, made once when the client is built. */
export interface CallContext {
  readonly httpClient: HttpClient.HttpClient
  readonly baseUrl: string
  /** The headers of every request: the credential and `Accept: application/json`. */
  readonly headers: Headers.Headers
  /** The credential values, removed from any text an error carries. */
  readonly secrets: ReadonlyArray<string>
  readonly schedule: ChatsRetry.RetrySchedule | false
  /** The gate and the quota store, as one (see `limitsOf`). */
  readonly limits: ReservingGate
  readonly requestTimeout: Duration.Duration
  readonly quotaWaitBudgetMillis: number
}

/** What a call sends: the business, the query and the body (the method and path come from its operation). */
export interface CallRequest {
  readonly businessId: number
  /** The chat the call is about, for the span; it goes in the query where the operation has it. */
  readonly chatId?: number | undefined
  readonly query: Readonly<Record<string, string | number | undefined>>
  readonly body: HttpBody.HttpBody
}

/** Records an event on the current span and logs it at debug level (with no secret: only names and numbers). */
const note = (event: string, attributes: Record<string, string | number>): Effect.Effect<void> =>
  Effect.andThen(
    Effect.catch(
      Effect.flatMap(Effect.currentSpan, (span) =>
        Effect.map(Clock.currentTimeNanos, (now) => span.event(event, now, attributes))),
      () => Effect.void
    ),
    Effect.logDebug(`ChatsClient: ${event}`).pipe(Effect.annotateLogs(attributes))
  )

/** The tag of the error a call failed with, or `interrupted` / `defect`. */
const failureTag = (cause: Cause.Cause<{ readonly _tag: string }>): string =>
  Option.match(Cause.findErrorOption(cause), {
    onNone: () => Cause.hasInterruptsOnly(cause) ? "interrupted" : "defect",
    onSome: (error) => error._tag
  })

/** A call's outcome: `success` or the tag of its error. */
const outcomeOf = (exit: Exit.Exit<unknown, { readonly _tag: string }>): string =>
  Exit.isSuccess(exit) ? "success" : failureTag(exit.cause)

/** The redacted header names with `Api-Key` among them. */
const withApiKeyRedacted = (names: ReadonlyArray<string | RegExp>): ReadonlyArray<string | RegExp> =>
  Headers.isRedactedName(apiKeyHeader, names) ? names : [...names, apiKeyHeader]

/**
 * The fetch options of a call: `fetch` does not follow redirects, which would carry the `Api-Key`
 * header to whatever host the redirect names (the Node transports never follow redirects; a 3xx
 * then reaches the caller as an `UnexpectedStatusError`).
 */
const noRedirects = (init: Option.Option<globalThis.RequestInit>): globalThis.RequestInit =>
  Option.isNone(init) ? { redirect: "manual" } : { ...init.value, redirect: "manual" }

/**
 * The settings every call runs with, over the caller's context: `Api-Key` redacted wherever headers
 * are shown (logs, the HTTP client's span), no trace propagation headers to the market, and no
 * redirects followed by `fetch`. The context made for the last caller's context is kept, so that the
 * calls of one caller (whose context does not change from call to call) share it.
 */
const callSettings = (): <R>(context: Context.Context<R>) => Context.Context<R> => {
  let input: Context.Context<never> | undefined
  let output: Context.Context<never> | undefined
  return <R>(context: Context.Context<R>): Context.Context<R> => {
    if (context !== input || output === undefined) {
      input = context as Context.Context<never>
      output = context.pipe(
        Context.add(FetchHttpClient.RequestInit, noRedirects(Context.getOption(context, FetchHttpClient.RequestInit))),
        Context.add(HttpClient.TracerPropagationEnabled, false),
        Context.add(Headers.CurrentRedactedNames, withApiKeyRedacted(Context.get(context, Headers.CurrentRedactedNames)))
      ) as Context.Context<never>
    }
    return output as Context.Context<R>
  }
}

/**
 * The retry policy of an operation over the user's schedule: a failure that is not safe to retry for
 * the operation ends the retries before the schedule is stepped (so the schedule never sees it), and
 * each retry the schedule decides on is recorded as a `retry` event (none when it gives up).
 */
const retryPolicy = (
  schedule: ChatsRetry.RetrySchedule,
  operation: ChatsError.Operation
): Schedule.Schedule<unknown, ChatsError.ChatsClientError> =>
  Schedule.fromStep(Effect.map(Schedule.toStep(schedule), (step) => (now: number, error: ChatsError.ChatsClientError) =>
    isSafeToRetry(operation, error)
      ? Effect.tap(step(now, error), () => note("retry", { operation, error: error._tag }))
      : Cause.done()))

/**
 * `effect`, whose first run fails with `first` (an attempt that has already failed) and whose later
 * runs run it: what `Effect.retry` is given once the first attempt has failed outside it. Each later
 * run is a retry of the failure before it, told to `retrying` first.
 */
const failedOnceThen = <A, E, R>(first: E, effect: Effect.Effect<A, E, R>, retrying: (after: E) => void): Effect.Effect<A, E, R> => {
  let last: { readonly error: E } | undefined
  const remembered = Effect.mapError(effect, (error) => {
    last = { error }
    return error
  })
  return Effect.suspend(() => {
    if (last === undefined) {
      last = { error: first }
      return Effect.fail(first)
    }
    retrying(last.error)
    return remembered
  })
}

/** Inside one call: the quota store said the quota is spent until `state.resetsAt`. */
class QuotaSpent extends Data.TaggedError("QuotaSpent")<{ readonly state: QuotaState }> {}

/** An answer, its body and the quota it reported. */
interface Answer extends AnswerParts {
  readonly quota: QuotaState | undefined
}

/** An answer as read from its response. */
const answerOf = (response: HttpClientResponse.HttpClientResponse, text: string): Answer => ({
  status: response.status,
  headers: response.headers,
  text,
  quota: quotaStateOf(response.headers)
})

/** The quota an answer reported. */
const reportedQuota = (answer: Answer): QuotaState | undefined => answer.quota

/** The error of a call refused before sending: the quota is spent until a reset past the wait budget. */
const quotaRefusal = (info: RequestInfo, state: QuotaState): ChatsError.RateLimitError => {
  const resetsAt = DateTime.makeUnsafe(state.resetsAt)
  return new ChatsError.RateLimitError({
    ...info,
    status: 420,
    kind: "quota",
    errors: [
      new ApiError({
        code: "QUOTA_SPENT",
        message: `not sent: the quota of ${info.operation} is spent until ${DateTime.formatIso(resetsAt)}`
      }, { disableChecks: true })
    ],
    rateLimit: new ChatsError.RateLimitInfo({
      remaining: 0,
      resetsAt,
      ...(state.limit === undefined ? {} : { limit: state.limit })
    }, { disableChecks: true })
  }, { disableChecks: true })
}

/**
 * The caller of one operation, made once per client and operation: its span, its retry policy and its
 * decoder are ready; each call only builds its request.
 */
export const makeOperation = <A>(
  ctx: CallContext,
  operation: ChatsError.Operation,
  decoder: BodyDecoder<A>
): (request: CallRequest) => Effect.Effect<A, ChatsError.ChatsClientError> => {
  const endpoint = endpoints[operation]
  const method = endpoint.method
  const policy = ctx.schedule === false ? undefined : retryPolicy(ctx.schedule, operation)
  const idempotent = isIdempotent(operation)
  const timeoutMillis = Duration.toMillis(ctx.requestTimeout)
  const settings = callSettings()
  const metrics = new OperationMetrics(operation)
  const traced = Effect.withSpan(
    `ChatsClient.${operation}`,
    (request: CallRequest) => ({
      kind: "client",
      attributes: request.chatId === undefined
        ? { "yandex_market.business_id": request.businessId }
        : { "yandex_market.business_id": request.businessId, "yandex_market.chat_id": request.chatId }
    }),
    { captureStackTrace: false }
  )

  return (callRequest) => {
    const path = endpointPath(callRequest.businessId, endpoint)
    const info: RequestInfo = { operation, method, path }
    const key: LimitKey = { api: ctx.baseUrl, businessId: callRequest.businessId }
    const bodiless = HttpClientRequest.makeWith(
      method,
      ctx.baseUrl + path,
      UrlParams.fromInput(queryParams(callRequest.query)),
      Option.none(),
      ctx.headers,
      HttpBody.empty
    )
    // the body's Content-Type and Content-Length join the client's headers
    const request = callRequest.body._tag === "Empty" ? bodiless : HttpClientRequest.setBody(bodiless, callRequest.body)
    /**
     * One run of the call, recording its metrics with `recording`: the state of a run (the time its
     * attempt asked for a slot, its retries) is its own, so that the effect of a call may run again.
     */
    const run = (recording: Recording): Effect.Effect<A, ChatsError.ChatsClientError> => {
      /**
       * The request and its answer's body. The status decides: the body of a non-2xx answer that cannot
       * be read, or does not end within the timeout, is empty (the error then has no `errors`), and so is
       * that of a 2xx answer to an operation without a result.
       */
      const exchange: Effect.Effect<Answer, ChatsError.ChatsClientError> = Effect.suspend(() => {
        const startedAt = recording.now()
        /** An answer whose status decides on its own, once its headers have come. */
        let decided: HttpClientResponse.HttpClientResponse | undefined
        /** The answer, recorded: the attempt's status and duration, and the quota it reported. */
        const answered = (response: HttpClientResponse.HttpClientResponse, text: string): Answer => {
          const answer = answerOf(response, text)
          recording.attempt(answer.status, startedAt)
          if (answer.quota !== undefined) recording.quotaRemaining(answer.quota.remaining)
          return answer
        }
        /** The error of an attempt that got no answer, recorded. */
        const unanswered = (error: ChatsError.RequestTimeoutError | ChatsError.TransportError) => {
          recording.attempt(error._tag, startedAt)
          return Effect.fail(error)
        }
        const answer = Effect.flatMap(ctx.httpClient.execute(request), (response) => {
          if (isSuccessStatus(response.status) && !decoder.lenient) {
            return Effect.map(response.text, (text) => answered(response, text))
          }
          decided = response
          return Effect.map(Effect.orElseSucceed(response.text, () => ""), (text) => answered(response, text))
        })
        /** What the timeout gives once it has run out: a `RequestTimeoutError`, or the decided answer with an empty body. */
        const timedOut = Effect.suspend(() =>
          decided === undefined
            ? unanswered(new ChatsError.RequestTimeoutError({ ...info, timeoutMillis }, { disableChecks: true }))
            : Effect.succeed(answered(decided, ""))
        )
        // the answer races its deadline (what `Effect.timeoutOrElse` does, without its `Option` in between)
        return Effect.raceFirst(answer, Effect.andThen(Effect.sleep(ctx.requestTimeout), timedOut)).pipe(
          Effect.catchTag("HttpClientError", (error) => unanswered(toTransportError(info, error, ctx.secrets)))
        )
      })

      /** When the attempt asked the gate for its slot. */
      let askedAt = 0

      /**
       * With the slot held (the wait for it recorded), takes a unit of the quota with `reservation`, then
       * exchanges: a spent quota fails with `QuotaSpent`; a store that cannot answer lets the request go.
       * (A gate may call this before the slot is taken: the wait is read when the effect runs.)
       */
      const reserveThenExchange = (
        reservation: Effect.Effect<Option.Option<QuotaState>, ChatsError.LimiterUnavailableError>
      ): Effect.Effect<Answer, ChatsError.ChatsClientError | QuotaSpent> =>
        Effect.suspend(() => {
          recording.gateWait(askedAt)
          return Effect.flatMap(
            Effect.catch(reservation, (error) => Effect.as(quotaStoreFailed(error), Option.none<QuotaState>())),
            (state): Effect.Effect<Answer, ChatsError.ChatsClientError | QuotaSpent> =>
              Option.isNone(state) ? exchange : Effect.fail(new QuotaSpent({ state: state.value }))
          )
        })

      /** Decodes an answer's body; a 420 of the market is recorded by the limit it names. */
      const decode = (answer: Answer): Effect.Effect<A, ChatsError.ChatsClientError> => {
        const decoded = decoder.decode(info, answer)
        if (Result.isFailure(decoded) && decoded.failure._tag === "RateLimitError") recording.rateLimited(decoded.failure.kind)
        return Effect.fromResult(decoded)
      }

      /**
       * One exchange at the gate, then its decoding. The quota is checked once the slot is taken and the
       * answer's quota recorded (a gate kept beside the client's quota store does both with the slot, in
       * the same steps as taking and freeing it).
       */
      const permitted = ctx.limits.withPermit(key, operation)(reserveThenExchange, reportedQuota)
      const once: Effect.Effect<A, ChatsError.ChatsClientError | QuotaSpent> = Effect.flatMap(
        Effect.suspend(() => {
          askedAt = recording.now()
          return permitted
        }),
        decode
      )

      /**
       * A spent quota: wait for its reset within the budget and go again, or refuse at once. The refusal
       * is a success of the attempt (`Result.fail`), so that no retry schedule sees it.
       */
      type Attempt = Effect.Effect<Result.Result<A, ChatsError.RateLimitError>, ChatsError.ChatsClientError>
      const waitOrRefuse = ({ state }: QuotaSpent): Attempt =>
        Effect.flatMap(Clock.currentTimeMillis, (now) => {
          const wait = quotaBackAt(state.resetsAt) - now
          if (wait <= 0) return attempt
          if (wait <= ctx.quotaWaitBudgetMillis) {
            return Effect.andThen(
              note("quota wait", { operation, waitMillis: wait }),
              Effect.andThen(Effect.sleep(wait), attempt)
            )
          }
          recording.quotaRefused()
          return Effect.succeed(Result.fail(quotaRefusal(info, state)))
        })
      const attempt: Attempt = once.pipe(
        Effect.map((a): Result.Result<A, ChatsError.RateLimitError> => Result.succeed(a)),
        Effect.catchTag("QuotaSpent", waitOrRefuse)
      )

      const safeAttempt = idempotent ? attempt : Effect.mapError(
        attempt,
        (error) => leavesOutcomeUnknown(error) ? new ChatsError.DeliveryUnknownError({ ...info, cause: error }) : error
      )

      /**
       * The retries: the policy decides over the failures that are safe to retry (see `retryPolicy`).
       * `Effect.retry` is entered only once an attempt has failed, with that failure as its first: a
       * call that succeeds at once never steps the schedule, so it does not pay for it.
       */
      return Effect.flatMap(
        policy === undefined
          ? safeAttempt
          : Effect.catch(safeAttempt, (first) =>
            Effect.retry(failedOnceThen(first, safeAttempt, (error) => recording.retry(error._tag)), policy)),
        Effect.fromResult
      )
    }

    /** The call, its metrics recorded in its context and its outcome noted on its span. */
    const measured = Effect.contextWith((context: Context.Context<never>) => {
      const recording = metrics.start(context, callRequest.businessId)
      return Effect.onExit(run(recording), (exit) => {
        const outcome = outcomeOf(exit)
        recording.call(outcome)
        return Effect.annotateCurrentSpan("outcome", outcome)
      })
    })

    // the call's settings wrap its span, so that they are made over the caller's context (see `callSettings`)
    return Effect.updateContext(traced(measured, callRequest), settings)
  }
}
