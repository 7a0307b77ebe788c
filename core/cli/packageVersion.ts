/**
 * The version `ym-chats --version` prints: the one in the package.json of `effect-yandex-market-chats`
 * nearest above the running module, wherever the module sits (the sources in a clone, or `dist/` in an
 * installed package). Written without Effect.
 */
import { readFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

/** The package's name, as its package.json spells it. */
const packageName = "effect-yandex-market-chats"

/** The version of the package a module at this URL belongs to, or "0.0.0" when no package.json names it. */
export const packageVersion = (moduleUrl: string): string => {
  for (let dir = dirname(fileURLToPath(moduleUrl)); ; dir = dirname(dir)) {
    try {
      const pkg: unknown = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"))
      if (
        typeof pkg === "object" && pkg !== null && "name" in pkg && pkg.name === packageName &&
        "version" in pkg && typeof pkg.version === "string"
      ) return pkg.version
    } catch {
      // no package.json here, or not one to read: look higher
    }
    if (dirname(dir) === dir) return "0.0.0"
  }
}
