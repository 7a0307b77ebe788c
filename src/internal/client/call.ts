/**
 * One call of an operation, end to end: wait out a spent quota, queue at the gate,
 * send with a timeout, decode, remember the quota, keep secrets out of errors,
 * mark unknown outcomes of sends, and retry what is safe to retry.
 */
import { FetchHttpClient, Headers, type HttpBody, type HttpClient, HttpClientRequest } from "@effect/platform"
import { Cause, Clock, DateTime, Duration, Effect, Exit, Option } from "effect"
import * as ChatsError from "../../ChatsError.js"
import type { Gate, QuotaState, QuotaStore } from "../../ChatsLimiter.js"
import * as ChatsRetry from "../../ChatsRetry.js"
import type { BodyDecoder, RequestInfo } from "./response.js"
import { sanitizeHttpClientError } from "./sanitize.js"

/** What every call of one client shares. */
export interface CallContext {
  readonly httpClient: HttpClient.HttpClient
  readonly baseUrl: string
  readonly authHeaders: Readonly<Record<string, string>>
  readonly schedule: ChatsRetry.RetrySchedule | false
  readonly gate: Gate
  readonly quotaStore: QuotaStore
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

/** Adds the `Api-Key` header to the names that logs and spans redact. */
const withRedactedApiKey = Effect.locallyWith(
  Headers.currentRedactedNames,
  (names) => names.includes(apiKeyHeader) ? names : [...names, apiKeyHeader]
)

/**
 * Keeps `fetch` from following redirects: it would carry the `Api-Key` header to whatever
 * host the redirect names. The other Node transports never follow redirects. A 3xx then
 * reaches the caller as an `UnexpectedStatusError`.
 */
const withoutRedirects = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.flatMap(Effect.serviceOption(FetchHttpClient.RequestInit), (init) =>
    Effect.provideService(effect, FetchHttpClient.RequestInit, {
      ...Option.getOrElse(init, () => ({})),
      redirect: "manual"
    }))

/** Query parameters, leaving out the absent ones. */
const queryParams = (params: Readonly<Record<string, string | number | undefined>>): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const key in params) {
    const value = params[key]
    if (value !== undefined) out[key] = String(value)
  }
  return out
}

/** The quota state of an answer's headers, when it reports both the remainder and the reset. */
const quotaOf = (headers: Headers.Headers): QuotaState | undefined => {
  const remaining = headers["x-ratelimit-resource-remaining"]
  const until = headers["x-ratelimit-resource-until"]
  if (remaining === undefined || until === undefined) return undefined
  const limit = Number(headers["x-ratelimit-resource-limit"])
  const state = {
    remaining: Number(remaining),
    resetsAt: new Date(until).getTime(),
    limit: Number.isFinite(limit) ? limit : undefined
  }
  return Number.isFinite(state.remaining) && Number.isFinite(state.resetsAt) ? state : undefined
}

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

/** Failures of a send after which the message may or may not have been posted. */
const leavesOutcomeUnknown = (error: ChatsError.ChatsClientError): boolean =>
  ChatsRetry.isTransient(error) || (error._tag === "UnexpectedStatusError" && error.status >= 500)

/** Sends one call, with everything around it that keeps it within the market's limits. */
export const call = <A>(ctx: CallContext, spec: CallSpec<A>): Effect.Effect<A, ChatsError.ChatsClientError> => {
  const info: RequestInfo = { operation: spec.operation, method: spec.method, path: spec.path }
  const request = HttpClientRequest.make(spec.method)(ctx.baseUrl + spec.path, {
    urlParams: queryParams(spec.query),
    headers: ctx.authHeaders,
    body: spec.body,
    acceptJson: true
  })
  const timeoutMillis = Duration.toMillis(ctx.requestTimeout)

  /** Waits for a spent quota to reset, or fails at once when the reset is past the budget. */
  const quotaGuard = Effect.flatMap(ctx.quotaStore.get(spec.businessId, spec.operation), (state) => {
    if (state === undefined || state.remaining > 0) return Effect.void
    return Effect.flatMap(Clock.currentTimeMillis, (now) => {
      const wait = state.resetsAt - now
      if (wait <= 0) return Effect.void
      if (wait <= Duration.toMillis(ctx.quotaWaitBudget)) {
        return Effect.zipRight(note("quota wait", { operation: spec.operation, waitMillis: wait }), Effect.sleep(wait))
      }
      const resetsAt = DateTime.unsafeMake(state.resetsAt)
      return Effect.fail(
        new ChatsError.RateLimitError({
          ...info,
          status: 420,
          kind: "quota",
          errors: [{
            code: "QUOTA_SPENT",
            message: `not sent: the quota of ${spec.operation} is spent until ${DateTime.formatIso(resetsAt)}`
          }],
          rateLimit: new ChatsError.RateLimitInfo({
            remaining: 0,
            resetsAt,
            ...(state.limit === undefined ? {} : { limit: state.limit })
          })
        }, { disableValidation: true })
      )
    })
  })

  /** One attempt: the request through the gate, under the timeout. */
  const send = ctx.gate.withPermit(spec.businessId)(
    withoutRedirects(ctx.httpClient.execute(request)).pipe(
      Effect.tap((response) => {
        const quota = quotaOf(response.headers)
        return quota === undefined ? Effect.void : ctx.quotaStore.set(spec.businessId, spec.operation, quota)
      }),
      Effect.flatMap((response) => spec.decode(info, response)),
      Effect.timeoutFail({
        duration: ctx.requestTimeout,
        onTimeout: () => new ChatsError.RequestTimeoutError({ ...info, timeoutMillis })
      })
    )
  )

  const attempt: Effect.Effect<A, ChatsError.ChatsClientError> = quotaGuard.pipe(
    Effect.zipRight(send),
    Effect.catchTags({
      RequestError: (error) => Effect.fail(sanitizeHttpClientError(error)),
      ResponseError: (error) => Effect.fail(sanitizeHttpClientError(error))
    })
  )

  const safeAttempt = ChatsRetry.isIdempotent(spec.operation) ? attempt : Effect.mapError(
    attempt,
    (error): ChatsError.ChatsClientError =>
      leavesOutcomeUnknown(error) ? new ChatsError.DeliveryUnknownError({ ...info, cause: error }) : error
  )

  const schedule = ctx.schedule
  const retried = schedule === false ? safeAttempt : Effect.retry(safeAttempt, {
    schedule,
    while: (error) =>
      ChatsRetry.isSafeToRetry(spec.operation, error) &&
      Effect.as(note("retry", { operation: spec.operation, error: error._tag }), true)
  })
  const chatId = spec.query["chatId"]
  return retried.pipe(
    Effect.onExit((exit) =>
      Effect.annotateCurrentSpan("outcome", Exit.isSuccess(exit) ? "success" : failureTag(exit.cause))
    ),
    Effect.withSpan(`ChatsClient.${spec.operation}`, {
      kind: "client",
      attributes: chatId === undefined
        ? { "yandex_market.business_id": spec.businessId }
        : { "yandex_market.business_id": spec.businessId, "yandex_market.chat_id": chatId }
    }),
    withRedactedApiKey
  )
}
