/**
 * The simulator's side of the market's API notifications: when a chat is opened or a message
 * appears, it POSTs the notification the market would send to the configured URL, in order,
 * retrying a 5xx or a timeout as the market does, and counts the answers.
 *
 * @internal
 */
import { Clock, Duration, Effect, Queue } from "effect"
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

/** How many tries a notification gets, and the pause between them. */
const maxTries = 5
const pause = Duration.millis(200)

/** Counters of the notifications sent. */
export interface NotifierStats {
  /** Notifications answered with 200. */
  delivered: number
  /** Notifications given up after every try, or refused with a 4xx. */
  failed: number
  /** Tries, retries included. */
  attempts: number
}

/** Sends notifications to a URL one after another, in the order the events happened. */
export class Notifier {
  url: string | undefined
  readonly stats: NotifierStats = { delivered: 0, failed: 0, attempts: 0 }
  private readonly queue = Effect.runSync(Queue.unbounded<Record<string, unknown>>())

  constructor(url: string | undefined) {
    this.url = url
  }

  /** Queues the notification of an event, when a URL is set. */
  readonly publish = (event: LiveEvent): void => {
    if (this.url !== undefined) Queue.unsafeOffer(this.queue, notificationBody(event))
  }

  /** Queues a `PING`. */
  readonly ping = (now: number): void => {
    if (this.url !== undefined) Queue.unsafeOffer(this.queue, { notificationType: "PING", time: formatIso(now) })
  }

  /** POSTs one body, answering whether it was accepted (true), refused for good (false), or worth a retry. */
  private post(url: string, body: Record<string, unknown>): Effect.Effect<"accepted" | "refused" | "retry"> {
    const timeout = body["notificationType"] === "PING" ? 1_000 : 10_000
    this.stats.attempts++
    return Effect.tryPromise((signal) =>
      fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
        signal: AbortSignal.any([signal, AbortSignal.timeout(timeout)])
      }).then(async (response) => {
        await response.arrayBuffer()
        return response.status === 200 ? "accepted" as const : response.status >= 500 ? "retry" as const : "refused" as const
      })
    ).pipe(Effect.orElseSucceed(() => "retry" as const))
  }

  /** Delivers one body with retries. */
  private deliver(body: Record<string, unknown>): Effect.Effect<void> {
    const tryOnce = (n: number): Effect.Effect<void> => {
      const url = this.url
      if (url === undefined) return Effect.void
      return Effect.flatMap(this.post(url, body), (outcome) => {
        if (outcome === "accepted") return Effect.sync(() => void this.stats.delivered++)
        if (outcome === "refused" || n >= maxTries) return Effect.sync(() => void this.stats.failed++)
        return Effect.zipRight(Effect.sleep(pause), tryOnce(n + 1))
      })
    }
    return tryOnce(1)
  }

  /**
   * Runs forever, delivering queued notifications in order; fork it in the simulator's scope. The
   * pauses between tries take real time, also when the simulator runs under a `TestClock`.
   */
  readonly run: Effect.Effect<never> = Effect.forever(Effect.flatMap(Queue.take(this.queue), (body) => this.deliver(body)))
    .pipe(Effect.withClock(Clock.make()))
}
