/**
 * The receiver's answers, and the bodies `encodeNotification` builds, checked with
 * ajv against the market's official description of push notifications, read from
 * the fixture `test/fixtures/spec/` (a copy kept in the repository, BSD-3-Clause).
 */
import { describe, expect, it } from "@effect/vitest"
import { Ajv, type ValidateFunction } from "ajv"
import addFormatsImport from "ajv-formats"
import { Effect, Either } from "effect"
import { readFileSync } from "node:fs"
import { parse as parseYaml } from "yaml"
import * as ChatsNotifications from "../../src/ChatsNotifications.js"
import { notificationSpecPath as specPath } from "../fixtures/paths.js"
import { allowedBodies, bodies, refusedBodies, withReceiver } from "./helpers.js"


type AddFormats = (ajv: Ajv) => Ajv
const addFormats: AddFormats =
  ((addFormatsImport as unknown as { default?: unknown }).default ?? addFormatsImport) as AddFormats

/** A validator of each component schema of the description, by name. */
const loadValidators = (): (name: string) => ValidateFunction => {
  const spec = parseYaml(readFileSync(specPath, "utf8")) as Record<string, unknown>
  // strict off: OpenAPI keywords (discriminator, x-transform, description markup) are not JSON Schema
  const ajv = new Ajv({ allErrors: true, strict: false })
  addFormats(ajv)
  // the integer formats bound the value (an int64 past 2^53 is checked as JSON parsing rounds it)
  ajv.addFormat("int32", { type: "number", validate: (n: number) => n >= -(2 ** 31) && n < 2 ** 31 })
  ajv.addFormat("int64", { type: "number", validate: (n: number) => n >= -(2 ** 63) && n <= 2 ** 63 })
  ajv.addSchema({ ...spec, $id: "notification.yaml" })
  return (name) => {
    const validate = ajv.getSchema(`notification.yaml#/components/schemas/${name}`)
    if (validate === undefined) throw new Error(`no schema ${name} in the description`)
    return validate
  }
}

/** Asserts that a body is valid against a component schema, showing ajv's errors when not. */
const expectValid = (validate: ValidateFunction, body: unknown, label: string) => {
  const valid = validate(body)
  expect(valid ? [] : validate.errors, label).toEqual([])
}

describe("against the official description of notifications", () => {
  const schema = loadValidators()

  it.effect("success answers are SendNotificationResponse; error answers are SendNotificationErrorResponse", () =>
    withReceiver({ capacity: 1 }, ({ send }) =>
      Effect.gen(function*() {
        const success = schema("SendNotificationResponse")
        const failure = schema("SendNotificationErrorResponse")
        const errorType = schema("NotificationApiErrorType")
        // PING, a queued event, a duplicate: 200
        for (const body of [bodies.ping, bodies.chatCreated, bodies.chatCreated]) {
          const reply = yield* send(body)
          expect(reply.status).toBe(200)
          expectValid(success, reply.json, `200 to ${JSON.stringify(body)}`)
        }
        // malformed: 400; queue full: 500
        for (const [body, status] of [["not json", 400], [{ notificationType: "CHAT_CREATED" }, 400], [bodies.orderCreated, 500]] as const) {
          const reply = yield* send(body)
          expect(reply.status).toBe(status)
          expectValid(failure, reply.json, `${status} to ${JSON.stringify(body)}`)
          // the description leaves type and message optional; ours always has both
          expectValid(errorType, reply.json.error.type, "error.type")
          expect(typeof reply.json.error.message).toBe("string")
        }
      })))

  it("a custom name and version are checked as the description bounds them (1 to 100 characters)", () => {
    const success = schema("SendNotificationResponse")
    expectValid(success, { version: "v".repeat(100), name: "n", time: new Date(0).toISOString() }, "bounds")
    expect(success({ version: "", name: "n", time: new Date(0).toISOString() })).toBe(false)
  })

  it("encodeNotification builds bodies valid against each notification's DTO", () => {
    const cases = [
      [bodies.chatCreated, "ChatCreatedNotificationDTO"],
      [bodies.chatMessageSent, "ChatMessageSentNotificationDTO"],
      [bodies.arbitrageStarted, "ChatArbitrageStartedNotificationDTO"],
      [bodies.arbitrageFinished, "ChatArbitrageFinishedNotificationDTO"],
      [bodies.ping, "PingNotificationDTO"],
      [bodies.orderCreated, "OrderCreatedNotificationDTO"]
    ] as const
    for (const [body, dto] of cases) {
      // the sample is valid, and so is its round trip through decode and encode
      expectValid(schema(dto), body, `sample ${dto}`)
      const encoded = ChatsNotifications.encodeNotification(
        Either.getOrThrow(ChatsNotifications.decodeNotification(body))
      )
      expectValid(schema(dto), encoded, `encoded ${dto}`)
    }
  })

  it("the description's required fields are the ones the schemas require", () => {
    const spec = parseYaml(readFileSync(specPath, "utf8")) as {
      components: { schemas: Record<string, { required?: ReadonlyArray<string> }> }
    }
    const required = (dto: string) => [...(spec.components.schemas[dto]?.required ?? [])].sort()
    expect(required("ChatCreatedNotificationDTO")).toEqual(["businessId", "chatId", "createdAt", "notificationType"])
    expect(required("ChatMessageSentNotificationDTO")).toEqual(
      ["businessId", "chatId", "messageId", "notificationType", "sentAt"]
    )
    expect(required("ChatArbitrageStartedNotificationDTO")).toEqual(
      ["businessId", "chatId", "notificationType", "startedAt"]
    )
    expect(required("ChatArbitrageFinishedNotificationDTO")).toEqual(
      ["businessId", "chatId", "finishedAt", "notificationType"]
    )
    // PING lists no required field: `time` is optional, and so it is here
    expect(required("PingNotificationDTO")).toEqual([])
    for (const field of ["chatId", "businessId", "createdAt"] as const) {
      const { [field]: _, ...rest } = bodies.chatCreated
      expect(Either.isLeft(ChatsNotifications.decodeNotification(rest)), field).toBe(true)
    }
    expect(Either.isRight(ChatsNotifications.decodeNotification({ notificationType: "PING" }))).toBe(true)
  })

  it("the bodies at the edges that the receiver accepts are valid DTOs; the chat bodies it refuses are not", () => {
    const dto: Record<string, string> = {
      PING: "PingNotificationDTO",
      CHAT_CREATED: "ChatCreatedNotificationDTO",
      CHAT_MESSAGE_SENT: "ChatMessageSentNotificationDTO",
      CHAT_ARBITRAGE_STARTED: "ChatArbitrageStartedNotificationDTO",
      CHAT_ARBITRAGE_FINISHED: "ChatArbitrageFinishedNotificationDTO"
    }
    /** The body as the wire carries it: JSON text parsed, an object through JSON (dropping undefined fields). */
    const wire = (body: unknown): any => JSON.parse(typeof body === "string" ? body : JSON.stringify(body))
    for (const [label, body] of allowedBodies) {
      const parsed = wire(body)
      expectValid(schema(dto[parsed.notificationType]!), parsed, label)
      const encoded = ChatsNotifications.encodeNotification(Either.getOrThrow(ChatsNotifications.decodeNotification(parsed)))
      expectValid(schema(dto[parsed.notificationType]!), encoded, `${label}, encoded`)
    }
    let checked = 0
    for (const [label, body] of refusedBodies) {
      let parsed: any
      try {
        parsed = wire(body)
      } catch {
        continue // not JSON: no DTO to check against
      }
      const name = typeof parsed === "object" && parsed !== null ? dto[parsed.notificationType] : undefined
      if (name === undefined) continue
      expect(schema(name)(parsed), label).toBe(false)
      checked++
    }
    expect(checked).toBeGreaterThan(15)
  })
})
