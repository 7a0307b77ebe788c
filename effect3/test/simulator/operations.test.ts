import { describe, expect, it, layer } from "@effect/vitest"
import { Effect, Option } from "effect"
import * as Simulator from "../../src/Simulator.js"
import { allPages, call } from "./http.js"

const isoWithOffset = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+03:00$/

layer(Simulator.layer({ seed: 42 }))("read operations (shared simulator, seed 42)", (it) => {
  it.effect("getChats answers the first page of 10 newest chats with a page token", () =>
    Effect.gen(function*() {
      const sim = yield* Simulator.Simulator
      const reply = yield* call(sim, "getChats")
      expect(reply.status).toBe(200)
      expect(reply.headers.get("content-type")).toContain("application/json")
      expect(reply.json.status).toBe("OK")
      const { chats, paging } = reply.json.result
      expect(chats).toHaveLength(10)
      expect(chats.map((c: any) => c.chatId)).toEqual((yield* sim.chats()).slice(0, 10).map((c) => c.chatId))
      expect(typeof paging.nextPageToken).toBe("string")
      expect(paging.nextPageToken).not.toMatch(/^\d+$/)
      for (const chat of chats) {
        expect(chat.createdAt).toMatch(isoWithOffset)
        expect(chat.updatedAt).toMatch(isoWithOffset)
        expect(Simulator.operations).toContain("getChats")
      }
    }))

  it.effect("getChats pages to the end with no repeats, with either token parameter", () =>
    Effect.gen(function*() {
      const sim = yield* Simulator.Simulator
      const expected = (yield* sim.chats()).map((c) => c.chatId)
      for (const tokenParam of ["page_token", "pageToken"] as const) {
        const pages = yield* allPages(sim, "getChats", { query: { limit: 20 }, tokenParam })
        const ids = pages.flatMap((page) => page.json.result.chats.map((c: any) => c.chatId))
        expect(ids).toEqual(expected)
        expect(new Set(ids).size).toBe(ids.length)
        expect(pages).toHaveLength(Math.ceil(expected.length / 20))
        const last = pages[pages.length - 1]!
        expect(last.json.result.paging?.nextPageToken).toBeUndefined()
        expect(pages.slice(0, -1).every((p) => p.json.result.chats.length === 20)).toBe(true)
      }
    }))

  it.effect("getChats filters by context type, type, status, contexts and orderIds", () =>
    Effect.gen(function*() {
      const sim = yield* Simulator.Simulator
      const all = yield* sim.chats()
      const filtered = (body: unknown) =>
        Effect.map(
          allPages(sim, "getChats", { body, query: { limit: 20 } }),
          (pages) => pages.flatMap((p) => p.json.result.chats) as Array<Simulator.ChatDto>
        )

      const returns = yield* filtered({ contextTypes: ["RETURN"], types: ["CHAT"] })
      expect(returns.map((c) => c.chatId)).toEqual(
        all.filter((c) => c.context.type === "RETURN" && c.type === "CHAT").map((c) => c.chatId)
      )
      expect(returns.length).toBeGreaterThan(0)

      const waiting = yield* filtered({ statuses: ["WAITING_FOR_PARTNER", "NEW"] })
      expect(waiting.length).toBe(all.filter((c) => c.status === "WAITING_FOR_PARTNER" || c.status === "NEW").length)

      const order = all.find((c) => c.context.type === "ORDER")!
      const ret = all.find((c) => c.context.type === "RETURN")!
      const byContext = yield* filtered({
        contexts: [{ type: "ORDER", id: order.context.orderId }, { type: "RETURN", id: ret.context.returnId }]
      })
      expect(byContext.map((c) => c.chatId).sort()).toEqual(
        all.filter((c) =>
          (c.context.type === "ORDER" && c.context.orderId === order.context.orderId) ||
          (c.context.type === "RETURN" && c.context.returnId === ret.context.returnId)
        ).map((c) => c.chatId).sort()
      )

      const byOrder = yield* filtered({ orderIds: [order.context.orderId] })
      expect(byOrder.every((c) => c.context.orderId === order.context.orderId)).toBe(true)
      expect(byOrder.map((c) => c.chatId)).toContain(order.chatId)

      const none = yield* call(sim, "getChats", { body: { contextTypes: ["DIRECT"], types: ["ARBITRAGE"], statuses: ["FINISHED"], orderIds: [1] } })
      expect(none.json.result.chats).toEqual([])
      expect(none.json.result.paging?.nextPageToken).toBeUndefined()

      const nulls = yield* call(sim, "getChats", { body: { contexts: null, statuses: null } })
      expect(nulls.json.result.chats).toHaveLength(10)
    }))

  it.effect("getChat answers one chat with its context and customer", () =>
    Effect.gen(function*() {
      const sim = yield* Simulator.Simulator
      const chat = (yield* sim.chats()).find((c) => c.context.type === "RETURN")!
      const reply = yield* call(sim, "getChat", { query: { chatId: chat.chatId } })
      expect(reply.status).toBe(200)
      expect(reply.json).toEqual({ status: "OK", result: chat })
      expect(reply.json.result.context.customer.name).toMatch(/[А-ЯЁ]/)
      expect(reply.json.result.context.returnId).toBeGreaterThan(0)
    }))

  it.effect("getChatHistory pages through a chat oldest first, with the chat's context", () =>
    Effect.gen(function*() {
      const sim = yield* Simulator.Simulator
      const chats = yield* sim.chats()
      const sizes = yield* Effect.forEach(chats, (c) => Effect.map(sim.messages(c.chatId), (m) => [c, m] as const))
      const [chat, messages] = sizes.reduce((a, b) => (b[1].length > a[1].length ? b : a))
      expect(messages.length).toBeGreaterThan(100)

      const first = yield* call(sim, "getChatHistory", { query: { chatId: chat.chatId } })
      expect(first.json.result.messages).toHaveLength(50)
      expect(first.json.result.context).toEqual(chat.context)

      const pages = yield* allPages(sim, "getChatHistory", { query: { chatId: chat.chatId, limit: 100 } })
      const ids = pages.flatMap((p) => p.json.result.messages.map((m: any) => m.messageId))
      expect(ids).toEqual(messages.map((m) => m.messageId))
      expect([...ids].sort((a, b) => a - b)).toEqual(ids)
      expect(pages).toHaveLength(Math.ceil(messages.length / 100))
    }))

  it.effect("getChatHistory with messageIdFrom answers the messages from that id on", () =>
    Effect.gen(function*() {
      const sim = yield* Simulator.Simulator
      const chat = (yield* sim.chats()).find((c) => c.status === "WAITING_FOR_PARTNER")!
      const messages = yield* sim.messages(chat.chatId)
      const from = messages[Math.floor(messages.length / 2)]!.messageId
      const pages = yield* allPages(sim, "getChatHistory", {
        query: { chatId: chat.chatId, limit: 7 },
        body: { messageIdFrom: from }
      })
      const ids = pages.flatMap((p) => p.json.result.messages.map((m: any) => m.messageId))
      expect(ids).toEqual(messages.filter((m) => m.messageId >= from).map((m) => m.messageId))
    }))

  it.effect("getChatMessage answers one message; the seed has every sender, files and Cyrillic text", () =>
    Effect.gen(function*() {
      const sim = yield* Simulator.Simulator
      const all = (yield* Effect.forEach(yield* sim.chats(), (c) =>
        Effect.map(sim.messages(c.chatId), (ms) => ms.map((m) => [c.chatId, m] as const))
      )).flat()
      expect(new Set(all.map(([, m]) => m.sender))).toEqual(new Set(["PARTNER", "CUSTOMER", "MARKET", "SUPPORT"]))
      const [chatId, withFile] = all.find(([, m]) => m.payload !== undefined)!
      expect(withFile.payload![0]).toMatchObject({ name: expect.any(String), url: expect.any(String), size: expect.any(Number) })
      const reply = yield* call(sim, "getChatMessage", { query: { chatId, messageId: withFile.messageId } })
      expect(reply.status).toBe(200)
      expect(reply.json).toEqual({ status: "OK", result: withFile })
      expect(all.some(([, m]) => /[а-яё]/i.test(m.message ?? ""))).toBe(true)
      expect(all.some(([, m]) => m.message === undefined && m.payload !== undefined)).toBe(true)
    }))

  it.effect("an OAuth token works as well as the Api-Key", () =>
    Effect.gen(function*() {
      const sim = yield* Simulator.Simulator
      const reply = yield* call(sim, "getChats", { auth: "oauth", query: { limit: 1 } })
      expect(reply.status).toBe(200)
      expect(reply.json.result.chats).toHaveLength(1)
    }))
})

describe("write operations", () => {
  it.scoped("createChat returns the existing chat for the same order or return, else a new NEW chat", () =>
    Effect.gen(function*() {
      const sim = yield* Simulator.make()
      const chats = yield* sim.chats()
      const order = chats.find((c) => c.context.type === "ORDER" && c.type === "CHAT")!
      const ret = chats.find((c) => c.context.type === "RETURN" && c.type === "CHAT")!

      const again = yield* call(sim, "createChat", { body: { context: { type: "ORDER", id: order.context.orderId } } })
      expect(again.json).toEqual({ status: "OK", result: { chatId: order.chatId } })
      const againReturn = yield* call(sim, "createChat", { body: { context: { type: "RETURN", id: ret.context.returnId } } })
      expect(againReturn.json.result.chatId).toBe(ret.chatId)
      const deprecated = yield* call(sim, "createChat", { body: { orderId: order.context.orderId } })
      expect(deprecated.json.result.chatId).toBe(order.chatId)

      const created = yield* call(sim, "createChat", { body: { context: { type: "ORDER", id: 99_999_999 } } })
      expect(created.status).toBe(200)
      const chatId = created.json.result.chatId
      expect(chats.map((c) => c.chatId)).not.toContain(chatId)
      const twice = yield* call(sim, "createChat", { body: { context: { type: "ORDER", id: 99_999_999 } } })
      expect(twice.json.result.chatId).toBe(chatId)

      const chat = yield* call(sim, "getChat", { query: { chatId } })
      expect(chat.json.result).toMatchObject({
        chatId,
        type: "CHAT",
        status: "NEW",
        context: { type: "ORDER", orderId: 99_999_999 }
      })
      expect((yield* sim.stats).chatsCreated).toBe(1)
      expect((yield* sim.chats())[0]!.chatId).toBe(chatId)
    }))

  it.scoped("sendMessageToChat appends a PARTNER message, sets WAITING_FOR_CUSTOMER and updatedAt", () =>
    Effect.gen(function*() {
      const sim = yield* Simulator.make()
      const chat = (yield* sim.chats()).find((c) => c.status === "WAITING_FOR_PARTNER")!
      const before = yield* sim.messages(chat.chatId)
      const started = Date.now()
      const text = "Здравствуйте! Заказ уже в пути 🚚"
      const reply = yield* call(sim, "sendMessageToChat", { query: { chatId: chat.chatId }, body: { message: text } })
      expect(reply.status).toBe(200)
      expect(reply.json).toEqual({ status: "OK" })

      const after = yield* sim.messages(chat.chatId)
      expect(after).toHaveLength(before.length + 1)
      const last = after[after.length - 1]!
      expect(last).toMatchObject({ sender: "PARTNER", message: text })
      expect(last.messageId).toBeGreaterThan(before[before.length - 1]!.messageId)
      const updated = Option.getOrThrow(yield* sim.chat(chat.chatId))
      expect(updated.status).toBe("WAITING_FOR_CUSTOMER")
      expect(Date.parse(updated.updatedAt)).toBeGreaterThanOrEqual(Math.floor(started / 1000) * 1000)

      const fetched = yield* call(sim, "getChatMessage", { query: { chatId: chat.chatId, messageId: last.messageId } })
      expect(fetched.json.result).toEqual(last)
      const stats = yield* sim.stats
      expect(stats.messagesSent).toBe(1)
      expect(stats.sent).toEqual([
        expect.objectContaining({ operation: "sendMessageToChat", chatId: chat.chatId, text, answer: "OK" })
      ])

      const longest = "я".repeat(4096)
      const ok = yield* call(sim, "sendMessageToChat", { query: { chatId: chat.chatId }, body: { message: longest } })
      expect(ok.status).toBe(200)
    }))

  it.scoped("a customer message from the test hook sets WAITING_FOR_PARTNER", () =>
    Effect.gen(function*() {
      const sim = yield* Simulator.make({ chats: 5, messages: 10 })
      const chat = (yield* sim.chats())[0]!
      const message = yield* sim.customerWrites(chat.chatId, "Где мой заказ?")
      expect(message.sender).toBe("CUSTOMER")
      expect(Option.getOrThrow(yield* sim.chat(chat.chatId)).status).toBe("WAITING_FOR_PARTNER")
      const missing = yield* Effect.flip(sim.customerWrites(1, "?"))
      expect(missing._tag).toBe("NoSuchChat")
    }))

  it.scoped("sendFileToChat stores the multipart file with its name, size and a download URL", () =>
    Effect.gen(function*() {
      const sim = yield* Simulator.make({ chats: 5, messages: 10 })
      const chat = (yield* sim.chats())[0]!
      const bytes = new Uint8Array(200_000).map((_, i) => i % 251)
      const form = new FormData()
      form.append("file", new File([bytes], "фото коробки.jpg", { type: "image/jpeg" }))
      const reply = yield* call(sim, "sendFileToChat", { query: { chatId: chat.chatId }, body: form })
      expect(reply.status).toBe(200)
      expect(reply.json).toEqual({ status: "OK" })

      const messages = yield* sim.messages(chat.chatId)
      const last = messages[messages.length - 1]!
      expect(last.sender).toBe("PARTNER")
      expect(last.message).toBeUndefined()
      expect(last.payload).toEqual([{ name: "фото коробки.jpg", size: 200_000, url: expect.stringContaining(sim.url) }])
      const download = yield* Effect.promise(() => fetch(last.payload![0]!.url).then((r) => r.arrayBuffer()))
      expect(Buffer.compare(Buffer.from(download), Buffer.from(bytes))).toBe(0)
      expect(Option.getOrThrow(yield* sim.chat(chat.chatId)).status).toBe("WAITING_FOR_CUSTOMER")
      const stats = yield* sim.stats
      expect(stats.filesSent).toBe(1)
      expect(stats.sent[0]).toMatchObject({ operation: "sendFileToChat", fileName: "фото коробки.jpg", size: 200_000 })
    }))

  it.scoped("sendFileToChat accepts exactly 5 MB and refuses one byte more with 400", () =>
    Effect.gen(function*() {
      const sim = yield* Simulator.make({ chats: 2, messages: 2 })
      const chatId = (yield* sim.chats())[0]!.chatId
      const upload = (size: number) => {
        const form = new FormData()
        form.append("file", new File([new Uint8Array(size)], "big.bin"))
        return call(sim, "sendFileToChat", { query: { chatId }, body: form })
      }
      const exact = yield* upload(5 * 1024 * 1024)
      expect(exact.status).toBe(200)
      const over = yield* upload(5 * 1024 * 1024 + 1)
      expect(over.status).toBe(400)
      expect(over.json.status).toBe("ERROR")
      expect(over.json.errors[0].message).toContain("5242880")
      expect((yield* sim.stats).filesSent).toBe(1)
    }))

  it.scoped("pages never repeat a chat when chats are created and messages sent between pages", () =>
    Effect.gen(function*() {
      const sim = yield* Simulator.make({ chats: 60, messages: 300 })
      const seen: Array<number> = []
      let token: string | undefined
      let page = 0
      do {
        const reply = yield* call(sim, "getChats", { query: { limit: 7, ...(token ? { page_token: token } : {}) } })
        const ids = reply.json.result.chats.map((c: any) => c.chatId)
        seen.push(...ids)
        if (page++ === 2) {
          yield* call(sim, "createChat", { body: { context: { type: "ORDER", id: 123 } } })
          yield* call(sim, "sendMessageToChat", { query: { chatId: ids[0] }, body: { message: "ещё" } })
        }
        token = reply.json.result.paging?.nextPageToken
      } while (token)
      expect(new Set(seen).size).toBe(seen.length)
      expect(seen).toHaveLength(60)
    }))
})
