/**
 * The chats client: the seven chat operations of the Yandex Market Partner API
 * as an Effect service over `effect/http`'s `HttpClient`.
 *
 * @since 0.1.0
 */
import { Config, Context, Duration, Effect, Layer, Option, Redacted, Stream } from "effect"
import { Headers, HttpBody, HttpClient } from "effect/http"
import * as Settings from "../../core/client/baseUrl.js"
import * as ChatsError from "./ChatsError.js"
import * as ChatsLimiter from "./ChatsLimiter.js"
import type * as ChatsRequest from "./ChatsRequest.js"
import * as ChatsRetry from "./ChatsRetry.js"
import * as ChatsSchema from "./ChatsSchema.js"
import { apiKeyHeader, type CallContext, makeOperation } from "./internal/client/call.js"
import { fast } from "./internal/client/fastDecode.js"
import { filePart } from "./internal/client/multipart.js"
import { paginate } from "./internal/client/paginate.js"
import { decodeEmpty, decodeResult } from "./internal/client/response.js"
import { validate } from "./internal/client/validate.js"
import { limitsOf } from "./internal/limiter/reservingGate.js"

export {
  /** @since 0.1.0 */
  BadRequestError,
  /** @since 0.1.0 */
  DeliveryUnknownError,
  /** @since 0.1.0 */
  ForbiddenError,
  /** @since 0.1.0 */
  InternalServerError,
  /** @since 1.0.0 */
  InvalidOptionsError,
  /** @since 0.1.0 */
  InvalidRequestError,
  /** @since 0.1.0 */
  NotFoundError,
  /** @since 0.1.0 */
  PageTokenLoopError,
  /** @since 0.1.0 */
  RateLimitError,
  /** @since 0.1.0 */
  RequestTimeoutError,
  /** @since 0.1.0 */
  ResponseDecodeError,
  /** @since 0.1.0 */
  UnauthorizedError,
  /** @since 0.1.0 */
  UnexpectedStatusError
} from "./ChatsError.js"

/**
 * The market's production API.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultBaseUrl = "https://api.partner.market.yandex.ru"

export {
  /**
   * The name of the header that carries the API key; added to `Headers.CurrentRedactedNames` during each call.
   *
   * @since 0.1.0
   */
  apiKeyHeader
}

/**
 * The operations of the chats API, each taking one options object.
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** One page of a business's chats, and the token of the next page. */
  readonly getChats: (
    options: ChatsRequest.GetChats
  ) => Effect.Effect<ChatsSchema.ChatsPage, ChatsError.ChatsClientError>
  /** Every chat of a business that matches the filter, fetched page by page as the stream is consumed. */
  readonly streamChats: (
    options: ChatsRequest.StreamChats
  ) => Stream.Stream<ChatsSchema.Chat, ChatsError.ChatsStreamError>
  /** One page of a chat's messages, with the chat's context and the token of the next page. */
  readonly getChatHistory: (
    options: ChatsRequest.GetChatHistory
  ) => Effect.Effect<ChatsSchema.ChatHistoryPage, ChatsError.ChatsClientError>
  /** Every message of a chat, fetched page by page as the stream is consumed. */
  readonly streamChatHistory: (
    options: ChatsRequest.StreamChatHistory
  ) => Stream.Stream<ChatsSchema.ChatMessage, ChatsError.ChatsStreamError>
  /** Opens a chat on an order or a return, or finds the one already open; returns its id. */
  readonly createChat: (options: ChatsRequest.CreateChat) => Effect.Effect<number, ChatsError.ChatsClientError>
  /** Sends a text message (1 to 4096 characters) to a chat. */
  readonly sendMessageToChat: (
    options: ChatsRequest.SendMessageToChat
  ) => Effect.Effect<void, ChatsError.ChatsClientError>
  /** Sends a file (at most 5 MB) to a chat, as a multipart part named `file` that keeps its filename. */
  readonly sendFileToChat: (options: ChatsRequest.SendFileToChat) => Effect.Effect<void, ChatsError.ChatsClientError>
  /** One chat by its id. */
  readonly getChat: (options: ChatsRequest.GetChat) => Effect.Effect<ChatsSchema.Chat, ChatsError.ChatsClientError>
  /** One message of a chat by its id. */
  readonly getChatMessage: (
    options: ChatsRequest.GetChatMessage
  ) => Effect.Effect<ChatsSchema.ChatMessage, ChatsError.ChatsClientError>
}

/**
 * The chats client service.
 *
 * @since 0.1.0
 * @category services
 */
export class ChatsClient extends Context.Service<ChatsClient, Service>()("effect-yandex-market-chats/ChatsClient") {}

/**
 * Settings of the client.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** The API key, sent as `Api-Key: <key>` (the market's current method). */
  readonly apiKey?: Redacted.Redacted | undefined
  /** An OAuth token, sent as `Authorization: Bearer <token>` (older method); used when no `apiKey` is given. */
  readonly oauthToken?: Redacted.Redacted | undefined
  /** Where the API lives. Default `https://api.partner.market.yandex.ru`. */
  readonly baseUrl?: string | undefined
  /** A function over the `HttpClient` the requests go through (logging, proxies, extra headers). */
  readonly transformClient?: ((client: HttpClient.HttpClient) => HttpClient.HttpClient) | undefined
  /**
   * The retry schedule, fed each failure that is safe to repeat (`ChatsRetry.isSafeToRetry`);
   * `false` turns retrying off. Default `ChatsRetry.defaultSchedule()`.
   */
  readonly retrySchedule?: ChatsRetry.RetrySchedule | false | undefined
  /** How long one request may take, body included, before a `RequestTimeoutError`. Default 30 seconds. */
  readonly requestTimeout?: Duration.Input | undefined
  /**
   * How long a call may wait for a spent quota to reset before sending; a later reset fails the
   * call at once with a `RateLimitError` that says when. Default 1 minute.
   */
  readonly quotaWaitBudget?: Duration.Input | undefined
  /** Allows a plain `http://` base URL that is not on loopback. Default false: credentials travel only over TLS. */
  readonly allowInsecureHttp?: boolean | undefined
}

/** An `InvalidOptionsError` for a value that is wrong. */
const invalid = (option: string, description: string) =>
  new ChatsError.InvalidOptionsError({ option, reason: "invalid", description })

/** The base URL without trailing slashes, refused when it would send credentials in the clear. */
const checkBaseUrl = (raw: string, allowInsecureHttp: boolean): Effect.Effect<string, ChatsError.InvalidOptionsError> => {
  const checked = Settings.checkBaseUrl(raw, allowInsecureHttp)
  return checked.ok ? Effect.succeed(checked.value) : Effect.fail(invalid("baseUrl", checked.message))
}

/**
 * The header that carries the credential: `Api-Key` when an API key is given, else `Authorization`
 * with the OAuth token. No credential, or an empty or blank one, is an `InvalidOptionsError`.
 */
const credentialHeader = (
  options: Options
): Effect.Effect<readonly [name: string, value: string], ChatsError.InvalidOptionsError> => {
  const blank = (secret: Redacted.Redacted) => Settings.isBlank(Redacted.value(secret))
  if (options.apiKey !== undefined) {
    return blank(options.apiKey)
      ? Effect.fail(invalid("apiKey", Settings.credentialMessages.apiKeyEmpty))
      : Effect.succeed([apiKeyHeader, Redacted.value(options.apiKey)])
  }
  if (options.oauthToken !== undefined) {
    return blank(options.oauthToken)
      ? Effect.fail(invalid("oauthToken", Settings.credentialMessages.oauthTokenEmpty))
      : Effect.succeed(["authorization", `Bearer ${Redacted.value(options.oauthToken)}`])
  }
  return Effect.fail(
    new ChatsError.InvalidOptionsError({ option: "apiKey", reason: "missing", description: Settings.credentialMessages.none })
  )
}

/** A duration option, refused when it is not a duration or is below `min` milliseconds. */
const durationOption = (
  option: string,
  input: Duration.Input,
  min: { readonly millis: number; readonly words: string }
): Effect.Effect<Duration.Duration, ChatsError.InvalidOptionsError> => {
  const decoded = Duration.fromInput(input)
  return Option.isSome(decoded) && Duration.toMillis(decoded.value) >= min.millis
    ? Effect.succeed(decoded.value)
    : Effect.fail(invalid(option, `${option} must be a duration of ${min.words}, got ${JSON.stringify(String(input))}`))
}

/** The decoders of the answers, built once. */
const decode = {
  chatsPage: decodeResult(ChatsSchema.ChatsPage, fast?.chatsPage),
  historyPage: decodeResult(ChatsSchema.ChatHistoryPage, fast?.historyPage),
  createChat: decodeResult(ChatsSchema.CreateChatResult, fast?.createChatResult),
  chat: decodeResult(ChatsSchema.Chat, fast?.chat),
  message: decodeResult(ChatsSchema.ChatMessage, fast?.message)
}

/** A JSON request body. */
const json = (value: unknown): HttpBody.HttpBody => HttpBody.text(JSON.stringify(value), "application/json")

/** The body of a request without a filter: `{}`, made once. */
const emptyObject = json({})

/**
 * Builds the client from the current `HttpClient`, with the concurrency gate and quota store of the
 * context (`ChatsLimiter.ChatsGate`, `ChatsLimiter.ChatsQuotaStore`: shared in memory by default).
 * Fails with an `InvalidOptionsError` when no credential is given or the one given is empty, when the
 * base URL is not a URL, when it is plain `http://` off loopback without `allowInsecureHttp`, or when a
 * duration option is not a duration.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: (
  options?: Options
) => Effect.Effect<Service, ChatsError.InvalidOptionsError, HttpClient.HttpClient> = Effect.fnUntraced(
  function*(options: Options = {}) {
    const baseUrl = yield* checkBaseUrl(options.baseUrl ?? defaultBaseUrl, options.allowInsecureHttp ?? false)
    const [credentialName, credentialValue] = yield* credentialHeader(options)
    const requestTimeout = yield* durationOption("requestTimeout", options.requestTimeout ?? "30 seconds", {
      millis: 1,
      words: "at least 1 millisecond"
    })
    const quotaWaitBudget = yield* durationOption("quotaWaitBudget", options.quotaWaitBudget ?? "1 minute", {
      millis: 0,
      words: "zero or more"
    })
    const baseClient = yield* HttpClient.HttpClient
    const ctx: CallContext = {
      httpClient: options.transformClient === undefined ? baseClient : options.transformClient(baseClient),
      baseUrl,
      headers: Headers.fromInput({ [credentialName]: credentialValue, accept: "application/json" }),
      secrets: [options.apiKey, options.oauthToken].flatMap((secret) => secret === undefined ? [] : [Redacted.value(secret)]),
      schedule: options.retrySchedule ?? ChatsRetry.defaultSchedule(),
      limits: limitsOf(yield* ChatsLimiter.ChatsGate, yield* ChatsLimiter.ChatsQuotaStore),
      requestTimeout,
      quotaWaitBudgetMillis: Duration.toMillis(quotaWaitBudget)
    }

    const call = {
      getChats: makeOperation(ctx, "getChats", decode.chatsPage),
      getChatHistory: makeOperation(ctx, "getChatHistory", decode.historyPage),
      createChat: makeOperation(ctx, "createChat", decode.createChat),
      sendMessageToChat: makeOperation(ctx, "sendMessageToChat", decodeEmpty),
      sendFileToChat: makeOperation(ctx, "sendFileToChat", decodeEmpty),
      getChat: makeOperation(ctx, "getChat", decode.chat),
      getChatMessage: makeOperation(ctx, "getChatMessage", decode.message)
    }

    /** One page of chats. */
    const chatsPage = (input: ChatsRequest.StreamChats, pageToken: string | undefined) =>
      call.getChats({
        businessId: input.businessId,
        query: { page_token: pageToken, limit: input.limit },
        body: input.filter === undefined ? emptyObject : json(input.filter)
      })

    /** One page of a chat's history. */
    const historyPage = (input: ChatsRequest.StreamChatHistory, pageToken: string | undefined) =>
      call.getChatHistory({
        businessId: input.businessId,
        chatId: input.chatId,
        query: { chatId: input.chatId, page_token: pageToken, limit: input.limit },
        body: input.messageIdFrom === undefined ? emptyObject : json({ messageIdFrom: input.messageIdFrom })
      })

    return ChatsClient.of({
      getChats: (options) => Effect.flatMap(validate.getChats(options), (input) => chatsPage(input, input.pageToken)),
      streamChats: (options) =>
        Stream.unwrap(Effect.map(validate.streamChats(options), (input) =>
          paginate("getChats", (token) =>
            Effect.map(chatsPage(input, token), (page) => ({
              items: page.chats,
              nextPageToken: page.paging?.nextPageToken
            }))))),
      getChatHistory: (options) =>
        Effect.flatMap(validate.getChatHistory(options), (input) => historyPage(input, input.pageToken)),
      streamChatHistory: (options) =>
        Stream.unwrap(Effect.map(validate.streamChatHistory(options), (input) =>
          paginate("getChatHistory", (token) =>
            Effect.map(historyPage(input, token), (page) => ({
              items: page.messages,
              nextPageToken: page.paging?.nextPageToken
            }))))),
      createChat: (options) =>
        Effect.flatMap(validate.createChat(options), (input) =>
          Effect.map(
            call.createChat({ businessId: input.businessId, query: {}, body: json({ context: input.context }) }),
            (result) => result.chatId
          )),
      sendMessageToChat: (options) =>
        Effect.flatMap(validate.sendMessageToChat(options), (input) =>
          call.sendMessageToChat({
            businessId: input.businessId,
            chatId: input.chatId,
            query: { chatId: input.chatId },
            body: json({ message: input.message })
          })),
      sendFileToChat: (options) =>
        Effect.flatMap(validate.sendFileToChat(options), (input) =>
          Effect.flatMap(filePart(input.file), (body) =>
            call.sendFileToChat({ businessId: input.businessId, chatId: input.chatId, query: { chatId: input.chatId }, body }))),
      getChat: (options) =>
        Effect.flatMap(validate.getChat(options), (input) =>
          call.getChat({
            businessId: input.businessId,
            chatId: input.chatId,
            query: { chatId: input.chatId },
            body: HttpBody.empty
          })),
      getChatMessage: (options) =>
        Effect.flatMap(validate.getChatMessage(options), (input) =>
          call.getChatMessage({
            businessId: input.businessId,
            chatId: input.chatId,
            query: { chatId: input.chatId, messageId: input.messageId },
            body: HttpBody.empty
          }))
    })
  }
)

/**
 * A layer of the client with the given settings; it needs only an `HttpClient`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options: Options = {}
): Layer.Layer<ChatsClient, ChatsError.InvalidOptionsError, HttpClient.HttpClient> => Layer.effect(ChatsClient, make(options))

/**
 * Settings read through Effect `Config` by {@link layerConfig}.
 *
 * @since 0.1.0
 * @category models
 */
export interface ConfigOptions extends Omit<Options, "apiKey" | "oauthToken" | "baseUrl"> {
  /** The API key. Default: `YANDEX_MARKET_API_KEY`, if set. */
  readonly apiKey?: Config.Config<Redacted.Redacted | undefined> | undefined
  /** The OAuth token. Default: `YANDEX_MARKET_OAUTH_TOKEN`, if set. */
  readonly oauthToken?: Config.Config<Redacted.Redacted | undefined> | undefined
  /** The base URL. Default: `YANDEX_MARKET_BASE_URL`, else the production API. */
  readonly baseUrl?: Config.Config<string | undefined> | undefined
}

/**
 * A config value, `undefined` when it is not set; a value that cannot be read is an `InvalidOptionsError`
 * naming the option (its text never holds the value).
 */
const readOptional = <A>(
  option: string,
  config: Config.Config<A>
): Effect.Effect<A | undefined, ChatsError.InvalidOptionsError> =>
  Effect.mapError(
    Config.withDefault(config, undefined),
    (error: Config.ConfigError) => invalid(option, `${option} could not be read from the configuration: ${error.message}`)
  )

/**
 * A layer of the client whose credentials and base URL come from Effect `Config`:
 * `YANDEX_MARKET_API_KEY`, `YANDEX_MARKET_OAUTH_TOKEN` and `YANDEX_MARKET_BASE_URL` by default
 * (`Config.Redacted` for the credentials). Building it fails with an `InvalidOptionsError` (not Effect's
 * `ConfigError`) when neither credential is set, when the one that is used is empty, or when a value
 * cannot be read.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  options: ConfigOptions = {}
): Layer.Layer<ChatsClient, ChatsError.InvalidOptionsError, HttpClient.HttpClient> =>
  Layer.effect(
    ChatsClient,
    Effect.gen(function*() {
      const apiKey = yield* readOptional("apiKey", options.apiKey ?? Config.Redacted("YANDEX_MARKET_API_KEY"))
      const oauthToken = yield* readOptional("oauthToken", options.oauthToken ?? Config.Redacted("YANDEX_MARKET_OAUTH_TOKEN"))
      const baseUrl = yield* readOptional("baseUrl", options.baseUrl ?? Config.String("YANDEX_MARKET_BASE_URL"))
      if (apiKey === undefined && oauthToken === undefined) {
        return yield* new ChatsError.InvalidOptionsError({
          option: options.apiKey === undefined ? "YANDEX_MARKET_API_KEY" : "apiKey",
          reason: "missing",
          description: options.apiKey === undefined && options.oauthToken === undefined
            ? Settings.credentialMessages.noneInEnvironment
            : Settings.credentialMessages.noneInConfig
        })
      }
      return yield* make({ ...options, apiKey, oauthToken, baseUrl })
    })
  )
