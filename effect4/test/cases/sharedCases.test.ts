/**
 * The shared case tables (core/cases), run against the Effect 4 edition: each status to its error's
 * tag and fields, odd error bodies, the two kinds of 420, and bad inputs refused before sending.
 * The Effect 3 edition runs the same tables (effect3/test/cases).
 */
import { describe, expect, it } from "@effect/vitest"
import { DateTime, Effect } from "effect"
import { badInputCases, largestValidInputs } from "../../../core/cases/badInputs.js"
import { marketError, oddErrorBodies, rateLimitCases, statusCases } from "../../../core/cases/statuses.js"
import { ChatsClient } from "../../src/index.js"
import { type Answer, fakeClient, ok } from "../client/fakeHttp.js"
import { callOperation } from "./callOperation.js"

/** Runs getChat against one canned answer and returns the failure. */
const failureOf = (answer: Answer) => {
  const { layer } = fakeClient(() => answer)
  return Effect.flatMap(ChatsClient.ChatsClient, (c) => c.getChat({ businessId: 12345, chatId: 42 })).pipe(
    Effect.flip,
    Effect.provide(layer)
  )
}

describe("shared cases: statuses", () => {
  for (const { status, tag } of statusCases) {
    it.effect(`${status} -> ${tag}, with the parsed errors, operation, method and path`, () =>
      Effect.gen(function*() {
        const error = yield* failureOf(marketError(status, "SOME_CODE", `the market says ${status}`))
        expect(error._tag).toBe(tag)
        if (!("errors" in error)) throw new Error("expected an HTTP error")
        expect(error.status).toBe(status)
        expect(error.operation).toBe("getChat")
        expect(error.method).toBe("GET")
        expect(error.path).toBe("/v2/businesses/12345/chat")
        expect(error.errors).toEqual([{ code: "SOME_CODE", message: `the market says ${status}` }])
      }))
  }

  for (const { name, body, errors } of oddErrorBodies) {
    it.effect(`an odd 400 body is no crash: ${name}`, () =>
      Effect.gen(function*() {
        const error = yield* failureOf({ status: 400, body })
        expect(error._tag).toBe("BadRequestError")
        if (error._tag === "BadRequestError") expect(error.errors).toEqual(errors)
      }))
  }

  for (const { name, answer, tag, kind, rateLimit } of rateLimitCases) {
    it.effect(`rate limits: ${name}`, () =>
      Effect.gen(function*() {
        const error = yield* failureOf(answer)
        expect(error._tag).toBe(tag)
        if (kind !== undefined && error._tag === "RateLimitError") expect(error.kind).toBe(kind)
        const got = (error as { rateLimit?: { limit?: number; remaining?: number; resetsAt?: DateTime.Utc } }).rateLimit
        const read = got === undefined ? undefined : {
          ...(got.limit === undefined ? {} : { limit: got.limit }),
          ...(got.remaining === undefined ? {} : { remaining: got.remaining }),
          ...(got.resetsAt === undefined ? {} : { resetsAt: DateTime.formatIso(got.resetsAt) })
        }
        expect(read).toEqual(rateLimit)
      }))
  }
})

describe("shared cases: bad input is an InvalidRequestError and nothing is sent", () => {
  for (const { name, operation, input, field } of badInputCases) {
    it.effect(name, () => {
      const { requests, layer } = fakeClient(() => ok({ chats: [] }))
      return Effect.gen(function*() {
        const client = yield* ChatsClient.ChatsClient
        const error = yield* Effect.flip(callOperation(client, operation, input()))
        expect((error as { _tag: string })._tag).toBe("InvalidRequestError")
        expect((error as { operation: string }).operation).toBe(operation.replace(/^stream(\w)/, (_, c: string) => `get${c}`))
        if (field !== undefined) expect((error as { description: string }).description).toContain(field)
        expect(requests).toHaveLength(0)
      }).pipe(Effect.provide(layer))
    })
  }

  it.effect("the largest valid inputs do go out", () => {
    const { requests, layer } = fakeClient(() => ok())
    return Effect.gen(function*() {
      const client = yield* ChatsClient.ChatsClient
      for (const { operation, input } of largestValidInputs) yield* callOperation(client, operation, input())
      expect(requests).toHaveLength(largestValidInputs.length)
    }).pipe(Effect.provide(layer))
  })
})
