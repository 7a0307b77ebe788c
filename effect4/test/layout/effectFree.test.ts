/**
 * The shared core (`core/`, beside the editions) is written once for both editions, so it needs no
 * Effect: none of its modules imports `effect` or `@effect/*`, nor anything of an edition.
 */
import { describe, expect, it } from "@effect/vitest"
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { join, relative } from "node:path"
import { fileURLToPath } from "node:url"

const repository = fileURLToPath(new URL("../../..", import.meta.url))
const core = join(repository, "core")

/** Every TypeScript module below a folder. */
const modulesBelow = (dir: string): Array<string> =>
  (existsSync(dir) ? readdirSync(dir, { withFileTypes: true }) : []).flatMap((entry) =>
    entry.isDirectory() ? modulesBelow(join(dir, entry.name)) : entry.name.endsWith(".ts") ? [join(dir, entry.name)] : []
  )

/** The specifiers a module imports or re-exports, statically or dynamically. */
const specifiersOf = (code: string) =>
  [...code.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)["']([^"']+)["']/g)].map((m) => m[1]!)

describe("the shared core", () => {
  const modules = modulesBelow(core)

  it("imports no Effect package and nothing of either edition", () => {
    expect(modules.length).toBeGreaterThan(0)
    const leaks = modules.flatMap((file) =>
      specifiersOf(readFileSync(file, "utf8"))
        .filter((s) => s === "effect" || s.startsWith("effect/") || s.startsWith("@effect/") || /(^|\/)effect[34]\//.test(s))
        .map((s) => `${relative(repository, file)}: ${s}`)
    )
    expect(leaks).toEqual([])
  })

  it("is what the editions import (each core module is used by an edition's sources or tests, or by another core module)", () => {
    const editionSources = ["effect3", "effect4"].flatMap((edition) =>
      ["src", "test", "scripts", "bin", "bench"].flatMap((dir) => modulesBelow(join(repository, edition, dir)))
    )
    const imported = new Set(
      editionSources.flatMap((file) =>
        specifiersOf(readFileSync(file, "utf8"))
          .filter((s) => s.includes("/core/"))
          .map((s) => join(file, "..", s).replace(/\.js$/, ".ts"))
      )
    )
    const coreImported = new Set(
      modules.flatMap((file) =>
        specifiersOf(readFileSync(file, "utf8")).filter((s) => s.startsWith(".")).map((s) => join(file, "..", s).replace(/\.js$/, ".ts"))
      )
    )
    const unused = modules.filter((m) => !imported.has(m) && !coreImported.has(m)).map((m) => relative(repository, m))
    expect(unused).toEqual([])
  })
})
