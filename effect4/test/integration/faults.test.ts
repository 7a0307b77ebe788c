/**
 * The fault-injection suite of `faultSuite.ts`, one test per scenario: each call ends in a success
 * after retry or in the documented typed error for its fault, with the documented number of stored
 * copies; never a defect, never an unhandled rejection, never a message posted twice.
 */
import { afterAll, expect, layer } from "@effect/vitest"
import { emptyFigures, scenarios, suiteLayer } from "./faultSuite.js"

const figures = emptyFigures()
let unhandled = 0
const onUnhandled = () => void unhandled++
process.on("unhandledRejection", onUnhandled)
afterAll(() => {
  process.off("unhandledRejection", onUnhandled)
  expect({ defects: figures.defects, duplicates: figures.duplicates, unhandled }).toEqual({ defects: 0, duplicates: 0, unhandled: 0 })
})

layer(suiteLayer, { timeout: 120_000, excludeTestServices: true })("fault injection", (it) => {
  for (const scenario of scenarios) it.effect(scenario.name, () => scenario.run(figures))
})
