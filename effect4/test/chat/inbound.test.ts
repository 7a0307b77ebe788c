/**
 * The adapter and its inbound side over the simulator, beyond the conformance rules: a buyer's file
 * is read and downloaded, the seller's own message comes back marked `isSelf`, a 420 becomes
 * `RateLimited` with the wait its reset gives, and `Chat.withoutRetries` makes one attempt.
 */
import { expect, layer } from "@effect/vitest"
import { Deferred, Duration, Effect, Stream } from "effect"
import { Chat } from "effect/chat"
import * as YandexMarketChat from "../../src/Chat.js"
import * as Simulator from "../../src/Simulator.js"
import { ChatLive, freshThread, Inbox, userPosts } from "./harness.js"

layer(ChatLive, { timeout: 120_000, excludeTestServices: true })("yandex-market over the simulator", (it) => {
  it.effect("a buyer's file arrives as an attachment without a URL and downloads whole", () =>
    Effect.gen(function*() {
      const sim = yield* Simulator.Simulator
      const inbox = yield* Inbox
      const chat = yield* Chat.Chat
      const thread = yield* freshThread(990_101)
      const { chatId } = yield* YandexMarketChat.chatOf(thread)
      const data = new TextEncoder().encode("photo of the parcel ".repeat(500))
      const posted = yield* sim.userPosts(chatId, { file: { name: "parcel.jpg", contentType: "image/jpeg", data } })
      const event = yield* Deferred.await(inbox.received(String(posted.messageId)))
      expect(event.message.author).toMatchObject({ id: `customer:${sim.businessId}:${chatId}`, isSelf: false })
      expect(event.message.attachments).toEqual([{ id: `${posted.messageId}:0`, name: "parcel.jpg", size: data.byteLength }])
      expect(JSON.stringify(event)).not.toContain("http")
      const chunks = yield* Stream.runCollect(chat.download(thread, event.message.attachments[0]!, { maxBytes: data.byteLength }))
      expect(Buffer.concat(chunks)).toEqual(Buffer.from(data))
      const refused = yield* Effect.flip(Stream.runDrain(chat.download(thread, event.message.attachments[0]!, { maxBytes: 100 })))
      expect(refused.reason._tag).toBe("TooLarge")
    }))

  it.effect("the seller's own message comes back through the notifications marked isSelf", () =>
    Effect.gen(function*() {
      const inbox = yield* Inbox
      const chat = yield* Chat.Chat
      const thread = yield* freshThread(990_102)
      const posted = yield* chat.post(thread, { markdown: "Ваш заказ **отправлен**" })
      const event = yield* Deferred.await(inbox.received(posted.id))
      expect(event.message.author).toMatchObject({ isSelf: true, isBot: true })
      expect(event.message.text).toBe("Ваш заказ отправлен")
      expect(event.kind).toBe("direct")
      const info = yield* chat.getThread(thread)
      expect(info).toMatchObject({ kind: "direct", topic: "order 990102" })
    }))

  it.effect("a 420 is RateLimited with retryAfter from its reset, tried once inside withoutRetries", () =>
    Effect.gen(function*() {
      const sim = yield* Simulator.Simulator
      const chat = yield* Chat.Chat
      const thread = yield* freshThread(990_103)
      const before = (yield* sim.stats).requests.sendMessageToChat
      yield* sim.failNext("sendMessageToChat", { kind: "rateLimit", retryAfterMillis: 1_500 })
      const error = yield* Effect.flip(Chat.withoutRetries(chat.post(thread, { markdown: "hello" })))
      expect(error.reason._tag).toBe("RateLimited")
      expect(error.retry).toBe("retry")
      expect(Duration.toMillis(error.retryAfter!)).toBeGreaterThanOrEqual(1_500)
      expect((yield* sim.stats).requests.sendMessageToChat - before).toBe(1)
      expect(yield* sim.messages((yield* YandexMarketChat.chatOf(thread)).chatId)).toEqual([])
    }))

  it.effect("history reads both ways with from exclusive, and a buyer's message is the same on every path", () =>
    Effect.gen(function*() {
      const chat = yield* Chat.Chat
      const thread = yield* freshThread(990_104)
      const a = yield* chat.post(thread, { markdown: "a" })
      const event = yield* userPosts(thread, "b")
      const c = yield* chat.post(thread, { markdown: "c" })
      const ids = (stream: Stream.Stream<{ readonly id: string }, unknown>) =>
        Effect.map(Stream.runCollect(stream), (messages) => messages.map((m) => m.id))
      expect(yield* ids(chat.history(thread, { direction: "forward" }))).toEqual([a.id, event.message.id, c.id])
      expect(yield* ids(chat.history(thread, { direction: "backward" }))).toEqual([c.id, event.message.id, a.id])
      expect(yield* ids(chat.history(thread, { direction: "backward", from: c.id }))).toEqual([event.message.id, a.id])
      expect(yield* ids(chat.history(thread, { direction: "forward", from: a.id }))).toEqual([event.message.id, c.id])
      const fetched = yield* chat.fetchMessage(thread, event.message.id)
      expect(fetched).toEqual(event.message)
    }))
})
