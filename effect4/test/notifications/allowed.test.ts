/**
 * Every body the official description of notifications allows decodes to a `Result` success, and
 * encodes back to a body that decodes to the same event: the bodies are the shared tables'
 * `allowedCases` (core/cases/notifications.ts), whose answers and deliveries test/cases runs.
 */
import { describe, expect, it } from "@effect/vitest"
import { Result } from "effect"
import { allowedCases, refusedCases, wireText } from "../../../core/cases/notifications.js"
import * as ChatsNotifications from "../../src/ChatsNotifications.js"

describe("decoding and encoding the bodies at the edges", () => {
  it("each decodes, encodes to a body that decodes to the same event, and keeps messageId as given", () => {
    for (const { name, body } of allowedCases) {
      const parsed: Record<string, unknown> = JSON.parse(wireText(body))
      const decoded = Result.getOrThrow(ChatsNotifications.decodeNotification(parsed))
      const encoded = ChatsNotifications.encodeNotification(decoded)
      expect(Result.getOrThrow(ChatsNotifications.decodeNotification(encoded)), name).toEqual(decoded)
      if (decoded._tag === "ChatMessageSent") expect(encoded["messageId"], name).toBe(parsed["messageId"])
    }
  })

  it("decodeNotification is a Result: a refused body is a failure holding a MalformedNotificationError", () => {
    for (const { name, body } of refusedCases) {
      let parsed: unknown
      try {
        parsed = JSON.parse(wireText(body as object | string))
      } catch {
        continue // not JSON: refused before decoding
      }
      const result = ChatsNotifications.decodeNotification(parsed)
      expect(Result.isFailure(result), name).toBe(true)
      if (Result.isFailure(result)) {
        expect(result.failure._tag, name).toBe("MalformedNotificationError")
        expect(result.failure.message.length, name).toBeGreaterThan(0)
      }
    }
  })
})
