import { describe, expect, it } from "@effect/vitest"
import { Cause, Effect, Exit, Option } from "effect"
import { chatContextTypes, chatStatuses, chatTypes, messageSenders } from "../../src/ChatsSchema.js"
import * as Simulator from "../../src/Simulator.js"
import { call, holdPort } from "./http.js"

/** Everything a simulator serves for its default business, rendered. */
const snapshot = (sim: Simulator.Service) =>
  Effect.gen(function*() {
    const chats = yield* sim.chats()
    const messages = yield* Effect.forEach(chats, (chat) => sim.messages(chat.chatId))
    // URLs carry the random port; compare the rest
    return JSON.stringify({ chats, messages }).replaceAll(sim.url, "")
  })

describe("seeded state", () => {
  it.scoped("the default seed gives a few hundred chats, thousands of messages, every enum value", () =>
    Effect.gen(function*() {
      const sim = yield* Simulator.make()
      expect(sim.businessId).toBe(Simulator.defaultBusinessId)
      expect(sim.apiKey).toBe(Simulator.defaultApiKey)
      expect(sim.oauthToken).toBe(Simulator.defaultOAuthToken)
      expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      const chats = yield* sim.chats()
      expect(chats).toHaveLength(300)
      const messages = (yield* Effect.forEach(chats, (chat) => sim.messages(chat.chatId))).flat()
      expect(messages).toHaveLength(3000)
      expect(new Set(chats.map((c) => c.context.type))).toEqual(new Set(chatContextTypes))
      expect(new Set(chats.map((c) => c.type))).toEqual(new Set(chatTypes))
      expect(new Set(chats.map((c) => c.status))).toEqual(new Set(chatStatuses))
      for (const context of chatContextTypes) {
        for (const type of chatTypes) {
          for (const status of chatStatuses) {
            expect(chats.some((c) => c.context.type === context && c.type === type && c.status === status)).toBe(true)
          }
        }
      }
      expect(new Set(messages.map((m) => m.sender))).toEqual(new Set(messageSenders))
      expect(messages.filter((m) => m.payload !== undefined).length).toBeGreaterThan(100)
      expect(chats.every((c) => c.context.customer?.name && c.context.customer.publicId)).toBe(true)
      expect(new Set(messages.map((m) => m.messageId)).size).toBe(messages.length)
      expect(yield* sim.size).toEqual({ chats: 320, messages: 3200 })
    }))

  it.scoped("the same seed gives the same data, another seed other data", () =>
    Effect.gen(function*() {
      const a = yield* snapshot(yield* Simulator.make({ seed: 3, chats: 40, messages: 400 }))
      const b = yield* snapshot(yield* Simulator.make({ seed: 3, chats: 40, messages: 400 }))
      const c = yield* snapshot(yield* Simulator.make({ seed: 4, chats: 40, messages: 400 }))
      expect(a).toBe(b)
      expect(c).not.toBe(a)
    }))

  it.scoped("100,000 messages seed and page fine", () =>
    Effect.gen(function*() {
      const sim = yield* Simulator.make({ messages: 100_000 })
      expect((yield* sim.size).messages).toBe(100_000 + 200)
      const chat = (yield* sim.chats())[0]!
      const reply = yield* call(sim, "getChatHistory", { query: { chatId: chat.chatId, limit: 100 } })
      expect(reply.status).toBe(200)
      const stored = (yield* sim.messages(chat.chatId)).slice(0, 100).map((m) => m.messageId)
      expect(reply.json.result.messages.map((m: { messageId: number }) => m.messageId)).toEqual(stored)
    }))

  it.scoped("options set the business, the credentials, the epoch and the port", () =>
    Effect.gen(function*() {
      const sim = yield* Simulator.make({
        port: 0,
        businessId: 777,
        apiKey: "ACMA:custom",
        oauthToken: "y0_custom",
        chats: 4,
        messages: 8,
        epoch: new Date("2024-01-01T00:00:00+03:00")
      })
      // port 0: the system picks a free port, and the service reads it back
      expect(sim.port).toBeGreaterThan(0)
      expect(sim.url).toBe(`http://127.0.0.1:${sim.port}`)
      expect(sim.businessId).toBe(777)
      const reply = yield* call(sim, "getChats", { auth: { apiKey: "ACMA:custom" } })
      expect(reply.json.result.chats).toHaveLength(4)
      expect(reply.json.result.chats.every((c: any) => c.updatedAt <= "2024-01-01T00:00:00+03:00")).toBe(true)
      expect((yield* call(sim, "getChats", { auth: { bearer: "y0_custom" } })).status).toBe(200)
      expect((yield* call(sim, "getChats", { auth: { apiKey: Simulator.defaultApiKey } })).status).toBe(403)
    }))

  it.scoped("the port option is the port it listens on: a taken port fails to start", () =>
    Effect.gen(function*() {
      const port = yield* holdPort
      const exit = yield* Effect.exit(Simulator.make({ port, chats: 1, messages: 1 }))
      expect(Exit.isFailure(exit) && Cause.failureOption(exit.cause).pipe(Option.map((e) => e._tag), Option.getOrUndefined))
        .toBe("ServeError")
    }))

  it.scoped("addBusiness seeds another business with its own key", () =>
    Effect.gen(function*() {
      const sim = yield* Simulator.make({ chats: 2, messages: 2 })
      const added = yield* sim.addBusiness({ chats: 7, messages: 30 })
      const reply = yield* call(sim, "getChats", { businessId: added.businessId, auth: { apiKey: added.apiKey } })
      expect(reply.status).toBe(200)
      expect(reply.json.result.chats).toHaveLength(7)
      expect((yield* call(sim, "getChats", { businessId: added.businessId })).status).toBe(403)
      yield* sim.grantAccess({ apiKey: sim.apiKey }, [added.businessId])
      expect((yield* call(sim, "getChats", { businessId: added.businessId })).status).toBe(200)
      const named = yield* sim.addBusiness({ businessId: 4242, apiKey: "ACMA:4242" })
      expect(named).toEqual({ businessId: 4242, apiKey: "ACMA:4242" })
      expect(yield* sim.chats(4242)).toHaveLength(10)
    }))
})
