/**
 * Starts the Yandex Market chats simulator standalone and serves until SIGINT.
 *
 *   npm run simulator -- --port 8080 [--seed N] [--chats N] [--messages N] [--api-key KEY]
 *                        [--latency MS] [--fault KIND[:PROBABILITY]]... [--quota-scale X] [--notify URL]
 */
import { NodeRuntime } from "@effect/platform-node"
import { Console, Effect } from "effect"
import { parseArgs } from "node:util"
import * as Simulator from "../src/Simulator.js"

const usage = `Usage: npm run simulator -- [options]
  --port N               port on 127.0.0.1 (default: a random free port)
  --seed N               seed of the data and of probabilistic faults (default ${Simulator.defaultSeed})
  --chats N              chats of the default business (default 300)
  --messages N           messages over those chats (default 3000)
  --api-key KEY          the Api-Key to accept (default ${Simulator.defaultApiKey})
  --latency MS           add this latency to every request
  --fault KIND[:P]       inject a fault with probability P (default 1); repeatable.
                         kinds: ${Simulator.faults.filter((k) => k !== "latency").join(", ")}
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
const faultOption = (raw: string): Simulator.FaultRule => {
  const [kind, probability] = raw.split(":")
  if (!Simulator.faults.includes(kind as Simulator.FaultKind) || kind === "latency") {
    console.error(`unknown fault kind ${kind}\n\n${usage}`)
    process.exit(2)
  }
  const p = numberOption("fault", probability)
  return { kind: kind as Simulator.FaultKind, ...(p !== undefined ? { probability: p } : {}) }
}

const { values } = parseArgs({
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
const faults: Array<Simulator.FaultRule> = [
  ...(latency ? [{ kind: "latency" as const, millis: latency }] : []),
  ...(values.fault ?? []).map(faultOption)
]
const options: Simulator.Options = Object.fromEntries(
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

const main = Effect.gen(function*() {
  const sim = yield* Simulator.Simulator
  const size = yield* sim.size
  yield* Console.log(`Yandex Market chats simulator listening on ${sim.url}
  business id:   ${sim.businessId}
  Api-Key:       ${sim.apiKey}
  OAuth token:   ${sim.oauthToken} (Authorization: Bearer ...)
  other business ${sim.otherBusinessId} (403 with the keys above), its Api-Key: ${sim.otherApiKey}
  data:          ${size.chats} chats, ${size.messages} messages over both businesses (seed ${options.seed ?? Simulator.defaultSeed})
  faults:        ${faults.length === 0 ? "none" : JSON.stringify(faults)}
  notifications: ${options.notificationUrl ?? "off (--notify URL to POST them)"}
  try:           curl -X POST -H 'Api-Key: ${sim.apiKey}' -H 'Content-Type: application/json' -d '{}' \\
                   '${sim.url}/v2/businesses/${sim.businessId}/chats?limit=2'
Press Ctrl+C to stop.`)
  return yield* Effect.never
})

main.pipe(Effect.provide(Simulator.layer(options)), NodeRuntime.runMain)
