/**
 * The figures of the fault-injection suite (each edition's `test/integration/faultSuite.ts`) as
 * `npm run faults` prints them, without Effect: calls made and how they ended, faults injected by
 * kind, sends checked for duplicates, the largest body read, unhandled rejections, scenarios failed.
 */

/** What a fault suite counts over its runs (the `Figures` of each edition's `faultSuite.ts`). */
export interface FaultFigures {
  readonly runs: number
  readonly successes: number
  readonly typedErrors: Readonly<Record<string, number>>
  readonly defects: number
  readonly faultsInjected: Readonly<Record<string, number>>
  readonly sendsChecked: number
  readonly duplicates: number
  readonly largestBody: number
}

/** How a run of the suite ended besides its figures. */
export interface FaultRun {
  readonly figures: FaultFigures
  readonly unhandledRejections: number
  readonly scenarios: number
  readonly failedScenarios: number
}

/** The sum of counts. */
const total = (counts: Readonly<Record<string, number>>): number => Object.values(counts).reduce((a, b) => a + b, 0)

/** Counts by key, in key order: `"a 1, b 2"`, or `"none"`. */
const byCount = (counts: Readonly<Record<string, number>>): string =>
  Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${k} ${n}`).join(", ") || "none"

/** The figures as the README's Reliability section quotes them. */
export const faultFiguresText = ({ failedScenarios, figures, scenarios, unhandledRejections }: FaultRun): string => `
calls of the client      ${figures.runs}
  successes              ${figures.successes} (after retries where a fault hit)
  typed errors           ${total(figures.typedErrors)} (${byCount(figures.typedErrors)})
  defects                ${figures.defects}
faults injected          ${total(figures.faultsInjected)} (${byCount(figures.faultsInjected)})
sends checked            ${figures.sendsChecked}, posted twice: ${figures.duplicates}
largest body read        ${figures.largestBody.toLocaleString("en-US")} bytes
unhandled rejections     ${unhandledRejections}
scenarios failed         ${failedScenarios} of ${scenarios}`

/** Whether the run failed: a scenario failed, or a defect, a duplicate or an unhandled rejection happened. */
export const faultRunFailed = ({ failedScenarios, figures, unhandledRejections }: FaultRun): boolean =>
  failedScenarios > 0 || figures.defects > 0 || figures.duplicates > 0 || unhandledRejections > 0
