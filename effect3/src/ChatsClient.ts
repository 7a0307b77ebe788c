/**
 * The chats client: the seven chat operations of the Yandex Market Partner API
 * as an Effect service over `@effect/platform`'s `HttpClient`.
 *
 * @since 0.1.0
 */
import { HttpBody, HttpClient } from "@effect/platform"
import { Config, ConfigError, Context, Duration, Effect, Either, Layer, ParseResult, Redacted, Schema, Stream } from "effect"
import * as Settings from "../../core/client/baseUrl.js"
import { endpointPath, endpoints } from "../../core/client/endpoints.js"
import * as ChatsError from "./ChatsError.js"
import * as ChatsLimiter from "./ChatsLimiter.js"
import * as ChatsRequest from "./ChatsRequest.js"
import * as ChatsRetry from "./ChatsRetry.js"
import * as ChatsSchema from "./ChatsSchema.js"
import { apiKeyHeader, call, type CallContext, type CallSpec } from "./internal/client/call.js"
import { limitsOf } from "./internal/limiter/reservingGate.js"
import { fast } from "./internal/client/fastDecode.js"
import { describeIssue } from "./internal/client/issues.js"
import { filePart } from "./internal/client/multipart.js"
import { paginate } from "./internal/client/paginate.js"
import { decodeEmpty, decodeResult } from "./internal/client/response.js"

export {
  /** @since 0.1.0 */
  BadRequestError,
  /** @since 0.1.0 */
  DeliveryUnknownError,
  /** @since 0.1.0 */
  ForbiddenError,
  /** @since 0.1.0 */
  InternalServerError,
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
   * The name of the header that carries the API key; added to the redacted header names.
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
 * @category tags
 */
export class ChatsClient extends Context.Tag("effect-yandex-market-chats/ChatsClient")<ChatsClient, Service>() {}

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
  readonly requestTimeout?: Duration.DurationInput | undefined
  /**
   * How long a call may wait for a spent quota to reset before sending; a later reset fails the
   * call at once with a `RateLimitError` that says when. Default 1 minute.
   */
  readonly quotaWaitBudget?: Duration.DurationInput | undefined
  /** Allows a plain `http://` base URL that is not on loopback. Default false: credentials travel only over TLS. */
  readonly allowInsecureHttp?: boolean | undefined
}

/** Checks an input against its schema; a violation is an `InvalidRequestError`. */
const validator = <A, I>(operation: ChatsError.Operation, schema: Schema.Schema<A, I>) => {
  const decode = ParseResult.decodeUnknownEither(schema, { errors: "all", onExcessProperty: "ignore" })
  return (input: unknown): Effect.Effect<A, ChatsError.InvalidRequestError> => {
    const result = decode(input)
    return Either.isRight(result)
      ? Effect.succeed(result.right)
      : Effect.fail(
        new ChatsError.InvalidRequestError({
          operation,
          description: describeIssue(result.left)
        })
      )
  }
}

const validate = {
  getChats: validator("getChats", ChatsRequest.GetChats),
  streamChats: validator("getChats", ChatsRequest.StreamChats),
  getChatHistory: validator("getChatHistory", ChatsRequest.GetChatHistory),
  streamChatHistory: validator("getChatHistory", ChatsRequest.StreamChatHistory),
  createChat: validator("createChat", ChatsRequest.CreateChat),
  sendMessageToChat: validator("sendMessageToChat", ChatsRequest.SendMessageToChat),
  sendFileToChat: validator("sendFileToChat", ChatsRequest.SendFileToChat),
  getChat: validator("getChat", ChatsRequest.GetChat),
  getChatMessage: validator("getChatMessage", ChatsRequest.GetChatMessage)
}

/** The decoders of the answers: the schemas, with the hand-written fast path for the bodies that match them. */
const decode = {
  chatsPage: decodeResult(ChatsSchema.ChatsPage, fast?.chatsPage),
  historyPage: decodeResult(ChatsSchema.ChatHistoryPage, fast?.historyPage),
  createChat: decodeResult(ChatsSchema.CreateChatResult, fast?.createChatResult),
  chat: decodeResult(ChatsSchema.Chat, fast?.chat),
  message: decodeResult(ChatsSchema.ChatMessage, fast?.message)
}

/** The base URL without trailing slashes, refused when it would send credentials in the clear (`core/client/baseUrl.ts`). */
const checkBaseUrl = (raw: string, allowInsecureHttp: boolean): Effect.Effect<string, ConfigError.ConfigError> => {
  const checked = Settings.checkBaseUrl(raw, allowInsecureHttp)
  return checked.ok ? Effect.succeed(checked.value) : Effect.fail(ConfigError.InvalidData(["baseUrl"], checked.message))
}

/**
 * The header that carries the credential: `Api-Key` when an API key is given, else `Authorization`
 * with the OAuth token. No credential, or an empty or blank one, is a `ConfigError`.
 */
const credentialHeaders = (options: Options): Effect.Effect<Record<string, string>, ConfigError.ConfigError> => {
  const blank = (secret: Redacted.Redacted) => Settings.isBlank(Redacted.value(secret))
  if (options.apiKey !== undefined) {
    return blank(options.apiKey)
      ? Effect.fail(ConfigError.InvalidData(["apiKey"], Settings.credentialMessages.apiKeyEmpty))
      : Effect.succeed({ [apiKeyHeader]: Redacted.value(options.apiKey) })
  }
  if (options.oauthToken !== undefined) {
    return blank(options.oauthToken)
      ? Effect.fail(ConfigError.InvalidData(["oauthToken"], Settings.credentialMessages.oauthTokenEmpty))
      : Effect.succeed({ authorization: `Bearer ${Redacted.value(options.oauthToken)}` })
  }
  return Effect.fail(ConfigError.MissingData(["apiKey"], Settings.credentialMessages.none))
}

/** A JSON request body. */
const json = (value: unknown) => HttpBody.text(JSON.stringify(value), "application/json")

/** The request of one page of chats. */
const chatsPageCall = (input: ChatsRequest.StreamChats, pageToken: string | undefined): CallSpec<ChatsSchema.ChatsPage> => ({
  operation: "getChats",
  businessId: input.businessId,
  method: endpoints.getChats.method,
  path: endpointPath(input.businessId, endpoints.getChats),
  query: { page_token: pageToken, limit: input.limit },
  body: json(input.filter ?? {}),
  decode: decode.chatsPage
})

/** The request of one page of a chat's history. */
const historyPageCall = (
  input: ChatsRequest.StreamChatHistory,
  pageToken: string | undefined
): CallSpec<ChatsSchema.ChatHistoryPage> => ({
  operation: "getChatHistory",
  businessId: input.businessId,
  method: endpoints.getChatHistory.method,
  path: endpointPath(input.businessId, endpoints.getChatHistory),
  query: { chatId: input.chatId, page_token: pageToken, limit: input.limit },
  body: json(input.messageIdFrom === undefined ? {} : { messageIdFrom: input.messageIdFrom }),
  decode: decode.historyPage
})

/**
 * Builds the client from the current `HttpClient`, with the concurrency gate and quota store of the
 * context (`ChatsLimiter.ChatsGate`, `ChatsLimiter.ChatsQuotaStore`: shared in memory by default).
 * Fails with a `ConfigError` when no credential is given or the one given is empty, when the base URL
 * is not a URL, or when it is plain `http://` off loopback without `allowInsecureHttp`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  options: Options = {}
): Effect.Effect<Service, ConfigError.ConfigError, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const baseUrl = yield* checkBaseUrl(options.baseUrl ?? defaultBaseUrl, options.allowInsecureHttp ?? false)
    const authHeaders = yield* credentialHeaders(options)
    const baseClient = yield* HttpClient.HttpClient
    const transform = options.transformClient ?? ((client: HttpClient.HttpClient) => client)
    const ctx: CallContext = {
      httpClient: transform(baseClient.pipe(HttpClient.withTracerPropagation(false))),
      baseUrl,
      authHeaders,
      secrets: [options.apiKey, options.oauthToken].flatMap((secret) => secret === undefined ? [] : [Redacted.value(secret)]),
      schedule: options.retrySchedule ?? ChatsRetry.defaultSchedule(),
      limits: limitsOf(yield* ChatsLimiter.ChatsGate, yield* ChatsLimiter.ChatsQuotaStore),
      requestTimeout: Duration.decode(options.requestTimeout ?? "30 seconds"),
      quotaWaitBudget: Duration.decode(options.quotaWaitBudget ?? "1 minute")
    }

    return ChatsClient.of({
      getChats: (options) =>
        Effect.flatMap(validate.getChats(options), (input) => call(ctx, chatsPageCall(input, input.pageToken))),
      streamChats: (options) =>
        Stream.unwrap(Effect.map(validate.streamChats(options), (input) =>
          paginate("getChats", (token) =>
            Effect.map(call(ctx, chatsPageCall(input, token)), (page) => ({
              items: page.chats,
              nextPageToken: page.paging?.nextPageToken
            }))))),
      getChatHistory: (options) =>
        Effect.flatMap(validate.getChatHistory(options), (input) => call(ctx, historyPageCall(input, input.pageToken))),
      streamChatHistory: (options) =>
        Stream.unwrap(Effect.map(validate.streamChatHistory(options), (input) =>
          paginate("getChatHistory", (token) =>
            Effect.map(call(ctx, historyPageCall(input, token)), (page) => ({
              items: page.messages,
              nextPageToken: page.paging?.nextPageToken
            }))))),
      createChat: (options) =>
        Effect.flatMap(validate.createChat(options), (input) =>
          Effect.map(
            call(ctx, {
              operation: "createChat",
              businessId: input.businessId,
              method: endpoints.createChat.method,
              path: endpointPath(input.businessId, endpoints.createChat),
              query: {},
              body: json({ context: input.context }),
              decode: decode.createChat
            }),
            (result) => result.chatId
          )),
      sendMessageToChat: (options) =>
        Effect.flatMap(validate.sendMessageToChat(options), (input) =>
          call(ctx, {
            operation: "sendMessageToChat",
            businessId: input.businessId,
            method: endpoints.sendMessageToChat.method,
            path: endpointPath(input.businessId, endpoints.sendMessageToChat),
            query: { chatId: input.chatId },
            body: json({ message: input.message }),
            decode: decodeEmpty
          })),
      sendFileToChat: (options) =>
        Effect.flatMap(validate.sendFileToChat(options), (input) =>
          Effect.flatMap(filePart(input.file), (body) =>
            call(ctx, {
              operation: "sendFileToChat",
              businessId: input.businessId,
              method: endpoints.sendFileToChat.method,
              path: endpointPath(input.businessId, endpoints.sendFileToChat),
              query: { chatId: input.chatId },
              body,
              decode: decodeEmpty
            }))),
      getChat: (options) =>
        Effect.flatMap(validate.getChat(options), (input) =>
          call(ctx, {
            operation: "getChat",
            businessId: input.businessId,
            method: endpoints.getChat.method,
            path: endpointPath(input.businessId, endpoints.getChat),
            query: { chatId: input.chatId },
            body: HttpBody.empty,
            decode: decode.chat
          })),
      getChatMessage: (options) =>
        Effect.flatMap(validate.getChatMessage(options), (input) =>
          call(ctx, {
            operation: "getChatMessage",
            businessId: input.businessId,
            method: endpoints.getChatMessage.method,
            path: endpointPath(input.businessId, endpoints.getChatMessage),
            query: { chatId: input.chatId, messageId: input.messageId },
            body: HttpBody.empty,
            decode: decode.message
          }))
    })
  })

/**
 * A layer of the client with the given settings; it needs only an `HttpClient`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options: Options = {}
): Layer.Layer<ChatsClient, ConfigError.ConfigError, HttpClient.HttpClient> =>
  Layer.effect(ChatsClient, make(options))

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

/** An optional config value: undefined when the variable is not set. */
const optionalConfig = <A>(config: Config.Config<A>): Config.Config<A | undefined> =>
  Config.withDefault(config, undefined)

/**
 * A layer of the client whose credentials and base URL come from Effect `Config`:
 * `YANDEX_MARKET_API_KEY`, `YANDEX_MARKET_OAUTH_TOKEN` and `YANDEX_MARKET_BASE_URL` by default.
 * Building it fails with a `ConfigError` when neither credential is set, or when the one that
 * is used is empty.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  options: ConfigOptions = {}
): Layer.Layer<ChatsClient, ConfigError.ConfigError, HttpClient.HttpClient> =>
  Layer.effect(
    ChatsClient,
    Effect.gen(function*() {
      const apiKey = yield* (options.apiKey ?? optionalConfig(Config.redacted("YANDEX_MARKET_API_KEY")))
      const oauthToken = yield* (options.oauthToken ?? optionalConfig(Config.redacted("YANDEX_MARKET_OAUTH_TOKEN")))
      const baseUrl = yield* (options.baseUrl ?? optionalConfig(Config.string("YANDEX_MARKET_BASE_URL")))
      if (apiKey === undefined && oauthToken === undefined) {
        return yield* Effect.fail(ConfigError.MissingData(
          [options.apiKey === undefined ? "YANDEX_MARKET_API_KEY" : "apiKey"],
          options.apiKey === undefined && options.oauthToken === undefined
            ? Settings.credentialMessages.noneInEnvironment
            : Settings.credentialMessages.noneInConfig
        ))
      }
      return yield* make({
        ...options,
        apiKey,
        oauthToken,
        baseUrl
      })
    })
  )
