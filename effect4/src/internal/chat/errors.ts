/**
 * The client's errors as `effect/chat` `ChatError`s, by the table of `core/chat/errors.ts`. The
 * client error stays on the reason's `cause` (it holds no secret: the client strips credentials);
 * the detail is a code, never message text or ids.
 */
import { Clock, Duration, Effect } from "effect"
import { ChatError } from "effect/chat"
import { type ErrorFacts, mapError, type Mapped } from "../../../../core/chat/errors.js"
import { platform } from "../../../../core/chat/threadId.js"
import type * as ChatsError from "../../ChatsError.js"

/** The facts of a client error the mapping reads. */
const factsOf = (error: ChatsError.ChatsStreamError): ErrorFacts => ({
  _tag: error._tag,
  operation: "operation" in error ? error.operation : undefined,
  status: "status" in error ? error.status : undefined,
  codes: "errors" in error ? error.errors.map((apiError) => apiError.code) : undefined,
  resetsAt: error._tag === "RateLimitError" ? error.rateLimit?.resetsAt?.epochMilliseconds : undefined
})

/** The reason of a mapped error. */
export const reasonOf = (mapped: Mapped, cause?: unknown): ChatError.ChatErrorReason => {
  const { detail } = mapped
  switch (mapped.reason) {
    case "RateLimited":
      return new ChatError.RateLimited({
        detail,
        cause,
        ...(mapped.retryAfterMillis === undefined ? {} : { retryAfter: Duration.millis(mapped.retryAfterMillis) })
      })
    case "Transport":
      return new ChatError.Transport({ retry: mapped.retry, detail, cause })
    case "PlatformUnavailable":
      return new ChatError.PlatformUnavailable({ retry: mapped.retry, detail, cause })
    case "Unauthenticated":
      return new ChatError.Unauthenticated({ detail, cause })
    case "Forbidden":
      return new ChatError.Forbidden({ detail, cause })
    case "NotFound":
      return new ChatError.NotFound({ detail, cause })
    case "TooLarge":
      return new ChatError.TooLarge({ detail, cause })
    case "InvalidRequest":
      return new ChatError.InvalidRequest({ detail, cause })
    case "InvalidResponse":
      return new ChatError.InvalidResponse({ detail, cause })
  }
}

/** A `ChatError` of the adapter for `op`. */
export const chatError = (op: string, reason: ChatError.ChatErrorReason): ChatError.ChatError =>
  new ChatError.ChatError({ platform, op, reason })

/** Fails `op` with a reason. */
export const fail = (op: string, reason: ChatError.ChatErrorReason): Effect.Effect<never, ChatError.ChatError> =>
  Effect.fail(chatError(op, reason))

/** A client error as the `ChatError` of `op`. */
export const fromClientError = (
  op: string,
  error: ChatsError.ChatsStreamError
): Effect.Effect<ChatError.ChatError> =>
  Effect.map(Clock.currentTimeMillis, (now) => chatError(op, reasonOf(mapError(factsOf(error), now), error)))

/** Maps the client errors of an effect to the `ChatError`s of `op`. */
export const mapClientErrors = (op: string) =>
<A, R>(effect: Effect.Effect<A, ChatsError.ChatsStreamError, R>): Effect.Effect<A, ChatError.ChatError, R> =>
  Effect.catch(effect, (error) => Effect.flatMap(fromClientError(op, error), Effect.fail))
