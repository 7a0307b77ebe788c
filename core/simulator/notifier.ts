/**
 * The simulator's side of the market's API notifications: when a chat is opened or a message
 * appears, it POSTs the notification the market would send to the configured URL, in order,
 * retrying a 5xx or a timeout as the market does, and counts the answers.
 */
import { setTimeout as sleep } from "node:timers/promises"
import { formatIso } from "./dates.js"
import type { ChatRecord, MessageRecord } from "./model.js"

/** Something that happened in the store that the market notifies about. */
export type LiveEvent =
  | { readonly kind: "chatCreated"; readonly chat: ChatRecord }
  | { readonly kind: "messageSent"; readonly chat: ChatRecord; readonly message: MessageRecord }
  | { readonly kind: "arbitrageStarted" | "arbitrageFinished"; readonly chat: ChatRecord; readonly at: number }

/** The notification body the market sends for an event, as the notification description has it. */
export const notificationBody = (event: LiveEvent): Record<string, unknown> => {
  const { chat } = event
  switch (event.kind) {
    case "chatCreated":
      return { notificationType: "CHAT_CREATED", chatId: chat.chatId, businessId: chat.businessId, createdAt: formatIso(chat.createdAt) }
    case "messageSent":
      return {
        notificationType: "CHAT_MESSAGE_SENT",
        chatId: chat.chatId,
        messageId: String(event.message.messageId), // a string in notifications
        businessId: chat.businessId,
        sentAt: formatIso(event.message.createdAt)
      }
    case "arbitrageStarted":
      return { notificationType: "CHAT_ARBITRAGE_STARTED", chatId: chat.chatId, businessId: chat.businessId, startedAt: formatIso(event.at) }
    case "arbitrageFinished":
      return { notificationType: "CHAT_ARBITRAGE_FINISHED", chatId: chat.chatId, businessId: chat.businessId, finishedAt: formatIso(event.at) }
  }
}

/** How many tries a notification gets, and the pause between them (in millis). */
const maxTries = 5
const pauseMillis = 200

/** Counters of the notifications sent. */
export interface NotifierStats {
  /** Notifications answered with 200. */
  delivered: number
  /** Notifications given up after every try, or refused with a 4xx. */
  failed: number
  /** Tries, retries included. */
  attempts: number
}

/** What one POST came to: accepted (200), refused for good (4xx and the like), or worth a retry. */
type Outcome = "accepted" | "refused" | "retry"

/**
 * Sends notifications to a URL one after another, in the order the events happened, from the
 * moment it is made until `close`. The pauses between tries take real time.
 */
export class Notifier {
  url: string | undefined
  readonly stats: NotifierStats = { delivered: 0, failed: 0, attempts: 0 }
  private readonly queue: Array<Record<string, unknown>> = []
  private readonly stop = new AbortController()
  private wake: (() => void) | undefined = undefined
  private readonly running: Promise<void>

  constructor(url: string | undefined) {
    this.url = url
    this.running = this.run()
  }

  /** Queues the notification of an event, when a URL is set. */
  readonly publish = (event: LiveEvent): void => {
    if (this.url !== undefined) this.enqueue(notificationBody(event))
  }

  /** Queues a `PING`. */
  readonly ping = (now: number): void => {
    if (this.url !== undefined) this.enqueue({ notificationType: "PING", time: formatIso(now) })
  }

  /** Stops sending (a POST under way is aborted) and resolves once the sender has stopped. */
  close(): Promise<void> {
    this.stop.abort()
    this.wake?.()
    return this.running
  }

  private enqueue(body: Record<string, unknown>): void {
    this.queue.push(body)
    this.wake?.()
  }

  /** POSTs one body. */
  private async post(url: string, body: Record<string, unknown>): Promise<Outcome> {
    const timeout = body["notificationType"] === "PING" ? 1_000 : 10_000
    this.stats.attempts++
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
        signal: AbortSignal.any([this.stop.signal, AbortSignal.timeout(timeout)])
      })
      await response.arrayBuffer()
      return response.status === 200 ? "accepted" : response.status >= 500 ? "retry" : "refused"
    } catch {
      return "retry"
    }
  }

  /** Delivers one body with retries. */
  private async deliver(body: Record<string, unknown>): Promise<void> {
    for (let n = 1;; n++) {
      const url = this.url
      if (url === undefined) return
      const outcome = await this.post(url, body)
      if (this.stop.signal.aborted) return
      if (outcome === "accepted") return void this.stats.delivered++
      if (outcome === "refused" || n >= maxTries) return void this.stats.failed++
      try {
        await sleep(pauseMillis, undefined, { signal: this.stop.signal })
      } catch {
        return
      }
    }
  }

  /** Delivers queued notifications in order until `close`. */
  private async run(): Promise<void> {
    while (!this.stop.signal.aborted) {
      const body = this.queue.shift()
      if (body === undefined) {
        await new Promise<void>((resolve) => this.wake = resolve)
        this.wake = undefined
      } else {
        await this.deliver(body)
      }
    }
  }
}
