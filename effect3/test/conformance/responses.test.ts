/**
 * Conformance of the client's answer decoding to the official OpenAPI description
 * (`core/testing/spec/yandex-market-chats.openapi.yaml`): seeded random 200 bodies generated from
 * each operation's response schema (optional fields, unknown fields at every level, nulls, new enum
 * values, int32/int64 edges, unicode, RFC 3339 dates with many offsets) must decode to the values they
 * carry; bodies without `result` must fail with `ResponseDecodeError`; random error bodies must give
 * the typed error of their status. The checks are the shared ones of `core/testing/responseConformance.ts`,
 * which the Effect 4 edition runs too (effect4/test/conformance).
 */
import { describe, expect, it } from "@effect/vitest"
import { conformanceSeed as seed } from "../../../core/testing/conformanceInputs.js"
import { knownIssue } from "../../../core/testing/knownIssues.js"
import {
  errorTags,
  formatFailures,
  operationIds,
  resultOperations,
  runErrorBodies,
  runSendOk,
  runSuccessBodies,
  runWithoutResult
} from "../../../core/testing/responseConformance.js"
import { driver } from "./spec.js"

/** Bodies per operation and per status; body i of a run uses `new Rng(seed, i)`, so a failure names its seed and index. */
const bodiesPerOperation = 2000
const errorBodiesPerStatus = 120
const statuses = Object.keys(errorTags).map(Number)

describe("answers generated from the official description", () => {
  for (const operationId of operationIds) {
    it(`${operationId}: ${bodiesPerOperation} generated 200 bodies decode to what they carry`, async () => {
      const result = await runSuccessBodies(driver, operationId, { count: bodiesPerOperation, seed })
      expect(formatFailures(operationId, result.failures)).toBe("")
      expect(result.bodies).toBe(bodiesPerOperation)
    })
  }

  for (const operationId of resultOperations) {
    it(`${operationId}: a 200 body without result fails with ResponseDecodeError`, async () => {
      expect(await runWithoutResult(driver, operationId)).toEqual([])
    })
  }

  for (const operationId of operationIds.filter((o) => !resultOperations.includes(o))) {
    it(`${operationId}: succeeds on { "status": "OK" }`, async () => {
      expect(await runSendOk(driver, operationId)).toEqual([])
    })
  }

  for (const operationId of operationIds) {
    it(`${operationId}: random error bodies of ${statuses.join("/")} give the typed error with the parsed errors`, async () => {
      const report: Array<string> = []
      for (const status of statuses) {
        const result = await runErrorBodies(driver, operationId, status, { count: errorBodiesPerStatus, seed })
        expect(result.bodies).toBe(errorBodiesPerStatus)
        const text = formatFailures(`${operationId} HTTP ${status}`, result.failures)
        if (text !== "") report.push(text)
      }
      expect(report.join("\n")).toBe("")
    })
  }

  // Regressions (found here, fixed): RFC 3339 date-times the description allows (lowercase "z",
  // leap seconds) that the client could not decode. The main generator includes them now.
  for (const id of ["date-time-lowercase-z", "date-time-leap-second"]) {
    const issue = knownIssue(id)
    it(`regression ${issue.id}: ${issue.description}`, async () => {
      expect(await issue.probe(driver)).toEqual([])
    })
  }
})
