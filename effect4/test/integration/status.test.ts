/**
 * The status decides the error: an answer whose body is cut off, or never ends, is still its
 * status's error, and a 4xx or 420 on a send is never "delivery unknown" (nothing was posted).
 */
import { describe, expect, it } from "@effect/vitest"
import type * as Http from "node:http"
import { Effect, Redacted } from "effect"
import { ChatsClient, ChatsRetry } from "../../src/index.js"
import { cutOff, rawServer, stalled } from "./rawServer.js"
import { transports } from "./transports.js"

const clientAt = (url: string, options: Partial<ChatsClient.Options> = {}) =>
  ChatsClient.make({ baseUrl: url, apiKey: Redacted.make("status-test-key"), ...options })

/** `getChat` answered by `answer` (a 404): a `NotFoundError` with no `errors`, after one request. */
const notFoundAfterOneRequest = (answer: Http.RequestListener, options: Partial<ChatsClient.Options> = {}) =>
  Effect.gen(function*() {
    const api = yield* rawServer(answer)
    const client = yield* clientAt(api.url, options)
    const error = yield* Effect.flip(client.getChat({ businessId: 1, chatId: 1 }))
    expect(error._tag).toBe("NotFoundError")
    if (error._tag === "NotFoundError") expect(error.errors).toEqual([])
    expect(api.requests()).toBe(1)
  })

/** A send answered by `answer` (a 400): a `BadRequestError`, after one request. */
const badRequestAfterOneSend = (answer: Http.RequestListener, options: Partial<ChatsClient.Options> = {}) =>
  Effect.gen(function*() {
    const api = yield* rawServer(answer)
    const client = yield* clientAt(api.url, options)
    const error = yield* Effect.flip(client.sendMessageToChat({ businessId: 1, chatId: 1, message: "hi" }))
    expect(error._tag).toBe("BadRequestError")
    expect(api.requests()).toBe(1)
  })

describe("an error answer whose body is cut off", () => {
  for (const [name, transport] of transports) {
    it.live(`404 with a cut-off body is a NotFoundError after one request (${name})`, () =>
      notFoundAfterOneRequest(cutOff(404)).pipe(Effect.provide(transport)))

    it.live(`400 with a cut-off body on a send is a BadRequestError, not DeliveryUnknownError (${name})`, () =>
      badRequestAfterOneSend(cutOff(400)).pipe(Effect.provide(transport)))

    it.live(`420 with a cut-off body on a send is a RateLimitError, retried, never DeliveryUnknownError (${name})`, () =>
      Effect.gen(function*() {
        const api = yield* rawServer(cutOff(420))
        const client = yield* clientAt(api.url, {
          retrySchedule: ChatsRetry.defaultSchedule({ initialDelay: "1 millis", maxRateLimitRetries: 2 })
        })
        const error = yield* Effect.flip(client.sendMessageToChat({ businessId: 1, chatId: 1, message: "hi" }))
        expect(error._tag).toBe("RateLimitError")
        expect(api.requests()).toBe(3)
      }).pipe(Effect.provide(transport)))
  }
})

describe("an error answer whose body never ends", () => {
  /** A timeout that runs out while the body is awaited. */
  const impatient = { requestTimeout: "300 millis" } as const

  for (const [name, transport] of transports) {
    it.live(`404 whose body stalls is a NotFoundError after one request, not a timeout (${name})`, () =>
      notFoundAfterOneRequest(stalled(404), impatient).pipe(Effect.provide(transport)))

    it.live(`400 whose body stalls on a send is a BadRequestError, not DeliveryUnknownError (${name})`, () =>
      badRequestAfterOneSend(stalled(400), impatient).pipe(Effect.provide(transport)))
  }
})
