#!/usr/bin/env node
/**
 * The `ym-chats` command as installed: checks that the packages of the command line are there
 * (`@effect/platform-node` is an optional peer dependency of the library), then starts `main.js`. A
 * missing one is one line on stderr that names it and the command that installs it (run by npx, the
 * npx command that brings it), and exit code 2 (`ExitCode.usage`).
 *
 * @since 1.0.0
 */
import { ExitCode } from "../../../core/cli/failure.js"
import { installedByNpx, missingPackageError, missingPeers, npxCommand, npxMissingMessage } from "../internal/peers.js"

const missing = await missingPeers(["effect", "@effect/platform-node"])
if (missing.length > 0) {
  // run through npx (`npx -p effect-yandex-market-chats ym-chats list`), an `npm install` would not
  // reach npx's folder: the way out is npx naming the packages
  const message = installedByNpx(import.meta.url)
    ? npxMissingMessage(missing, npxCommand(missing))
    : missingPackageError("ym-chats", missing).message
  process.stderr.write(`${message}\n`)
  process.exit(ExitCode.usage)
}
await import("./main.js")
