/**
 * The `yandex-market` adapter wired as an application runs it, over real loopback HTTP: the
 * simulator, a `ChatsClient` without its own retries, `effect/chat`'s `Chat` with the adapter, a
 * notification receiver the simulator posts to, and the inbound side feeding a recording
 * `ChatHandler`. Adds what `ChatTest.conformance` needs: `userPosts`, `failNext`, `refuseFiles`.
 */
import { NodeHttpClient } from "@effect/platform-node"
import { Context, Deferred, Duration, Effect, Layer, Option, Redacted } from "effect"
import { Chat, ChatAdapter, ChatError, type ChatEvent, ChatHandler, type ChatThread } from "effect/chat"
import type { ChatTest } from "effect/chat"
import * as YandexMarketChat from "../../src/Chat.js"
import { ChatsClient } from "../../src/index.js"
import * as ChatsNotifications from "../../src/ChatsNotifications.js"
import * as Simulator from "../../src/Simulator.js"

/** The events the handler received, by message id, each waited for with a `Deferred`. */
export class Inbox extends Context.Service<Inbox, {
  readonly received: (messageId: string) => Deferred.Deferred<ChatEvent.MessageCreated>
  readonly all: Array<ChatEvent.ChatEvent>
}>()("test/chat/Inbox") {}

const inboxLayer = Layer.sync(Inbox, () => {
  const waiting = new Map<string, Deferred.Deferred<ChatEvent.MessageCreated>>()
  const received = (messageId: string) => {
    let deferred = waiting.get(messageId)
    if (deferred === undefined) waiting.set(messageId, deferred = Deferred.makeUnsafe<ChatEvent.MessageCreated>())
    return deferred
  }
  return Inbox.of({ received, all: [] })
})

/** Records every event (the bot's own too) in the `Inbox`. */
const handlerLayer = Layer.unwrap(Effect.map(Inbox, (inbox) =>
  ChatHandler.layer((event) =>
    Effect.sync(() => {
      inbox.all.push(event)
      if (event._tag === "MessageCreated") Deferred.doneUnsafe(inbox.received(event.message.id), Effect.succeed(event))
    }), { deliverSelf: true })))

/** Which capabilities failed `Unsupported` in each rule, recorded by a pass-through wrapper of the adapter. */
export class Probes extends Context.Service<Probes, { readonly seen: Set<ChatError.Capability> }>()("test/chat/Probes") {}

/** The adapter as registered, every op passing through, its `Unsupported` failures noted in `Probes`. */
const recordingAdapter = Effect.gen(function*() {
  const adapter = yield* YandexMarketChat.make
  const { seen } = yield* Probes
  const note = (error: ChatError.ChatError) =>
    Effect.sync(() => {
      if (error.reason._tag === "Unsupported") seen.add(error.reason.capability)
    })
  const wrap = <Args extends ReadonlyArray<any>, A>(f: (...args: Args) => Effect.Effect<A, ChatError.ChatError>) =>
  (...args: Args) => Effect.tapError(f(...args), note)
  const wrapped = {
    ...adapter,
    post: wrap(adapter.post),
    edit: wrap(adapter.edit),
    delete: wrap(adapter.delete),
    fetchMessage: wrap(adapter.fetchMessage),
    startThread: wrap(adapter.startThread),
    getThread: wrap(adapter.getThread),
    opener: wrap(adapter.opener),
    getUser: wrap(adapter.getUser),
    followUp: wrap(adapter.followUp)
  } satisfies ChatAdapter.ChatAdapter
  // the suite probes a missing native stream by reading the property
  return Object.defineProperty(wrapped, "nativeStream", {
    enumerable: true,
    get: () => {
      if (!adapter.descriptor.capabilities.has("nativeStream")) seen.add("nativeStream")
      return adapter.nativeStream
    }
  }) as ChatAdapter.ChatAdapter
})

/** The simulator, the receiver it notifies, the client, `Chat` with the adapter and the inbound side. */
export const ChatLive = Layer.mergeAll(
  ChatAdapter.layer(recordingAdapter),
  YandexMarketChat.layerInbound()
).pipe(
  Layer.provideMerge(Chat.layer),
  Layer.provideMerge(handlerLayer),
  Layer.provideMerge(inboxLayer),
  Layer.provideMerge(Layer.sync(Probes, () => ({ seen: new Set<ChatError.Capability>() }))),
  Layer.provideMerge(Layer.unwrap(Effect.map(Simulator.Simulator, (sim) =>
    ChatsClient.layer({ apiKey: Redacted.make(sim.apiKey), baseUrl: sim.url, retrySchedule: false })))),
  Layer.provideMerge(NodeHttpClient.layerUndici),
  Layer.provideMerge(Layer.effectDiscard(Effect.gen(function*() {
    const sim = yield* Simulator.Simulator
    const server = yield* ChatsNotifications.NotificationsServer
    yield* sim.setNotificationUrl(Redacted.value(server.endpoint))
  })).pipe(Layer.provideMerge(ChatsNotifications.layerServer({ port: 0 })))),
  Layer.provideMerge(Simulator.layer({ seed: 11, chats: 12, messages: 60 }))
)

/** How long a customer's message may take to come back as an event. */
const inboundTimeout = Duration.seconds(30)

/**
 * A customer posts in the thread's chat through the simulator, which notifies the receiver; the
 * event the adapter made of it, once the handler has it.
 */
export const userPosts = (thread: ChatThread.ChatThread, text: string) =>
  Effect.gen(function*() {
    const sim = yield* Simulator.Simulator
    const inbox = yield* Inbox
    const { chatId } = yield* YandexMarketChat.chatOf(thread)
    const posted = yield* sim.userPosts(chatId, { text })
    return yield* Deferred.await(inbox.received(String(posted.messageId))).pipe(
      Effect.timeoutOrElse({ duration: inboundTimeout, orElse: () => Effect.die(new Error("no inbound event")) })
    )
  }).pipe(Effect.orDie)

/** The simulator's operation behind a conformance op. */
const operationOf = (op: string): Simulator.Operation => {
  switch (op) {
    case "post":
      return "sendMessageToChat"
    case "fetchMessage":
    case "download":
      return "getChatMessage"
    case "history":
      return "getChatHistory"
    default:
      return "getChat"
  }
}

/** The HTTP answer that the client maps back to `reason`. */
const statusOf = (reason: ChatError.ChatErrorReason): number => {
  switch (reason._tag) {
    case "NotFound":
      return 404
    case "Forbidden":
      return 403
    case "Unauthenticated":
      return 401
    case "TooLarge":
      return 413
    case "PlatformUnavailable":
      return 503
    default:
      return 400
  }
}

/** Makes the simulator fail the next calls of `op` so that the adapter sees `reason`. */
export const failNext = (
  op: string,
  reason: ChatError.ChatErrorReason,
  options?: { readonly times?: number | undefined; readonly landed?: boolean | undefined }
) =>
  Effect.gen(function*() {
    const sim = yield* Simulator.Simulator
    const operation = operationOf(op)
    const times = options?.times ?? 1
    if (reason._tag === "RateLimited") {
      const retryAfterMillis = reason.retryAfter === undefined ? 0 : Duration.toMillis(reason.retryAfter)
      return yield* sim.failNext(operation, { kind: "rateLimit", retryAfterMillis }, times)
    }
    if (reason._tag === "Transport" || reason._tag === "Unknown") {
      // a send whose answer is lost: stored, then a 500, which the client reports as DeliveryUnknownError
      return yield* sim.addFault({
        kind: reason.retry === "retry" ? "error503" : "deliveredThen500",
        operations: [operation],
        times
      })
    }
    return yield* sim.failNext(operation, { kind: "status", status: statusOf(reason) }, times)
  })

/** Makes the simulator refuse the next file (400), as the market refuses a file it does not take. */
export const refuseFiles = () =>
  Effect.flatMap(Simulator.Simulator, (sim) =>
    sim.failNext("sendFileToChat", { kind: "status", status: 400, code: "BAD_REQUEST", message: "file refused" }))

/** The market has no mention syntax: no slice of a message is a mention. */
export const parseMention: ChatTest.ParseMention = () => Option.none()

/** Opens a fresh chat on an order of the simulator's business: the conformance suite's thread. */
export const freshThread = (orderId: number) =>
  Effect.flatMap(Simulator.Simulator, (sim) =>
    YandexMarketChat.openChat({ businessId: sim.businessId, context: { type: "ORDER", id: orderId } }))
