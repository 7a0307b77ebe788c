#!/usr/bin/env node
/**
 * The entry point of `ym-chats`: the CLI over Node (undici for HTTP, prompts drawn on stderr).
 *
 * @since 0.1.0
 */
import { NodeFileSystem, NodeHttpClient, NodePath, NodeRuntime } from "@effect/platform-node"
import { Cause, Effect, Exit, Layer } from "effect"
import { readFileSync } from "node:fs"
import { ExitCode, run } from "./app.js"
import { stderrTerminal } from "./io.js"

/** The package's version, for `--version`. */
const version = (): string => {
  try {
    const pkg: unknown = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"))
    return typeof pkg === "object" && pkg !== null && "version" in pkg && typeof pkg.version === "string"
      ? pkg.version
      : "0.0.0"
  } catch {
    return "0.0.0"
  }
}

// a reader that went away (`ym-chats history 1 --json | head`) ends the command quietly
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(ExitCode.ok)
})

/** The program's exit code travels as its success value. */
class Exiting {
  constructor(readonly code: number) {}
}

run(process.argv, { version: version() }).pipe(
  Effect.flatMap((code) => code === ExitCode.ok ? Effect.void : Effect.fail(new Exiting(code))),
  Effect.provide(Layer.mergeAll(NodeFileSystem.layer, NodePath.layer, stderrTerminal, NodeHttpClient.layerUndici)),
  NodeRuntime.runMain({
    disableErrorReporting: true,
    teardown: (exit, onExit) => {
      if (Exit.isSuccess(exit)) return onExit(ExitCode.ok)
      if (Cause.isInterruptedOnly(exit.cause)) return onExit(ExitCode.interrupted)
      const failure = Cause.failureOption(exit.cause)
      onExit(failure._tag === "Some" && failure.value instanceof Exiting ? failure.value.code : ExitCode.failure)
    }
  })
)
