/**
 * The Effect 3 edition's tarball installed from the npm registry into a fresh folder with only its own
 * peers, at the versions of this edition's lockfile, with npm's normal strict peer resolution; the bare
 * client then streams, sends and reads back against the simulator. Beside Effect 4 the same tarball is
 * refused by npm (ERESOLVE): an Effect 4 application installs the Effect 4 edition.
 */
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Scope } from "effect"
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { installFromRegistry, lockedVersion, runCommandIn } from "../../../core/testing/registryInstall.js"
import * as Simulator from "../../src/Simulator.js"
import { pack, root } from "./installs.js"

const work = mkdtempSync(join(tmpdir(), "ymc-registry3-"))
const lockfile = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8"))
const peers = ["effect", "@effect/platform"].map((name) => `${name}@${lockedVersion(lockfile, name)}`)

describe("the Effect 3 edition installed from the registry", () => {
  const scope = Effect.runSync(Scope.make())
  let sim: Simulator.Service
  let tarball: string
  beforeAll(async () => {
    if (!existsSync(join(root, "dist", "effect3", "src", "index.js"))) throw new Error("no dist/: run `npm run build` first")
    tarball = pack(work, { build: false }).tarball
    sim = await Effect.runPromise(Scope.extend(Simulator.make({ chats: 30, messages: 120 }), scope))
  }, 120_000)
  afterAll(async () => {
    await Effect.runPromise(Scope.close(scope, Exit.void))
    rmSync(work, { recursive: true, force: true })
  })

  it(`installs with ${peers.join(" ")} alone, strict peers, and the bare client works`, async () => {
    const dir = join(work, "consumer")
    const install = await installFromRegistry(dir, tarball, peers)
    expect(install.code, install.stderr).toBe(0)
    copyFileSync(join(root, "scripts", "smoke-client.mjs"), join(dir, "smoke-client.mjs"))
    const run = await runCommandIn(dir, process.execPath, ["smoke-client.mjs", sim.url, String(sim.businessId), sim.apiKey], { timeout: 90_000 })
    expect(run.code, run.stderr).toBe(0)
    expect(JSON.parse(run.stdout.trim().split("\n").at(-1)!)).toMatchObject({ readBack: true })
  }, 300_000)

  it("is refused beside effect 4 (ERESOLVE): that application needs the Effect 4 edition", async () => {
    const install = await installFromRegistry(join(work, "on-effect4"), tarball, ["effect@^4.1.5"])
    expect(install.code).not.toBe(0)
    expect(install.stderr).toContain("ERESOLVE")
  }, 300_000)
})
