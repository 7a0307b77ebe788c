/**
 * Runs the conformance checks of `core/testing` (those of `test/conformance`, with more inputs)
 * standalone for the Effect 3 edition against the official description
 * (`core/testing/spec/yandex-market-chats.openapi.yaml`) and prints figures: requests validated per
 * method, forbidden inputs refused, bodies decoded per operation, failures, regressions.
 *
 *   node --import tsx scripts/conformance.ts [--seed N] [--runs N] [--bodies N] [--error-bodies N]
 *
 * Exits 1 when a check fails.
 */
import { runConformanceReport } from "../../core/testing/conformanceReport.js"
import { driver } from "../test/conformance/spec.js"

process.exitCode = await runConformanceReport(driver, process.argv)
