/**
 * The demo behind `npm start`: the embedded simulator on loopback, and a short
 * seller's session through the client. No credentials, no network.
 */
import { NodeHttpClient, NodeRuntime } from "@effect/platform-node"
import { Console, DateTime, Effect, Layer, Redacted, Stream } from "effect"
import { ChatsClient, ChatsLimiter, type ChatsSchema } from "../src/index.js"
import * as Simulator from "../src/Simulator.js"

/** A chat on one line. */
const chatLine = (chat: ChatsSchema.Chat) => {
  const who = chat.context.customer?.name ?? "a customer"
  const about = chat.context.orderId !== undefined ? `order ${chat.context.orderId}` : chat.context.type
  return `  #${chat.chatId}  ${chat.status.padEnd(22)} ${who}, ${about}, updated ${DateTime.formatIso(chat.updatedAt)}`
}

/** A message on one line. */
const messageLine = (message: ChatsSchema.ChatMessage) => {
  const body = message.message ?? message.payload?.map((p) => `[file ${p.name}, ${p.size} bytes]`).join(" ") ?? ""
  return `  ${message.sender.padEnd(8)} ${body.length > 70 ? `${body.slice(0, 70)}…` : body}`
}

const program = Effect.gen(function*() {
  const sim = yield* Simulator.Simulator
  const chats = yield* ChatsClient.ChatsClient
  const businessId = sim.businessId
  yield* Console.log(`Simulator of the Yandex Market chats API at ${sim.url} (business ${businessId})\n`)

  // 1. The chats waiting for an answer, through the stream (pages fetched as they are consumed).
  const waiting = yield* chats.streamChats({ businessId, filter: { statuses: ["WAITING_FOR_PARTNER"] }, limit: 20 })
    .pipe(Stream.runCollect)
  yield* Console.log(`1. ${waiting.length} chats wait for the seller's answer; the first five:`)
  for (const chat of waiting.slice(0, 5)) yield* Console.log(chatLine(chat))

  // 2. One chat's history, every page.
  const chat = waiting[0]!
  const history = yield* chats.streamChatHistory({ businessId, chatId: chat.chatId, limit: 50 }).pipe(Stream.runCollect)
  yield* Console.log(`\n2. Chat #${chat.chatId} has ${history.length} messages; the last three:`)
  for (const message of history.slice(-3)) yield* Console.log(messageLine(message))

  // 3. A reply, and the chat's new status.
  yield* chats.sendMessageToChat({ businessId, chatId: chat.chatId, message: "Здравствуйте! Заказ уже в пути." })
  const after = yield* chats.getChat({ businessId, chatId: chat.chatId })
  yield* Console.log(`\n3. Replied to #${chat.chatId}: its status is now ${after.status}`)

  // 4. A file.
  const invoice = new TextEncoder().encode("Счёт № 42\nИтого: 1 990 ₽\n")
  yield* chats.sendFileToChat({
    businessId,
    chatId: chat.chatId,
    file: { name: "счёт-42.txt", data: invoice, contentType: "text/plain" }
  })
  const [last] = (yield* chats.getChatHistory({ businessId, chatId: chat.chatId, messageIdFrom: 1, limit: 100 }))
    .messages.slice(-1)
  yield* Console.log(`4. Sent a file: ${last === undefined ? "?" : messageLine(last).trim()}`)

  // 5. A chat opened on an order; opening it again finds the same chat.
  const orderId = 77_000_001
  const opened = yield* chats.createChat({ businessId, context: { type: "ORDER", id: orderId } })
  const again = yield* chats.createChat({ businessId, context: { type: "ORDER", id: orderId } })
  yield* Console.log(`\n5. Opened chat #${opened} on order ${orderId}; opening it again gives #${again}`)

  // 6. A burst: 40 calls at once. The gate keeps them at 4 in flight, so the market's parallel limit is
  //    never hit; a second client that allows 8 in flight (as two processes sharing the business would)
  //    gets parallel-limit 420s, which the retry schedule absorbs.
  const ids = waiting.slice(0, 40).map((c) => c.chatId)
  yield* sim.setFaults([{ kind: "latency", millis: 20 }])
  yield* sim.resetStats
  yield* Effect.forEach(ids, (chatId) => chats.getChat({ businessId, chatId }), { concurrency: 40 })
  const gated = yield* sim.stats
  const greedy = yield* ChatsClient.make({ baseUrl: sim.url, apiKey: Redacted.make(sim.apiKey) }).pipe(
    Effect.provideService(ChatsLimiter.ChatsGate, ChatsLimiter.makeMemoryGate({ maxInFlight: 8 }))
  )
  yield* sim.resetStats
  const answered = yield* Effect.forEach(ids, (chatId) => greedy.getChat({ businessId, chatId }), { concurrency: 40 })
  const ungated = yield* sim.stats
  yield* sim.clearFaults
  yield* Console.log(
    `\n6. A burst of ${ids.length} calls at concurrency 40:\n` +
      `  through the client's gate: ${gated.maxInFlight} in flight at most, ${gated.rateLimited.parallel} refusals (420)\n` +
      `  allowing 8 in flight:      ${ungated.rateLimited.parallel} refusals (420), all absorbed by retries: ` +
      `${answered.length}/${ids.length} answered`
  )

  // 7. A spent hourly quota: the client waits for the reset the market announced instead of failing.
  yield* sim.setLimits({ quotas: { getChatMessage: 5 }, quotaWindow: "1 second" })
  yield* sim.resetStats
  const started = Date.now()
  const message = history[0]!
  yield* Effect.forEach(
    Array.from({ length: 12 }),
    () => chats.getChatMessage({ businessId, chatId: chat.chatId, messageId: message.messageId }),
    { concurrency: 4 }
  )
  const quota = yield* sim.stats
  yield* Console.log(
    `\n7. 12 reads against a quota of 5 per second: all answered in ${Date.now() - started} ms, ` +
      `${quota.rateLimited.quota} quota refusals (420) on the way`
  )
  yield* Console.log("\nDone: every call went over real HTTP on loopback, none left this machine.")
})

/** The client, pointed at the simulator it runs beside. */
const live = Layer.unwrap(
  Effect.map(Simulator.Simulator, (sim) => ChatsClient.layer({ baseUrl: sim.url, apiKey: Redacted.make(sim.apiKey) }))
).pipe(Layer.provideMerge(Simulator.layer()), Layer.provideMerge(NodeHttpClient.layerUndici))

program.pipe(Effect.provide(live), NodeRuntime.runMain)
