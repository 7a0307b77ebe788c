/**
 * Which route a request path reaches, as the router the simulator was first served by
 * (find-my-way, through `@effect/platform`) decides it, so that the same paths reach the same
 * operations: an absolute URL's origin is dropped, repeated slashes are one, the path is
 * percent-decoded (a malformed escape matches nothing), it ends at the first `?`, `;` or `#`, a
 * trailing slash is ignored, fixed segments match in any case, and a parameter is one segment of
 * at most 100 characters, decoded. The decoding helpers follow find-my-way's (MIT).
 */

/** One part of a route pattern: fixed text, or a named parameter. */
type Part = { readonly text: string } | { readonly param: string }

/** A route pattern such as `/businesses/:businessId/chats`, compiled. */
export interface PathPattern {
  readonly parts: ReadonlyArray<Part>
}

/** The parameters of a matched path, or `undefined` when it does not match. */
export type Params = Readonly<Record<string, string>>

/** A path made ready for matching. */
export interface RoutedPath {
  /** The path as matched against the fixed parts (lower case). */
  readonly lower: string
  /** The path parameters are read from. */
  readonly origin: string
  /** Whether parameters hold escapes left for them to decode. */
  readonly decodeParams: boolean
}

const maxParamLength = 100

/** Compiles a pattern (it starts with `/`); `:name` is a parameter up to the next `/`. */
export const compilePattern = (pattern: string): PathPattern => {
  const parts: Array<Part> = []
  // the router takes the first character of every path for the `/` its tree starts with
  for (const piece of pattern.slice(1).split(/(:[A-Za-z]+)/)) {
    if (piece.startsWith(":")) parts.push({ param: piece.slice(1) })
    else if (piece !== "") parts.push({ text: piece.toLowerCase() })
  }
  return { parts }
}

/** The characters whose escape `decodeURI` keeps and `decodeURIComponent` decodes (`# $ & + , / : ; = ? @`), and `%`. */
const componentChar = (high: number, low: number): string | undefined => {
  if (high === 50) {
    if (low === 53) return "%"
    if (low === 51) return "#"
    if (low === 52) return "$"
    if (low === 54) return "&"
    if (low === 66 || low === 98) return "+"
    if (low === 67 || low === 99) return ","
    if (low === 70 || low === 102) return "/"
    return undefined
  }
  if (high === 51) {
    if (low === 65 || low === 97) return ":"
    if (low === 66 || low === 98) return ";"
    if (low === 68 || low === 100) return "="
    if (low === 70 || low === 102) return "?"
    return undefined
  }
  return high === 52 && low === 48 ? "@" : undefined
}

/** Cuts the query off and decodes the path (throws `URIError` on a malformed escape). */
const decodePath = (raw: string) => {
  let path = raw
  let decode = false
  let decodeParams = false
  for (let i = 1; i < path.length; i++) {
    const code = path.charCodeAt(i)
    if (code === 37) {
      const high = path.charCodeAt(i + 1)
      const low = path.charCodeAt(i + 2)
      if (componentChar(high, low) === undefined) {
        decode = true
      } else {
        decodeParams = true
        // %25 stays escaped once more, so that decoding the path does not decode it twice
        if (high === 50 && low === 53) {
          decode = true
          path = path.slice(0, i + 1) + "25" + path.slice(i + 1)
          i += 2
        }
        i += 2
      }
    } else if (code === 63 || code === 59 || code === 35) {
      path = path.slice(0, i)
      break
    }
  }
  return { path: decode ? decodeURI(path) : path, decodeParams }
}

/** Decodes the escapes `decodeURI` left in a parameter. */
const decodeParam = (param: string): string => {
  const start = param.indexOf("%")
  if (start === -1) return param
  let decoded = ""
  let last = start
  for (let i = start; i < param.length; i++) {
    if (param.charCodeAt(i) === 37) {
      decoded += param.slice(last, i) + componentChar(param.charCodeAt(i + 1), param.charCodeAt(i + 2))
      last = i + 3
    }
  }
  return param.slice(0, start) + decoded + param.slice(last)
}

/** Makes a request URL ready for matching, or `undefined` when it cannot match any route. */
export const routedPath = (url: string): RoutedPath | undefined => {
  let path = url.charCodeAt(0) === 47 ? url : url.replace(/^https?:\/\/.*?\//, "/")
  path = path.replace(/\/\/+/g, "/")
  let decoded: { readonly path: string; readonly decodeParams: boolean }
  try {
    decoded = decodePath(path)
  } catch {
    return undefined
  }
  path = decoded.path
  if (path.length > 1 && path.charCodeAt(path.length - 1) === 47) path = path.slice(0, -1)
  return { lower: path.toLowerCase(), origin: path, decodeParams: decoded.decodeParams }
}

/**
 * Matches a path against a pattern: its parameters, `undefined` when it does not match, or
 * `"refused"` when a parameter is too long (no route at all then matches the path).
 */
export const matchPath = (pattern: PathPattern, path: RoutedPath): Params | undefined | "refused" => {
  const params: Record<string, string> = {}
  let index = 1
  for (const part of pattern.parts) {
    if ("text" in part) {
      if (!path.lower.startsWith(part.text, index)) return undefined
      index += part.text.length
    } else {
      let end = path.origin.indexOf("/", index)
      if (end === -1) end = path.lower.length
      let value = path.origin.slice(index, end)
      if (path.decodeParams) value = decodeParam(value)
      if (value.length > maxParamLength) return "refused"
      params[part.param] = value
      index = end
    }
  }
  return index === path.lower.length ? params : undefined
}
