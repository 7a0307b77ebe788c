/**
 * Checks the simulator against the official OpenAPI description of the chats API
 * (the fixture `test/fixtures/spec/yandex-market-chats.openapi.yaml`).
 */
import { describe, expect, it } from "@effect/vitest"
import AjvModule from "ajv"
import formatsModule from "ajv-formats"
import { Effect } from "effect"
import { readFileSync } from "node:fs"
import * as YAML from "yaml"
import * as Simulator from "../../src/Simulator.js"
import { chatsSpecPath } from "../fixtures/paths.js"
import { allPages, call, type CallOptions, type Reply, routes } from "./http.js"

type Json = any

/** The description, its JSON Schema validator, and lookups into it. */
const loadSpec = () => {
  const spec: Json = YAML.parse(readFileSync(chatsSpecPath, "utf8"))
  const ajv = new AjvModule.default({ strict: false, allErrors: true })
  formatsModule.default(ajv)
  ajv.addSchema({ $id: "spec", components: spec.components })

  const resolve = (node: Json): Json => {
    let current = node
    while (current?.$ref) {
      current = (current.$ref as string).slice(2).split("/").reduce((n: Json, key) => n[key], spec)
    }
    return current
  }

  const operation = (operationId: string) => {
    for (const [path, methods] of Object.entries<Json>(spec.paths)) {
      for (const [method, op] of Object.entries<Json>(methods)) {
        if (op.operationId === operationId) return { path, method: method.toUpperCase(), op }
      }
    }
    throw new Error(`no operation ${operationId}`)
  }

  /** The `$ref` of the body schema of an operation's response with this status, if the description has one. */
  const responseRef = (operationId: string, status: number): string | undefined => {
    const response = resolve(operation(operationId).op.responses[String(status)])
    return response?.content?.["application/json"]?.schema?.$ref
  }

  /** The properties a schema lists, through nested `allOf`. */
  const propertiesOf = (schemaNode: Json): Record<string, Json> => {
    const schema = resolve(schemaNode)
    return Object.assign({}, schema.properties ?? {}, ...(schema.allOf ?? []).map(propertiesOf))
  }

  /** Fields of `value` that the schema does not list (the description allows extra fields; the simulator should not need them). */
  const undocumented = (value: Json, schemaNode: Json, at: string): Array<string> => {
    const schema = resolve(schemaNode)
    if (schema === undefined || value === null || typeof value !== "object") return []
    if (Array.isArray(value)) {
      return schema.items ? value.flatMap((item, i) => undocumented(item, schema.items, `${at}[${i}]`)) : []
    }
    const properties = propertiesOf(schema)
    return Object.entries(value).flatMap(([key, v]) =>
      key in properties ? undocumented(v, properties[key], `${at}.${key}`) : [`${at}.${key}`]
    )
  }

  /** Validates a reply of an operation against its response schema; returns the problems. */
  const check = (operationId: string, reply: Reply): Array<string> => {
    const ref = responseRef(operationId, reply.status)
    if (ref === undefined) return [`${operationId}: status ${reply.status} is not in the description`]
    const validate = ajv.getSchema(`spec${ref}`)!
    const problems: Array<string> = []
    if (!validate(reply.json)) {
      problems.push(`${operationId} ${reply.status}: ${ajv.errorsText(validate.errors)}`)
    }
    return [...problems, ...undocumented(reply.json, { $ref: ref }, `${operationId} ${reply.status}`)]
  }

  return { spec, operation, resolve, check }
}

describe("the official description", () => {
  it("lists the same operations, methods, paths, page limits and quotas as the simulator", () => {
    const { operation, resolve, spec } = loadSpec()
    const operationIds = Object.values<Json>(spec.paths).flatMap((methods) =>
      Object.values<Json>(methods).map((op) => op.operationId)
    )
    expect([...operationIds].sort()).toEqual([...Simulator.operations].sort())
    for (const name of Simulator.operations) {
      const { method, op, path } = operation(name)
      expect({ name, method, path }).toEqual({
        name,
        method: routes[name].method,
        path: `/v2/businesses/{businessId}${routes[name].path}`
      })
      const parameters = op.parameters.map(resolve)
      const limit = parameters.find((p: Json) => p.name === "limit")
      if (limit) {
        expect({ name, default: limit.schema.default, max: limit.schema.maximum }).toEqual(
          name === "getChats" ? { name, default: 10, max: 20 } : { name, default: 50, max: 100 }
        )
      }
      const pageToken = parameters.find((p: Json) => p["x-aliases"])
      if (pageToken) expect(pageToken["x-aliases"]).toEqual(["pageToken", "page_token"])
      for (const required of parameters.filter((p: Json) => p.in === "query" && p.required)) {
        expect(["chatId", "messageId"]).toContain(required.name)
      }
      expect(Object.keys(op.responses).sort()).toEqual(["200", "400", "401", "403", "404", "420", "500"])
    }
  })

  it.scoped("every answer of the simulator matches its response schema", () =>
    Effect.gen(function*() {
      const { check, operation } = loadSpec()
      const sim = yield* Simulator.make({ chats: 120, messages: 2500 })
      const problems: Array<string> = []
      const expectValid = (operationId: Simulator.Operation, reply: Reply, status: number) => {
        expect({ operationId, status: reply.status, body: reply.status === status ? "" : reply.text }).toEqual({
          operationId,
          status,
          body: ""
        })
        problems.push(...check(operationId, reply))
      }
      const callValid = (operationId: Simulator.Operation, options: CallOptions, status = 200) =>
        Effect.map(call(sim, operationId, options), (reply) => expectValid(operationId, reply, status))

      // the quota of each operation is the description's
      for (const name of Simulator.operations) {
        const amount = operation(name).op["x-resource-limit-config"].none.amount
        const reply = yield* call(sim, name, { auth: "none" })
        expect({ name, limit: reply.headers.get("x-ratelimit-resource-limit") }).toEqual({ name, limit: String(amount) })
      }

      // every chat and every message of the seed
      for (const page of yield* allPages(sim, "getChats", { query: { limit: 20 } })) expectValid("getChats", page, 200)
      const chats = yield* sim.chats()
      for (const chat of chats) {
        for (const page of yield* allPages(sim, "getChatHistory", { query: { chatId: chat.chatId, limit: 100 } })) {
          expectValid("getChatHistory", page, 200)
        }
      }
      const chatId = chats[0]!.chatId
      const messageId = (yield* sim.messages(chatId))[0]!.messageId
      yield* callValid("getChats", { body: { statuses: ["NEW"], contextTypes: ["ORDER", "RETURN"] } })
      yield* callValid("getChat", { query: { chatId } })
      yield* callValid("getChatMessage", { query: { chatId, messageId } })
      yield* callValid("createChat", { body: { context: { type: "RETURN", id: 77 } } })
      yield* callValid("sendMessageToChat", { query: { chatId }, body: { message: "Проверка" } })
      const form = new FormData()
      form.append("file", new File(["%PDF-1.4"], "счёт.pdf", { type: "application/pdf" }))
      yield* callValid("sendFileToChat", { query: { chatId }, body: form })
      const sent = yield* sim.messages(chatId)
      yield* callValid("getChatMessage", { query: { chatId, messageId: sent[sent.length - 1]!.messageId } })
      const created = yield* sim.chats()
      yield* callValid("getChat", { query: { chatId: created[0]!.chatId } })
      yield* callValid("getChatHistory", { query: { chatId: created[0]!.chatId } })

      // refusals of every operation
      for (const name of Simulator.operations) {
        yield* callValid(name, { auth: "none" }, 401)
        yield* callValid(name, { auth: { apiKey: "wrong" } }, 403)
        const invalid: CallOptions = name === "getChats" ?
          { query: { limit: 0 } } :
          name === "createChat" ?
          { body: { context: { type: "DIRECT", id: 1 } } } :
          { query: { chatId: "x" } }
        yield* callValid(name, invalid, 400)
        yield* callValid(name, { query: { chatId: 1, messageId: 1 }, body: { message: "x", context: { type: "ORDER", id: 1 } } }, name === "createChat" || name === "getChats" ? 200 : 404)
      }
      yield* sim.setFaults([{ kind: "error500" }])
      for (const name of Simulator.operations) yield* callValid(name, { query: { chatId } }, 500)
      yield* sim.setFaults([])
      yield* sim.setLimits({ quotas: { getChat: 1 } })
      yield* sim.resetQuotas
      yield* callValid("getChat", { query: { chatId } })
      yield* callValid("getChat", { query: { chatId } }, 420)

      expect(problems).toEqual([])
      // the checks do catch a wrong body and an undocumented field
      const wrong = { status: 200, json: { status: "OK", result: { chatId: 0, extra: 1 } } } as unknown as Reply
      expect(check("getChat", wrong)).toEqual([
        expect.stringContaining("getChat 200: data/result"),
        "getChat 200.result.extra"
      ])
    }))
})
