/**
 * Sends a file to a chat: the name from the path, the content type from the extension.
 *
 *   YANDEX_MARKET_API_KEY=... YANDEX_MARKET_BUSINESS_ID=... node --import tsx examples/send-file.ts <chatId> <path>
 */
import { NodeHttpClient, NodeRuntime, NodeServices } from "@effect/platform-node"
import { Config, Console, Effect, FileSystem, Path } from "effect"
import { ChatsClient } from "effect-yandex-market-chats"

/** Content types by extension; any other file goes without one. */
const types: Record<string, string> = {
  ".pdf": "application/pdf",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".txt": "text/plain; charset=utf-8"
}

const program = Effect.gen(function*() {
  const businessId = yield* Config.Int("YANDEX_MARKET_BUSINESS_ID")
  const [chatArg, file] = process.argv.slice(2)
  if (chatArg === undefined || file === undefined) return yield* Effect.fail("usage: send-file.ts <chatId> <path>")
  const fs = yield* FileSystem.FileSystem
  const path = yield* Path.Path
  const data = yield* fs.readFile(file)
  const name = path.basename(file)
  const contentType = types[path.extname(file).toLowerCase()]
  const chats = yield* ChatsClient.ChatsClient
  yield* chats.sendFileToChat({
    businessId,
    chatId: Number(chatArg),
    file: contentType === undefined ? { name, data } : { name, data, contentType }
  }).pipe(
    Effect.catchTag("DeliveryUnknownError", (e) => Effect.fail(`${e.message}: look at the chat before sending again`))
  )
  yield* Console.log(`sent ${name} (${data.byteLength} bytes) to chat ${chatArg}`)
}).pipe(
  Effect.provide(ChatsClient.layerConfig()),
  Effect.provide([NodeHttpClient.layerUndici, NodeServices.layer]),
  Effect.tapError((e) => Console.error(typeof e === "string" ? e : e.message))
)

NodeRuntime.runMain(program, { disableErrorReporting: true })
