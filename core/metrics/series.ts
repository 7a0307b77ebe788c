/**
 * The attributes of the client's series, and the small caches the editions keep their series in: plain
 * TypeScript both editions' metric modules can build on (only the `Metric` calls differ between them).
 */
import { endpoints } from "../client/endpoints.js"
import { attributes as names } from "./names.js"

/** A series' attributes. */
export type Attributes = Readonly<Record<string, string>>

/** An operation's name (a key of the endpoints table). */
export type OperationName = keyof typeof endpoints

/** The value of `map` at `key`, made with `make` and kept the first time. */
export const once = <K, V>(map: Map<K, V>, key: K, make: () => V): V => {
  let found = map.get(key)
  if (found === undefined) {
    found = make()
    map.set(key, found)
  }
  return found
}

/** Series made on first use and kept under a key of their attributes. */
export const cached = <M>() => {
  const series = new Map<string, M>()
  return (key: string, build: () => M): M => once(series, key, build)
}

/** The key of a series. */
export const keyOf = (...parts: ReadonlyArray<string | number | undefined>): string => parts.join("\u0000")

/** The attributes of an operation's series, with the business's when given. */
export const operationAttributes = (operation: OperationName, business: string | undefined, extra: Attributes = {}): Attributes =>
  business === undefined
    ? { [names.operation]: operation, ...extra }
    : { [names.operation]: operation, ...extra, [names.businessId]: business }

/**
 * The attributes of an attempt of `operation`: its method, and the status of its answer (with
 * `error.type` for a status of 400 or more), or the tag of the error when no answer came.
 */
export const attemptAttributes = (operation: OperationName, result: number | string): Attributes => ({
  [names.operation]: operation,
  [names.method]: endpoints[operation].method,
  ...(typeof result === "number"
    ? { [names.status]: String(result), ...(result >= 400 ? { [names.errorType]: String(result) } : {}) }
    : { [names.errorType]: result })
})
