#!/usr/bin/env node
/**
 * The `ym-chats` command as installed: checks that the packages of the command line are there (they
 * are optional peer dependencies of the library), then starts `main.js`. A missing one is one line on
 * stderr that names it and the command that installs it (run by npx, the npx command that brings it),
 * and exit code 2 (`ExitCode.usage`).
 */
import { installedByNpx, MissingPackageError, missingPeers, npxCommand } from "../internal/peers.js"

const missing = await missingPeers(["effect", "@effect/platform", "@effect/platform-node", "@effect/cli"])
if (missing.length > 0) {
  // run through npx (`npx effect-yandex-market-chats list`), an `npm install` would not reach npx's
  // folder: the way out is npx naming the packages
  const message = installedByNpx(import.meta.url)
    ? `ym-chats needs ${missing.join(" and ")}, which npx did not install; name ${missing.length === 1 ? "it" : "them"} to npx: ${npxCommand(missing)} <command>`
    : new MissingPackageError("ym-chats", missing).message
  process.stderr.write(`${message}\n`)
  process.exit(2)
}
await import("./main.js")
