/**
 * The `yandex-market` adapter of `effect/chat` over `ChatsClient`: each op is one or a few client
 * calls (so it shares the client's gate, quota, spans and transport), each call retried with
 * `effect/chat`'s `retrySafe` (so `Chat.withoutRetries` makes one attempt, and an `uncertain`
 * send is never retried).
 */
import { Effect, Option, Semaphore, Stream } from "effect"
import { type ChatAdapter, ChatError, type ChatMessage, type ChatThread, type ChatUi } from "effect/chat"
import { ChatAdapter as Adapter } from "effect/chat"
import { HttpClient, HttpClientRequest } from "effect/http"
import { isBlank, markdownToText } from "../../../../core/chat/markdown.js"
import {
  type ChatAddress,
  formatThreadId,
  parseAttachmentId,
  parseMessageId,
  parseThreadId
} from "../../../../core/chat/threadId.js"
import { parseUserId } from "../../../../core/chat/users.js"
import { historyLimitRange } from "../../../../core/client/limits.js"
import { ChatsClient } from "../../ChatsClient.js"
import type { ChatsStreamError } from "../../ChatsError.js"
import type * as ChatsSchema from "../../ChatsSchema.js"
import { descriptor } from "./descriptor.js"
import { chatError, fail, mapClientErrors } from "./errors.js"
import { toChatMessage, toThreadInfo } from "./messages.js"

/** The chat a thread names, or `InvalidRequest` for an id that is not `<businessId>:<chatId>`. */
export const addressOf = (op: string, thread: ChatThread.ChatThread): Effect.Effect<ChatAddress, ChatError.ChatError> => {
  const parsed = parseThreadId(thread.id)
  return parsed.ok ? Effect.succeed(parsed.value) : fail(op, new ChatError.InvalidRequest({ detail: "malformed_thread_id" }))
}

/** An op the market has no equivalent for. */
const unsupported = (op: string, capability: ChatError.Capability) =>
  fail(op, new ChatError.Unsupported({ capability }))

/** The capability a message's elements need, when it has any. */
const actionsNeed = (actions: ReadonlyArray<ChatUi.Action> | undefined): ChatError.Capability | undefined =>
  actions?.some((action) => action._tag !== "Select")
    ? "buttons"
    : actions?.some((action) => action._tag === "Select")
    ? "selects"
    : undefined

/** One client call of `op`, its errors mapped, retried as `effect/chat` retries. */
const request = <A, R>(op: string, effect: Effect.Effect<A, ChatsStreamError, R>) =>
  Adapter.retrySafe(mapClientErrors(op)(effect))

/** A message id of the market, or `NotFound` for one that cannot be (no such message exists). */
const messageIdOf = (op: string, id: string) => {
  const parsed = parseMessageId(id)
  return parsed === undefined ? fail(op, new ChatError.NotFound({ detail: "message_not_found" })) : Effect.succeed(parsed)
}

/** The largest history page the API serves. */
const pageSize = historyLimitRange.max

/** Builds the adapter over the `ChatsClient` and the `HttpClient` (for file downloads) of the context. */
export const make: Effect.Effect<ChatAdapter.ChatAdapter, never, ChatsClient | HttpClient.HttpClient> = Effect.gen(
  function*() {
    const client = yield* ChatsClient
    const http = yield* HttpClient.HttpClient
    /** Per chat: one write at a time, so that a post finds its own message. */
    const writeLocks = new Map<string, Semaphore.Semaphore>()
    /** Per chat: the newest message id seen, where a post starts looking for its message. */
    const newestSeen = new Map<string, number>()
    const lockOf = (key: string) => {
      let lock = writeLocks.get(key)
      if (lock === undefined) writeLocks.set(key, lock = Semaphore.makeUnsafe(1))
      return lock
    }

    /** The messages of a chat, oldest first, from `messageIdFrom` (inclusive), page by page as pulled. */
    const pages = (op: string, chat: ChatAddress, messageIdFrom: number | undefined) =>
      Stream.paginate<string | undefined, ChatsSchema.ChatMessage, ChatError.ChatError>(undefined, (pageToken) =>
        Effect.flatMap(
          request(op, client.getChatHistory({ ...chat, messageIdFrom, pageToken, limit: pageSize })),
          (page) => {
            const next = page.paging?.nextPageToken
            if (next !== undefined && next === pageToken) {
              return fail(op, new ChatError.InvalidResponse({ detail: "page_token_loop" }))
            }
            const messages = messageIdFrom === undefined
              ? page.messages
              : page.messages.filter((message) => message.messageId >= messageIdFrom)
            return Effect.succeed([messages, next === undefined ? Option.none() : Option.some(next)] as const)
          }
        ))

    /** Remembers the newest message id seen in a chat. */
    const saw = (chat: ChatAddress, messages: ReadonlyArray<ChatsSchema.ChatMessage>) => {
      const key = formatThreadId(chat)
      for (const message of messages) {
        if (message.messageId > (newestSeen.get(key) ?? 0)) newestSeen.set(key, message.messageId)
      }
    }

    /**
     * The message a send just posted: the newest seller message after `from` that `matches`. The API
     * does not answer a send with the message's id, so it is read back from the history.
     */
    const findSent = (chat: ChatAddress, from: number | undefined, matches: (m: ChatsSchema.ChatMessage) => boolean) =>
      Effect.flatMap(Stream.runCollect(pages("post", chat, from)), (messages) => {
        saw(chat, messages)
        const found = messages.filter((message) => message.sender === "PARTNER" && matches(message)).pop()
        return found === undefined
          ? fail("post", new ChatError.Unknown({ detail: "sent_message_not_found" }))
          : Effect.succeed(found)
      })

    const post: ChatAdapter.Ops["post"] = (thread, content) =>
      Effect.gen(function*() {
        const files = content.files ?? []
        if (content.replyTo !== undefined) return yield* unsupported("post", "replyTo")
        const need = actionsNeed(content.actions)
        if (need !== undefined) return yield* unsupported("post", need)
        const chat = yield* addressOf("post", thread)
        const text = markdownToText(content.markdown)
        yield* Adapter.checkMessageLength(descriptor, "post", text)
        if (
          files.length > descriptor.limits.filesPerMessage ||
          files.some((file) => file.content.byteLength > descriptor.limits.uploadBytes)
        ) {
          return yield* fail("post", new ChatError.TooLarge({ subject: "files", detail: ChatError.fileRefused }))
        }
        if (isBlank(text) && files.length === 0) {
          return yield* fail("post", new ChatError.InvalidRequest({ detail: "empty_message" }))
        }
        const key = formatThreadId(chat)
        return yield* lockOf(key).withPermit(Effect.gen(function*() {
          const from = newestSeen.get(key)
          // Files first: a refused file leaves nothing posted.
          const sentFiles: Array<ChatsSchema.ChatMessage> = []
          for (const file of files) {
            yield* request(
              "post",
              client.sendFileToChat({ ...chat, file: { name: file.name, data: file.content, contentType: file.contentType } })
            )
            sentFiles.push(
              yield* findSent(chat, from, (message) => message.payload?.[0]?.name === file.name)
            )
          }
          let sentText: ChatsSchema.ChatMessage | undefined
          if (!isBlank(text)) {
            yield* request("post", client.sendMessageToChat({ ...chat, message: text }))
            sentText = yield* findSent(chat, sentFiles[0]?.messageId ?? from, (message) => message.message === text)
          }
          const first = sentFiles[0] ?? sentText!
          return { id: String(first.messageId), thread, timestamp: first.createdAt } satisfies ChatAdapter.Posted
        }))
      })

    const fetchMessage: ChatAdapter.Ops["fetchMessage"] = (thread, messageId) =>
      Effect.gen(function*() {
        const chat = yield* addressOf("fetchMessage", thread)
        const id = yield* messageIdOf("fetchMessage", messageId)
        const message = yield* request("fetchMessage", client.getChatMessage({ ...chat, messageId: id }))
        return toChatMessage(chat, message)
      })

    const history: ChatAdapter.Ops["history"] = (thread, options) =>
      Stream.unwrap(Effect.gen(function*() {
        const chat = yield* addressOf("history", thread)
        const from = options.from === undefined ? undefined : yield* messageIdOf("history", options.from)
        if (options.direction === "forward") {
          return Stream.map(pages("history", chat, from === undefined ? undefined : from + 1), (m) => toChatMessage(chat, m))
        }
        // Backward: the API reads forward only, so the chat is read from its start up to `from`.
        const all = yield* Stream.runCollect(
          Stream.takeWhile(pages("history", chat, undefined), (message) => from === undefined || message.messageId < from)
        )
        return Stream.fromIterable(all.reverse().map((m) => toChatMessage(chat, m)))
      }))

    const download: ChatAdapter.Ops["download"] = (thread, attachment, options) =>
      Stream.unwrap(Effect.gen(function*() {
        const chat = yield* addressOf("download", thread)
        const ref = parseAttachmentId(attachment.id)
        if (ref === undefined) return yield* fail("download", new ChatError.NotFound({ detail: "file_not_found" }))
        const message = yield* request("download", client.getChatMessage({ ...chat, messageId: ref.messageId }))
        const file = message.payload?.[ref.index]
        if (file === undefined) return yield* fail("download", new ChatError.NotFound({ detail: "file_not_found" }))
        if (file.size > options.maxBytes) {
          return yield* fail("download", new ChatError.TooLarge({ detail: "max_bytes" }))
        }
        const response = yield* Adapter.retrySafe(
          http.execute(HttpClientRequest.get(file.url)).pipe(
            Effect.mapError((cause) => chatError("download", new ChatError.Transport({ retry: "retry", detail: "transport", cause }))),
            Effect.flatMap((response) =>
              response.status === 200
                ? Effect.succeed(response)
                : fail(
                  "download",
                  response.status === 404 || response.status === 410
                    ? new ChatError.NotFound({ detail: "file_not_found" })
                    : response.status === 401 || response.status === 403
                    ? new ChatError.Forbidden({ detail: `http_${response.status}` })
                    : response.status >= 500
                    ? new ChatError.PlatformUnavailable({ retry: "retry", detail: `http_${response.status}` })
                    : new ChatError.InvalidResponse({ detail: `http_${response.status}` })
                ))
          )
        )
        let received = 0
        return response.stream.pipe(
          Stream.mapError((cause) => chatError("download", new ChatError.Transport({ retry: "retry", detail: "transport", cause }))),
          Stream.flatMap((chunk) => {
            received += chunk.byteLength
            return received > options.maxBytes
              ? Stream.fail(chatError("download", new ChatError.TooLarge({ detail: "max_bytes" })))
              : Stream.make(chunk)
          })
        )
      }))

    const getThread: ChatAdapter.Ops["getThread"] = (thread) =>
      Effect.gen(function*() {
        const chat = yield* addressOf("getThread", thread)
        return toThreadInfo(chat, yield* request("getThread", client.getChat(chat)))
      })

    const opener: ChatAdapter.Ops["opener"] = (thread) =>
      Effect.gen(function*() {
        const chat = yield* addressOf("opener", thread)
        yield* request("opener", client.getChat(chat))
        return Option.none<ChatMessage.ChatMessage>()
      })

    const getUser: ChatAdapter.Ops["getUser"] = (id) =>
      Effect.gen(function*() {
        const user = parseUserId(id)
        switch (user?.kind) {
          case undefined:
            return yield* fail("getUser", new ChatError.NotFound({ detail: "user_not_found" }))
          case "self":
            return { id, name: `business ${user.businessId}`, isBot: true, isSelf: true, raw: { businessId: user.businessId } }
          case "market":
            return { id, name: "Yandex Market", isBot: true, isSelf: false, raw: { sender: "MARKET" } }
          case "support":
            return { id, name: "Yandex Market support", isBot: false, isSelf: false, raw: { sender: "SUPPORT" } }
          case "customer": {
            const chat = yield* request("getUser", client.getChat(user.chat))
            const customer = chat.context.customer
            return {
              id,
              name: customer?.name ?? "buyer",
              isBot: false,
              isSelf: false,
              raw: {
                thread: formatThreadId(user.chat),
                ...(customer?.name === undefined ? {} : { name: customer.name }),
                ...(customer?.publicId === undefined ? {} : { publicId: customer.publicId })
              }
            }
          }
        }
      })

    return {
      descriptor,
      post,
      edit: () => unsupported("edit", "edit"),
      delete: () => unsupported("delete", "delete"),
      fetchMessage,
      history,
      download,
      startThread: () => unsupported("startThread", "startThread"),
      getThread,
      opener,
      getUser,
      followUp: () => unsupported("followUp", "commands")
    } satisfies ChatAdapter.ChatAdapter
  }
)

