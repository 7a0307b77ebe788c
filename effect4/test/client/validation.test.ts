/**
 * Bad input is an `InvalidRequestError` that says what is wrong, and nothing is sent: each shared bad
 * input (core/cases/badInputs.ts), with the words this edition's description holds (Schema 4's messages
 * and the library's own, the rejected value reported where Schema 4 gives it).
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { badInputCases } from "../../../core/cases/badInputs.js"
import { ChatsClient } from "../../src/index.js"
import { callOperation } from "../cases/callOperation.js"
import { fakeClient, ok } from "./fakeHttp.js"

/** What the description of each shared bad input mentions in this edition. */
const mentions: Readonly<Record<string, string>> = {
  "businessId 0": "businessId: an id must be an integer of at least 1",
  "negative businessId": "at least 1",
  "fractional chatId": "chatId: Expected an integer",
  "unsafe chatId": "integer",
  "NaN messageId": "messageId",
  "chats limit 0": "1 to 20",
  "chats limit 21": "limit: limit must be an integer from 1 to 20",
  "history limit 101": "1 to 100",
  "empty page token": "page token",
  "empty message": "empty",
  "message of 4097 characters": "4096",
  "file over 5 MB": "5 MB",
  "file without a name": "file.name",
  "empty status filter": "at least one",
  "repeated status filter": "repeat",
  "unknown status in the filter": "got \"SLEEPING\"",
  "repeated context": "repeat",
  "DIRECT context for createChat": "got \"DIRECT\"",
  "missing context": "missing",
  "a stream's bad input": "chatId",
  "not an object at all": "got null"
}

describe("bad input: what the message says (tags, fields and nothing sent: test/cases/sharedCases.test.ts)", () => {
  it("every shared case has its words here", () => {
    expect(badInputCases.map((c) => c.name).filter((name) => mentions[name] === undefined)).toEqual([])
  })

  for (const { input, name, operation } of badInputCases) {
    it.effect(`${name}: ${JSON.stringify(mentions[name])}`, () => {
      const { layer } = fakeClient(() => ok({ chats: [] }))
      return Effect.gen(function*() {
        const client = yield* ChatsClient.ChatsClient
        const error = yield* Effect.flip(callOperation(client, operation, input()))
        const { message } = error as { message: string }
        expect(message).toContain(mentions[name])
        expect(message).toContain("nothing was sent")
      }).pipe(Effect.provide(layer))
    })
  }
})
