/**
 * Every body the official description of notifications allows decodes, and encodes back to a body
 * that decodes to the same event: the bodies are the shared tables' `allowedCases`
 * (core/cases/notifications.ts), whose answers and deliveries test/cases runs, and which
 * `spec.test.ts` checks against the description's DTOs.
 */
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { allowedCases, wireText } from "../../../core/cases/notifications.js"
import * as ChatsNotifications from "../../src/ChatsNotifications.js"

describe("decoding and encoding the bodies at the edges", () => {
  it("each decodes, encodes to a body that decodes to the same event, and keeps messageId as given", () => {
    for (const { name, body } of allowedCases) {
      const parsed: Record<string, unknown> = JSON.parse(wireText(body))
      const decoded = Either.getOrThrow(ChatsNotifications.decodeNotification(parsed))
      const encoded = ChatsNotifications.encodeNotification(decoded)
      expect(Either.getOrThrow(ChatsNotifications.decodeNotification(encoded)), name).toEqual(decoded)
      if (decoded._tag === "ChatMessageSent") expect(encoded["messageId"], name).toBe(parsed["messageId"])
    }
  })
})
