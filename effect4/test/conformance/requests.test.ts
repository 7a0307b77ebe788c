/**
 * Conformance of the client's requests to the official OpenAPI description
 * (`core/testing/spec/yandex-market-chats.openapi.yaml`): every method is driven with generated
 * valid inputs over a recording fake `HttpClient`, and each request is checked for method and path,
 * path and query parameters, JSON body (ajv), multipart body, Content-Type and credentials, and for
 * carrying exactly what was asked. The checks are the shared ones of `core/testing/requestConformance.ts`,
 * which the Effect 3 edition runs too (effect3/test/conformance).
 */
import { describe, expect, it } from "@effect/vitest"
import { conformanceSeed as seed } from "../../../core/testing/conformanceInputs.js"
import { knownIssue } from "../../../core/testing/knownIssues.js"
import {
  invalidInputs,
  requestCases,
  runInvalidInput,
  runRequestCase,
  testRuns
} from "../../../core/testing/requestConformance.js"
import { driver } from "./spec.js"

describe("requests conform to the official description", () => {
  for (const c of requestCases) {
    const numRuns = testRuns[c.name] ?? 300
    it(`${c.name}: ${numRuns} generated inputs, every request valid for ${c.operationId}`, async () => {
      const result = await runRequestCase(driver, c, { numRuns, seed })
      expect(result.failure ?? "").toBe("")
      expect(result.runs).toBe(numRuns)
      expect(result.requests).toBeGreaterThanOrEqual(numRuns)
    })
  }

  it(`the ${invalidInputs.length} inputs the description forbids are refused with InvalidRequestError and nothing is sent`, async () => {
    const problems: Array<string> = []
    for (const c of invalidInputs) problems.push(...(await runInvalidInput(driver, c)))
    expect(problems).toEqual([])
    expect(invalidInputs.length).toBe(24)
  })

  // Regressions (found here, fixed): `file.contentType` went into the part header unchecked, so
  // CR/LF in it injected headers or shifted bytes into the file; the description's `maxLength: 4096`
  // counts Unicode code points (JSON Schema), and the client counted UTF-16 units and refused valid
  // messages with emoji.
  for (const id of ["multipart-content-type-injection", "message-length-code-points"]) {
    const issue = knownIssue(id)
    it(`regression ${issue.id}: ${issue.description}`, async () => {
      expect(await issue.probe(driver)).toEqual([])
    })
  }
})
