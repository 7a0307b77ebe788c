/**
 * Section 2 for the Effect 4 edition: memory of a long stream, over the shared run of the repository's
 * `bench/streamMemory.ts`: `streamChatHistory` over one chat of N messages (pages of 100), consumed one
 * message at a time (`Stream.runForEach`), over `NodeHttpClient.layerUndici`.
 *
 *   node --import tsx bench/memory.ts --messages 100000
 */
import { NodeHttpClient } from "@effect/platform-node"
import { Effect, Layer, ManagedRuntime, Redacted, Stream } from "effect"
import { memoryMain } from "../../bench/streamMemory.js"
import { ChatsClient } from "../src/index.js"

export type { MemoryResult } from "../../bench/streamMemory.js"

if (import.meta.url === `file://${process.argv[1]}`) {
  await memoryMain((baseUrl, apiKey) => {
    const runtime = ManagedRuntime.make(
      ChatsClient.layer({ apiKey: Redacted.make(apiKey), baseUrl }).pipe(Layer.provide(NodeHttpClient.layerUndici))
    )
    return {
      drain: (chat, onMessage) =>
        runtime.runPromise(Effect.flatMap(ChatsClient.ChatsClient, (client) => {
          let i = 0
          return Stream.runForEach(
            client.streamChatHistory({ businessId: chat.businessId, chatId: chat.chatId, limit: 100 }),
            () => Effect.sync(() => onMessage(++i))
          ).pipe(Effect.andThen(Effect.sync(() => i)))
        })),
      ready: () => runtime.runPromise(Effect.void),
      dispose: () => runtime.dispose()
    }
  })
}
