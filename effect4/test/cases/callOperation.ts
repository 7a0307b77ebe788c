/** Calling an operation of the client by its name, as the shared case tables (core/cases) name it. */
import { Effect, Stream } from "effect"
import type { ChatsClient } from "../../src/index.js"

/** Calls an operation by name with an input as the table gives it; a stream is drained. */
export const callOperation = (client: ChatsClient.Service, operation: string, input: unknown): Effect.Effect<unknown, unknown> => {
  const result = (client as unknown as Record<string, (input: unknown) => unknown>)[operation]!(input)
  return Stream.isStream(result) ? Stream.runDrain(result as Stream.Stream<unknown, unknown>) : (result as Effect.Effect<unknown, unknown>)
}
