import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { badInputCases } from "../../../core/cases/badInputs.js"
import { ChatsClient } from "../../src/index.js"
import { callOperation } from "../cases/callOperation.js"
import { fakeClient, ok } from "./fakeHttp.js"

/**
 * What the description of each shared bad input (core/cases/badInputs.ts) mentions in this edition: the
 * tags, operations and fields are checked by test/cases/sharedCases.test.ts; the words are this
 * edition's (Schema 3's messages and the library's own).
 */
const mentions: Readonly<Record<string, string>> = {
  "businessId 0": "at least 1",
  "negative businessId": "at least 1",
  "fractional chatId": "integer",
  "unsafe chatId": "integer",
  "NaN messageId": "messageId",
  "chats limit 0": "1 to 20",
  "chats limit 21": "1 to 20",
  "history limit 101": "1 to 100",
  "empty page token": "page token",
  "empty message": "empty",
  "message of 4097 characters": "4096",
  "file over 5 MB": "5 MB",
  "file without a name": "name",
  "empty status filter": "at least one",
  "repeated status filter": "repeat",
  "unknown status in the filter": "SLEEPING",
  "repeated context": "repeat",
  "DIRECT context for createChat": "DIRECT",
  "missing context": "context",
  "a stream's bad input": "at least 1",
  "not an object at all": "null"
}

describe("bad input: what the message says", () => {
  it("every shared case has its words here", () => expect(Object.keys(mentions).sort()).toEqual(badInputCases.map((c) => c.name).sort()))

  for (const { name, operation, input } of badInputCases) {
    it.effect(`${name}: the message says ${JSON.stringify(mentions[name])}`, () => {
      const { layer } = fakeClient(() => ok({ chats: [] }))
      return Effect.gen(function*() {
        const client = yield* ChatsClient.ChatsClient
        const error = yield* Effect.flip(callOperation(client, operation, input()))
        expect((error as Error).message).toContain(mentions[name])
      }).pipe(Effect.provide(layer))
    })
  }
})
