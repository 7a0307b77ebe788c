/**
 * Exports a chat's whole history to JSON Lines, one message a line, with progress on stderr.
 *
 *   YANDEX_MARKET_API_KEY=... YANDEX_MARKET_BUSINESS_ID=... node --import tsx examples/export-history.ts <chatId> [out.jsonl]
 */
import { NodeHttpClient, NodeRuntime, NodeServices } from "@effect/platform-node"
import { Config, Console, DateTime, Effect, FileSystem, Ref, Stream } from "effect"
import { ChatsClient, type ChatsSchema } from "effect-yandex-market-chats"

/** A message as one line of JSON. */
const line = (m: ChatsSchema.ChatMessage): string =>
  JSON.stringify({
    messageId: m.messageId,
    createdAt: DateTime.formatIso(m.createdAt),
    sender: m.sender,
    ...(m.message === undefined ? {} : { message: m.message }),
    ...(m.payload === undefined ? {} : { files: m.payload.map((p) => ({ name: p.name, size: p.size, url: p.url })) })
  }) + "\n"

const program = Effect.gen(function*() {
  const businessId = yield* Config.Int("YANDEX_MARKET_BUSINESS_ID")
  const [chatArg, out = "history.jsonl"] = process.argv.slice(2)
  const chatId = Number(chatArg)
  const chats = yield* ChatsClient.ChatsClient
  const fs = yield* FileSystem.FileSystem
  const count = yield* Ref.make(0)

  yield* chats.streamChatHistory({ businessId, chatId, limit: 100 }).pipe(
    Stream.map(line),
    Stream.tap(() =>
      Ref.updateAndGet(count, (n) => n + 1).pipe(
        Effect.flatMap((n) => n % 100 === 0 ? Effect.sync(() => process.stderr.write(`\r${n} messages…`)) : Effect.void)
      )
    ),
    Stream.encodeText,
    Stream.run(fs.sink(out))
  )
  yield* Console.error(`\rexported ${yield* Ref.get(count)} messages of chat ${chatId} to ${out}`)
}).pipe(
  Effect.provide(ChatsClient.layerConfig()),
  Effect.provide([NodeHttpClient.layerUndici, NodeServices.layer]),
  Effect.tapError((e) => Console.error(e.message))
)

NodeRuntime.runMain(program, { disableErrorReporting: true })
