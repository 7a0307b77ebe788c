// The runtime smoke's client for the Effect 4 edition: the bare install (this package and effect,
// nothing else) over FetchHttpClient. It streams the chats, sends a message to one of them, and reads it
// back from the history; then prints one JSON line. Plain JavaScript, for Node, Bun and Deno alike.
// Usage: <runtime> smoke-client.mjs <baseUrl> <businessId> <apiKey>
import { Effect, Redacted, Stream } from "effect"
import { FetchHttpClient } from "effect/http"
import { ChatsClient } from "effect-yandex-market-chats"

const [baseUrl, business, apiKey] = globalThis.Deno ? globalThis.Deno.args : process.argv.slice(2)
const businessId = Number(business)
const runtime = globalThis.Deno ? `deno ${globalThis.Deno.version.deno}`
  : globalThis.Bun ? `bun ${globalThis.Bun.version}`
  : `node ${process.versions.node}`

const program = Effect.gen(function*() {
  const chats = yield* ChatsClient.make({ baseUrl, apiKey: Redacted.make(apiKey) })
  const all = yield* Stream.runCollect(chats.streamChats({ businessId, limit: 20 }))
  const open = all.find((chat) => chat.status !== "FINISHED") ?? all[0]
  const message = `smoke on ${runtime} at ${Date.now()}`
  yield* chats.sendMessageToChat({ businessId, chatId: open.chatId, message })
  const history = yield* Stream.runCollect(chats.streamChatHistory({ businessId, chatId: open.chatId, limit: 50 }))
  const found = history.findLast((m) => m.message === message)
  return { runtime, chats: all.length, chatId: open.chatId, sent: message, readBack: found !== undefined }
}).pipe(Effect.provide(FetchHttpClient.layer))

Effect.runPromise(program).then(
  (result) => console.log(JSON.stringify(result)),
  (error) => {
    console.error(error)
    globalThis.Deno ? globalThis.Deno.exit(1) : process.exit(1)
  }
)
