/**
 * The package's types as a TypeScript user meets them: an edition's consumer program (its text, from
 * the edition's package test) type-checked in a consumer folder where only the required peers are
 * installed, with `skipLibCheck: false` so that the package's own declarations are checked too.
 */
import assert from "node:assert/strict"
import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { type EditionPackage, type MatrixCase, runCommand } from "./installMatrix.js"

/** The module settings a consumer may use: Node's resolution, and a bundler's. */
const moduleSettings = [
  { module: "node16", moduleResolution: "node16" },
  { module: "esnext", moduleResolution: "bundler" }
] as const

/**
 * Type-checks a consumer's program (`main.ts`) in `dir` (inside a consumer folder laid out with
 * `@types/node`), with the edition's TypeScript; returns the errors that are not inside the dependencies' own
 * declarations (theirs, not ours), and whether tsc ran at all.
 */
const typeCheckConsumer = async (
  edition: EditionPackage,
  dir: string,
  settings: (typeof moduleSettings)[number],
  program: string
): Promise<{ readonly ours: ReadonlyArray<string>; readonly ran: boolean }> => {
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, "main.ts"), program)
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({
    compilerOptions: { ...settings, target: "ES2022", strict: true, noEmit: true, skipLibCheck: false, types: ["node"], lib: ["ES2022", "DOM"] },
    files: ["main.ts"]
  }))
  const outcome = await runCommand(process.execPath, [join(edition.root, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"], {
    cwd: dir,
    timeout: 170_000
  })
  const ours = outcome.stdout.split("\n").filter((l) => l.includes("error TS") && !l.includes("node_modules/effect/") && !l.includes("node_modules/@effect/"))
  return { ours, ran: outcome.code === 0 || outcome.stdout.includes("error TS") }
}

/**
 * The type-checks of a consumer's program (`program`, the text of `main.ts`) with each of the module
 * settings, in folders below `consumer` (a consumer folder with the required peers and `@types/node`).
 */
export const typeCheckCases = (edition: EditionPackage, consumer: string, program: string): Array<MatrixCase> =>
  moduleSettings.map((settings) => ({
    name: `type-checks from TypeScript with moduleResolution ${settings.moduleResolution}, with only the required ${
      edition.requiredPeers.length === 1 ? "peer" : "peers"
    } installed`,
    timeout: 180_000,
    skip: false,
    run: async () => {
      const { ours, ran } = await typeCheckConsumer(edition, join(consumer, `ts-${settings.moduleResolution}`), settings, program)
      // errors inside dependencies' own declarations are theirs; ours must be clean
      assert.deepEqual(ours, [])
      assert.equal(ran, true, "tsc did not run")
    }
  }))
