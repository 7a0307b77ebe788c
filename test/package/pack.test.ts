/**
 * The package as a user gets it: `npm pack`, then the tarball unpacked into a fresh folder's
 * node_modules (its dependencies linked from this repository, so no network is needed), imported
 * from Node as ES modules, and type-checked from TypeScript with `node16` and `bundler` resolution.
 */
import { describe, expect, it } from "@effect/vitest"
import { execFileSync } from "node:child_process"
import { mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join, resolve } from "node:path"

const root = resolve(__dirname, "../..")
const work = mkdtempSync(join(tmpdir(), "ymc-pack-"))
const run = (cmd: string, args: ReadonlyArray<string>, cwd: string) =>
  execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 180_000 })

describe("the packed package", () => {
  const packed = JSON.parse(run("npm", ["pack", "--json", "--pack-destination", work], root)) as Array<{
    filename: string
    files: Array<{ path: string }>
  }>
  const tarball = join(work, packed[0]!.filename)
  const app = join(work, "app")
  const installed = join(app, "node_modules", "effect-yandex-market-chats")
  mkdirSync(installed, { recursive: true })
  run("tar", ["-xzf", tarball, "-C", installed, "--strip-components=1"], work)
  for (const dep of ["effect", "@effect/platform", "@effect/platform-node", "@effect/cli", "@effect/printer", "@effect/printer-ansi", "@types/node"]) {
    mkdirSync(dirname(join(app, "node_modules", dep)), { recursive: true })
    symlinkSync(join(root, "node_modules", dep), join(app, "node_modules", dep), "dir")
  }
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }))

  it("holds only what a user needs", () => {
    const paths = packed[0]!.files.map((f) => f.path)
    const outside = paths.filter((p) => !p.startsWith("dist/") && !["README.md", "LICENSE", "CHANGELOG.md", "package.json"].includes(p))
    expect(outside).toEqual([])
    expect(paths).toContain("dist/index.js")
    expect(paths).toContain("dist/index.d.ts")
    expect(paths).toContain("dist/Simulator.js")
    expect(paths.some((p) => p.includes("test") || p.endsWith(".ts") && !p.endsWith(".d.ts"))).toBe(false)
  })

  it("imports from Node as ES modules, and the client talks to the simulator", () => {
    writeFileSync(join(app, "main.mjs"), `
      import { NodeHttpClient } from "@effect/platform-node"
      import { Effect, Redacted, Stream } from "effect"
      import { ChatsClient, ChatsSchema } from "effect-yandex-market-chats"
      import * as Simulator from "effect-yandex-market-chats/simulator"
      const program = Effect.gen(function*() {
        const sim = yield* Simulator.Simulator
        const chats = yield* ChatsClient.make({ baseUrl: sim.url, apiKey: Redacted.make(sim.apiKey) })
        const n = yield* Stream.runCount(chats.streamChats({ businessId: sim.businessId, limit: 20 }))
        console.log(JSON.stringify({ chats: n, statuses: ChatsSchema.chatStatuses.length }))
      }).pipe(Effect.provide(Simulator.layer({ chats: 45, messages: 90 })), Effect.provide(NodeHttpClient.layerUndici))
      Effect.runPromise(program).then(() => process.exit(0), (e) => { console.error(e); process.exit(1) })
    `)
    const out = JSON.parse(run(process.execPath, ["main.mjs"], app).trim())
    expect(out.chats).toBeGreaterThanOrEqual(45)
    expect(out.statuses).toBe(6)
  })

  it("ships the ym-chats command, which starts from the tarball", () => {
    const pkg = JSON.parse(run("cat", [join(installed, "package.json")], app)) as { bin: Record<string, string> }
    const help = run(process.execPath, [join(installed, pkg.bin["ym-chats"]!), "--help"], app)
    expect(help).toContain("ym-chats")
    expect(help).toContain("send-file")
  })

  for (const [module, moduleResolution] of [["node16", "node16"], ["esnext", "bundler"]] as const) {
    it(`type-checks from TypeScript with moduleResolution ${moduleResolution}`, () => {
      const dir = join(app, `ts-${moduleResolution}`)
      mkdirSync(dir, { recursive: true })
      writeFileSync(join(dir, "main.ts"), `
        import { Effect, Redacted } from "effect"
        import { ChatsClient, ChatsError, ChatsSchema } from "effect-yandex-market-chats"
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
      `)
      writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({
        compilerOptions: { module, moduleResolution, target: "ES2022", strict: true, noEmit: true, skipLibCheck: false, types: ["node"], lib: ["ES2022", "DOM"] },
        files: ["main.ts"]
      }))
      const tsc = join(root, "node_modules", "typescript", "bin", "tsc")
      let output = ""
      try {
        output = run(process.execPath, [tsc, "-p", "tsconfig.json"], dir)
      } catch (e) {
        output = String((e as { stdout?: string }).stdout ?? e)
      }
      // errors inside dependencies' own declarations are theirs; ours must be clean
      const ours = output.split("\n").filter((l) => l.includes("error TS") && !l.includes("node_modules/effect/") && !l.includes("node_modules/@effect/"))
      expect(ours).toEqual([])
      expect(readdirSync(dir)).toContain("main.ts")
    })
  }
})
