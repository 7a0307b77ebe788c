/**
 * The package as a user gets it: `npm pack`, then the tarball unpacked into fresh consumer folders,
 * one per supported install (test/package/installs.ts), with the peers of that install linked from
 * this edition (no network). Every program runs in every install (core/testing/installMatrix.ts): it
 * works where its peers are installed and fails with the package's own error, naming the missing ones
 * and their install command, where they are not. The root entry's module graph is read for
 * Node-specific imports, and the types are checked from TypeScript with only the required peer installed.
 */
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { moduleGraph, nodeBuiltins, nodeGlobals, packagesOf } from "../../../core/testing/installGraph.js"
import { installMatrix, makeConsumer, pack } from "../../../core/testing/installMatrix.js"
import { typeCheckCases } from "../../../core/testing/installTypes.js"
import { peerRanges } from "../../src/internal/peers.js"
import { edition, installs, programs, root } from "./installs.js"

/** A consumer's program over the root entry, the notification receiver and the simulator. */
const consumerProgram = `
  import { Effect, Redacted } from "effect"
  import { ChatsClient, ChatsError, ChatsSchema } from "effect-yandex-market-chats"
  import * as ChatsNotifications from "effect-yandex-market-chats/notifications"
  import * as Simulator from "effect-yandex-market-chats/simulator"
  export const program = Effect.gen(function*() {
    const chats = yield* ChatsClient.ChatsClient
    const page = yield* chats.getChats({ businessId: 1, filter: { statuses: ["NEW"] }, limit: 20 })
    const first: ChatsSchema.Chat | undefined = page.chats[0]
    return first?.chatId
  }).pipe(
    Effect.catchTags({ RateLimitError: (e: ChatsError.RateLimitError) => Effect.succeed(e.kind) }),
    Effect.provide(ChatsClient.layer({ apiKey: Redacted.make("k") }))
  )
  export const port: number | undefined = ({} as Simulator.Options).port
  export const server = ChatsNotifications.layerServer({ port: 8080 })
`

const work = mkdtempSync(join(tmpdir(), "ymc-pack4-"))
afterAll(() => rmSync(work, { recursive: true, force: true }))

describe("the packed package", () => {
  const { files, tarball } = pack(root, work, { build: true })
  const { manifest, requiredPeers } = edition
  const installed = join(work, "bare", "node_modules", manifest.name)
  makeConsumer(edition, join(work, "bare"), tarball, [...requiredPeers, "@types/node"])

  it("holds only what a user needs", () => {
    const outside = files.filter((p) => !p.startsWith("dist/") && !["README.md", "LICENSE", "CHANGELOG.md", "package.json"].includes(p))
    expect(outside).toEqual([])
    expect(files).toContain("dist/effect4/src/index.js")
    expect(files).toContain("dist/effect4/src/index.d.ts")
    expect(files).toContain("dist/effect4/src/Simulator.js")
    expect(files.some((p) => p.includes("test") || p.endsWith(".ts") && !p.endsWith(".d.ts"))).toBe(false)
  })

  it("ships ym-chats as its command, from the packed files", () => {
    const pkg = JSON.parse(readFileSync(join(installed, "package.json"), "utf8")) as { readonly bin?: Record<string, string> }
    expect(pkg.bin).toEqual({ "ym-chats": "./dist/effect4/src/cli/bin.js" })
    expect(files).toContain("dist/effect4/src/cli/bin.js")
  })

  it("depends on nothing but its peers", () => {
    const pkg = JSON.parse(readFileSync(join(installed, "package.json"), "utf8")) as Record<string, unknown>
    expect(pkg["dependencies"] ?? {}).toEqual({})
  })

  it("imports nothing Node-specific from the root entry: only effect, no built-in module, no Node global", () => {
    const { bare, files: modules } = moduleGraph(join(installed, "dist", "effect4", "src", "index.js"))
    expect(modules.size).toBeGreaterThan(10) // the walk reached the client's internals
    expect([...modules.keys()].some((f) => f.endsWith(join("internal", "client", "call.js")))).toBe(true)
    expect(nodeBuiltins(bare)).toEqual([])
    expect(packagesOf(bare)).toEqual(["effect"])
    expect(nodeGlobals(modules, installed)).toEqual([])
  })

  it("names its peers with the ranges its messages use; the optional ones are the installs' and the programs'", () => {
    expect(peerRanges).toEqual(edition.manifest.peerDependencies)
    expect([...requiredPeers]).toEqual(["effect"])
    const optional = [...installs.flatMap((i) => i.adds), ...programs.flatMap((p) => p.needs)]
    for (const name of optional) expect(edition.manifest.peerDependenciesMeta?.[name]?.optional).toBe(true)
    // every optional peer has an install of its own
    const optionalPeers = Object.keys(edition.manifest.peerDependencies).filter((name) => !edition.requiredPeers.includes(name))
    for (const name of optionalPeers) expect(installs.some((i) => i.adds.length === 1 && i.adds[0] === name)).toBe(true)
  })

  describe("each supported install", () => {
    const matrix = installMatrix(edition, { work, tarball, installs, programs, suite: "test/package: the Redis install's program" })
    beforeAll(() => matrix.start())
    afterAll(() => matrix.stop())
    for (const { cases, install } of matrix.groups) {
      describe(install.name, () => cases.forEach((c) => it.skipIf(c.skip)(c.name, c.run, c.timeout)))
    }
  })

  for (const c of typeCheckCases(edition, join(work, "bare"), consumerProgram)) it(c.name, c.run, c.timeout)
})
