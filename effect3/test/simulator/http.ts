/**
 * Plain `fetch` helpers for the simulator tests: one call per operation of the
 * API, over loopback, without the library client.
 */
import { Clock, Effect, Schedule, type Scope } from "effect"
import * as Http from "node:http"
import * as Net from "node:net"
import type * as Simulator from "../../src/Simulator.js"

/** What a test reads of a response. */
export interface Reply {
  readonly status: number
  readonly headers: Headers
  readonly text: string
  /** The parsed body, or `undefined` when it is not JSON. */
  readonly json: any
}

/** How a request authenticates. */
export type Auth = "apiKey" | "oauth" | "none" | { readonly apiKey: string } | { readonly bearer: string }

/** The method and path (after `/v2/businesses/{businessId}`) of each operation. */
export const routes: Record<Simulator.Operation, { readonly method: "GET" | "POST"; readonly path: string }> = {
  getChats: { method: "POST", path: "/chats" },
  getChatHistory: { method: "POST", path: "/chats/history" },
  createChat: { method: "POST", path: "/chats/new" },
  sendMessageToChat: { method: "POST", path: "/chats/message" },
  sendFileToChat: { method: "POST", path: "/chats/file/send" },
  getChat: { method: "GET", path: "/chat" },
  getChatMessage: { method: "GET", path: "/chats/message" }
}

/** Options of one call. */
export interface CallOptions {
  readonly query?: Record<string, string | number>
  /** A JSON body (serialized), a raw string, or FormData. */
  readonly body?: unknown
  readonly auth?: Auth
  readonly businessId?: number
  readonly headers?: Record<string, string>
}

const authHeaders = (sim: Simulator.Service, auth: Auth): Record<string, string> => {
  if (auth === "none") return {}
  if (auth === "apiKey") return { "Api-Key": sim.apiKey }
  if (auth === "oauth") return { Authorization: `Bearer ${sim.oauthToken}` }
  return "apiKey" in auth ? { "Api-Key": auth.apiKey } : { Authorization: `Bearer ${auth.bearer}` }
}

/** Builds the URL of an operation. */
export const operationUrl = (
  sim: Simulator.Service,
  operation: Simulator.Operation,
  options: Pick<CallOptions, "query" | "businessId"> = {}
): string => {
  const url = new URL(`${sim.url}/v2/businesses/${options.businessId ?? sim.businessId}${routes[operation].path}`)
  for (const [key, value] of Object.entries(options.query ?? {})) url.searchParams.set(key, String(value))
  return url.toString()
}

/** Sends a raw request and reads the whole response (the promise rejects on a broken connection). */
export const send = async (url: string, init: RequestInit): Promise<Reply> => {
  const response = await fetch(url, init)
  const text = await response.text()
  let json: unknown = undefined
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  return { status: response.status, headers: response.headers, text, json }
}

/** The `RequestInit` of an operation call. */
export const operationInit = (
  sim: Simulator.Service,
  operation: Simulator.Operation,
  options: CallOptions = {}
): RequestInit => {
  const { method } = routes[operation]
  const headers: Record<string, string> = { ...authHeaders(sim, options.auth ?? "apiKey"), ...options.headers }
  let body: BodyInit | undefined
  if (method === "GET") body = undefined
  else if (options.body instanceof FormData || typeof options.body === "string") body = options.body
  else if (options.body !== undefined) body = JSON.stringify(options.body)
  else if (method === "POST" && operation !== "sendFileToChat") body = "{}"
  if (typeof body === "string" && headers["Content-Type"] === undefined) headers["Content-Type"] = "application/json"
  return { method, headers, ...(body !== undefined ? { body } : {}) }
}

/** Calls an operation. */
export const call = (
  sim: Simulator.Service,
  operation: Simulator.Operation,
  options: CallOptions = {}
): Effect.Effect<Reply> =>
  Effect.promise(() => send(operationUrl(sim, operation, options), operationInit(sim, operation, options)))

/** Calls an operation and yields whether the connection broke (the error) or the reply. */
export const callEither = (sim: Simulator.Service, operation: Simulator.Operation, options: CallOptions = {}) =>
  Effect.either(
    Effect.tryPromise(() => send(operationUrl(sim, operation, options), operationInit(sim, operation, options)))
  )

/** Calls an operation `n` times at once. */
export const callConcurrently = (
  sim: Simulator.Service,
  operation: Simulator.Operation,
  n: number,
  options: CallOptions = {}
): Effect.Effect<ReadonlyArray<Reply>> =>
  Effect.promise(() =>
    Promise.all(
      Array.from({ length: n }, () => send(operationUrl(sim, operation, options), operationInit(sim, operation, options)))
    )
  )

/** The error body every refusal carries. */
export const errorShape = (reply: Reply) => ({
  status: reply.json?.status,
  codes: Array.isArray(reply.json?.errors) ? reply.json.errors.map((e: any) => typeof e.code) : undefined,
  messages: Array.isArray(reply.json?.errors) ? reply.json.errors.map((e: any) => typeof e.message) : undefined
})

/** Follows `nextPageToken` to the end, collecting every page. */
export const allPages = (
  sim: Simulator.Service,
  operation: "getChats" | "getChatHistory",
  options: CallOptions & { readonly tokenParam?: "page_token" | "pageToken" } = {}
): Effect.Effect<ReadonlyArray<Reply>> =>
  Effect.gen(function*() {
    const pages: Array<Reply> = []
    let token: string | undefined
    do {
      const query = { ...options.query, ...(token ? { [options.tokenParam ?? "page_token"]: token } : {}) }
      const reply = yield* call(sim, operation, { ...options, query })
      if (reply.status !== 200) throw new Error(`page ${pages.length + 1}: ${reply.status} ${reply.text}`)
      pages.push(reply)
      token = reply.json.result.paging?.nextPageToken
    } while (token !== undefined)
    return pages
  })

/** The real clock, for polling under `it.effect`'s `TestClock`. */
const realClock = Clock.make()

/**
 * Polls `condition` every 10 ms of real time until it holds; dies after `attempts` polls (5 s by
 * default), so that a test waiting for an event cannot hang.
 */
export const waitUntil = (condition: Effect.Effect<boolean>, attempts = 500): Effect.Effect<void> =>
  Effect.flatMap(condition, (ok) => ok ? Effect.void : Effect.fail("not yet" as const)).pipe(
    Effect.retry(Schedule.intersect(Schedule.spaced("10 millis"), Schedule.recurs(attempts))),
    Effect.orDieWith(() => new Error(`the condition did not hold after ${attempts} polls`)),
    Effect.withClock(realClock)
  )

/** A plain HTTP server that records the JSON bodies POSTed to it, as a notification endpoint would receive them. */
export interface Sink {
  readonly url: string
  /** The bodies received, in order (retries included). */
  readonly bodies: Array<any>
  /** The status to answer the next requests with (default 200). */
  answer: (body: any) => number
}

/** Starts a `Sink` on a loopback port (port 0, read back); it stops when the scope closes. */
export const notificationSink: Effect.Effect<Sink, never, Scope.Scope> = Effect.acquireRelease(
  Effect.async<{ readonly sink: Sink; readonly server: Http.Server }>((resume) => {
    const sink: Sink = { url: "", bodies: [], answer: () => 200 }
    const server = Http.createServer((request, response) => {
      const chunks: Array<Buffer> = []
      request.on("data", (chunk: Buffer) => chunks.push(chunk))
      request.on("end", () => {
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8"))
        sink.bodies.push(body)
        response.writeHead(sink.answer(body), { "content-type": "application/json" }).end("{}")
      })
    })
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as Net.AddressInfo
      resume(Effect.succeed({ sink: Object.assign(sink, { url: `http://127.0.0.1:${port}/notification` }), server }))
    })
  }),
  ({ server }) => Effect.async<void>((resume) => {
    server.closeAllConnections()
    server.close(() => resume(Effect.void))
  })
).pipe(Effect.map(({ sink }) => sink))

/** A loopback port held by a plain server (bound to port 0, the port read back) until the scope closes. */
export const holdPort: Effect.Effect<number, never, Scope.Scope> = Effect.acquireRelease(
  Effect.async<Net.Server>((resume) => {
    const server = Net.createServer()
    server.listen(0, "127.0.0.1", () => resume(Effect.succeed(server)))
  }),
  (server) => Effect.async<void>((resume) => void server.close(() => resume(Effect.void)))
).pipe(Effect.map((server) => (server.address() as Net.AddressInfo).port))
