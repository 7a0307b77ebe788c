/**
 * The decoded types, as a user's editor sees them: each event's fields with their types, and
 * `Completed` adding what `complete` fetched. Checked by the compiler (and `expectTypeOf`).
 */
import { describe, expectTypeOf, it } from "@effect/vitest"
import type { DateTime, Option } from "effect"
import type * as ChatsNotifications from "../../src/ChatsNotifications.js"
import type * as ChatsSchema from "../../src/ChatsSchema.js"

describe("decoded types", () => {
  it("each event has its tag and fields", () => {
    expectTypeOf<ChatsNotifications.ChatCreated>().toEqualTypeOf<{
      readonly _tag: "ChatCreated"
      readonly chatId: number
      readonly businessId: number
      readonly createdAt: DateTime.Utc
    }>()
    expectTypeOf<ChatsNotifications.ChatMessageSent["messageId"]>().toEqualTypeOf<string>()
    expectTypeOf<ChatsNotifications.ChatMessageSent["messageIdNumber"]>().toEqualTypeOf<Option.Option<number>>()
    expectTypeOf<ChatsNotifications.ChatMessageSent["sentAt"]>().toEqualTypeOf<DateTime.Utc>()
    expectTypeOf<ChatsNotifications.ChatArbitrageStarted["startedAt"]>().toEqualTypeOf<DateTime.Utc>()
    expectTypeOf<ChatsNotifications.ChatArbitrageFinished["finishedAt"]>().toEqualTypeOf<DateTime.Utc>()
    expectTypeOf<ChatsNotifications.Ping>().toEqualTypeOf<{ readonly _tag: "Ping"; readonly time?: DateTime.Utc }>()
    expectTypeOf<ChatsNotifications.UnknownNotification["body"]>().toEqualTypeOf<{ readonly [x: string]: unknown }>()
    expectTypeOf<ChatsNotifications.Event["_tag"]>().toEqualTypeOf<
      "ChatCreated" | "ChatMessageSent" | "ChatArbitrageStarted" | "ChatArbitrageFinished" | "UnknownNotification"
    >()
  })

  it("Completed adds the chat or the message", () => {
    expectTypeOf<ChatsNotifications.Completed<ChatsNotifications.ChatCreated>["chat"]>().toEqualTypeOf<ChatsSchema.Chat>()
    expectTypeOf<ChatsNotifications.Completed<ChatsNotifications.ChatMessageSent>["chatMessage"]>().toEqualTypeOf<
      ChatsSchema.ChatMessage
    >()
    expectTypeOf<ChatsNotifications.Completed<ChatsNotifications.UnknownNotification>>().toEqualTypeOf<
      ChatsNotifications.UnknownNotification
    >()
  })
})
