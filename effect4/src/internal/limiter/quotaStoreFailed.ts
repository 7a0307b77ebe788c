/** What the client does when the quota store cannot answer: it logs it and goes on (the store fails open). */
import { Effect } from "effect"
import type { LimiterUnavailableError } from "../../ChatsError.js"

/** Logs that the quota store could not answer; the call goes on (the store fails open). */
export const quotaStoreFailed = (error: LimiterUnavailableError): Effect.Effect<void> =>
  Effect.logWarning(`ChatsClient: ${error.message}; going on without it (the market's own limit still applies)`)
