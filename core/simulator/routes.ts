/**
 * The HTTP application of the simulator: the seven operations under
 * `/v2/businesses/:businessId` (and the older paths without `/v2`), each behind
 * the same pipeline (credentials, parallel limit, quota, faults), plus file downloads,
 * as a `node:http` request listener.
 */
import type * as Http from "node:http"
import { setTimeout as sleep } from "node:timers/promises"
import type { Credentials } from "./auth.js"
import { readCredential } from "./auth.js"
import {
  ApiFailure,
  badRequest,
  errorBody,
  forbidden,
  limitExceeded,
  methodNotAllowed,
  notFound,
  unauthorized
} from "./errors.js"
import { dropConnection, type Faults, refusesRequest, renderFault } from "./faults.js"
import { chatToDto, contextToDto, messageToDto } from "./model.js"
import { type Operation, operationNames, operations, resourceName } from "./operations.js"
import { encodePageToken } from "./pageToken.js"
import type { NextFailures } from "./nextFailures.js"
import { compilePattern, matchPath, type Params, type PathPattern, routedPath } from "./paths.js"
import { parallelMessage, type QuotaState, quotaMessage, rateLimitHeaders, type RateLimits } from "./rateLimits.js"
import { bytesReply, emptyReply, jsonReply, type Reply, writeReply } from "./replies.js"
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
  /** One-shot failures queued for the next calls of an operation (none unless a test queues them). */
  readonly nextFailures?: NextFailures
}

/** One authorized request of an operation. */
interface Call {
  readonly request: Http.IncomingMessage
  readonly query: URLSearchParams
  readonly businessId: number
  readonly now: number
}

/** What an operation did: its `result` (absent for sends) and the message it stored, if any. */
interface Outcome {
  readonly result?: unknown
  readonly sent?: SentRecord
}

/** An operation: its outcome, or a thrown `ApiFailure`. */
type Handler = (env: Env, call: Call) => Outcome | Promise<Outcome>

const failureReply = (failure: ApiFailure, headers: Record<string, string>): Reply =>
  jsonReply(failure.status, errorBody(failure.code, failure.message), headers)

/** The chat of the query's `chatId` in the caller's business, else 404. */
const queryChat = (env: Env, call: Call) => {
  const chatId = requireQueryId(call.query, "chatId")
  const chat = env.store.findChat(call.businessId, chatId)
  if (!chat) throw notFound(`Chat ${chatId} not found`)
  return chat
}

const getChats: Handler = async (env, call) => {
  const limit = queryLimit(call.query, 10, 20)
  const cursor = queryCursor(call.query, (c) => c.kind === "chats" && c.businessId === call.businessId)
  const filter = parseChatFilter(await readJsonObject(call.request))
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
}

const getChatHistory: Handler = async (env, call) => {
  const chat = queryChat(env, call)
  const limit = queryLimit(call.query, 50, 100)
  const cursor = queryCursor(
    call.query,
    (c) => c.kind === "history" && c.businessId === call.businessId && c.chatId === chat.chatId
  )
  const messageIdFrom = optionalBodyId(await readJsonObject(call.request), "messageIdFrom")
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
}

const createChat: Handler = async (env, call) => {
  const body = await readJsonObject(call.request)
  const orderId = optionalBodyId(body, "orderId")
  const context = body.context === undefined || body.context === null ?
    (orderId !== undefined ? { type: "ORDER" as const, id: orderId } : "context is required") :
    parseContext(body.context, "context")
  if (typeof context === "string") throw badRequest(context)
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
}

const sendMessageToChat: Handler = async (env, call) => {
  const chat = queryChat(env, call)
  const { message } = await readJsonObject(call.request)
  if (typeof message !== "string") throw badRequest("message is required and must be a string")
  // characters are counted as the official description does: in code points
  const length = [...message].length
  if (length < 1 || length > env.maxMessageLength) {
    throw badRequest(`message must be 1 to ${env.maxMessageLength} characters, got ${length}`)
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
}

const sendFileToChat: Handler = async (env, call) => {
  const chat = queryChat(env, call)
  const file = await readUploadedFile(call.request, env.maxFileBytes)
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
}

const getChat: Handler = (env, call) => ({ result: chatToDto(queryChat(env, call)) })

const getChatMessage: Handler = (env, call) => {
  const chat = queryChat(env, call)
  const messageId = requireQueryId(call.query, "messageId")
  const message = env.store.findMessage(chat, messageId)
  if (!message) throw notFound(`Message ${messageId} not found in chat ${chat.chatId}`)
  return { result: messageToDto(message, env.baseUrl) }
}

const handlers: { readonly [K in Operation]: Handler } = {
  getChats,
  getChatHistory,
  createChat,
  sendMessageToChat,
  sendFileToChat,
  getChat,
  getChatMessage
}

/** Checks the credential and the caller's access to the business of the path; its id, else throws. */
const authorize = (credentials: Credentials, request: Http.IncomingMessage, rawBusinessId: string | undefined): number => {
  const credential = readCredential(request.headers)
  if (!credential) throw unauthorized()
  const businesses = credentials.businessesOf(credential)
  if (!businesses) throw forbidden("The Api-Key or OAuth token is not valid")
  const businessId = parseId(rawBusinessId)
  if (businessId === undefined) {
    throw badRequest(`businessId must be an integer of at least 1, got ${JSON.stringify(rawBusinessId)}`)
  }
  if (!businesses.has(businessId)) throw forbidden(`Access denied to businessId ${businessId}`)
  return businessId
}

/** Thrown when the client went away: the request is dropped without an answer. */
const aborted = Symbol("aborted")

/** What serving came to: a reply to write, or nothing (the connection was dropped, or the client left). */
type Served = Reply | undefined

/** One request being served: the node request and response, and the signal of the client leaving. */
interface Exchange {
  readonly request: Http.IncomingMessage
  readonly response: Http.ServerResponse
  readonly params: Params
  readonly signal: AbortSignal
}

/**
 * Serves one operation: counts it, checks credentials, takes a parallel slot,
 * uses the quota, applies the faults in force, and answers with the market's
 * body and rate-limit headers. The slot is given back before the answer is written
 * (after the connection is broken, for a dropping fault), or as soon as the client leaves.
 */
const serveOperation = async (env: Env, operation: Operation, exchange: Exchange): Promise<Served> => {
  const { params, request, response, signal } = exchange
  env.stats.requests[operation]++
  let quota: QuotaState = env.limits.peek(parseId(params.businessId) ?? 0, operation, Date.now())
  const headers = () => rateLimitHeaders(quota)
  /** Throws `aborted` once the client has left. */
  const stillThere = () => {
    if (signal.aborted) throw aborted
  }

  const carryOut = async (businessId: number): Promise<Served> => {
    const state = env.limits.consume(businessId, operation, Date.now())
    quota = state
    if (!state.ok) {
      env.stats.rateLimitedQuota++
      throw limitExceeded(quotaMessage(state.limit, env.limits.config.windowMillis, resourceName(operation)))
    }
    const injected = env.nextFailures?.take(operation, Date.now(), resourceName(operation))
    if (injected !== undefined) return injected
    const decision = env.faults.decide(operation)
    if (decision.latency > 0) {
      await sleep(decision.latency, undefined, { signal }).catch(() => undefined)
      stillThere()
    }
    const answerFault = async (fault: NonNullable<typeof decision.fault>, body: unknown): Promise<Served> => {
      const rendered = renderFault(fault, body, headers())
      if (!("_tag" in rendered)) return rendered
      await dropConnection(response, headers(), rendered)
      return undefined
    }
    if (decision.fault !== undefined && refusesRequest(decision.fault)) {
      decision.commit()
      return answerFault(decision.fault, undefined)
    }
    const call: Call = {
      request,
      query: new URL(request.url ?? "/", "http://simulator").searchParams,
      businessId,
      now: Date.now()
    }
    let outcome: Outcome
    try {
      outcome = await handlers[operation](env, call)
    } catch (error) {
      stillThere()
      throw error
    }
    stillThere()
    const body = outcome.result === undefined ? { status: "OK" } : { status: "OK", result: outcome.result }
    if (decision.fault === undefined) return jsonReply(200, body, headers())
    decision.commit()
    if (outcome.sent) {
      outcome.sent.answer = decision.fault
      env.stats.deliveredButFailed++
    }
    return answerFault(decision.fault, body)
  }

  let served: Served
  try {
    const businessId = authorize(env.credentials, request, params.businessId)
    if (!env.limits.tryEnter(businessId)) {
      env.stats.rateLimitedParallel++
      throw limitExceeded(parallelMessage(env.limits.config.parallel, businessId))
    }
    try {
      served = await carryOut(businessId)
    } finally {
      env.limits.leave(businessId)
    }
  } catch (error) {
    if (error === aborted) return undefined
    if (!(error instanceof ApiFailure)) throw error
    served = failureReply(error, headers())
  }
  if (served !== undefined) env.stats.respond(served.status)
  return served
}

/** Serves a file attached to a message (uploaded bytes, or zeros of the stated size for seeded files). */
const serveFile = (env: Env, { params }: Exchange): Served => {
  const file = params.fileId === undefined ? undefined : env.store.files.get(params.fileId)
  if (!file) return failureReply(notFound("File not found"), {})
  return bytesReply(200, file.data ?? new Uint8Array(file.size), file.contentType)
}

/** A route: a method, a path pattern, and what serves it. */
interface Route {
  readonly method: "GET" | "POST"
  readonly pattern: PathPattern
  readonly serve: (env: Env, exchange: Exchange) => Served | Promise<Served>
}

const routes: ReadonlyArray<Route> = [
  ...["/v2", ""].flatMap((prefix) =>
    operationNames.map((name): Route => ({
      method: operations[name].method,
      pattern: compilePattern(`${prefix}/businesses/:businessId${operations[name].path}`),
      serve: (env, exchange) => serveOperation(env, name, exchange)
    }))
  ),
  { method: "GET", pattern: compilePattern("/files/:fileId/:name"), serve: serveFile }
]

/** The route of a method and URL, with its parameters. */
const findRoute = (method: string, url: string): { readonly route: Route; readonly params: Params } | undefined => {
  const path = routedPath(url)
  if (path === undefined) return undefined
  for (const route of routes) {
    if (route.method !== method) continue
    const params = matchPath(route.pattern, path)
    if (params === "refused") return undefined
    if (params !== undefined) return { route, params }
  }
  return undefined
}

const knownPaths: ReadonlyArray<RegExp> = operationNames.map((name) =>
  new RegExp(`^(?:/v2)?/businesses/[^/]+${operations[name].path.replace(/\//g, "\\/")}$`)
)

/** 405 for a known path with another method, else 404. */
const notRouted = (request: Http.IncomingMessage, method: string): Reply => {
  const path = new URL(request.url ?? "/", "http://simulator").pathname
  const failure = knownPaths.some((re) => re.test(path)) ?
    methodNotAllowed(method) :
    notFound(`No route for ${method} ${path}`)
  return failureReply(failure, {})
}

/** Routes a request (a HEAD request may reach a GET route) and serves it. */
const serve = (env: Env, exchange: Omit<Exchange, "params">): Served | Promise<Served> => {
  const method = (exchange.request.method ?? "GET").toUpperCase()
  const url = exchange.request.url ?? "/"
  const found = findRoute(method, url) ?? (method === "HEAD" ? findRoute("GET", url) : undefined)
  if (found === undefined) return notRouted(exchange.request, method)
  return found.route.serve(env, { ...exchange, params: found.params })
}

/**
 * The simulator's request listener. A request whose client leaves before its answer is
 * abandoned at its next wait; one that fails unexpectedly (or whose answer cannot be written)
 * is answered 500 without a body.
 */
export const makeListener = (env: Env) => (request: Http.IncomingMessage, response: Http.ServerResponse): void => {
  const controller = new AbortController()
  response.on("close", () => {
    if (!response.writableEnded) controller.abort()
  })
  const answer = (served: Served) => {
    if (served !== undefined && !controller.signal.aborted) writeReply(request, response, served)
  }
  const fail = () => {
    try {
      if (!controller.signal.aborted) writeReply(request, response, emptyReply(500))
    } catch {
      response.destroy()
    }
  }
  new Promise<Served>((resolve) => resolve(serve(env, { request, response, signal: controller.signal })))
    .then(answer)
    .catch(fail)
}
