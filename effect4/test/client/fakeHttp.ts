/**
 * A fake `HttpClient` for unit tests (retry timing and error mapping under the `TestClock`): it records
 * every request it receives and answers each with a canned response chosen by a handler.
 */
import { Effect, Layer, Redacted } from "effect"
import { HttpClient, type HttpClientRequest, HttpClientResponse } from "effect/http"
import { ChatsClient, ChatsLimiter } from "../../src/index.js"

/** A request as the fake server saw it. */
export interface Recorded {
  readonly method: string
  readonly url: URL
  readonly headers: Readonly<Record<string, string>>
  readonly body: HttpClientRequest.HttpClientRequest["body"]
  /** The body as text, for byte bodies. */
  readonly text: string | undefined
}

/** A canned answer. */
export interface Answer {
  readonly status: number
  readonly body?: unknown
  readonly headers?: Readonly<Record<string, string>>
}

/** A JSON answer `{ status: "OK", result }`. */
export const ok = (result?: unknown): Answer => ({
  status: 200,
  body: result === undefined ? { status: "OK" } : { status: "OK", result }
})

/** An error answer in the market's shape. */
export const fail = (status: number, code: string, message?: string, headers?: Record<string, string>): Answer => ({
  status,
  body: { status: "ERROR", errors: [message === undefined ? { code } : { code, message }] },
  ...(headers === undefined ? {} : { headers })
})

/** The test API key: a value that must never show up anywhere but the header. */
export const secretKey = "sk-test-SECRET-4f1b9c"

/** A fake HTTP client and the list of requests it received. */
export const makeFake = (handler: (request: Recorded, n: number) => Answer) => {
  const requests: Array<Recorded> = []
  const client = HttpClient.make((request, url) =>
    Effect.sync(() => {
      const body = request.body
      const recorded: Recorded = {
        method: request.method,
        url,
        headers: request.headers,
        body,
        text: body._tag === "Uint8Array" ? new TextDecoder().decode(body.body) : undefined
      }
      requests.push(recorded)
      const answer = handler(recorded, requests.length)
      const payload = answer.body === undefined
        ? null
        : typeof answer.body === "string"
        ? answer.body
        : JSON.stringify(answer.body)
      return HttpClientResponse.fromWeb(
        request,
        new Response(payload, { status: answer.status, headers: { "content-type": "application/json", ...answer.headers } })
      )
    })
  )
  return { requests, client, layer: Layer.succeed(HttpClient.HttpClient, client) }
}

/** A client layer over a fake server, with limiters of its own; retries off unless a schedule is given. */
export const fakeClient = (
  handler: (request: Recorded, n: number) => Answer,
  options: Partial<ChatsClient.Options> = {}
) => {
  const fake = makeFake(handler)
  const layer = ChatsClient.layer({
    apiKey: Redacted.make(secretKey),
    baseUrl: "https://api.test",
    retrySchedule: false,
    ...options
  }).pipe(Layer.provide(Layer.merge(fake.layer, ChatsLimiter.layerMemory())))
  return { requests: fake.requests, layer, http: fake.layer }
}
