/**
 * The package as a user gets it: `npm pack`, then the tarball unpacked into fresh consumer folders,
 * one per supported install (test/package/installs.ts), with the peers of that install linked from
 * this repository (no network). Every install's program runs in every install: it works where its
 * peers are installed and fails, naming the missing ones, where they are not. The root entry's
 * module graph is read for Node-specific imports, and the types are checked from TypeScript with
 * only the required peers installed.
 */
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Scope } from "effect"
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { builtinModules } from "node:module"
import { tmpdir } from "node:os"
import { dirname, join, normalize } from "node:path"
import { peerRanges } from "../../src/internal/peers.js"
import * as Simulator from "../../src/Simulator.js"
import { redisAvailable, type RedisServer, startRedis } from "../redis/server.js"
import { type Install, installs, makeConsumer, makeInstall, manifest, pack, requiredPeers, root, runCommand } from "./installs.js"

const work = mkdtempSync(join(tmpdir(), "ymc-pack-"))
afterAll(() => rmSync(work, { recursive: true, force: true }))

/** The package a bare import specifier names (`@scope/name` or `name`). */
const packageOf = (specifier: string) => specifier.split("/").slice(0, specifier.startsWith("@") ? 2 : 1).join("/")

/** The relative and bare specifiers that a compiled module imports or re-exports, statically or not. */
const specifiersOf = (code: string) =>
  [...code.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)["']([^"']+)["']/g)].map((m) => m[1]!)

/** Every module reachable from `entry` through relative imports, with the bare specifiers they import. */
const moduleGraph = (entry: string) => {
  const files = new Map<string, string>()
  const bare = new Set<string>()
  const visit = (file: string) => {
    if (files.has(file)) return
    const code = readFileSync(file, "utf8")
    files.set(file, code)
    for (const specifier of specifiersOf(code)) {
      if (specifier.startsWith(".")) visit(normalize(join(dirname(file), specifier)))
      else bare.add(specifier)
    }
  }
  visit(entry)
  return { files, bare }
}

describe("the packed package", () => {
  const { files, tarball } = pack(work, { build: true })
  const installed = join(work, "bare", "node_modules", manifest.name)
  makeConsumer(join(work, "bare"), tarball, [...requiredPeers, "@types/node"])

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
  })

  it("imports nothing Node-specific from the root entry: only effect and @effect/platform, no built-in module, no Node global", () => {
    const { bare, files: modules } = moduleGraph(join(installed, "dist", "effect3", "src", "index.js"))
    expect(modules.size).toBeGreaterThan(10) // the walk reached the client's internals
    expect([...modules.keys()].some((f) => f.endsWith(join("internal", "client", "call.js")))).toBe(true)
    const builtins = new Set(builtinModules)
    const nodeSpecific = [...bare].filter((s) => s.startsWith("node:") || builtins.has(packageOf(s)))
    expect(nodeSpecific).toEqual([])
    expect([...new Set([...bare].map(packageOf))].sort()).toEqual(["@effect/platform", "effect"])
    const globals = [...modules].flatMap(([file, code]) =>
      [...code.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "").matchAll(/\b(process\.\w+|Buffer\.\w+|require\(|__dirname|__filename)/g)]
        .map((m) => `${file.slice(installed.length)}: ${m[1]}`)
    )
    expect(globals).toEqual([])
  })

  describe("each supported install", () => {
    const scope = Effect.runSync(Scope.make())
    let sim: Simulator.Service
    // a redis-server for the programs that need one (skipped without it, outside CI)
    const withRedis = installs.some((i) => i.redis === true) && redisAvailable("test/package: the Redis install's program")
    let redis: RedisServer | undefined
    beforeAll(async () => {
      sim = await Effect.runPromise(Scope.extend(Simulator.make({ chats: 30, messages: 120 }), scope))
      if (withRedis) redis = await startRedis()
    })
    afterAll(async () => {
      await redis?.stop()
      await Effect.runPromise(Scope.close(scope, Exit.void))
    })

    /** Every program's files in every consumer folder, so that each program can be tried in each install. */
    const programFiles = installs.flatMap((i) => i.files)
    const consumers = new Map(installs.map((install, n) => {
      const dir = join(work, `install-${n}`)
      makeInstall(dir, tarball, { ...install, files: programFiles })
      return [install, dir] as const
    }))

    const tryProgram = (program: Install, install: Install) => {
      const { args, env } = program.run({ url: sim.url, businessId: sim.businessId, apiKey: sim.apiKey, redisUrl: redis?.url })
      return runCommand(process.execPath, args, { cwd: consumers.get(install)!, timeout: 90_000, ...(env ? { env } : {}) })
    }

    for (const install of installs) {
      describe(install.name, () => {
        for (const program of installs) {
          const missing = program.adds.filter((name) => !install.adds.includes(name))
          if (missing.length === 0) {
            it.skipIf(program.redis === true && !withRedis)(`runs the program of ${program.name}`, async () => {
              const outcome = await tryProgram(program, install)
              expect(outcome.stderr).not.toMatch(/MissingPackageError|not installed/)
              expect(outcome.code, outcome.stderr).toBe(0)
              expect(outcome.stdout).toMatch(program.works)
            }, 120_000)
          } else {
            it(`refuses the program of ${program.name}, naming ${missing.join(" and ")} and how to install it`, async () => {
              const outcome = await tryProgram(program, install)
              expect(outcome.code).not.toBe(0)
              expect(outcome.stdout).not.toMatch(program.works)
              expect(outcome.stderr).toContain("npm install ")
              for (const name of program.adds) {
                if (missing.includes(name)) expect(outcome.stderr).toContain(`${name}@${manifest.peerDependencies[name]}`)
                else expect(outcome.stderr).not.toContain(`${name}@`)
              }
            }, 120_000)
          }
        }
      })
    }
  })

  for (const [module, moduleResolution] of [["node16", "node16"], ["esnext", "bundler"]] as const) {
    it(`type-checks from TypeScript with moduleResolution ${moduleResolution}, with only the required peers installed`, async () => {
      const dir = join(work, "bare", `ts-${moduleResolution}`)
      mkdirSync(dir, { recursive: true })
      writeFileSync(join(dir, "main.ts"), `
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
      `)
      writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({
        compilerOptions: { module, moduleResolution, target: "ES2022", strict: true, noEmit: true, skipLibCheck: false, types: ["node"], lib: ["ES2022", "DOM"] },
        files: ["main.ts"]
      }))
      const outcome = await runCommand(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"], {
        cwd: dir,
        timeout: 170_000
      })
      // errors inside dependencies' own declarations are theirs; ours must be clean
      const ours = outcome.stdout.split("\n").filter((l) => l.includes("error TS") && !l.includes("node_modules/effect/") && !l.includes("node_modules/@effect/"))
      expect(ours).toEqual([])
      expect(outcome.code === 0 || outcome.stdout.includes("error TS")).toBe(true) // tsc ran
    }, 180_000)
  }
})
