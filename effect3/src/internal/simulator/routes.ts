/**
 * The HTTP application of the simulator: the seven operations under
 * `/v2/businesses/:businessId` (and the older paths without `/v2`), each behind
 * the same pipeline (credentials, parallel limit, quota, faults), plus file downloads.
 *
 * @internal
 */
import { HttpRouter, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { Clock, Effect } from "effect"
import type { Credentials } from "./auth.js"
import { readCredential } from "./auth.js"
import {
  type ApiFailure,
  badRequest,
  errorBody,
  forbidden,
  limitExceeded,
  methodNotAllowed,
  notFound,
  unauthorized
} from "./errors.js"
import { dropsConnection, type FaultKind, type Faults, refusesRequest, renderFault } from "./faults.js"
import { chatToDto, contextToDto, messageToDto } from "./model.js"
import { type Operation, operationNames, operations, resourceName } from "./operations.js"
import { encodePageToken } from "./pageToken.js"
import {
  optionalBodyId,
  parseChatFilter,
  parseContext,
  parseId,
  queryCursor,
  queryLimit,
  readJsonObject,
  readUploadedFile,
  requireQueryId
} from "./requests.js"
import {
  parallelMessage,
  type QuotaState,
  quotaMessage,
  rateLimitHeaders,
  type RateLimits
} from "./rateLimits.js"
import type { SentRecord, StatsState } from "./stats.js"
import type { Store } from "./store.js"

/** Everything the routes read and change. */
export interface Env {
  readonly store: Store
  readonly limits: RateLimits
  readonly faults: Faults
  readonly credentials: Credentials
  readonly stats: StatsState
  /** The simulator's own URL, for file links. */
  readonly baseUrl: string
  readonly maxFileBytes: number
  readonly maxMessageLength: number
}

/** One authorized request of an operation. */
interface Call {
  readonly request: HttpServerRequest.HttpServerRequest
  readonly query: URLSearchParams
  readonly businessId: number
  readonly now: number
}

/** What an operation did: its `result` (absent for sends) and the message it stored, if any. */
interface Outcome {
  readonly result?: unknown
  readonly sent?: SentRecord
}

type Handler = (env: Env, call: Call) => Effect.Effect<Outcome, ApiFailure>

const realClock = Clock.make()

const jsonResponse = (status: number, body: unknown, headers: Record<string, string>) =>
  HttpServerResponse.unsafeJson(body, { status, headers })

const failureResponse = (failure: ApiFailure, headers: Record<string, string>) =>
  jsonResponse(failure.status, errorBody(failure.code, failure.message), headers)

/** The chat of the query's `chatId` in the caller's business, else 404. */
const queryChat = (env: Env, call: Call) =>
  Effect.flatMap(requireQueryId(call.query, "chatId"), (chatId) => {
    const chat = env.store.findChat(call.businessId, chatId)
    return chat ? Effect.succeed(chat) : Effect.fail(notFound(`Chat ${chatId} not found`))
  })

const getChats: Handler = (env, call) =>
  Effect.gen(function*() {
    const limit = yield* queryLimit(call.query, 10, 20)
    const cursor = yield* queryCursor(call.query, (c) => c.kind === "chats" && c.businessId === call.businessId)
    const filter = yield* parseChatFilter(yield* readJsonObject(call.request))
    const page = env.store.listChats(call.businessId, filter, cursor?.after, limit)
    const last = page.items[page.items.length - 1]
    return {
      result: {
        chats: page.items.map(chatToDto),
        paging: page.more && last ?
          { nextPageToken: encodePageToken({ kind: "chats", businessId: call.businessId, after: last.chatId }) } :
          {}
      }
    }
  })

const getChatHistory: Handler = (env, call) =>
  Effect.gen(function*() {
    const chat = yield* queryChat(env, call)
    const limit = yield* queryLimit(call.query, 50, 100)
    const cursor = yield* queryCursor(
      call.query,
      (c) => c.kind === "history" && c.businessId === call.businessId && c.chatId === chat.chatId
    )
    const messageIdFrom = yield* optionalBodyId(yield* readJsonObject(call.request), "messageIdFrom")
    const page = env.store.history(chat, messageIdFrom, cursor?.after, limit)
    const last = page.items[page.items.length - 1]
    return {
      result: {
        ...(chat.orderId !== undefined ? { orderId: chat.orderId } : {}),
        context: contextToDto(chat),
        messages: page.items.map((message) => messageToDto(message, env.baseUrl)),
        paging: page.more && last ?
          {
            nextPageToken: encodePageToken({
              kind: "history",
              businessId: call.businessId,
              chatId: chat.chatId,
              after: last.messageId
            })
          } :
          {}
      }
    }
  })

const createChat: Handler = (env, call) =>
  Effect.gen(function*() {
    const body = yield* readJsonObject(call.request)
    const orderId = yield* optionalBodyId(body, "orderId")
    const context = body.context === undefined || body.context === null ?
      (orderId !== undefined ? { type: "ORDER" as const, id: orderId } : "context is required") :
      parseContext(body.context, "context")
    if (typeof context === "string") return yield* badRequest(context)
    const existing = env.store.findByContext(call.businessId, context.type, context.id)
    if (existing) return { result: { chatId: existing.chatId } }
    const business = env.store.businesses.get(call.businessId)
    const campaignId = business?.campaignIds[0]
    const chat = env.store.addChat({
      businessId: call.businessId,
      contextType: context.type,
      type: "CHAT",
      status: "NEW",
      ...(context.type === "ORDER" ? { orderId: context.id } : { returnId: context.id }),
      ...(campaignId !== undefined ? { campaignId } : {}),
      createdAt: call.now,
      updatedAt: call.now
    }, true)
    env.stats.chatsCreated++
    return { result: { chatId: chat.chatId } }
  })

const sendMessageToChat: Handler = (env, call) =>
  Effect.gen(function*() {
    const chat = yield* queryChat(env, call)
    const { message } = yield* readJsonObject(call.request)
    if (typeof message !== "string") return yield* badRequest("message is required and must be a string")
    // characters are counted as the official description does: in code points
    const length = [...message].length
    if (length < 1 || length > env.maxMessageLength) {
      return yield* badRequest(`message must be 1 to ${env.maxMessageLength} characters, got ${length}`)
    }
    const stored = env.store.addMessage(chat, { sender: "PARTNER", createdAt: call.now, text: message }, true)
    env.stats.messagesSent++
    const sent: SentRecord = {
      operation: "sendMessageToChat",
      businessId: call.businessId,
      chatId: chat.chatId,
      messageId: stored.messageId,
      text: message,
      at: call.now,
      answer: "OK"
    }
    env.stats.sent.push(sent)
    return { sent }
  })

const sendFileToChat: Handler = (env, call) =>
  Effect.gen(function*() {
    const chat = yield* queryChat(env, call)
    const file = yield* readUploadedFile(call.request, env.maxFileBytes)
    const stored = env.store.addMessage(chat, {
      sender: "PARTNER",
      createdAt: call.now,
      files: [{ name: file.name, contentType: file.contentType, size: file.size, data: file.data }]
    }, true)
    env.stats.filesSent++
    const sent: SentRecord = {
      operation: "sendFileToChat",
      businessId: call.businessId,
      chatId: chat.chatId,
      messageId: stored.messageId,
      fileName: file.name,
      size: file.size,
      at: call.now,
      answer: "OK"
    }
    env.stats.sent.push(sent)
    return { sent }
  })

const getChat: Handler = (env, call) => Effect.map(queryChat(env, call), (chat) => ({ result: chatToDto(chat) }))

const getChatMessage: Handler = (env, call) =>
  Effect.gen(function*() {
    const chat = yield* queryChat(env, call)
    const messageId = yield* requireQueryId(call.query, "messageId")
    const message = env.store.findMessage(chat, messageId)
    if (!message) return yield* notFound(`Message ${messageId} not found in chat ${chat.chatId}`)
    return { result: messageToDto(message, env.baseUrl) }
  })

const handlers: { readonly [K in Operation]: Handler } = {
  getChats,
  getChatHistory,
  createChat,
  sendMessageToChat,
  sendFileToChat,
  getChat,
  getChatMessage
}

/** Checks the credential and the caller's access to the business of the path. */
const authorize = (
  credentials: Credentials,
  request: HttpServerRequest.HttpServerRequest,
  rawBusinessId: string | undefined
) =>
  Effect.suspend((): Effect.Effect<number, ApiFailure> => {
    const credential = readCredential(request.headers)
    if (!credential) return Effect.fail(unauthorized())
    const businesses = credentials.businessesOf(credential)
    if (!businesses) return Effect.fail(forbidden("The Api-Key or OAuth token is not valid"))
    const businessId = parseId(rawBusinessId)
    if (businessId === undefined) {
      return Effect.fail(badRequest(`businessId must be an integer of at least 1, got ${JSON.stringify(rawBusinessId)}`))
    }
    return businesses.has(businessId) ?
      Effect.succeed(businessId) :
      Effect.fail(forbidden(`Access denied to businessId ${businessId}`))
  })

/**
 * Serves one operation: counts it, checks credentials, takes a parallel slot,
 * uses the quota, applies the faults in force, and answers with the market's
 * body and rate-limit headers.
 */
const serveOperation = (env: Env, operation: Operation) =>
  Effect.gen(function*() {
    const request = yield* HttpServerRequest.HttpServerRequest
    const params = yield* HttpRouter.params
    env.stats.requests[operation]++
    let quota: QuotaState = env.limits.peek(parseId(params.businessId) ?? 0, operation, Date.now())
    let dropped = false
    const headers = () => rateLimitHeaders(quota)
    const answerFault = (fault: FaultKind, body: unknown) => {
      dropped = dropsConnection(fault)
      return renderFault(request, fault, body, headers())
    }

    const carryOut = (businessId: number) =>
      Effect.gen(function*() {
        const state = env.limits.consume(businessId, operation, Date.now())
        quota = state
        if (!state.ok) {
          env.stats.rateLimitedQuota++
          return yield* limitExceeded(quotaMessage(state.limit, env.limits.config.windowMillis, resourceName(operation)))
        }
        const decision = env.faults.decide(operation)
        if (decision.latency > 0) yield* Effect.sleep(decision.latency)
        if (decision.fault !== undefined && refusesRequest(decision.fault)) {
          decision.commit()
          return yield* answerFault(decision.fault, undefined)
        }
        const call: Call = {
          request,
          query: new URL(request.url, "http://simulator").searchParams,
          businessId,
          now: Date.now()
        }
        const outcome = yield* handlers[operation](env, call)
        const body = outcome.result === undefined ? { status: "OK" } : { status: "OK", result: outcome.result }
        if (decision.fault === undefined) return jsonResponse(200, body, headers())
        decision.commit()
        if (outcome.sent) {
          outcome.sent.answer = decision.fault
          env.stats.deliveredButFailed++
        }
        return yield* answerFault(decision.fault, body)
      })

    const response = yield* authorize(env.credentials, request, params.businessId).pipe(
      Effect.flatMap((businessId) => {
        if (!env.limits.tryEnter(businessId)) {
          env.stats.rateLimitedParallel++
          return Effect.fail(limitExceeded(parallelMessage(env.limits.config.parallel, businessId)))
        }
        return Effect.ensuring(carryOut(businessId), Effect.sync(() => env.limits.leave(businessId)))
      }),
      Effect.catchTag("ApiFailure", (failure) => Effect.succeed(failureResponse(failure, headers())))
    )
    if (!dropped) env.stats.respond(response.status)
    return response
  })

/** Serves a file attached to a message (uploaded bytes, or zeros of the stated size for seeded files). */
const serveFile = (env: Env) =>
  Effect.gen(function*() {
    const { fileId } = yield* HttpRouter.params
    const file = fileId === undefined ? undefined : env.store.files.get(fileId)
    if (!file) return failureResponse(notFound("File not found"), {})
    return HttpServerResponse.uint8Array(file.data ?? new Uint8Array(file.size), { contentType: file.contentType })
  })

const knownPaths: ReadonlyArray<RegExp> = operationNames.map((name) =>
  new RegExp(`^(?:/v2)?/businesses/[^/]+${operations[name].path.replace(/\//g, "\\/")}$`)
)

/** 405 for a known path with another method, else 404. */
const notRouted = Effect.map(HttpServerRequest.HttpServerRequest, (request) => {
  const path = new URL(request.url, "http://simulator").pathname
  const failure = knownPaths.some((re) => re.test(path)) ?
    methodNotAllowed(request.method) :
    notFound(`No route for ${request.method} ${path}`)
  return failureResponse(failure, {})
})

/** The simulator's HTTP application. */
export const makeApp = (env: Env) => {
  let router: HttpRouter.HttpRouter<never, never> = HttpRouter.empty
  for (const prefix of ["/v2", ""]) {
    for (const name of operationNames) {
      const path = `${prefix}/businesses/:businessId${operations[name].path}` as HttpRouter.PathInput
      const handler = serveOperation(env, name)
      router = operations[name].method === "GET" ?
        HttpRouter.get(router, path, handler) :
        HttpRouter.post(router, path, handler)
    }
  }
  router = HttpRouter.get(router, "/files/:fileId/:name", serveFile(env))
  return router.pipe(
    Effect.catchTag("RouteNotFound", () => notRouted),
    // The server may run under a TestClock (in @effect/vitest); latency must use real time.
    Effect.withClock(realClock)
  )
}
