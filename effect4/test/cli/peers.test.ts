/**
 * `ym-chats` without the optional peer it needs (`@effect/platform-node`): the installed entry
 * (src/cli/bin.ts, copied with what it imports into a folder where only `effect` is installed) stops
 * with one line that names the package and its install command, or, run by npx, the npx command that
 * brings it, the README's one-liner; with its peers it starts the command. package.json's `bin`,
 * `peerDependencies` and the ranges the messages name agree.
 */
import { afterAll, afterEach, describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { createRequire } from "node:module"
import { npxCommand, npxSpec, peerRanges } from "../../src/internal/peers.js"
import { edition, killChildren, spawnCli } from "./harness.js"

afterEach(() => killChildren())

const repository = dirname(edition)
const manifest = JSON.parse(readFileSync(join(edition, "package.json"), "utf8")) as {
  readonly bin: Record<string, string>
  readonly version: string
  readonly peerDependencies: Record<string, string>
  readonly peerDependenciesMeta: Record<string, { optional?: boolean }>
}

const work = mkdtempSync(join(tmpdir(), "ym-chats-peers-"))
afterAll(() => rmSync(work, { recursive: true, force: true }))

/** The entry and the modules it imports, laid out as in the repository below `root`, with only `effect` installed. */
const layOut = (root: string): string => {
  for (const file of ["effect4/src/cli/bin.ts", "effect4/src/internal/peers.ts", "core/install/peers.ts", "core/cli/failure.ts"]) {
    mkdirSync(dirname(join(root, file)), { recursive: true })
    cpSync(join(repository, file), join(root, file))
  }
  writeFileSync(join(root, "package.json"), JSON.stringify({ private: true, type: "module" }))
  mkdirSync(join(root, "effect4", "node_modules"), { recursive: true })
  symlinkSync(join(edition, "node_modules", "effect"), join(root, "effect4", "node_modules", "effect"), "dir")
  return join(root, "effect4", "src", "cli", "bin.ts")
}

describe("ym-chats and its peers", () => {
  it("package.json installs bin.js as ym-chats, and names the peers with the ranges the messages use", () => {
    expect(manifest.bin).toEqual({ "ym-chats": "./dist/effect4/src/cli/bin.js" })
    expect(peerRanges).toEqual(manifest.peerDependencies)
    expect(manifest.peerDependenciesMeta["@effect/platform-node"]?.optional).toBe(true)
    expect(manifest.peerDependenciesMeta["effect"]?.optional).not.toBe(true)
  })

  it.live("without @effect/platform-node: one line naming it and its install, exit code 2", () =>
    Effect.gen(function*() {
      const bin = layOut(join(work, "project"))
      const result = yield* spawnCli(["list"], { script: bin })
      expect(result).toEqual({
        code: 2,
        stdout: "",
        stderr:
          "ym-chats needs @effect/platform-node, which is not installed; install it beside effect-yandex-market-chats: npm install @effect/platform-node@^4.1.5\n"
      })
    }))

  it.live("run by npx without it: the npx command that brings it, which the README shows", () =>
    Effect.gen(function*() {
      // npx lays packages out in <cache>/_npx/<hash>/node_modules, and installs only the required peers unless told
      const bin = layOut(join(work, "_npx", "0123456789abcdef"))
      const result = yield* spawnCli(["list"], { script: bin })
      const npx = npxCommand(["@effect/platform-node"])
      expect(npx).toBe("npx -p effect-yandex-market-chats@^1.0.0-next.0 -p @effect/platform-node@^4.1.5 ym-chats")
      expect(result.code).toBe(2)
      expect(result.stderr).toBe(
        `ym-chats needs @effect/platform-node, which npx did not install; name it to npx: ${npx} <command>\n`
      )
      expect(readFileSync(join(repository, "README.md"), "utf8")).toContain(`${npx} list`)
      // the range npx fetches admits this edition's own version (a prerelease needs a prerelease in the range)
      const version: string = JSON.parse(readFileSync(join(repository, "effect4", "package.json"), "utf8")).version
      const range = npxSpec.slice(npxSpec.lastIndexOf("@") + 1)
      expect(createRequire(import.meta.url)("semver").satisfies(version, range)).toBe(true)
    }))

  it.live("with its peers, the entry starts the command", () =>
    Effect.gen(function*() {
      const result = yield* spawnCli(["--version"], { script: "src/cli/bin.ts" })
      expect(result).toEqual({ code: 0, stdout: `${manifest.version}\n`, stderr: "" })
    }))
})
