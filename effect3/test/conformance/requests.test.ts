/**
 * Conformance of the client's requests to the official OpenAPI description
 * (`test/fixtures/spec/yandex-market-chats.openapi.yaml`): every method is
 * driven with generated valid inputs over a recording fake `HttpClient`, and each request
 * is checked for method and path, path and query parameters, JSON body (ajv), multipart
 * body, Content-Type and credentials, and for carrying exactly what was asked.
 */
import { describe, expect, it } from "@effect/vitest"
import {
  invalidInputs,
  knownIssue,
  requestCases,
  runInvalidInput,
  runRequestCase
} from "./spec.js"

/** Fixed so that a failure reproduces; fast-check prints the counterexample and its path. */
const seed = 20260717

/** Runs per method: a few hundred each (the streams send several requests per run). */
const runs: Readonly<Record<string, number>> = {
  getChats: 300,
  streamChats: 200,
  getChatHistory: 300,
  streamChatHistory: 200,
  createChat: 300,
  sendMessageToChat: 300,
  sendFileToChat: 250,
  getChat: 300,
  getChatMessage: 300
}

describe("requests conform to the official description", () => {
  for (const c of requestCases) {
    const numRuns = runs[c.name] ?? 300
    it(`${c.name}: ${numRuns} generated inputs, every request valid for ${c.operationId}`, async () => {
      const result = await runRequestCase(c, { numRuns, seed })
      expect(result.failure ?? "").toBe("")
      expect(result.runs).toBe(numRuns)
      expect(result.requests).toBeGreaterThanOrEqual(numRuns)
    })
  }

  it("inputs the description forbids are refused with InvalidRequestError and nothing is sent", async () => {
    const problems: Array<string> = []
    for (const c of invalidInputs) problems.push(...(await runInvalidInput(c)))
    expect(problems).toEqual([])
  })

  // Regressions (found here, fixed): `file.contentType` went into the part header unchecked, so
  // CR/LF in it injected headers or shifted bytes into the file; the description's `maxLength: 4096`
  // counts Unicode code points (JSON Schema), and the client counted UTF-16 units and refused valid
  // messages with emoji.
  for (const id of ["multipart-content-type-injection", "message-length-code-points"]) {
    const issue = knownIssue(id)
    it(`regression ${issue.id}: ${issue.description}`, async () => {
      expect(await issue.probe()).toEqual([])
    })
  }
})
