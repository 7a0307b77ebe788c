/**
 * The receiver's answers, and the bodies `encodeNotification` builds, checked with
 * ajv against the market's official description of push notifications (a copy kept in
 * `core/testing/spec/`, BSD-3-Clause), and the shared tables' bodies against its DTOs.
 */
import { describe, expect, it } from "@effect/vitest"
import type { ValidateFunction } from "ajv"
import { Effect, Either } from "effect"
import { allowedCases, refusedCases } from "../../../core/cases/notifications.js"
import { loadNotificationValidators, notificationDtos, requiredFields } from "../../../core/testing/notificationSpec.js"
import * as ChatsNotifications from "../../src/ChatsNotifications.js"
import { bodies, withReceiver } from "./helpers.js"

/** Asserts that a body is valid against a component schema, showing ajv's errors when not. */
const expectValid = (validate: ValidateFunction, body: unknown, label: string) => {
  const valid = validate(body)
  expect(valid ? [] : validate.errors, label).toEqual([])
}

describe("against the official description of notifications", () => {
  const schema = loadNotificationValidators()

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
    const required = requiredFields
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
    const dto = notificationDtos
    /** The body as the wire carries it: JSON text parsed, an object through JSON (dropping undefined fields). */
    const wire = (body: unknown): any => JSON.parse(typeof body === "string" ? body : JSON.stringify(body))
    for (const { name: label, body } of allowedCases) {
      const parsed = wire(body)
      expectValid(schema(dto[parsed.notificationType]!), parsed, label)
      const encoded = ChatsNotifications.encodeNotification(Either.getOrThrow(ChatsNotifications.decodeNotification(parsed)))
      expectValid(schema(dto[parsed.notificationType]!), encoded, `${label}, encoded`)
    }
    let checked = 0
    for (const { name: label, body } of refusedCases) {
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
