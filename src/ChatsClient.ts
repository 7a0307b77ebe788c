/**
 * The chats client: the seven chat operations of the Yandex Market Partner API
 * as an Effect service over `@effect/platform`'s `HttpClient`.
 *
 * @since 0.1.0
 */
import { Headers, HttpBody, HttpClient, HttpClientRequest } from "@effect/platform"
import { Config, Context, Effect, Either, Layer, ParseResult, Redacted, Schema, Stream } from "effect"
import type * as ConfigError from "effect/ConfigError"
import * as ChatsError from "./ChatsError.js"
import * as ChatsRequest from "./ChatsRequest.js"
import * as ChatsRetry from "./ChatsRetry.js"
import * as ChatsSchema from "./ChatsSchema.js"
import { describeIssue } from "./internal/client/issues.js"
import { paginate } from "./internal/client/paginate.js"
import { type BodyDecoder, decodeEmpty, decodeResult, type RequestInfo } from "./internal/client/response.js"

export {
  /** @since 0.1.0 */
  BadRequestError,
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

/**
 * The name of the header that carries the API key; added to the redacted header names.
 *
 * @since 0.1.0
 * @category constants
 */
export const apiKeyHeader = "Api-Key"

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
}

/** Adds the `Api-Key` header to the names that logs and spans redact. */
const withRedactedApiKey = Effect.locallyWith(
  Headers.currentRedactedNames,
  (names) => names.includes(apiKeyHeader) ? names : [...names, apiKeyHeader]
)

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

/** Query parameters, leaving out the absent ones. */
const query = (params: Record<string, string | number | undefined>): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const key in params) {
    const value = params[key]
    if (value !== undefined) out[key] = String(value)
  }
  return out
}

/** The multipart body of `sendFileToChat`: one part named `file` that keeps its filename. */
const fileBody = (file: ChatsRequest.SendFileToChat["file"]): HttpBody.HttpBody => {
  const form = new FormData()
  const type = file.contentType ?? (file.data instanceof Blob ? file.data.type : "")
  form.append("file", new File([file.data as BlobPart], file.name, { type }))
  return HttpBody.formData(form)
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

const decode = {
  chatsPage: decodeResult(ChatsSchema.ChatsPage),
  historyPage: decodeResult(ChatsSchema.ChatHistoryPage),
  createChat: decodeResult(ChatsSchema.CreateChatResult),
  chat: decodeResult(ChatsSchema.Chat),
  message: decodeResult(ChatsSchema.ChatMessage)
}

/**
 * Builds the client from the current `HttpClient`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options = {}): Effect.Effect<Service, never, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const baseUrl = (options.baseUrl ?? defaultBaseUrl).replace(/\/+$/, "")
    const authHeaders: Record<string, string> = options.apiKey !== undefined
      ? { [apiKeyHeader]: Redacted.value(options.apiKey) }
      : options.oauthToken !== undefined
      ? { authorization: `Bearer ${Redacted.value(options.oauthToken)}` }
      : {}
    const baseClient = yield* HttpClient.HttpClient
    const httpClient = (options.transformClient ?? ((c: HttpClient.HttpClient) => c))(
      baseClient.pipe(HttpClient.withTracerPropagation(false))
    )
    const schedule = options.retrySchedule === undefined ? ChatsRetry.defaultSchedule() : options.retrySchedule

    /** Sends one request, decodes the answer, and retries what is safe to retry. */
    const send = <A>(
      operation: ChatsError.Operation,
      method: "GET" | "POST",
      path: string,
      params: Record<string, string | number | undefined>,
      body: HttpBody.HttpBody,
      decodeBody: BodyDecoder<A>
    ): Effect.Effect<A, ChatsError.ChatsClientError> => {
      const info: RequestInfo = { operation, method, path }
      const request = HttpClientRequest.make(method)(baseUrl + path, {
        urlParams: query(params),
        headers: authHeaders,
        body,
        acceptJson: true
      })
      const once = Effect.flatMap(httpClient.execute(request), (response) => decodeBody(info, response))
      const retried = schedule === false
        ? once
        : Effect.retry(once, { schedule, while: (error) => ChatsRetry.isSafeToRetry(operation, error) })
      return withRedactedApiKey(retried)
    }

    const json = (value: unknown) => HttpBody.text(JSON.stringify(value), "application/json")
    const businessPath = (businessId: number, rest: string) => `/v2/businesses/${businessId}${rest}`

    const fetchChats = (input: ChatsRequest.StreamChats, pageToken: string | undefined) =>
      send(
        "getChats",
        "POST",
        businessPath(input.businessId, "/chats"),
        { page_token: pageToken, limit: input.limit },
        json(input.filter ?? {}),
        decode.chatsPage
      )

    const fetchHistory = (input: ChatsRequest.StreamChatHistory, pageToken: string | undefined) =>
      send(
        "getChatHistory",
        "POST",
        businessPath(input.businessId, "/chats/history"),
        { chatId: input.chatId, page_token: pageToken, limit: input.limit },
        json(input.messageIdFrom === undefined ? {} : { messageIdFrom: input.messageIdFrom }),
        decode.historyPage
      )

    return ChatsClient.of({
      getChats: (options) =>
        Effect.flatMap(validate.getChats(options), (input) => fetchChats(input, input.pageToken)),
      streamChats: (options) =>
        Stream.unwrap(Effect.map(validate.streamChats(options), (input) =>
          paginate("getChats", (token) =>
            Effect.map(fetchChats(input, token), (page) => ({
              items: page.chats,
              nextPageToken: page.paging?.nextPageToken
            }))))),
      getChatHistory: (options) =>
        Effect.flatMap(validate.getChatHistory(options), (input) => fetchHistory(input, input.pageToken)),
      streamChatHistory: (options) =>
        Stream.unwrap(Effect.map(validate.streamChatHistory(options), (input) =>
          paginate("getChatHistory", (token) =>
            Effect.map(fetchHistory(input, token), (page) => ({
              items: page.messages,
              nextPageToken: page.paging?.nextPageToken
            }))))),
      createChat: (options) =>
        Effect.flatMap(validate.createChat(options), (input) =>
          Effect.map(
            send(
              "createChat",
              "POST",
              businessPath(input.businessId, "/chats/new"),
              {},
              json({ context: input.context }),
              decode.createChat
            ),
            (result) => result.chatId
          )),
      sendMessageToChat: (options) =>
        Effect.flatMap(validate.sendMessageToChat(options), (input) =>
          send(
            "sendMessageToChat",
            "POST",
            businessPath(input.businessId, "/chats/message"),
            { chatId: input.chatId },
            json({ message: input.message }),
            decodeEmpty
          )),
      sendFileToChat: (options) =>
        Effect.flatMap(validate.sendFileToChat(options), (input) =>
          send(
            "sendFileToChat",
            "POST",
            businessPath(input.businessId, "/chats/file/send"),
            { chatId: input.chatId },
            fileBody(input.file),
            decodeEmpty
          )),
      getChat: (options) =>
        Effect.flatMap(validate.getChat(options), (input) =>
          send(
            "getChat",
            "GET",
            businessPath(input.businessId, "/chat"),
            { chatId: input.chatId },
            HttpBody.empty,
            decode.chat
          )),
      getChatMessage: (options) =>
        Effect.flatMap(validate.getChatMessage(options), (input) =>
          send(
            "getChatMessage",
            "GET",
            businessPath(input.businessId, "/chats/message"),
            { chatId: input.chatId, messageId: input.messageId },
            HttpBody.empty,
            decode.message
          ))
    })
  })

/**
 * A layer of the client with the given settings; it needs only an `HttpClient`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<ChatsClient, never, HttpClient.HttpClient> =>
  Layer.effect(ChatsClient, make(options))

/**
 * Settings read through Effect `Config` by {@link layerConfig}.
 *
 * @since 0.1.0
 * @category models
 */
export interface ConfigOptions {
  /** The API key. Default: `YANDEX_MARKET_API_KEY`, if set. */
  readonly apiKey?: Config.Config<Redacted.Redacted | undefined> | undefined
  /** The OAuth token. Default: `YANDEX_MARKET_OAUTH_TOKEN`, if set. */
  readonly oauthToken?: Config.Config<Redacted.Redacted | undefined> | undefined
  /** The base URL. Default: `YANDEX_MARKET_BASE_URL`, else the production API. */
  readonly baseUrl?: Config.Config<string | undefined> | undefined
  /** As in {@link Options}. */
  readonly transformClient?: Options["transformClient"]
  /** As in {@link Options}. */
  readonly retrySchedule?: Options["retrySchedule"]
}

/** An optional config value: undefined when the variable is not set. */
const optionalConfig = <A>(config: Config.Config<A>): Config.Config<A | undefined> =>
  Config.withDefault(config, undefined)

/**
 * A layer of the client whose credentials and base URL come from Effect `Config`:
 * `YANDEX_MARKET_API_KEY`, `YANDEX_MARKET_OAUTH_TOKEN` and `YANDEX_MARKET_BASE_URL` by default.
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
      return yield* make({
        apiKey,
        oauthToken,
        baseUrl,
        transformClient: options.transformClient,
        retrySchedule: options.retrySchedule
      })
    })
  )
