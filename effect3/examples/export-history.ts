/**
 * Exports a chat's whole history to JSON Lines, one message a line, with progress on stderr.
 *
 *   YANDEX_MARKET_API_KEY=... YANDEX_MARKET_BUSINESS_ID=... node --import tsx examples/export-history.ts <chatId> [out.jsonl]
 */
import { FileSystem } from "@effect/platform"
import { NodeContext, NodeHttpClient, NodeRuntime } from "@effect/platform-node"
import { Config, Console, DateTime, Effect, Stream } from "effect"
import { ChatsClient } from "effect-yandex-market-chats"

const program = Effect.gen(function*() {
  const businessId = yield* Config.integer("YANDEX_MARKET_BUSINESS_ID")
  const [chatArg, out = "history.jsonl"] = process.argv.slice(2)
  const chatId = Number(chatArg)
  const chats = yield* ChatsClient.ChatsClient
  const fs = yield* FileSystem.FileSystem
  let count = 0

  yield* chats.streamChatHistory({ businessId, chatId, limit: 100 }).pipe(
    Stream.map((m) =>
      JSON.stringify({
        messageId: m.messageId,
        createdAt: DateTime.formatIso(m.createdAt),
        sender: m.sender,
        ...(m.message === undefined ? {} : { message: m.message }),
        ...(m.payload === undefined ? {} : { files: m.payload.map((p) => ({ name: p.name, size: p.size, url: p.url })) })
      }) + "\n"
    ),
    Stream.tap(() =>
      ++count % 100 === 0 ? Effect.sync(() => process.stderr.write(`\r${count} messages…`)) : Effect.void
    ),
    Stream.encodeText,
    Stream.run(fs.sink(out))
  )
  yield* Console.error(`\rexported ${count} messages of chat ${chatId} to ${out}`)
}).pipe(
  Effect.tapError((e) => Console.error(e instanceof Error ? e.message : String(e))),
  Effect.provide(ChatsClient.layerConfig()),
  Effect.provide(NodeHttpClient.layerUndici),
  Effect.provide(NodeContext.layer)
)

NodeRuntime.runMain(program, { disableErrorReporting: true })
