/**
 * How answers become the library's errors: each status to its tag, odd error bodies, the two kinds of
 * 420, undecodable bodies, and `effect/http`'s `HttpClientError` reasons mapped to the library's own
 * `TransportError` (no platform error leaves the client), with no credential in any of them.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Redacted, Result } from "effect"
import { HttpClient, HttpClientError, HttpClientResponse } from "effect/http"
import { ChatsClient, ChatsLimiter } from "../../src/index.js"
import { type Answer, fail, fakeClient, secretKey } from "./fakeHttp.js"

const businessId = 12345

/** Runs getChat against one canned answer and returns the failure. */
const failureOf = (answer: Answer) => {
  const { layer } = fakeClient(() => answer)
  return Effect.flatMap(ChatsClient.ChatsClient, (c) => c.getChat({ businessId, chatId: 42 })).pipe(
    Effect.flip,
    Effect.provide(layer)
  )
}

describe("errors read naturally (the statuses and their fields: test/cases/sharedCases.test.ts)", () => {
  it.effect("the message names the status and the market's code", () =>
    Effect.gen(function*() {
      for (const status of [400, 404, 420, 503]) {
        const error = yield* failureOf(fail(status, "SOME_CODE", `the market says ${status}`))
        expect(error.message).toContain(`HTTP ${status}`)
        expect(error.message).toContain("SOME_CODE")
      }
    }))

  it.effect("catchTag reads naturally", () =>
    Effect.gen(function*() {
      const { layer } = fakeClient(() => fail(404, "CHAT_NOT_FOUND"))
      const result = yield* Effect.flatMap(ChatsClient.ChatsClient, (c) => c.getChat({ businessId, chatId: 42 })).pipe(
        Effect.map(() => "found"),
        Effect.catchTags({ NotFoundError: (e) => Effect.succeed(`missing: ${e.errors[0]?.code}`) }),
        Effect.provide(layer)
      )
      expect(result).toBe("missing: CHAT_NOT_FOUND")
    }))
})

describe("no secret in errors", () => {
  it.effect("message, toString, JSON and inspection of every error hold no key", () =>
    Effect.gen(function*() {
      for (const status of [400, 401, 403, 404, 420, 500, 503]) {
        const error = yield* failureOf(fail(status, "E"))
        const views = [error.message, String(error), JSON.stringify(error), (error as Error).stack ?? ""]
        for (const view of views) expect(view).not.toContain(secretKey)
      }
    }))
})

describe("ResponseDecodeError", () => {
  it.effect("a success body without result, a non-JSON 200 and a mismatching 200 are typed errors", () =>
    Effect.gen(function*() {
      const cases: ReadonlyArray<[unknown, "not-json" | "mismatch", string]> = [
        [{ status: "OK" }, "mismatch", "result"],
        ["<html>", "not-json", "not JSON"],
        [{ status: "OK", result: { chatId: "x" } }, "mismatch", "chatId"]
      ]
      for (const [body, reason, mention] of cases) {
        const error = yield* failureOf({ status: 200, body })
        if (error._tag !== "ResponseDecodeError") throw new Error(`expected ResponseDecodeError, got ${error._tag}`)
        expect(error.operation).toBe("getChat")
        expect(error.status).toBe(200)
        expect(error.reason).toBe(reason)
        expect(error.description).toContain(mention)
      }
    }))

  it.effect("a send succeeds on any 2xx body", () =>
    Effect.gen(function*() {
      for (const body of [{ status: "OK" }, undefined, "not json", { status: "ERROR" }]) {
        const { layer } = fakeClient(() => ({ status: 200, body }))
        const result = yield* Effect.flatMap(
          ChatsClient.ChatsClient,
          (c) => c.sendMessageToChat({ businessId, chatId: 1, message: "hi" })
        ).pipe(Effect.result, Effect.provide(layer))
        expect(Result.isSuccess(result)).toBe(true)
      }
    }))
})

/** A client over an `HttpClient` that fails each request the way `fail` says. */
const failingTransport = (fail: (request: Parameters<Parameters<typeof HttpClient.make>[0]>[0]) => Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError>) => {
  let requests = 0
  const http = Layer.succeed(
    HttpClient.HttpClient,
    HttpClient.make((request) => Effect.suspend(() => (requests++, fail(request))))
  )
  const layer = ChatsClient.layer({ apiKey: Redacted.make(secretKey), baseUrl: "https://api.test", retrySchedule: false }).pipe(
    Layer.provide(Layer.merge(http, ChatsLimiter.layerMemory()))
  )
  return { layer, requests: () => requests }
}

/** A response whose body breaks off after a few bytes. */
const brokenBody = (status: number) =>
  new Response(
    new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode("{\"status\":\"ERR"))
        controller.error(new Error(`socket hang up while reading, key ${secretKey}`))
      }
    }),
    { status, headers: { "content-type": "application/json" } }
  )

describe("effect/http's HttpClientError reasons become the library's TransportError", () => {
  const reasons = [
    ["TransportError", "Transport"],
    ["EncodeError", "Encode"],
    ["InvalidUrlError", "InvalidUrl"]
  ] as const
  for (const [platformReason, reason] of reasons) {
    it.effect(`${platformReason} -> TransportError with reason ${reason}, credential-free`, () => {
      const { layer, requests } = failingTransport((request) =>
        Effect.fail(
          new HttpClientError.HttpClientError({
            reason: new HttpClientError[platformReason]({
              request,
              cause: Object.assign(new Error(`connect ECONNREFUSED, sent ${secretKey}`), { code: "ECONNREFUSED" }),
              description: `failed with Api-Key ${secretKey}`
            })
          })
        )
      )
      return Effect.gen(function*() {
        const error = yield* Effect.flip((yield* ChatsClient.ChatsClient).getChat({ businessId, chatId: 42 }))
        expect(requests()).toBe(1)
        if (error._tag !== "TransportError") throw new Error(`expected TransportError, got ${error._tag}`)
        expect(HttpClientError.isHttpClientError(error)).toBe(false)
        expect(error.reason).toBe(reason)
        expect(error.status).toBeUndefined()
        expect(error.description).toContain("ECONNREFUSED")
        expect(error.description).toContain("<redacted>")
        for (const view of [error.message, String(error), JSON.stringify(error), error.description]) {
          expect(view).not.toContain(secretKey)
        }
        // nothing of the platform's error is kept: no request, response or cause
        expect(Object.values(error).some((v) => typeof v === "object" && v !== null)).toBe(false)
      }).pipe(Effect.provide(layer))
    })
  }

  it.effect("a 2xx body that breaks off is a TransportError with reason Decode and the status", () => {
    const { layer } = failingTransport((request) => Effect.succeed(HttpClientResponse.fromWeb(request, brokenBody(200))))
    return Effect.gen(function*() {
      const error = yield* Effect.flip((yield* ChatsClient.ChatsClient).getChat({ businessId, chatId: 42 }))
      if (error._tag !== "TransportError") throw new Error(`expected TransportError, got ${error._tag}`)
      expect(error.reason).toBe("Decode")
      expect(error.status).toBe(200)
      expect(error.message).not.toContain(secretKey)
    }).pipe(Effect.provide(layer))
  })

  it.effect("a cut-off error body is decided by its status: a 404 is a NotFoundError without errors", () => {
    const { layer } = failingTransport((request) => Effect.succeed(HttpClientResponse.fromWeb(request, brokenBody(404))))
    return Effect.gen(function*() {
      const error = yield* Effect.flip((yield* ChatsClient.ChatsClient).getChat({ businessId, chatId: 42 }))
      expect(error._tag).toBe("NotFoundError")
      if (error._tag === "NotFoundError") expect(error.errors).toEqual([])
    }).pipe(Effect.provide(layer))
  })

  it.effect("a send whose 2xx body breaks off is a success: the market carried it out", () => {
    const { layer } = failingTransport((request) => Effect.succeed(HttpClientResponse.fromWeb(request, brokenBody(200))))
    return Effect.gen(function*() {
      yield* (yield* ChatsClient.ChatsClient).sendMessageToChat({ businessId, chatId: 1, message: "hi" })
    }).pipe(Effect.provide(layer))
  })

  it.effect("a send cut off in transit is DeliveryUnknownError holding the library's TransportError", () => {
    const { layer, requests } = failingTransport((request) =>
      Effect.fail(new HttpClientError.HttpClientError({ reason: new HttpClientError.TransportError({ request }) }))
    )
    return Effect.gen(function*() {
      const error = yield* Effect.flip((yield* ChatsClient.ChatsClient).sendMessageToChat({ businessId, chatId: 1, message: "hi" }))
      expect(requests()).toBe(1)
      if (error._tag !== "DeliveryUnknownError") throw new Error(`expected DeliveryUnknownError, got ${error._tag}`)
      expect((error.cause as { _tag: string })._tag).toBe("TransportError")
      expect(HttpClientError.isHttpClientError(error.cause)).toBe(false)
    }).pipe(Effect.provide(layer))
  })
})
