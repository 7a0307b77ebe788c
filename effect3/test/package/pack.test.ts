/**
 * The package as a user gets it: `npm pack`, then the tarball unpacked into fresh consumer folders,
 * one per supported install (test/package/installs.ts), with the peers of that install linked from
 * this edition (no network). Every program runs in every install (core/testing/installMatrix.ts): it
 * works where its peers are installed and fails, naming the missing ones, where they are not. The root
 * entry's module graph is read for Node-specific imports, and the types are checked from TypeScript
 * with only the required peers installed.
 */
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { moduleGraph, nodeBuiltins, nodeGlobals, packagesOf } from "../../../core/testing/installGraph.js"
import { installMatrix, makeConsumer } from "../../../core/testing/installMatrix.js"
import { typeCheckCases } from "../../../core/testing/installTypes.js"
import { peerRanges } from "../../src/internal/peers.js"
import { edition, installs, manifest, pack, programs, requiredPeers } from "./installs.js"

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

const work = mkdtempSync(join(tmpdir(), "ymc-pack-"))
afterAll(() => rmSync(work, { recursive: true, force: true }))

describe("the packed package", () => {
  const { files, tarball } = pack(work, { build: true })
  const installed = join(work, "bare", "node_modules", manifest.name)
  makeConsumer(edition, join(work, "bare"), tarball, [...requiredPeers, "@types/node"])

  it("holds only what a user needs", () => {
    const outside = files.filter((p) => !p.startsWith("dist/") && !["README.md", "LICENSE", "CHANGELOG.md", "package.json"].includes(p))
    expect(outside).toEqual([])
    expect(files).toContain("dist/effect3/src/index.js")
    expect(files).toContain("dist/effect3/src/index.d.ts")
    expect(files).toContain("dist/effect3/src/Simulator.js")
    expect(files.some((p) => p.includes("test") || p.endsWith(".ts") && !p.endsWith(".d.ts"))).toBe(false)
  })

  it("ships no command: ym-chats is the Effect 4 edition's", () => {
    const pkg = JSON.parse(readFileSync(join(installed, "package.json"), "utf8")) as Record<string, unknown>
    expect(pkg["bin"]).toBeUndefined()
    expect(files.filter((p) => p.includes("/cli/"))).toEqual([])
    expect(Object.keys(manifest.peerDependencies)).not.toContain("@effect/cli")
  })

  it("depends on nothing but its peers, and names the optional ones with the ranges of package.json", () => {
    const pkg = JSON.parse(readFileSync(join(installed, "package.json"), "utf8")) as Record<string, unknown>
    expect(pkg["dependencies"] ?? {}).toEqual({})
    expect(peerRanges).toEqual(manifest.peerDependencies)
    expect([...requiredPeers].sort()).toEqual(["@effect/platform", "effect"])
    for (const install of installs) for (const name of install.adds) expect(manifest.peerDependenciesMeta?.[name]?.optional).toBe(true)
    for (const program of programs) for (const name of program.needs) expect(manifest.peerDependenciesMeta?.[name]?.optional).toBe(true)
  })

  it("imports nothing Node-specific from the root entry: only effect and @effect/platform, no built-in module, no Node global", () => {
    const { bare, files: modules } = moduleGraph(join(installed, "dist", "effect3", "src", "index.js"))
    expect(modules.size).toBeGreaterThan(10) // the walk reached the client's internals
    expect([...modules.keys()].some((f) => f.endsWith(join("internal", "client", "call.js")))).toBe(true)
    expect(nodeBuiltins(bare)).toEqual([])
    expect(packagesOf(bare)).toEqual(["@effect/platform", "effect"])
    expect(nodeGlobals(modules, installed)).toEqual([])
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
