/**
 * The simulator's API notifications (`notificationUrl`): what it POSTs when a chat is opened, a
 * message appears or a dispute starts and ends, in order, as the market's description has them;
 * retries of a 5xx; a 4xx given up; nothing when no URL is set.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import * as Simulator from "../../src/Simulator.js"
import { call, notificationSink, waitUntil } from "./http.js"

const isoMsk = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+03:00$/

describe("notifications", () => {
  it.scoped("a new chat, messages of both sides, a dispute and a PING, in the order they happened", () =>
    Effect.gen(function*() {
      const sink = yield* notificationSink
      const sim = yield* Simulator.make({ chats: 5, messages: 20, notificationUrl: sink.url })
      const businessId = sim.businessId

      const created = yield* call(sim, "createChat", { body: { context: { type: "ORDER", id: 555_001 } } })
      const chatId: number = created.json.result.chatId
      // the same order again finds the open chat: no second CHAT_CREATED
      expect((yield* call(sim, "createChat", { body: { context: { type: "ORDER", id: 555_001 } } })).json.result.chatId)
        .toBe(chatId)
      expect((yield* call(sim, "sendMessageToChat", { query: { chatId }, body: { message: "Здравствуйте!" } })).status).toBe(200)
      const customer = yield* sim.customerWrites(chatId, "Где мой заказ?")
      yield* sim.startArbitrage(chatId)
      expect(Option.getOrThrow(yield* sim.chat(chatId)).status).toBe("WAITING_FOR_ARBITER")
      yield* sim.finishArbitrage(chatId)
      expect(Option.getOrThrow(yield* sim.chat(chatId)).status).toBe("FINISHED")
      yield* sim.ping

      // the sink has a body before the simulator has read its 200: wait for both
      yield* waitUntil(Effect.map(sim.stats, (s) => sink.bodies.length >= 6 && s.notifications.delivered + s.notifications.failed >= 6))
      const partner = (yield* sim.messages(chatId)).find((m) => m.sender === "PARTNER")!
      expect(sink.bodies).toEqual([
        { notificationType: "CHAT_CREATED", chatId, businessId, createdAt: expect.stringMatching(isoMsk) },
        { notificationType: "CHAT_MESSAGE_SENT", chatId, businessId, messageId: String(partner.messageId), sentAt: expect.stringMatching(isoMsk) },
        { notificationType: "CHAT_MESSAGE_SENT", chatId, businessId, messageId: String(customer.messageId), sentAt: customer.createdAt },
        { notificationType: "CHAT_ARBITRAGE_STARTED", chatId, businessId, startedAt: expect.stringMatching(isoMsk) },
        { notificationType: "CHAT_ARBITRAGE_FINISHED", chatId, businessId, finishedAt: expect.stringMatching(isoMsk) },
        { notificationType: "PING", time: expect.stringMatching(isoMsk) }
      ])
      const chat = Option.getOrThrow(yield* sim.chat(chatId))
      expect(sink.bodies[0].createdAt).toBe(chat.createdAt)
      expect((yield* sim.stats).notifications).toEqual({ delivered: 6, failed: 0, attempts: 6 })
      // a dispute on a chat that does not exist is a typed failure
      expect((yield* Effect.flip(sim.startArbitrage(999_999_999)))._tag).toBe("NoSuchChat")
    }))

  it.scoped("a 5xx is retried until accepted; a 4xx is given up at once; the next ones still go", () =>
    Effect.gen(function*() {
      const sink = yield* notificationSink
      const sim = yield* Simulator.make({ chats: 2, messages: 4, notificationUrl: sink.url })
      let refusals = 2
      sink.answer = (body) => body.notificationType === "PING" ? 400 : refusals-- > 0 ? 503 : 200
      const chatId = (yield* sim.chats())[0]!.chatId
      yield* sim.ping
      const message = yield* sim.customerWrites(chatId, "раз")
      yield* waitUntil(Effect.map(sim.stats, (s) => s.notifications.delivered === 1))
      expect(sink.bodies.map((b) => [b.notificationType, b.messageId])).toEqual([
        ["PING", undefined],
        ["CHAT_MESSAGE_SENT", String(message.messageId)],
        ["CHAT_MESSAGE_SENT", String(message.messageId)],
        ["CHAT_MESSAGE_SENT", String(message.messageId)]
      ])
      expect((yield* sim.stats).notifications).toEqual({ delivered: 1, failed: 1, attempts: 4 })
    }))

  it.scoped("without a URL nothing is sent; setNotificationUrl starts and stops them", () =>
    Effect.gen(function*() {
      const sink = yield* notificationSink
      const sim = yield* Simulator.make({ chats: 2, messages: 4 })
      const chatId = (yield* sim.chats())[0]!.chatId
      yield* sim.customerWrites(chatId, "никому")
      yield* sim.setNotificationUrl(sink.url)
      const seen = yield* sim.customerWrites(chatId, "вам")
      yield* waitUntil(Effect.map(sim.stats, (s) => s.notifications.delivered === 1))
      yield* sim.setNotificationUrl(undefined)
      yield* sim.customerWrites(chatId, "снова никому")
      yield* sim.ping
      expect(sink.bodies.map((b) => b.messageId)).toEqual([String(seen.messageId)])
      expect((yield* sim.stats).notifications).toEqual({ delivered: 1, failed: 0, attempts: 1 })
    }))
})
