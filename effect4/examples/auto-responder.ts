/**
 * An auto-responder: answers every chat that waits for the seller with a template chosen by the
 * chat's context, and handles every typed error of the client.
 *
 *   YANDEX_MARKET_API_KEY=... YANDEX_MARKET_BUSINESS_ID=... node --import tsx examples/auto-responder.ts
 *
 * Point it at the simulator with YANDEX_MARKET_BASE_URL (see `npm run simulator`).
 */
import { NodeHttpClient, NodeRuntime } from "@effect/platform-node"
import { Config, Console, Effect, Ref, Stream } from "effect"
import { ChatsClient, type ChatsSchema } from "effect-yandex-market-chats"

/** The answer for a chat, by what it is about. */
const template = (chat: ChatsSchema.Chat): string => {
  const name = chat.context.customer?.name ?? "покупатель"
  switch (chat.context.type) {
    case "ORDER":
      return `Здравствуйте, ${name}! Мы получили ваш вопрос по заказу ${chat.context.orderId ?? ""} и ответим в течение часа.`
    case "RETURN":
      return `Здравствуйте, ${name}! Заявка на возврат ${chat.context.returnId ?? ""} у нас, мы её рассматриваем.`
    default:
      return `Здравствуйте, ${name}! Спасибо за сообщение, мы скоро ответим.`
  }
}

/** How the chats of a run ended. */
interface Tally {
  readonly answered: number
  readonly skipped: number
  readonly unknown: number
}

const program = Effect.gen(function*() {
  const businessId = yield* Config.Int("YANDEX_MARKET_BUSINESS_ID")
  const chats = yield* ChatsClient.ChatsClient
  const tally = yield* Ref.make<Tally>({ answered: 0, skipped: 0, unknown: 0 })
  const count = (outcome: keyof Tally) => Ref.update(tally, (t) => ({ ...t, [outcome]: t[outcome] + 1 }))

  /** Answers one chat; a failure of one chat is noted and the run goes on. */
  const answer = (chat: ChatsSchema.Chat) =>
    chats.sendMessageToChat({ businessId, chatId: chat.chatId, message: template(chat) }).pipe(
      Effect.andThen(count("answered")),
      Effect.catchTags({
        // the message may have been posted: do not send it again blindly, look at the chat later
        DeliveryUnknownError: (e) => Effect.andThen(Console.error(`chat ${chat.chatId}: ${e.message}`), count("unknown")),
        NotFoundError: () => count("skipped"),
        BadRequestError: (e) => Effect.andThen(Console.error(`chat ${chat.chatId}: refused: ${e.message}`), count("skipped"))
      })
    )

  yield* chats.streamChats({ businessId, filter: { statuses: ["WAITING_FOR_PARTNER"], types: ["CHAT"] }, limit: 20 }).pipe(
    Stream.mapEffect(answer, { concurrency: 8 }), // the client's gate keeps it at 4 in flight
    Stream.runDrain
  )
  const { answered, skipped, unknown } = yield* Ref.get(tally)
  yield* Console.log(`answered ${answered} chats, skipped ${skipped}, outcome unknown for ${unknown}`)
}).pipe(
  Effect.provide(ChatsClient.layerConfig()),
  Effect.provide(NodeHttpClient.layerUndici),
  // failures that stop the whole run: each one said plainly, no stack trace
  Effect.catchTags({
    UnauthorizedError: () => Effect.fail("no credentials: set YANDEX_MARKET_API_KEY"),
    ForbiddenError: (e) => Effect.fail(`no access to this business: ${e.message}`),
    RateLimitError: (e) => Effect.fail(`rate limited (${e.kind}); try again after ${e.rateLimit?.resetsAt ?? "a while"}`),
    InvalidRequestError: (e) => Effect.fail(e.message),
    InternalServerError: (e) => Effect.fail(`the market failed: ${e.message}`),
    UnexpectedStatusError: (e) => Effect.fail(`the market answered ${e.status}: ${e.message}`),
    ResponseDecodeError: (e) => Effect.fail(e.message),
    RequestTimeoutError: (e) => Effect.fail(e.message),
    PageTokenLoopError: (e) => Effect.fail(e.message),
    TransportError: (e) => Effect.fail(`network: ${e.message}`),
    LimiterUnavailableError: (e) => Effect.fail(e.message),
    InvalidOptionsError: (e) => Effect.fail(e.message),
    ConfigError: (e) => Effect.fail(`YANDEX_MARKET_BUSINESS_ID: ${e.message}`)
  }),
  Effect.tapError((message) => Console.error(message))
)

NodeRuntime.runMain(program, { disableErrorReporting: true })
