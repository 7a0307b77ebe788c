/**
 * The Effect 4 edition's tarball installed from the npm registry into a fresh folder with only its own
 * peers, with npm's normal strict peer resolution: at the versions of this edition's lockfile, and at the
 * newest 4.x the registry resolves today (`effect/http` is tagged unstable in 4.x: a breaking minor shows
 * up here). In each, the bare client streams, sends and reads back against the simulator, the
 * simulator's own entry runs with `@effect/platform-node` beside it, and `effect/chat`'s conformance suite
 * of the installed effect passes against the installed `yandex-market` adapter.
 */
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Scope } from "effect"
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { installFromRegistry, lockedVersion, runCommandIn } from "../../../core/testing/registryInstall.js"
import * as Simulator from "../../src/Simulator.js"

const root = fileURLToPath(new URL("../..", import.meta.url)).replace(/\/$/, "")
const work = mkdtempSync(join(tmpdir(), "ymc-registry4-"))
const lockfile = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8"))
const peerSets = {
  "the lockfile's versions": ["effect", "@effect/platform-node"].map((name) => `${name}@${lockedVersion(lockfile, name)}`),
  "the newest 4.x": ["effect@^4", "@effect/platform-node@^4"]
}

/** A program that starts the simulator from the installed package (its Node entry) and prints its size. */
const simulatorProgram = `
import { Effect } from "effect"
import * as Simulator from "effect-yandex-market-chats/simulator"
const program = Effect.scoped(Effect.gen(function*() {
  const sim = yield* Simulator.make({ chats: 7, messages: 20 })
  const answer = yield* Effect.promise(() => fetch(sim.url + "/v2/businesses/" + sim.businessId + "/chats", {
    method: "POST", headers: { "Api-Key": sim.apiKey, "content-type": "application/json" }, body: "{}"
  }))
  const body = yield* Effect.promise(() => answer.json())
  return { status: answer.status, chats: body.result.chats.length }
}))
Effect.runPromise(program).then((r) => console.log(JSON.stringify(r)), (e) => { console.error(e); process.exit(1) })
`

describe("the Effect 4 edition installed from the registry", () => {
  const scope = Effect.runSync(Scope.make())
  let sim: Simulator.Service
  let tarball: string
  beforeAll(async () => {
    if (!existsSync(join(root, "dist", "effect4", "src", "index.js"))) throw new Error("no dist/: run `npm run build` first")
    const packed = await runCommandIn(root, "npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", work])
    tarball = join(work, (JSON.parse(packed.stdout) as Array<{ filename: string }>)[0]!.filename)
    sim = await Effect.runPromise(Scope.provide(scope)(Simulator.make({ chats: 30, messages: 120 })))
  }, 120_000)
  afterAll(async () => {
    await Effect.runPromise(Scope.close(scope, Exit.void))
    rmSync(work, { recursive: true, force: true })
  })

  for (const [name, peers] of Object.entries(peerSets)) {
    it(`installs with ${name} (${peers.join(" ")}) alone, strict peers; the bare client and the simulator work`, async () => {
      const dir = join(work, name.replace(/\W+/g, "-"))
      const install = await installFromRegistry(dir, tarball, peers)
      expect(install.code, install.stderr).toBe(0)
      copyFileSync(join(root, "scripts", "smoke-client.mjs"), join(dir, "smoke-client.mjs"))
      const run = await runCommandIn(dir, process.execPath, ["smoke-client.mjs", sim.url, String(sim.businessId), sim.apiKey], { timeout: 90_000 })
      expect(run.code, run.stderr).toBe(0)
      expect(JSON.parse(run.stdout.trim().split("\n").at(-1)!)).toMatchObject({ readBack: true })
      writeFileSync(join(dir, "simulator.mjs"), simulatorProgram)
      const served = await runCommandIn(dir, process.execPath, ["simulator.mjs"], { timeout: 90_000 })
      expect(served.code, served.stderr).toBe(0)
      expect(JSON.parse(served.stdout.trim().split("\n").at(-1)!)).toEqual({ status: 200, chats: 7 })
      // effect/chat's conformance suite of the installed effect against the installed adapter
      copyFileSync(join(root, "test", "package", "programs", "chat-conformance.mjs"), join(dir, "chat-conformance.mjs"))
      const conformance = await runCommandIn(dir, process.execPath, ["chat-conformance.mjs"], { timeout: 240_000 })
      expect(conformance.code, conformance.stdout + conformance.stderr).toBe(0)
      const rules = JSON.parse(conformance.stdout.trim().split("\n").at(-1)!)
      expect(rules.run).toBeGreaterThan(0)
      expect(rules.failed).toEqual([])
    }, 600_000)
  }
})
