/**
 * Conformance of the answer schemas to the official OpenAPI description
 * (`core/testing/spec/yandex-market-chats.openapi.yaml`), as the Effect 3 edition's
 * test/conformance checks it through its client: seeded random `result`s generated from each
 * operation's 200 schema (optional fields, unknown fields at every level, nulls, new enum values,
 * int32/int64 edges, unicode, RFC 3339 dates with many offsets) decode to the values they carry, and
 * the error bodies each operation documents give their `errors` entries. The generator is the shared
 * one of core/testing, so both editions decode the same bodies.
 */
import { describe, expect, it } from "@effect/vitest"
import { DateTime, Result, Schema } from "effect"
import { apiErrorsOfText } from "../../../core/client/errorBody.js"
import { statusCases } from "../../../core/cases/statuses.js"
import {
  type DateOracle,
  defaultGenOptions,
  generate,
  generateErrorBody,
  type Json,
  Rng
} from "../../../core/testing/openApiBodies.js"
import { loadSpec } from "../../../core/testing/openApiSpec.js"
import * as ChatsError from "../../src/ChatsError.js"
import * as ChatsSchema from "../../src/ChatsSchema.js"
import { parseOptions } from "../../src/internal/client/issues.js"

const spec = loadSpec()

/** Body i of a run uses `new Rng(seed, i)`: a failure names its seed and index (the Effect 3 suite's seed). */
const seed = 20260717
const bodiesPerOperation = 2000

/** The schema each operation's `result` decodes with. */
const resultSchemas = {
  getChats: ChatsSchema.ChatsPage,
  getChatHistory: ChatsSchema.ChatHistoryPage,
  createChat: ChatsSchema.CreateChatResult,
  getChat: ChatsSchema.Chat,
  getChatMessage: ChatsSchema.ChatMessage
} as const

const show = (u: unknown): string => {
  try {
    return (JSON.stringify(u) ?? String(u)).slice(0, 200)
  } catch {
    return String(u)
  }
}

const own = (obj: unknown, key: string): Json | undefined =>
  typeof obj === "object" && obj !== null && Object.prototype.hasOwnProperty.call(obj, key)
    ? (obj as Record<string, Json>)[key]
    : undefined

/** Compares a decoded value with the JSON it came from, field by field along the description's schema. */
const compareDecoded = (node: unknown, generated: Json | undefined, decoded: unknown, oracle: DateOracle, at: string, out: Array<string>): void => {
  if (out.length > 10) return
  if (generated === undefined || generated === null) {
    if (decoded !== undefined) out.push(`${at}: ${generated === null ? "null" : "absent"} in the body, decoded as ${show(decoded)}`)
    return
  }
  const schema = spec.resolve(node)
  const type = schema.type ?? (schema.properties ? "object" : undefined)
  if (type === "object") {
    if (typeof decoded !== "object" || decoded === null) return void out.push(`${at}: an object in the body, decoded as ${show(decoded)}`)
    for (const [key, prop] of Object.entries(schema.properties ?? {})) {
      compareDecoded(prop, own(generated, key), (decoded as Record<string, unknown>)[key], oracle, `${at}.${key}`, out)
    }
    return
  }
  if (type === "array") {
    const g = generated as ReadonlyArray<Json>
    if (!Array.isArray(decoded) || decoded.length !== g.length) return void out.push(`${at}: an array of ${g.length}, decoded as ${show(decoded)}`)
    g.forEach((item, i) => compareDecoded(schema.items, item, decoded[i], oracle, `${at}[${i}]`, out))
    return
  }
  if (type === "string" && schema.format === "date-time") {
    if (!DateTime.isDateTime(decoded) || !DateTime.isUtc(decoded)) return void out.push(`${at}: ${show(generated)} decoded as ${show(decoded)}, not a DateTime.Utc`)
    const expected = oracle.get(generated as string)
    if (expected !== undefined && DateTime.toEpochMillis(decoded) !== expected) {
      out.push(`${at}: ${generated as string} decoded as ${DateTime.formatIso(decoded)}, expected ${new Date(expected).toISOString()}`)
    }
    return
  }
  if (decoded !== generated) out.push(`${at}: ${show(generated)} in the body, decoded as ${show(decoded)}`)
}

describe("answers generated from the official description", () => {
  for (const [operationId, schema] of Object.entries(resultSchemas)) {
    it(`${operationId}: ${bodiesPerOperation} generated 200 bodies decode to what they carry`, () => {
      const successSchema = spec.responseSchemas(operationId)["200"]!
      const resultSchema = spec.resolve(successSchema).properties!["result"]
      const decode = Schema.decodeUnknownResult(Schema.Struct({ result: schema }), parseOptions)
      const failures: Array<string> = []
      for (let index = 0; index < bodiesPerOperation; index++) {
        const oracle: DateOracle = new Map()
        const body = generate(spec, successSchema, new Rng(seed, index), { ...defaultGenOptions, forceTop: ["result"] }, oracle)
        // what travels is JSON text: parse it back, as the client does
        const decoded = decode(JSON.parse(JSON.stringify(body)))
        const problems: Array<string> = []
        if (Result.isFailure(decoded)) problems.push(`decoding failed: ${decoded.failure.message}`)
        else compareDecoded(resultSchema, own(body, "result"), decoded.success.result, oracle, "result", problems)
        if (problems.length > 0 && failures.length < 5) failures.push(`#${index}: ${problems.join("; ")}\n  ${show(body)}`)
      }
      expect(failures.join("\n")).toBe("")
    })
  }

  it("every operation the client decodes a result of is one the description documents, with a result", () => {
    for (const operationId of Object.keys(resultSchemas)) {
      expect(spec.resolve(spec.responseSchemas(operationId)["200"]).properties).toHaveProperty("result")
    }
    expect(ChatsError.operations.filter((o) => !(o in resultSchemas))).toEqual(["sendMessageToChat", "sendFileToChat"])
  })
})

/** The error class of each documented status (the shared table's tags). */
const errorClasses = {
  BadRequestError: ChatsError.BadRequestError,
  UnauthorizedError: ChatsError.UnauthorizedError,
  ForbiddenError: ChatsError.ForbiddenError,
  NotFoundError: ChatsError.NotFoundError,
  InternalServerError: ChatsError.InternalServerError,
  UnexpectedStatusError: ChatsError.UnexpectedStatusError
} as const

describe("every documented error body", () => {
  for (const operationId of ChatsError.operations) {
    it(`${operationId}: each documented error answer's body gives its errors entries, and its typed error carries them`, () => {
      const documented = Object.entries(spec.responseSchemas(operationId)).filter(([status]) => status !== "200")
      expect(documented.map(([status]) => status)).toEqual(expect.arrayContaining(["400", "401", "403", "404", "420", "500"]))
      for (const [status, schema] of documented) {
        const tag = statusCases.find((c) => c.status === Number(status))!.tag
        for (let index = 0; index < 50; index++) {
          const body = generate(spec, schema, new Rng(seed, index), { ...defaultGenOptions, forceTop: ["errors"] }, new Map())
          const listed = own(body, "errors")
          const expected = Array.isArray(listed)
            ? listed.flatMap((e) => {
              const code = own(e, "code")
              const message = own(e, "message")
              return typeof code === "string" ? [typeof message === "string" ? { code, message } : { code }] : []
            })
            : []
          const entries = apiErrorsOfText(JSON.stringify(body))
          expect(entries, `${operationId} ${status} #${index}`).toEqual(expected)
          const errors = entries.map((entry) => new ChatsSchema.ApiError(entry))
          const props = { operation: operationId, method: "POST", path: "/v2/businesses/1/chats", status: Number(status), errors }
          const error = tag === "RateLimitError" ? new ChatsError.RateLimitError({ ...props, kind: "unknown" }) : new errorClasses[tag as keyof typeof errorClasses](props)
          expect(error._tag).toBe(tag)
          for (const { code } of entries) expect(error.message).toContain(code)
        }
      }
    })
  }

  it("random error bodies (odd statuses, nulls, junk entries, not JSON) give exactly their well-formed entries", () => {
    for (let index = 0; index < 2000; index++) {
      const { expected, text } = generateErrorBody(new Rng(seed, index))
      expect(apiErrorsOfText(text), `#${index}: ${text.slice(0, 200)}`).toEqual(expected)
    }
  })
})
