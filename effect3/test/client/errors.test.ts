import { describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import { ChatsClient } from "../../src/index.js"
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
        const views = [error.message, String(error), JSON.stringify(error), JSON.stringify(error.toJSON?.()), (error as Error).stack ?? ""]
        for (const view of views) expect(view).not.toContain(secretKey)
      }
    }))
})

describe("ResponseDecodeError", () => {
  it.effect("a success body without result, a non-JSON 200 and a mismatching 200 are typed errors", () =>
    Effect.gen(function*() {
      for (const body of [{ status: "OK" }, "<html>", { status: "OK", result: { chatId: "x" } }]) {
        const error = yield* failureOf({ status: 200, body })
        expect(error._tag).toBe("ResponseDecodeError")
        if (error._tag === "ResponseDecodeError") {
          expect(error.operation).toBe("getChat")
          expect(error.status).toBe(200)
          expect(error.description.length).toBeGreaterThan(0)
        }
      }
    }))

  it.effect("a send succeeds on any 2xx body", () =>
    Effect.gen(function*() {
      for (const body of [{ status: "OK" }, undefined, "not json", { status: "ERROR" }]) {
        const { layer } = fakeClient(() => ({ status: 200, body }))
        const result = yield* Effect.flatMap(
          ChatsClient.ChatsClient,
          (c) => c.sendMessageToChat({ businessId, chatId: 1, message: "hi" })
        ).pipe(Effect.either, Effect.provide(layer))
        expect(Either.isRight(result)).toBe(true)
      }
    }))
})
