#!/usr/bin/env node
/**
 * The entry point of `ym-chats`: the CLI over Node (`NodeServices`, undici for HTTP, prompts drawn
 * on stderr), run by `NodeRuntime.runMain`, which turns SIGINT into an interruption (exit code 130).
 *
 * @since 1.0.0
 */
// the modules themselves, not the package's index (which loads every Node module it has): a faster start
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as NodeServices from "@effect/platform-node/NodeServices"
import { Cause, Effect, Exit, Layer } from "effect"
import { packageVersion } from "../../../core/cli/packageVersion.js"
import { ExitCode, run } from "./app.js"
import { stderrTerminal } from "./io.js"

// a reader that went away (`ym-chats history 1 --json | head`) ends the command quietly
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(ExitCode.ok)
})

/** The program's exit code travels as its failure, so that the runtime exits with it. */
class Exiting {
  constructor(readonly code: number) {}
}

run({ version: packageVersion(import.meta.url) }).pipe(
  Effect.flatMap((code) => code === ExitCode.ok ? Effect.void : Effect.fail(new Exiting(code))),
  // the later layer wins: prompts are drawn by `stderrTerminal`, not by NodeServices' terminal
  Effect.provide(Layer.mergeAll(NodeServices.layer, stderrTerminal, NodeHttpClient.layerUndici)),
  NodeRuntime.runMain({
    disableErrorReporting: true,
    teardown: (exit, onExit) => {
      if (Exit.isSuccess(exit)) return onExit(ExitCode.ok)
      if (Cause.hasInterruptsOnly(exit.cause)) return onExit(ExitCode.interrupted)
      const failure = Cause.findErrorOption(exit.cause)
      onExit(failure._tag === "Some" && failure.value instanceof Exiting ? failure.value.code : ExitCode.failure)
    }
  })
)
