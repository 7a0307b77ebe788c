/**
 * The module graph of an installed entry, read as text: every module reachable from it through
 * relative imports, the bare specifiers they import, and what of Node they use (built-in modules,
 * Node globals). For the editions' package tests: the root entry must run on any runtime.
 */
import { readFileSync } from "node:fs"
import { builtinModules } from "node:module"
import { dirname, join, normalize } from "node:path"

/** The package a bare import specifier names (`@scope/name` or `name`). */
export const packageOf = (specifier: string): string => specifier.split("/").slice(0, specifier.startsWith("@") ? 2 : 1).join("/")

/** The relative and bare specifiers that a compiled module imports or re-exports, statically or not. */
const specifiersOf = (code: string) =>
  [...code.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)["']([^"']+)["']/g)].map((m) => m[1]!)

/** Every module reachable from `entry` (a file) through relative imports, with its code, and the bare specifiers they import. */
export const moduleGraph = (entry: string) => {
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

/** The bare specifiers among these that name a Node built-in module (`node:*` or a built-in's name). */
export const nodeBuiltins = (bare: Iterable<string>): Array<string> => {
  const builtins = new Set(builtinModules)
  return [...bare].filter((s) => s.startsWith("node:") || builtins.has(packageOf(s)))
}

/** The packages the bare specifiers name, sorted. */
export const packagesOf = (bare: Iterable<string>): Array<string> => [...new Set([...bare].map(packageOf))].sort()

/** Each use of a Node global (`process.*`, `Buffer.*`, `require(`, `__dirname`, `__filename`) outside comments, as `<file from base>: <use>`. */
export const nodeGlobals = (files: ReadonlyMap<string, string>, base: string): Array<string> =>
  [...files].flatMap(([file, code]) =>
    [...code.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "").matchAll(/\b(process\.\w+|Buffer\.\w+|require\(|__dirname|__filename)/g)]
      .map((m) => `${file.slice(base.length)}: ${m[1]}`)
  )
