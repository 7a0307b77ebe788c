#!/usr/bin/env node
/**
 * The `ym-chats` command as installed: checks that the packages of the command line are there (they
 * are optional peer dependencies of the library), then starts `main.js`. A missing one is one line on
 * stderr that names it and the command that installs it, and exit code 2 (`ExitCode.usage`).
 */
import { MissingPackageError, missingPeers } from "../internal/peers.js"

const missing = await missingPeers(["effect", "@effect/platform", "@effect/platform-node", "@effect/cli"])
if (missing.length > 0) {
  process.stderr.write(`${new MissingPackageError("ym-chats", missing).message}\n`)
  process.exit(2)
}
await import("./main.js")
