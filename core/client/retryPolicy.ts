/**
 * The pure half of the client's retry decisions: which failures may heal by themselves, which
 * operations are safe to repeat, and the steps of the default 420-aware schedule. The editions wrap
 * these in their `Schedule`s; failures are read by their tags and fields only.
 */
import { quotaBackAt } from "../limiter/quotaState.js"

/** The fields of a client error that the retry decisions read. */
export interface RetryFacts {
  readonly _tag: string
  /** The HTTP status, on errors of an answer. */
  readonly status?: number | undefined
  /** `TransportError`'s and `ResponseDecodeError`'s reason. */
  readonly reason?: string | undefined
}

/**
 * Tells a failure that may heal by itself: a 500, a 502/503/504 gateway answer, a timeout, a transport
 * error (no answer, or a body that could not be read), or a 2xx body that is not JSON (cut off in transit,
 * or a proxy's page).
 */
export const isTransient = (error: RetryFacts): boolean => {
  switch (error._tag) {
    case "InternalServerError":
    case "RequestTimeoutError":
      return true
    case "UnexpectedStatusError":
      return error.status !== undefined && error.status >= 502 && error.status <= 504
    case "TransportError":
      return error.reason === "Transport" || error.reason === "Decode" || error.reason === "EmptyBody"
    case "ResponseDecodeError":
      return error.reason === "not-json"
    default:
      return false
  }
}

/**
 * Operations the market carries out at most once however often they are sent: the reads, and
 * `createChat`, which returns the existing chat for the same context.
 */
export const isIdempotent = (operation: string): boolean =>
  operation !== "sendMessageToChat" && operation !== "sendFileToChat"

/**
 * Whether repeating the request after this failure is safe: a 420 always is (the request was refused,
 * not carried out); a transient failure only for idempotent operations.
 */
export const isSafeToRetry = (operation: string, error: RetryFacts): boolean =>
  error._tag === "RateLimitError" || (isIdempotent(operation) && isTransient(error))

/** Failures of a send after which the message may or may not have been posted. */
export const leavesOutcomeUnknown = (error: RetryFacts): boolean =>
  isTransient(error) || (error._tag === "UnexpectedStatusError" && error.status !== undefined && error.status >= 500)

/** The settings of the default schedule, in milliseconds and counts. */
export interface DefaultRetrySettings {
  /** First backoff delay. */
  readonly initialMillis: number
  /** How much each backoff grows over the previous one. */
  readonly factor: number
  /** The longest single backoff delay (the quota reset wait is not capped by it). */
  readonly maxMillis: number
  /** Total time one call may spend waiting. */
  readonly budgetMillis: number
  /** Most retries after 420 answers. */
  readonly maxRateLimitRetries: number
  /** Most retries after transient failures. */
  readonly maxTransientRetries: number
}

/** The state of the default schedule across the retries of one call. */
export interface DefaultRetryState {
  readonly rateLimitRetries: number
  readonly transientRetries: number
  /** When the first failure was seen (epoch millis). */
  readonly startedAt: number | undefined
}

/** The state of the default schedule before the first failure. */
export const initialRetryState: DefaultRetryState = { rateLimitRetries: 0, transientRetries: 0, startedAt: undefined }

/** What the default schedule reads of a 420: its kind and, when the answer said, when the quota resets (epoch millis). */
export interface RateLimitFacts extends RetryFacts {
  readonly kind?: string | undefined
  readonly resetsAt?: number | undefined
}

/** The default schedule's answer to one failure: retry after `delayMillis` with `state`, or stop. */
export type DefaultRetryStep =
  | { readonly _tag: "Retry"; readonly delayMillis: number; readonly state: DefaultRetryState }
  | { readonly _tag: "Stop" }

const stop: DefaultRetryStep = { _tag: "Stop" }

/** The backoff before retry number `n` (0-based): exponential, capped, times `jitter` (0.8 to 1.2). */
const backoff = (settings: DefaultRetrySettings, n: number, jitter: number): number =>
  Math.round(Math.min(settings.maxMillis, settings.initialMillis * Math.pow(settings.factor, n)) * jitter)

/**
 * One step of the default retry schedule, at `now`, after `error`, with `jitter` drawn from 0.8 to 1.2.
 *
 * - A quota 420 whose answer says when the quota resets waits until the end of that second (`quotaBackAt`).
 * - A parallel-limit 420, or a quota 420 that does not say when or whose reset has passed, backs off
 *   exponentially with jitter, at most `maxRateLimitRetries` times.
 * - A transient failure backs off the same way, at most `maxTransientRetries` times.
 * - Anything else, or a wait that would take the call past the budget, stops.
 */
export const defaultRetryStep = (
  settings: DefaultRetrySettings,
  state: DefaultRetryState,
  now: number,
  error: RateLimitFacts,
  jitter: number
): DefaultRetryStep => {
  const startedAt = state.startedAt ?? now
  const next = (delayMillis: number, rateLimitRetries: number, transientRetries: number): DefaultRetryStep =>
    now - startedAt + delayMillis > settings.budgetMillis
      ? stop
      : { _tag: "Retry", delayMillis, state: { rateLimitRetries, transientRetries, startedAt } }

  if (error._tag === "RateLimitError") {
    if (state.rateLimitRetries >= settings.maxRateLimitRetries) return stop
    // the reset is announced to the second: wait past that second; once it has passed, back off
    const backAt = error.resetsAt === undefined ? undefined : quotaBackAt(error.resetsAt)
    const delay = error.kind === "quota" && backAt !== undefined && backAt > now
      ? backAt - now
      : backoff(settings, state.rateLimitRetries, jitter)
    return next(delay, state.rateLimitRetries + 1, state.transientRetries)
  }
  if (isTransient(error) && state.transientRetries < settings.maxTransientRetries) {
    return next(backoff(settings, state.transientRetries, jitter), state.rateLimitRetries, state.transientRetries + 1)
  }
  return stop
}

/** The jitter range of the default schedule's backoff: ±20%. */
export const jitterRange = { min: 0.8, max: 1.2 } as const
