/**
 * Starts the Yandex Market chats simulator standalone and serves until SIGINT.
 *
 *   npm run simulator -- --port 8080 [--seed N] [--chats N] [--messages N] [--api-key KEY]
 *                        [--latency MS] [--fault KIND[:PROBABILITY]]... [--quota-scale X] [--notify URL]
 */
import { NodeRuntime } from "@effect/platform-node"
import { Cause, Console, Effect, Exit, Runtime } from "effect"
import { simulatorArgs, simulatorBanner } from "../../core/simulator/index.js"
import * as Simulator from "../src/Simulator.js"

const args = simulatorArgs()

const main = Effect.gen(function*() {
  const sim = yield* Simulator.Simulator
  yield* Console.log(simulatorBanner({ ...sim, size: yield* sim.size }, args))
  return yield* Effect.never
})

/** Ctrl+C is how the server is meant to stop: exit 0 then (as the Effect 3 edition's does), not 130. */
const stopCleanly: Runtime.Teardown = (exit, onExit) =>
  Exit.isFailure(exit) && Cause.hasInterruptsOnly(exit.cause) ? onExit(0) : Runtime.defaultTeardown(exit, onExit)

main.pipe(Effect.provide(Simulator.layer(args.options)), NodeRuntime.runMain({ teardown: stopCleanly }))
