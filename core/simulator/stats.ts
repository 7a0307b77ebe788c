/**
 * Counters of what reached the simulator and what it did, for tests to assert on.
 */
import type { FaultKind } from "./faults.js"
import { zeroPerOperation } from "./operations.js"

/** A message or file posted through the API. */
export interface SentRecord {
  readonly operation: "sendMessageToChat" | "sendFileToChat"
  readonly businessId: number
  readonly chatId: number
  readonly messageId: number
  /** The text, for `sendMessageToChat`. */
  readonly text?: string
  /** The file name and size, for `sendFileToChat`. */
  readonly fileName?: string
  readonly size?: number
  /** When it was stored (epoch millis). */
  readonly at: number
  /** What the client was answered: `OK`, or the fault that replaced the answer. */
  answer: "OK" | FaultKind
}

/** The mutable counters of a simulator. */
export class StatsState {
  requests = zeroPerOperation()
  responses: Record<string, number> = {}
  chatsCreated = 0
  messagesSent = 0
  filesSent = 0
  deliveredButFailed = 0
  rateLimitedParallel = 0
  rateLimitedQuota = 0
  sent: Array<SentRecord> = []

  /** Counts a response by its status. */
  respond(status: number): void {
    this.responses[status] = (this.responses[status] ?? 0) + 1
  }

  /** Sets every counter back to zero (the sent log is emptied). */
  reset(): void {
    this.requests = zeroPerOperation()
    this.responses = {}
    this.chatsCreated = 0
    this.messagesSent = 0
    this.filesSent = 0
    this.deliveredButFailed = 0
    this.rateLimitedParallel = 0
    this.rateLimitedQuota = 0
    this.sent = []
  }
}
