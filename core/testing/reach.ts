/**
 * Everything reachable from a value: own properties (string and symbol keys, enumerable or not),
 * getters (called), prototypes, array items and map/set entries, to a bounded depth. For checking
 * that no path leads from an error to a credential.
 */

/** A string found somewhere in the graph, with the path that leads to it. */
export interface Found {
  readonly path: string
  readonly text: string
}

/** Every string reachable from `root` within `maxDepth` steps, and every object's string forms. */
export const reachableStrings = (root: unknown, maxDepth = 12): ReadonlyArray<Found> => {
  const out: Array<Found> = []
  const seen = new Set<unknown>()
  const visit = (value: unknown, path: string, depth: number): void => {
    if (typeof value === "string") {
      out.push({ path, text: value })
      return
    }
    if (value === null || (typeof value !== "object" && typeof value !== "function") || depth > maxDepth) return
    if (seen.has(value)) return
    seen.add(value)
    if (typeof value === "object") {
      for (const [form, show] of [["String", () => String(value)], ["JSON", () => JSON.stringify(value)]] as const) {
        try {
          const text = show()
          if (typeof text === "string") out.push({ path: `${form}(${path})`, text })
        } catch {
          // a value without a string form hides nothing in it
        }
      }
    }
    if (value instanceof Map) value.forEach((v, k) => { visit(k, `${path}.<key>`, depth + 1); visit(v, `${path}.<value>`, depth + 1) })
    if (value instanceof Set) value.forEach((v) => visit(v, `${path}.<item>`, depth + 1))
    if (typeof value === "function") return
    for (const key of Reflect.ownKeys(value)) {
      let child: unknown
      try {
        child = (value as Record<PropertyKey, unknown>)[key]
      } catch {
        continue
      }
      visit(child, `${path}.${String(key)}`, depth + 1)
    }
    visit(Object.getPrototypeOf(value), `${path}.<proto>`, depth + 1)
  }
  visit(root, "error", 0)
  return out
}

/** The paths from `root` to a string that contains `secret`. */
export const pathsTo = (root: unknown, secret: string): ReadonlyArray<string> =>
  reachableStrings(root).filter((f) => f.text.includes(secret)).map((f) => f.path)
