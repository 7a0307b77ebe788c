/**
 * The standalone simulator's command line (`npm run simulator -- ...`), shared by both editions'
 * `bin/simulator.ts`: reading the flags into options, and the banner printed once it listens.
 */
import { parseArgs } from "node:util"
import { faultKinds, type FaultKind, type FaultRule } from "./faults.js"
import { defaultApiKey, defaultSeed, type SimulatorInfo, type SimulatorOptions } from "./server.js"

const usage = `Usage: npm run simulator -- [options]
  --port N               port on 127.0.0.1 (default: a random free port)
  --seed N               seed of the data and of probabilistic faults (default ${defaultSeed})
  --chats N              chats of the default business (default 300)
  --messages N           messages over those chats (default 3000)
  --api-key KEY          the Api-Key to accept (default ${defaultApiKey})
  --latency MS           add this latency to every request
  --fault KIND[:P]       inject a fault with probability P (default 1); repeatable.
                         kinds: ${faultKinds.filter((k) => k !== "latency").join(", ")}
  --quota-scale X        multiply the market's hourly quotas by X
  --notify URL           POST the market's API notifications (new chats, new messages) to URL
  --help                 show this help`

/** Reads a non-negative number option, or exits with the usage. */
const numberOption = (name: string, raw: string | undefined): number | undefined => {
  if (raw === undefined) return undefined
  const value = Number(raw)
  if (!Number.isFinite(value) || value < 0) {
    console.error(`--${name} must be a non-negative number, got ${raw}\n\n${usage}`)
    process.exit(2)
  }
  return value
}

/** Reads `KIND[:PROBABILITY]` into a fault rule, or exits with the usage. */
const faultOption = (raw: string): FaultRule => {
  const [kind, probability] = raw.split(":")
  if (!faultKinds.includes(kind as FaultKind) || kind === "latency") {
    console.error(`unknown fault kind ${kind}\n\n${usage}`)
    process.exit(2)
  }
  const p = numberOption("fault", probability)
  return { kind: kind as FaultKind, ...(p !== undefined ? { probability: p } : {}) }
}

/** The options the flags ask for (unset flags are absent) and the fault rules among them. */
export interface SimulatorArgs {
  readonly options: SimulatorOptions
  readonly faults: ReadonlyArray<FaultRule>
}

/**
 * Reads the flags (by default the process's); `--help` prints the usage and exits with 0, a bad
 * value prints what is wrong and the usage and exits with 2 (an unknown flag throws).
 */
export const simulatorArgs = (args: ReadonlyArray<string> = process.argv.slice(2)): SimulatorArgs => {
  const { values } = parseArgs({
    args: [...args],
    options: {
      port: { type: "string" },
      seed: { type: "string" },
      chats: { type: "string" },
      messages: { type: "string" },
      "api-key": { type: "string" },
      latency: { type: "string" },
      fault: { type: "string", multiple: true },
      "quota-scale": { type: "string" },
      notify: { type: "string" },
      help: { type: "boolean" }
    }
  })
  if (values.help) {
    console.log(usage)
    process.exit(0)
  }
  const latency = numberOption("latency", values.latency)
  const faults: Array<FaultRule> = [
    ...(latency ? [{ kind: "latency" as const, millis: latency }] : []),
    ...(values.fault ?? []).map(faultOption)
  ]
  const options: SimulatorOptions = Object.fromEntries(
    Object.entries({
      port: numberOption("port", values.port),
      seed: numberOption("seed", values.seed),
      chats: numberOption("chats", values.chats),
      messages: numberOption("messages", values.messages),
      apiKey: values["api-key"],
      quotaScale: numberOption("quota-scale", values["quota-scale"]),
      notificationUrl: values.notify,
      faults
    }).filter(([, value]) => value !== undefined)
  )
  return { options, faults }
}

/** The lines printed once the simulator listens: where, the credentials, the data, and a request to try. */
export const simulatorBanner = (
  sim: SimulatorInfo & { readonly size: { readonly chats: number; readonly messages: number } },
  { faults, options }: SimulatorArgs
): string =>
  `Yandex Market chats simulator listening on ${sim.url}
  business id:   ${sim.businessId}
  Api-Key:       ${sim.apiKey}
  OAuth token:   ${sim.oauthToken} (Authorization: Bearer ...)
  other business ${sim.otherBusinessId} (403 with the keys above), its Api-Key: ${sim.otherApiKey}
  data:          ${sim.size.chats} chats, ${sim.size.messages} messages over both businesses (seed ${options.seed ?? defaultSeed})
  faults:        ${faults.length === 0 ? "none" : JSON.stringify(faults)}
  notifications: ${options.notificationUrl ?? "off (--notify URL to POST them)"}
  try:           curl -X POST -H 'Api-Key: ${sim.apiKey}' -H 'Content-Type: application/json' -d '{}' \\
                   '${sim.url}/v2/businesses/${sim.businessId}/chats?limit=2'
Press Ctrl+C to stop.`
