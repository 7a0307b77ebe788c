/**
 * The descriptor of the `yandex-market` platform: what the market's chats can do, and its limits.
 */
import { Duration } from "effect"
import type { ChatAdapter, ChatError } from "effect/chat"
import { limits } from "../../../../core/chat/limits.js"
import { measure } from "../../../../core/chat/markdown.js"
import { platform } from "../../../../core/chat/threadId.js"

/** The capabilities the market has: reading messages, history and files, sending files, the chat and its users. */
export const capabilities: ReadonlySet<ChatError.Capability> = new Set<ChatError.Capability>([
  "fetchMessage",
  "history",
  "download",
  "files",
  "getThread",
  "opener",
  "getUser"
])

/** The descriptor the adapter registers. */
export const descriptor: ChatAdapter.Descriptor = {
  platform,
  capabilities,
  measure: (markdown) => measure(markdown),
  limits: {
    messageLength: limits.messageLength,
    filesPerMessage: limits.filesPerMessage,
    uploadBytes: limits.uploadBytes,
    minWriteInterval: Duration.millis(limits.minWriteIntervalMillis)
  }
}
