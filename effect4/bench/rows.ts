/**
 * The Effect 4 edition's rows for `bench/pages.ts` (over loopback) and `bench/parts.ts` (over an
 * in-memory transport), built over any `HttpClient` layer:
 *
 * - `bound`: `effect/http`'s `HttpClient` and a plain Schema decode of the page
 *   (`HttpClientResponse.schemaBodyJson` of `{ result: ChatsSchema.ChatHistoryPage }`): what a
 *   generated Effect client does, the bound of any client on `effect/http`;
 * - `client`: the Effect 4 edition's client, as users call it;
 * - parts turned off through the client's public options and layers, one at a time:
 *   `client-noretry` (`retrySchedule: false`), `client-nogate` (a gate that admits everything),
 *   `client-nostore` (a quota store that knows nothing and records nothing), `client-nohttpspan`
 *   (`HttpClient.TracerDisabledWhen`: the `HttpClient`'s own span off, the client's span kept),
 *   `client-notrace` (`Effect.withTracerEnabled(false)`: both spans off), and `client-bare` (all of
 *   those at once), with `bound-notrace` (the bound with the tracer off) to compare it with;
 * - `client-nometrics`: the client with its metrics not recorded, through an internal switch that
 *   no user has (`CallMetricsEnabled`; a user's client always records them): what recording costs;
 * - parts that no option turns off, added to the bound one at a time, as the client runs them:
 *   `bound-timeout` (the exchange racing its deadline, `Effect.raceFirst` with `Effect.sleep`), `bound-build` (the input checked by the
 *   client's validator and the request built per call from the endpoint table), `bound-decoder` (the
 *   body read as text, its quota headers read, and decoded by the client's own decoder, status
 *   classification and hand-written pass included, instead of `schemaBodyJson`).
 */
import { Effect, Layer, ManagedRuntime, Option, Redacted, Schema } from "effect"
import { Headers, HttpBody, HttpClient, HttpClientRequest, HttpClientResponse, UrlParams } from "effect/http"
import type { ServerInfo } from "../../bench/lib.js"
import { type Kind, pageUrl, type Row } from "../../bench/pageRounds.js"
import { endpointPath, endpoints, queryParams } from "../../core/client/endpoints.js"
import { quotaStateOf } from "../../core/client/rateLimit.js"
import { ChatsClient, ChatsLimiter, ChatsSchema } from "../src/index.js"
import { CallMetricsEnabled } from "../src/internal/client/callMetrics.js"
import { fast } from "../src/internal/client/fastDecode.js"
import { decodeResult } from "../src/internal/client/response.js"
import { validate } from "../src/internal/client/validate.js"

const HistoryBody = Schema.Struct({ result: ChatsSchema.ChatHistoryPage })
const ChatsBody = Schema.Struct({ result: ChatsSchema.ChatsPage })

/** The `HttpClient` the rows go through, made for the bench server a row runs against. */
export type Transport = (info: ServerInfo) => Layer.Layer<HttpClient.HttpClient>

/** Runs `n` sequential calls of `one` inside one Effect program, over a prebuilt runtime. */
const effectRow = <R, E>(
  name: string,
  label: string,
  layer: (info: ServerInfo) => Layer.Layer<R, E>,
  one: (info: ServerInfo, kind: Kind) => Effect.Effect<number, unknown, R>
): Row => ({
  name,
  label,
  setup: async (info, kind) => {
    const runtime = ManagedRuntime.make(layer(info))
    await runtime.runPromise(Effect.void)
    const page = one(info, kind)
    return {
      run: (n) =>
        runtime.runPromise(Effect.gen(function*() {
          let items = 0
          for (let i = 0; i < n; i++) items += yield* page
          return items
        })),
      close: () => runtime.dispose()
    }
  }
})

/** The request of the bound rows, built once: what a generated client sends. */
const boundRequest = (info: ServerInfo, kind: Kind): HttpClientRequest.HttpClientRequest =>
  HttpClientRequest.post(pageUrl(info, kind)).pipe(
    HttpClientRequest.setHeader("Api-Key", info.apiKey),
    HttpClientRequest.acceptJson,
    HttpClientRequest.bodyJsonUnsafe({})
  )

/** The page decoded by `schemaBodyJson`, as a number of items. */
const schemaBody = (kind: Kind) =>
  kind === "history"
    ? (response: HttpClientResponse.HttpClientResponse) =>
      Effect.map(HttpClientResponse.schemaBodyJson(HistoryBody)(response), (body) => body.result.messages.length)
    : (response: HttpClientResponse.HttpClientResponse) =>
      Effect.map(HttpClientResponse.schemaBodyJson(ChatsBody)(response), (body) => body.result.chats.length)

/** What a generated Effect client does: `HttpClient.execute` and `HttpClientResponse.schemaBodyJson`. */
const boundPage = (info: ServerInfo, kind: Kind): Effect.Effect<number, unknown, HttpClient.HttpClient> => {
  const request = boundRequest(info, kind)
  const decode = schemaBody(kind)
  return Effect.flatMap(HttpClient.HttpClient, (client) => Effect.flatMap(client.execute(request), decode))
}

/** The bound under the timeout the client puts on its exchange (`Effect.raceFirst` with a 30-second `Effect.sleep`). */
const boundTimeoutPage = (info: ServerInfo, kind: Kind): Effect.Effect<number, unknown, HttpClient.HttpClient> =>
  Effect.raceFirst(boundPage(info, kind), Effect.andThen(Effect.sleep("30 seconds"), Effect.fail(new Error("timed out"))))

/**
 * The bound with the client's request building per call: the input checked by the client's validator,
 * then the request made from the endpoint table with the client's headers, query and body.
 */
const boundBuildPage = (info: ServerInfo, kind: Kind): Effect.Effect<number, unknown, HttpClient.HttpClient> => {
  const decode = schemaBody(kind)
  const headers = Headers.fromInput({ "Api-Key": info.apiKey, accept: "application/json" })
  const body = HttpBody.text("{}", "application/json")
  const request = (path: string, query: Record<string, string | number | undefined>) =>
    HttpClientRequest.setBody(
      HttpClientRequest.makeWith("POST", info.fixedUrl + path, UrlParams.fromInput(queryParams(query)), Option.none(), headers, HttpBody.empty),
      body
    )
  const built = kind === "history"
    ? Effect.map(
      validate.getChatHistory({ businessId: info.businessId, chatId: 10001, limit: 100 }),
      (input) =>
        request(endpointPath(input.businessId, endpoints.getChatHistory), {
          chatId: input.chatId,
          page_token: input.pageToken,
          limit: input.limit
        })
    )
    : Effect.map(
      validate.getChats({ businessId: info.businessId, limit: 20 }),
      (input) => request(endpointPath(input.businessId, endpoints.getChats), { page_token: input.pageToken, limit: input.limit })
    )
  return Effect.flatMap(HttpClient.HttpClient, (client) =>
    Effect.flatMap(built, (req) => Effect.flatMap(client.execute(req), decode)))
}

/**
 * The bound with the client's decoder instead of `schemaBodyJson`: the body as text, the quota headers
 * read, the status classified and the body decoded by `decodeResult` (what the client does with an answer).
 */
const boundDecoderPage = (info: ServerInfo, kind: Kind): Effect.Effect<number, unknown, HttpClient.HttpClient> => {
  const request = boundRequest(info, kind)
  const operation = kind === "history" ? "getChatHistory" : "getChats"
  const requestInfo = { operation, method: "POST", path: endpointPath(info.businessId, endpoints[operation]) } as const
  const history = decodeResult(ChatsSchema.ChatHistoryPage, fast?.historyPage)
  const chats = decodeResult(ChatsSchema.ChatsPage, fast?.chatsPage)
  const decoder = (answer: { status: number; headers: Headers.Headers; text: string }): Effect.Effect<number, unknown> =>
    kind === "history"
      ? Effect.map(Effect.fromResult(history.decode(requestInfo, answer)), (page) => page.messages.length)
      : Effect.map(Effect.fromResult(chats.decode(requestInfo, answer)), (page) => page.chats.length)
  return Effect.flatMap(HttpClient.HttpClient, (client) =>
    Effect.flatMap(client.execute(request), (response) =>
      Effect.flatMap(response.text, (text) => {
        quotaStateOf(response.headers)
        return decoder({ status: response.status, headers: response.headers, text })
      })))
}

/** The client: `getChatHistory` / `getChats`, as a user calls them. */
const clientPage = (info: ServerInfo, kind: Kind): Effect.Effect<number, unknown, ChatsClient.ChatsClient> =>
  Effect.flatMap(ChatsClient.ChatsClient, (client) =>
    kind === "history"
      ? Effect.map(client.getChatHistory({ businessId: info.businessId, chatId: 10001, limit: 100 }), (page) => page.messages.length)
      : Effect.map(client.getChats({ businessId: info.businessId, limit: 20 }), (page) => page.chats.length))

/** A gate that admits every call at once. */
const openGate: ChatsLimiter.Gate = { withPermit: () => (effect) => effect }

/** A quota store that knows no quota and records nothing. */
const emptyStore: ChatsLimiter.QuotaStore = {
  reserve: () => Effect.succeedNone,
  record: () => Effect.void
}

/** Which parts of the client a row turns off. */
interface Off {
  readonly retry?: boolean
  readonly gate?: boolean
  readonly store?: boolean
}

/** The client over `transport`, with the parts in `off` turned off through its options and layers. */
const clientLayer = (transport: Transport, off: Off = {}) => (info: ServerInfo) =>
  ChatsClient.layer({
    apiKey: Redacted.make(info.apiKey),
    baseUrl: info.fixedUrl,
    ...(off.retry === true ? { retrySchedule: false } : {})
  }).pipe(
    Layer.provide(Layer.mergeAll(
      transport(info),
      off.gate === true ? Layer.succeed(ChatsLimiter.ChatsGate, openGate) : Layer.empty,
      off.store === true ? Layer.succeed(ChatsLimiter.ChatsQuotaStore, emptyStore) : Layer.empty
    ))
  )

/** A page with the tracer off: no span at all. */
const untraced = <R>(page: (info: ServerInfo, kind: Kind) => Effect.Effect<number, unknown, R>) => (info: ServerInfo, kind: Kind) =>
  Effect.withTracerEnabled(page(info, kind), false)

/**
 * The Effect rows over `transport` (names for `--only`): `bound`, `client`, and the rows that turn one
 * part of the client off or add one to the bound (see `bench/pages.ts`).
 */
export const effectRows = (transport: Transport, over: string): ReadonlyArray<Row> => {
  const bare = transport
  return [
    effectRow("bound", `\`effect/http\` HttpClient + plain Schema decode, ${over} (bound 4)`, bare, boundPage),
    effectRow("client", `the Effect 4 edition's client, ${over}`, clientLayer(transport), clientPage),
    effectRow("client-noretry", "client, `retrySchedule: false`", clientLayer(transport, { retry: true }), clientPage),
    effectRow("client-nogate", "client, a gate that admits everything", clientLayer(transport, { gate: true }), clientPage),
    effectRow("client-nostore", "client, a quota store that does nothing", clientLayer(transport, { store: true }), clientPage),
    effectRow(
      "client-nohttpspan",
      "client, the HttpClient's span off (`HttpClient.TracerDisabledWhen`)",
      clientLayer(transport),
      (info, kind) => Effect.provideService(clientPage(info, kind), HttpClient.TracerDisabledWhen, () => true)
    ),
    effectRow(
      "client-nometrics",
      "client, its metrics not recorded (an internal switch)",
      (info) => Layer.merge(clientLayer(transport)(info), Layer.succeed(CallMetricsEnabled, false)),
      clientPage
    ),
    effectRow("client-notrace", "client, tracer off (`Effect.withTracerEnabled(false)`)", clientLayer(transport), untraced(clientPage)),
    effectRow(
      "client-bare",
      "client, no retry, open gate, empty store, tracer off",
      clientLayer(transport, { retry: true, gate: true, store: true }),
      untraced(clientPage)
    ),
    effectRow("bound-notrace", "bound 4, tracer off", bare, untraced(boundPage)),
    effectRow("bound-timeout", "bound 4 under the client's timeout", bare, boundTimeoutPage),
    effectRow("bound-build", "bound 4 with the client's input check and request building", bare, boundBuildPage),
    effectRow("bound-decoder", "bound 4 with the client's decoder", bare, boundDecoderPage)
  ]
}
