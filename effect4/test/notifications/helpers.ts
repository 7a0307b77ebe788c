/**
 * Shared code of the notifications tests (not a test file): the sample bodies of the shared
 * tables (`core/cases/notifications.ts`), a `fetch` helper, and a way to run a test against a
 * standalone receiver on a random loopback port (stopped when the test ends).
 */
import { Effect, Layer, Redacted } from "effect"
import { messageSent, samples } from "../../../core/cases/notifications.js"
import * as ChatsNotifications from "../../src/ChatsNotifications.js"

/** What a test reads of an answer. */
export interface Reply {
  readonly status: number
  readonly headers: Headers
  readonly text: string
  /** The parsed body, or `undefined` when it is not JSON. */
  readonly json: any
}

/** POSTs a body (an object is sent as JSON, a string as it is) and reads the answer. */
export const post = (
  url: string,
  body: unknown,
  init: { readonly headers?: Record<string, string>; readonly method?: string } = {}
): Effect.Effect<Reply> =>
  Effect.promise(async () => {
    const response = await fetch(url, {
      method: init.method ?? "POST",
      headers: { "content-type": "application/json", ...init.headers },
      ...(init.method === "GET" ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) })
    })
    const text = await response.text()
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch {
      json = undefined
    }
    return { status: response.status, headers: response.headers, text, json }
  })

/** A running standalone receiver: where to POST, and the receiver itself. */
export interface Running {
  /** The full URL of the endpoint (secret segment included). */
  readonly endpoint: string
  readonly server: ChatsNotifications.ServerInfo
  readonly receiver: ChatsNotifications.Receiver
  /** POSTs a body to the endpoint. */
  readonly send: (body: unknown, headers?: Record<string, string>) => Effect.Effect<Reply>
}

/** Runs a test against a standalone receiver with the given options (and queue, if any), stopped afterwards. */
export const withReceiver = <A, E, R>(
  options: ChatsNotifications.ServerOptions,
  test: (running: Running) => Effect.Effect<A, E, R>,
  queue?: Layer.Layer<ChatsNotifications.ChatsEventQueue>
) =>
  Effect.gen(function*() {
    const server = yield* ChatsNotifications.NotificationsServer
    const receiver = yield* ChatsNotifications.ChatsNotifications
    const endpoint = Redacted.value(server.endpoint)
    return yield* test({ endpoint, server, receiver, send: (body, headers) => post(endpoint, body, { headers: headers ?? {} }) })
  }).pipe(
    Effect.provide(
      queue === undefined ? ChatsNotifications.layerServer(options) : ChatsNotifications.layerServer(options).pipe(Layer.provide(queue))
    )
  )

/** Sample bodies, as the market's description shapes them (the shared tables' `samples`). */
export const bodies = samples

export {
  /** A chat message notification with the given message id (its digits, as the market writes it). */
  messageSent
}

/** Checks the success body: `{ version, name, time }`. */
export const isSuccessBody = (json: any, name = ChatsNotifications.defaultName, version = ChatsNotifications.defaultVersion) =>
  typeof json === "object" && json !== null && json.name === name && json.version === version &&
  typeof json.time === "string" && !Number.isNaN(Date.parse(json.time))
