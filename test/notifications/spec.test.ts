/**
 * The receiver's answers, and the bodies `encodeNotification` builds, checked with
 * ajv against the market's official description of push notifications, read from
 * the fixture `test/fixtures/spec/` (a copy kept in the repository, BSD-3-Clause). Skipped when the
 * description is not there.
 */
import { describe, expect, it } from "@effect/vitest"
import { Ajv, type ValidateFunction } from "ajv"
import addFormatsImport from "ajv-formats"
import { Effect, Either } from "effect"
import { existsSync, readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { parse as parseYaml } from "yaml"
import * as ChatsNotifications from "../../src/ChatsNotifications.js"
import { bodies, withReceiver } from "./helpers.js"

const specPath = fileURLToPath(new URL("../fixtures/spec/yandex-market-notification.openapi.yaml", import.meta.url))
const exists = existsSync(specPath)

type AddFormats = (ajv: Ajv) => Ajv
const addFormats: AddFormats =
  ((addFormatsImport as unknown as { default?: unknown }).default ?? addFormatsImport) as AddFormats

/** A validator of each component schema of the description, by name. */
const loadValidators = (): (name: string) => ValidateFunction => {
  const spec = parseYaml(readFileSync(specPath, "utf8")) as Record<string, unknown>
  // strict off: OpenAPI keywords (discriminator, x-transform, description markup) are not JSON Schema
  const ajv = new Ajv({ allErrors: true, strict: false })
  addFormats(ajv)
  ajv.addFormat("int32", true).addFormat("int64", true)
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

describe.skipIf(!exists)("against the official description of notifications", () => {
  const schema = exists ? loadValidators() : () => {
    throw new Error("unreachable")
  }

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
})
