import { describe, expect, it } from "@effect/vitest"
import { DateTime, Effect, Redacted } from "effect"
import { ChatsClient } from "../../src/index.js"
import { fakeClient, ok, type Recorded, secretKey } from "./fakeHttp.js"
import { chatJson, fileMessageJson, messageJson, orderContextJson } from "../../../core/cases/answers.js"

const businessId = 12345

/** Parses a recorded multipart body with the platform's own `Response.formData`, as a server would. */
const parseForm = (req: Recorded) =>
  Effect.promise(() => {
    const body = req.body as { body: Uint8Array; contentType: string }
    return new Response(body.body as Uint8Array<ArrayBuffer>, { headers: { "content-type": body.contentType } }).formData()
  })

describe("requests and decoding, per endpoint", () => {
  it.effect("getChats: POST /v2/businesses/{id}/chats with filters in the body, page_token and limit in the query", () => {
    const { requests, layer } = fakeClient(() =>
      ok({ chats: [chatJson(11), chatJson(12, { status: "NEW" })], paging: { nextPageToken: "tok-2" } })
    )
    return Effect.gen(function*() {
      const chats = yield* ChatsClient.ChatsClient
      const page = yield* chats.getChats({
        businessId,
        filter: { statuses: ["WAITING_FOR_PARTNER", "NEW"], contexts: [{ type: "ORDER", id: 77 }] },
        pageToken: "tok-1",
        limit: 20
      })
      const [req] = requests
      expect(requests).toHaveLength(1)
      expect(req!.method).toBe("POST")
      expect(req!.url.origin + req!.url.pathname).toBe("https://api.test/v2/businesses/12345/chats")
      expect(Object.fromEntries(req!.url.searchParams)).toEqual({ page_token: "tok-1", limit: "20" })
      expect(req!.headers["api-key"]).toBe(secretKey)
      expect(req!.headers["content-type"]).toBe("application/json")
      expect(JSON.parse(req!.text!)).toEqual({
        statuses: ["WAITING_FOR_PARTNER", "NEW"],
        contexts: [{ type: "ORDER", id: 77 }]
      })
      expect(page.chats.map((c) => c.chatId)).toEqual([11, 12])
      expect(page.chats[1]!.status).toBe("NEW")
      expect(page.chats[0]!.context.customer?.name).toBe("Анна К.")
      expect(DateTime.formatIso(page.chats[0]!.createdAt)).toBe("2026-11-20T07:15:00.000Z")
      expect(page.paging?.nextPageToken).toBe("tok-2")
    }).pipe(Effect.provide(layer))
  })

  it.effect("getChats without filter sends an empty object and no query", () => {
    const { requests, layer } = fakeClient(() => ok({ chats: [] }))
    return Effect.gen(function*() {
      const page = yield* (yield* ChatsClient.ChatsClient).getChats({ businessId })
      expect(page.chats).toEqual([])
      expect(page.paging).toBeUndefined()
      expect(requests[0]!.text).toBe("{}")
      expect(requests[0]!.url.search).toBe("")
    }).pipe(Effect.provide(layer))
  })

  it.effect("getChatHistory: chatId, page_token and limit in the query, messageIdFrom in the body", () => {
    const { requests, layer } = fakeClient(() =>
      ok({ context: orderContextJson, messages: [messageJson(501), fileMessageJson(502)], orderId: 5_000_001 })
    )
    return Effect.gen(function*() {
      const page = yield* (yield* ChatsClient.ChatsClient).getChatHistory({
        businessId,
        chatId: 42,
        messageIdFrom: 500,
        pageToken: "p",
        limit: 100
      })
      const req = requests[0]!
      expect(req.method).toBe("POST")
      expect(req.url.pathname).toBe("/v2/businesses/12345/chats/history")
      expect(Object.fromEntries(req.url.searchParams)).toEqual({ chatId: "42", page_token: "p", limit: "100" })
      expect(JSON.parse(req.text!)).toEqual({ messageIdFrom: 500 })
      expect(page.context.type).toBe("ORDER")
      expect(page.context.orderId).toBe(5_000_001)
      expect(page.messages[0]!.message).toBe("Здравствуйте! Когда приедет заказ?")
      expect(page.messages[1]!.payload?.[0]).toMatchObject({ name: "накладная.pdf", size: 48_213 })
      expect(page.paging).toBeUndefined()
    }).pipe(Effect.provide(layer))
  })

  it.effect("createChat: POST .../chats/new with the context, returns the chat id", () => {
    const { requests, layer } = fakeClient(() => ok({ chatId: 9001 }))
    return Effect.gen(function*() {
      const chatId = yield* (yield* ChatsClient.ChatsClient).createChat({
        businessId,
        context: { type: "RETURN", id: 333 }
      })
      expect(chatId).toBe(9001)
      expect(requests[0]!.url.pathname).toBe("/v2/businesses/12345/chats/new")
      expect(requests[0]!.url.search).toBe("")
      expect(JSON.parse(requests[0]!.text!)).toEqual({ context: { type: "RETURN", id: 333 } })
    }).pipe(Effect.provide(layer))
  })

  it.effect("sendMessageToChat: POST .../chats/message?chatId= with { message }", () => {
    const { requests, layer } = fakeClient(() => ok())
    return Effect.gen(function*() {
      yield* (yield* ChatsClient.ChatsClient).sendMessageToChat({ businessId, chatId: 42, message: "Добрый день!" })
      const req = requests[0]!
      expect(req.method).toBe("POST")
      expect(req.url.pathname).toBe("/v2/businesses/12345/chats/message")
      expect(Object.fromEntries(req.url.searchParams)).toEqual({ chatId: "42" })
      expect(JSON.parse(req.text!)).toEqual({ message: "Добрый день!" })
    }).pipe(Effect.provide(layer))
  })

  it.effect("sendFileToChat: multipart with one part named file that keeps its filename and type", () => {
    const { requests, layer } = fakeClient(() => ok())
    return Effect.gen(function*() {
      const data = new TextEncoder().encode("%PDF-1.4 fake")
      yield* (yield* ChatsClient.ChatsClient).sendFileToChat({
        businessId,
        chatId: 42,
        file: { name: "счёт.pdf", data, contentType: "application/pdf" }
      })
      const req = requests[0]!
      expect(req.url.pathname).toBe("/v2/businesses/12345/chats/file/send")
      expect(Object.fromEntries(req.url.searchParams)).toEqual({ chatId: "42" })
      expect(req.headers["content-type"] ?? (req.body as { contentType: string }).contentType).toMatch(/^multipart\/form-data; boundary=/)
      const form = yield* parseForm(req)
      expect([...form.keys()]).toEqual(["file"])
      const file = form.get("file") as File
      expect(file.name).toBe("счёт.pdf")
      expect(file.type).toBe("application/pdf")
      expect(new Uint8Array(yield* Effect.promise(() => file.arrayBuffer()))).toEqual(data)
    }).pipe(Effect.provide(layer))
  })

  it.effect("sendFileToChat takes a Blob and keeps its type", () => {
    const { requests, layer } = fakeClient(() => ok())
    return Effect.gen(function*() {
      yield* (yield* ChatsClient.ChatsClient).sendFileToChat({
        businessId,
        chatId: 42,
        file: { name: "photo.png", data: new Blob([new Uint8Array([137, 80, 78, 71])], { type: "image/png" }) }
      })
      const file = (yield* parseForm(requests[0]!)).get("file") as File
      expect(file.name).toBe("photo.png")
      expect(file.type).toBe("image/png")
      expect(file.size).toBe(4)
    }).pipe(Effect.provide(layer))
  })

  it.effect("getChat: GET .../chat?chatId=", () => {
    const { requests, layer } = fakeClient(() => ok(chatJson(42, { type: "ARBITRAGE", status: "WAITING_FOR_ARBITER" })))
    return Effect.gen(function*() {
      const chat = yield* (yield* ChatsClient.ChatsClient).getChat({ businessId, chatId: 42 })
      expect(requests[0]!.method).toBe("GET")
      expect(requests[0]!.url.pathname).toBe("/v2/businesses/12345/chat")
      expect(Object.fromEntries(requests[0]!.url.searchParams)).toEqual({ chatId: "42" })
      expect(chat.type).toBe("ARBITRAGE")
      expect(chat.status).toBe("WAITING_FOR_ARBITER")
    }).pipe(Effect.provide(layer))
  })

  it.effect("getChatMessage: GET .../chats/message?chatId=&messageId=", () => {
    const { requests, layer } = fakeClient(() => ok(messageJson(7, { sender: "SUPPORT" })))
    return Effect.gen(function*() {
      const message = yield* (yield* ChatsClient.ChatsClient).getChatMessage({ businessId, chatId: 42, messageId: 7 })
      expect(requests[0]!.method).toBe("GET")
      expect(requests[0]!.url.pathname).toBe("/v2/businesses/12345/chats/message")
      expect(Object.fromEntries(requests[0]!.url.searchParams)).toEqual({ chatId: "42", messageId: "7" })
      expect(message.sender).toBe("SUPPORT")
      expect(message.messageId).toBe(7)
    }).pipe(Effect.provide(layer))
  })

  it.effect("an OAuth token is sent as a Bearer token when no API key is given", () => {
    const { requests, layer } = fakeClient(() => ok({ chatId: 1 }), {
      apiKey: undefined,
      oauthToken: Redacted.make("oauth-SECRET")
    })
    return Effect.gen(function*() {
      yield* (yield* ChatsClient.ChatsClient).createChat({ businessId, context: { type: "ORDER", id: 1 } })
      expect(requests[0]!.headers["authorization"]).toBe("Bearer oauth-SECRET")
      expect(requests[0]!.headers["api-key"]).toBeUndefined()
    }).pipe(Effect.provide(layer))
  })

  it.effect("the API key wins when both credentials are given", () => {
    const { requests, layer } = fakeClient(() => ok({ chatId: 1 }), { oauthToken: Redacted.make("oauth-SECRET") })
    return Effect.gen(function*() {
      yield* (yield* ChatsClient.ChatsClient).createChat({ businessId, context: { type: "ORDER", id: 1 } })
      expect(requests[0]!.headers["api-key"]).toBe(secretKey)
      expect(requests[0]!.headers["authorization"]).toBeUndefined()
    }).pipe(Effect.provide(layer))
  })

  it.effect("no trace propagation headers reach the market", () => {
    const { requests, layer } = fakeClient(() => ok({ chatId: 1 }))
    return Effect.gen(function*() {
      yield* (yield* ChatsClient.ChatsClient).createChat({ businessId, context: { type: "ORDER", id: 1 } }).pipe(
        Effect.withSpan("user span")
      )
      expect(Object.keys(requests[0]!.headers).filter((h) => /traceparent|b3|tracestate/.test(h))).toEqual([])
    }).pipe(Effect.provide(layer))
  })
})
