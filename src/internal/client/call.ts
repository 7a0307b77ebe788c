/**
 * One call of an operation, end to end: wait out a spent quota, queue at the gate,
 * send with a timeout, decode, remember the quota, keep secrets out of errors,
 * mark unknown outcomes of sends, and retry what is safe to retry.
 *
 * This is the hot path of every call, so it is written to do little when all goes well: one
 * set-up for the span, the redacted header names and the fetch options, a timeout that forks one
 * fiber instead of two, a retry schedule that is started only after a failure, and decoding after
 * the slot at the gate is given back. What it does on every path is unchanged.
 */
import { FetchHttpClient, Headers, type HttpBody, type HttpClient, HttpClientRequest } from "@effect/platform"
import type { HttpClientResponse } from "@effect/platform"
import { Cause, Clock, Context, DateTime, Duration, Effect, Either, Exit, Fiber, FiberRef, Option, Tracer } from "effect"
import * as ChatsError from "../../ChatsError.js"
import type { Gate, QuotaStore } from "../../ChatsLimiter.js"
import * as ChatsRetry from "../../ChatsRetry.js"
import type { BodyDecoder, RequestInfo } from "./response.js"
import { quotaStateOf } from "./rateLimit.js"
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

/**
 * Runs the call in its own setting, set up and taken down in one step:
 *
 * - the call's span is the parent span;
 * - `Api-Key` is among the header names that logs and spans redact;
 * - `fetch` does not follow redirects: it would carry the `Api-Key` header to whatever host the
 *   redirect names (the other Node transports never follow redirects; a 3xx then reaches the
 *   caller as an `UnexpectedStatusError`);
 * - on exit, the span says how the call ended (`outcome`).
 *
 * The same as `Effect.locallyWith` over the redacted names, `Effect.provideService` of the fetch
 * options and `Effect.withParentSpan`, with one set-up and one take-down instead of three.
 */
const inCallSetting = <A, E extends { readonly _tag: string }>(effect: Effect.Effect<A, E>, span: Tracer.Span): Effect.Effect<A, E> =>
  Effect.uninterruptibleMask((restore) =>
    Effect.withFiberRuntime<A, E>((fiber) => {
      const context = fiber.getFiberRef(FiberRef.currentContext)
      const names = fiber.getFiberRef(Headers.currentRedactedNames)
      const init = Context.getOption(context, FetchHttpClient.RequestInit)
      const callContext = Context.add(Context.add(context, Tracer.ParentSpan, span), FetchHttpClient.RequestInit, {
        ...Option.getOrElse(init, () => ({})),
        redirect: "manual"
      }) as Context.Context<never>
      const callNames = names.includes(apiKeyHeader) ? names : [...names, apiKeyHeader]
      const takeDown = Effect.zipRight(
        FiberRef.set(FiberRef.currentContext, context),
        FiberRef.set(Headers.currentRedactedNames, names)
      )
      return Effect.zipRight(
        Effect.zipRight(FiberRef.set(FiberRef.currentContext, callContext), FiberRef.set(Headers.currentRedactedNames, callNames)),
        Effect.onExit(restore(effect), (exit) => {
          span.attribute("outcome", Exit.isSuccess(exit) ? "success" : failureTag(exit.cause))
          return takeDown
        })
      )
    })
  )

/** Query parameters, leaving out the absent ones. */
const queryParams = (params: Readonly<Record<string, string | number | undefined>>): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const key in params) {
    const value = params[key]
    if (value !== undefined) out[key] = String(value)
  }
  return out
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

/** The clock of Effect's default services: time is real, and a timer can be a plain `setTimeout`. */
const liveClock: Clock.Clock = Effect.runSync(Effect.clock)

/** The longest delay `setTimeout` takes. */
const maxTimerMillis = 2 ** 31 - 1

/**
 * `Effect.timeoutFail`, for one request. On the live clock the effect runs in one forked fiber
 * that a `setTimeout` interrupts, where `Effect.timeoutFail` races two fibers; on any other clock
 * (a `TestClock`, a clock of the user's) it is `Effect.timeoutFail` itself. Either way the effect
 * is interrupted, and awaited, when the time is up, and the call fails with `onTimeout()`.
 */
const timeoutFail = <A, E, E2>(
  effect: Effect.Effect<A, E>,
  duration: Duration.Duration,
  onTimeout: () => E2
): Effect.Effect<A, E | E2> => {
  const millis = Duration.toMillis(duration)
  if (!(millis > 0 && millis <= maxTimerMillis)) return Effect.timeoutFail(effect, { duration, onTimeout })
  return Effect.clockWith((clock) =>
    clock !== liveClock ? Effect.timeoutFail(effect, { duration, onTimeout }) : Effect.uninterruptibleMask((restore) =>
      Effect.flatMap(Effect.fork(restore(effect)), (fiber) =>
        restore(Effect.async<A, E | E2>((resume) => {
          let settled = false
          const onExit = (exit: Exit.Exit<A, E>) => {
            if (settled) return
            settled = true
            clearTimeout(timer)
            resume(Exit.isSuccess(exit) ? Effect.as(Fiber.inheritAll(fiber), exit.value) : exit)
          }
          const timer = setTimeout(() => {
            if (settled) return
            settled = true
            fiber.removeObserver(onExit)
            resume(Effect.zipRight(Fiber.interrupt(fiber), Effect.failSync(onTimeout)))
          }, millis)
          fiber.addObserver(onExit)
          // the caller is interrupted while it waits
          return Effect.suspend(() => {
            if (!settled) {
              settled = true
              clearTimeout(timer)
              fiber.removeObserver(onExit)
            }
            return Fiber.interrupt(fiber)
          })
        })))
    )
  )
}

const isSuccess = (status: number): boolean => status >= 200 && status < 300

/** An answer and its body. */
interface Answer {
  readonly response: HttpClientResponse.HttpClientResponse
  readonly text: string
}

/** Sends one call, with everything around it that keeps it within the market's limits. */
export const call = <A>(ctx: CallContext, spec: CallSpec<A>): Effect.Effect<A, ChatsError.ChatsClientError> => {
  const info: RequestInfo = { operation: spec.operation, method: spec.method, path: spec.path }
  const decoder = spec.decode
  const request = HttpClientRequest.make(spec.method)(ctx.baseUrl + spec.path, {
    urlParams: queryParams(spec.query),
    headers: ctx.authHeaders,
    body: spec.body,
    acceptJson: true
  })

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

  /** The request and its answer's body, remembering the quota the answer reports. */
  const exchange = Effect.flatMap(ctx.httpClient.execute(request), (response) => {
    const read = decoder.lenient && isSuccess(response.status)
      ? Effect.orElseSucceed(response.text, () => "")
      : response.text
    const answer = Effect.map(read, (text): Answer => ({ response, text }))
    const quota = quotaStateOf(response.headers)
    return quota === undefined
      ? answer
      : Effect.zipRight(ctx.quotaStore.set(spec.businessId, spec.operation, quota), answer)
  })

  /** One attempt: the exchange through the gate, under the timeout; then the decoding, the slot given back. */
  const attempt: Effect.Effect<A, ChatsError.ChatsClientError> = Effect.zipRight(
    quotaGuard,
    ctx.gate.withPermit(spec.businessId)(
      timeoutFail(
        exchange,
        ctx.requestTimeout,
        () => new ChatsError.RequestTimeoutError({ ...info, timeoutMillis: Duration.toMillis(ctx.requestTimeout) })
      )
    )
  ).pipe(
    Effect.flatMap(({ response, text }) => {
      const decoded = decoder.decode(info, response, text)
      return Either.isRight(decoded) ? Effect.succeed(decoded.right) : Effect.fail(decoded.left)
    }),
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

  // `Effect.retry` over the attempts, its schedule started only once an attempt has failed:
  // the first failure is handed to the schedule as it would have been, then the attempts go on.
  const schedule = ctx.schedule
  const retried = schedule === false ? safeAttempt : Effect.catchAll(safeAttempt, (first) => {
    if (!ChatsRetry.isSafeToRetry(spec.operation, first)) return Effect.fail(first)
    let replay: ChatsError.ChatsClientError | undefined = first
    return Effect.retry(
      Effect.suspend(() => {
        if (replay === undefined) return safeAttempt
        const error = replay
        replay = undefined
        return Effect.fail(error)
      }),
      {
        schedule,
        while: (error) =>
          ChatsRetry.isSafeToRetry(spec.operation, error) &&
          Effect.as(note("retry", { operation: spec.operation, error: error._tag }), true)
      }
    )
  })

  const chatId = spec.query["chatId"]
  return Effect.useSpan(
    `ChatsClient.${spec.operation}`,
    {
      kind: "client",
      attributes: chatId === undefined
        ? { "yandex_market.business_id": spec.businessId }
        : { "yandex_market.business_id": spec.businessId, "yandex_market.chat_id": chatId }
    },
    (span) => inCallSetting(retried, span)
  )
}
