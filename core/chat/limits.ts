/**
 * The market's limits as the `effect/chat` descriptor holds them, and where each comes from.
 */
import { maxFileBytes, maxMessageLength } from "../client/limits.js"

/** The send quota of a business per hour (`sendMessageToChat` and `sendFileToChat`: 1,000 each, spec README). */
export const sendQuotaPerHour = 1000

/**
 * - `messageLength`: 4096, in code points: `sendMessageToChat`'s `message` is 1..4096 characters
 *   (OpenAPI `maxLength`, which counts code points).
 * - `filesPerMessage`: 1: `sendFileToChat` takes one part named `file`; a file is a message of its own.
 * - `uploadBytes`: 5 MB (5 × 1024 × 1024): `sendFileToChat`'s limit.
 * - `minWriteIntervalMillis`: 3,600: the market publishes no per-chat pace, so this is the adapter's
 *   own: an hour over the send quota of 1,000 per business, the pace at which one conversation
 *   writing without pause never spends the quota. The parallel limit (4 in flight per business) is
 *   kept by the client's gate, which every write goes through.
 */
export const limits = {
  messageLength: maxMessageLength,
  filesPerMessage: 1,
  uploadBytes: maxFileBytes,
  minWriteIntervalMillis: 3_600_000 / sendQuotaPerHour
} as const
