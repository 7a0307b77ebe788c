/**
 * Retry schedules of the chats client, built around the market's 420 answer.
 *
 * The client hands a schedule only the failures that are safe to repeat for the
 * operation at hand (see {@link isSafeToRetry}), so a schedule decides *when* to
 * retry, never *whether* a repeat could post a message twice.
 *
 * @since 0.1.0
 */
import { Duration, Effect, Random, Schedule, ScheduleDecision, ScheduleInterval } from "effect"
import type * as ChatsError from "./ChatsError.js"
import { quotaBackAt } from "./ChatsLimiter.js"

/**
 * Settings of the default retry schedule.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** First backoff delay after a parallel-limit 420 or a transient failure. Default 200 millis. */
  readonly initialDelay?: Duration.DurationInput | undefined
  /** How much each backoff grows over the previous one. Default 2. */
  readonly factor?: number | undefined
  /** The longest single backoff delay (the quota reset wait is not capped by it). Default 5 seconds. */
  readonly maxDelay?: Duration.DurationInput | undefined
  /** Total time one call may spend waiting; past it the last error reaches the caller. Default 1 minute. */
  readonly budget?: Duration.DurationInput | undefined
  /** Most retries after 420 answers. Default 10. */
  readonly maxRateLimitRetries?: number | undefined
  /** Most retries after transient failures (5xx, transport). Default 3. */
  readonly maxTransientRetries?: number | undefined
}

/**
 * The input of a retry schedule: a failure the client considers safe to repeat.
 *
 * @since 0.1.0
 * @category models
 */
export type RetryInput = ChatsError.ChatsClientError

/**
 * A retry schedule as the client takes it: fed each retryable failure, it returns the delay it chose.
 *
 * @since 0.1.0
 * @category models
 */
export type RetrySchedule = Schedule.Schedule<unknown, RetryInput>

/**
 * Tells a failure that may heal by itself: a 500, a 502/503/504 gateway answer, a timeout, a transport
 * error, or a 2xx body that is not JSON (cut off in transit, or a proxy's page).
 *
 * @since 0.1.0
 * @category predicates
 */
export const isTransient = (error: RetryInput): boolean => {
  switch (error._tag) {
    case "InternalServerError":
    case "RequestTimeoutError":
      return true
    case "UnexpectedStatusError":
      return error.status >= 502 && error.status <= 504
    case "TransportError":
      return error.reason === "Transport" || error.reason === "Decode" || error.reason === "EmptyBody"
    case "ResponseDecodeError":
      return error.reason === "not-json"
    default:
      return false
  }
}

/**
 * Operations the market carries out at most once however often they are sent:
 * the reads, and `createChat`, which returns the existing chat for the same context.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isIdempotent = (operation: ChatsError.Operation): boolean =>
  operation !== "sendMessageToChat" && operation !== "sendFileToChat"

/**
 * Whether repeating the request after this failure is safe: a 420 always is (the request was
 * refused, not carried out); a transient failure only for idempotent operations.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isSafeToRetry = (operation: ChatsError.Operation, error: RetryInput): boolean =>
  error._tag === "RateLimitError" || (isIdempotent(operation) && isTransient(error))

/** The state of the default schedule across the retries of one call. */
interface State {
  readonly rateLimitRetries: number
  readonly transientRetries: number
  readonly startedAt: number | undefined
}

/** The backoff before retry number `n` (0-based): exponential, capped, with ±20% jitter. */
const backoff = (initialMillis: number, factor: number, maxMillis: number, n: number) =>
  Effect.map(
    Random.nextRange(0.8, 1.2),
    (jitter) => Math.round(Math.min(maxMillis, initialMillis * Math.pow(factor, n)) * jitter)
  )

/**
 * The default retry schedule.
 *
 * - A quota 420 whose answer says when the quota resets (`X-RateLimit-Resource-Until`) waits until the
 *   end of that second (the market announces the reset to the second: `ChatsLimiter.quotaBackAt`).
 * - A parallel-limit 420, or a quota 420 that does not say when or whose reset has passed, backs off
 *   exponentially with jitter.
 * - A transient failure backs off the same way, at most `maxTransientRetries` times.
 * - When the next wait would take the call past `budget`, the schedule stops and the error reaches the caller.
 *
 * Its output is the delay it chose for the last retry.
 *
 * @since 0.1.0
 * @category schedules
 */
export const defaultSchedule = (options: Options = {}): Schedule.Schedule<Duration.Duration, RetryInput> => {
  const initialMillis = Duration.toMillis(options.initialDelay ?? "200 millis")
  const factor = options.factor ?? 2
  const maxMillis = Duration.toMillis(options.maxDelay ?? "5 seconds")
  const budgetMillis = Duration.toMillis(options.budget ?? "1 minute")
  const maxRateLimitRetries = options.maxRateLimitRetries ?? 10
  const maxTransientRetries = options.maxTransientRetries ?? 3
  const initial: State = { rateLimitRetries: 0, transientRetries: 0, startedAt: undefined }
  const stop = Effect.succeed([initial, Duration.zero, ScheduleDecision.done] as const)

  return Schedule.makeWithState<State, RetryInput, Duration.Duration>(initial, (now, error, state) => {
    const startedAt = state.startedAt ?? now
    const next = (delayMillis: number, nextState: Omit<State, "startedAt">) =>
      now - startedAt + delayMillis > budgetMillis
        ? stop
        : Effect.succeed(
          [
            { ...nextState, startedAt },
            Duration.millis(delayMillis),
            ScheduleDecision.continueWith(ScheduleInterval.after(now + delayMillis))
          ] as const
        )

    if (error._tag === "RateLimitError") {
      if (state.rateLimitRetries >= maxRateLimitRetries) return stop
      const nextState = { ...state, rateLimitRetries: state.rateLimitRetries + 1 }
      const resetsAt = error.rateLimit?.resetsAt
      // the reset is announced to the second: wait past that second; once it has passed, back off
      const backAt = resetsAt === undefined ? undefined : quotaBackAt(resetsAt.epochMillis)
      if (error.kind === "quota" && backAt !== undefined && backAt > now) {
        return next(backAt - now, nextState)
      }
      return Effect.flatMap(
        backoff(initialMillis, factor, maxMillis, state.rateLimitRetries),
        (delay) => next(delay, nextState)
      )
    }
    if (isTransient(error) && state.transientRetries < maxTransientRetries) {
      return Effect.flatMap(
        backoff(initialMillis, factor, maxMillis, state.transientRetries),
        (delay) => next(delay, { ...state, transientRetries: state.transientRetries + 1 })
      )
    }
    return stop
  })
}
