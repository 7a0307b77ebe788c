import { describe, expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import * as Simulator from "../../src/Simulator.js"
import { call, type CallOptions, errorShape, type Reply, send } from "./http.js"

/** Every refusal: its status, the market's error body, and the rate-limit headers. */
const expectRefusal = (reply: Reply, status: number, code: string, message?: RegExp) => {
  expect(reply.status).toBe(status)
  expect(reply.headers.get("content-type")).toContain("application/json")
  expect(errorShape(reply)).toEqual({ status: "ERROR", codes: ["string"], messages: ["string"] })
  expect(reply.json.errors[0].code).toBe(code)
  if (message) expect(reply.json.errors[0].message).toMatch(message)
}

layer(Simulator.layer({ chats: 30, messages: 300 }))("refusals", (it) => {
  it.effect("401 without credentials, on every operation", () =>
    Effect.gen(function*() {
      const sim = yield* Simulator.Simulator
      for (const operation of Simulator.operations) {
        const reply = yield* call(sim, operation, { auth: "none", query: { chatId: 1, messageId: 1 } })
        expectRefusal(reply, 401, "UNAUTHORIZED")
        expect(reply.headers.get("x-ratelimit-resource-limit")).not.toBeNull()
      }
      const emptyBearer = yield* call(sim, "getChats", { auth: "none", headers: { Authorization: "Bearer" } })
      expectRefusal(emptyBearer, 401, "UNAUTHORIZED")
    }))

  it.effect("403 for a wrong key, a wrong token, or another business", () =>
    Effect.gen(function*() {
      const sim = yield* Simulator.Simulator
      expectRefusal(yield* call(sim, "getChats", { auth: { apiKey: "ACMA:wrong" } }), 403, "FORBIDDEN")
      expectRefusal(yield* call(sim, "getChats", { auth: { bearer: "y0_wrong" } }), 403, "FORBIDDEN")
      const other = yield* call(sim, "getChats", { businessId: sim.otherBusinessId })
      expectRefusal(other, 403, "FORBIDDEN", new RegExp(String(sim.otherBusinessId)))
      const unknown = yield* call(sim, "getChats", { businessId: 999 })
      expectRefusal(unknown, 403, "FORBIDDEN")
      // the other business's own key works there, and not here
      const own = yield* call(sim, "getChats", { businessId: sim.otherBusinessId, auth: { apiKey: sim.otherApiKey } })
      expect(own.status).toBe(200)
      expectRefusal(yield* call(sim, "getChats", { auth: { apiKey: sim.otherApiKey } }), 403, "FORBIDDEN")
    }))

  it.effect("403 once a credential is revoked, 200 once granted", () =>
    Effect.gen(function*() {
      const sim = yield* Simulator.Simulator
      const key = "ACMA:granted-later"
      expectRefusal(yield* call(sim, "getChats", { auth: { apiKey: key } }), 403, "FORBIDDEN")
      yield* sim.grantAccess({ apiKey: key }, [sim.businessId])
      expect((yield* call(sim, "getChats", { auth: { apiKey: key } })).status).toBe(200)
      yield* sim.revokeAccess({ apiKey: key })
      expectRefusal(yield* call(sim, "getChats", { auth: { apiKey: key } }), 403, "FORBIDDEN")
    }))

  it.effect("404 for an unknown chat, another business's chat, or an unknown message", () =>
    Effect.gen(function*() {
      const sim = yield* Simulator.Simulator
      const otherChat = (yield* sim.chats(sim.otherBusinessId))[0]!.chatId
      for (const chatId of [1, 999_999, otherChat]) {
        for (const operation of ["getChat", "getChatHistory", "sendMessageToChat", "getChatMessage"] as const) {
          const reply = yield* call(sim, operation, { query: { chatId, messageId: 1_000_001 }, body: { message: "?" } })
          expectRefusal(reply, 404, "NOT_FOUND", /chat/i)
        }
      }
      const chat = (yield* sim.chats())[0]!
      const reply = yield* call(sim, "getChatMessage", { query: { chatId: chat.chatId, messageId: 1 } })
      expectRefusal(reply, 404, "NOT_FOUND", /message/i)
      expect((yield* sim.stats).messagesSent).toBe(0)
    }))

  it.effect("404 for an unknown path, 405 for a known path with another method", () =>
    Effect.gen(function*() {
      const sim = yield* Simulator.Simulator
      const unknown = yield* Effect.promise(() => send(`${sim.url}/v2/nothing`, { headers: { "Api-Key": sim.apiKey } }))
      expectRefusal(unknown, 404, "NOT_FOUND")
      const wrongMethod = yield* Effect.promise(() =>
        send(`${sim.url}/v2/businesses/${sim.businessId}/chats`, { headers: { "Api-Key": sim.apiKey } })
      )
      expectRefusal(wrongMethod, 405, "METHOD_NOT_ALLOWED")
    }))

  it.effect("400 for invalid limits, ids, tokens and bodies", () =>
    Effect.gen(function*() {
      const sim = yield* Simulator.Simulator
      const chatId = (yield* sim.chats())[0]!.chatId
      const cases: Array<[Simulator.Operation, CallOptions, RegExp]> = [
        ["getChats", { query: { limit: 0 } }, /limit/],
        ["getChats", { query: { limit: 21 } }, /limit/],
        ["getChats", { query: { limit: "1.5" } }, /limit/],
        ["getChats", { query: { limit: "abc" } }, /limit/],
        ["getChats", { query: { limit: "" } }, /limit/],
        ["getChatHistory", { query: { chatId, limit: 101 } }, /limit/],
        ["getChatHistory", { query: { chatId, limit: -1 } }, /limit/],
        ["getChats", { query: { page_token: "10" } }, /page_token/],
        ["getChats", { query: { page_token: "not a token!" } }, /page_token/],
        ["getChats", { query: { pageToken: Buffer.from("{}").toString("base64url") } }, /page_token/],
        ["getChats", { body: "{not json" }, /JSON/],
        ["getChats", { body: "[]" }, /object/],
        ["getChats", { body: { statuses: [] } }, /statuses/],
        ["getChats", { body: { statuses: ["NEW", "NEW"] } }, /statuses/],
        ["getChats", { body: { statuses: ["OPEN"] } }, /statuses/],
        ["getChats", { body: { contextTypes: ["ORDER", "PICKUP"] } }, /contextTypes/],
        ["getChats", { body: { types: "CHAT" } }, /types/],
        ["getChats", { body: { contexts: [{ type: "DIRECT", id: 1 }] } }, /contexts/],
        ["getChats", { body: { contexts: [{ type: "ORDER", id: 1 }, { type: "ORDER", id: 1 }] } }, /contexts/],
        ["getChats", { body: { orderIds: [0] } }, /orderIds/],
        ["getChat", {}, /chatId is required/],
        ["getChat", { query: { chatId: "abc" } }, /chatId/],
        ["getChat", { query: { chatId: 0 } }, /chatId/],
        ["getChatMessage", { query: { chatId } }, /messageId is required/],
        ["getChatMessage", { query: { chatId, messageId: "x" } }, /messageId/],
        ["getChatHistory", { query: { chatId }, body: { messageIdFrom: "5" } }, /messageIdFrom/],
        ["sendMessageToChat", { query: { chatId }, body: {} }, /message/],
        ["sendMessageToChat", { query: { chatId }, body: { message: "" } }, /message/],
        ["sendMessageToChat", { query: { chatId }, body: { message: "я".repeat(4097) } }, /4096/],
        ["sendMessageToChat", { query: { chatId }, body: { message: 5 } }, /message/],
        ["createChat", { body: {} }, /context/],
        ["createChat", { body: { context: { type: "DIRECT", id: 1 } } }, /context/],
        ["createChat", { body: { context: { type: "ORDER" } } }, /context.id/],
        ["sendFileToChat", { query: { chatId }, body: { file: "x" } }, /multipart/],
        ["sendFileToChat", { query: { chatId }, body: formWith("other", "a.txt") }, /file/],
        ["sendFileToChat", { query: { chatId }, body: twoFiles() }, /only one/]
      ]
      for (const [operation, options, message] of cases) {
        const reply = yield* call(sim, operation, options)
        expect({ operation, options: JSON.stringify(options), status: reply.status }).toEqual({
          operation,
          options: JSON.stringify(options),
          status: 400
        })
        expectRefusal(reply, 400, "BAD_REQUEST", message)
      }
      // a token of one chat's history is refused for another chat, and a history token for getChats
      const chats = yield* sim.chats()
      const long = yield* Effect.forEach(chats, (c) => Effect.map(sim.messages(c.chatId), (m) => [c.chatId, m.length] as const))
      const [longChat] = long.find(([, n]) => n > 2)!
      const page = yield* call(sim, "getChatHistory", { query: { chatId: longChat, limit: 1 } })
      const token = page.json.result.paging.nextPageToken
      const other = chats.find((c) => c.chatId !== longChat)!.chatId
      expectRefusal(yield* call(sim, "getChatHistory", { query: { chatId: other, page_token: token } }), 400, "BAD_REQUEST")
      expectRefusal(yield* call(sim, "getChats", { query: { page_token: token } }), 400, "BAD_REQUEST")
      expect((yield* sim.stats).messagesSent).toBe(0)
    }))
})

function formWith(name: string, filename: string): FormData {
  const form = new FormData()
  form.append(name, new File(["hello"], filename))
  return form
}

function twoFiles(): FormData {
  const form = formWith("file", "a.txt")
  form.append("file", new File(["again"], "b.txt"))
  return form
}

describe("multipart edge cases", () => {
  layer(Simulator.layer({ chats: 3, messages: 3 }))((it) => {
    it.effect("a file name in RFC 5987 form (filename*) and a part without a file name are accepted", () =>
      Effect.gen(function*() {
        const sim = yield* Simulator.Simulator
        const chatId = (yield* sim.chats())[0]!.chatId
        const raw = (disposition: string) =>
          `--b\r\nContent-Disposition: form-data; ${disposition}\r\nContent-Type: text/plain\r\n\r\nпривет\r\n--b--\r\n`
        for (const [disposition, name] of [
          [`name="file"; filename*=UTF-8''%D1%87%D0%B5%D0%BA.txt`, "чек.txt"],
          [`name="file"`, "file"]
        ] as const) {
          const reply = yield* call(sim, "sendFileToChat", {
            query: { chatId },
            body: raw(disposition),
            headers: { "Content-Type": "multipart/form-data; boundary=b" }
          })
          expect(reply.status).toBe(200)
          const messages = yield* sim.messages(chatId)
          expect(messages[messages.length - 1]!.payload).toEqual([
            { name, size: Buffer.byteLength("привет"), url: expect.any(String) }
          ])
        }
        const broken = yield* call(sim, "sendFileToChat", {
          query: { chatId },
          body: "--b\r\nno end",
          headers: { "Content-Type": "multipart/form-data; boundary=b" }
        })
        expectRefusal(broken, 400, "BAD_REQUEST", /multipart/)
      }))
  })
})
