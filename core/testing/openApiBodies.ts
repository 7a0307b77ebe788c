/**
 * Random answers of the chats API generated from its official OpenAPI description, without Effect:
 * following `$ref`s and `allOf`, a seeded generator (optional fields, unknown fields at every level,
 * nulls, new enum values, int32/int64 edges, unicode, RFC 3339 dates with many offsets, each date with
 * the instant it means), for both editions' conformance suites.
 */

/** A JSON value. */
export type Json = null | boolean | number | string | ReadonlyArray<Json> | { readonly [key: string]: Json }

/** An OpenAPI 3.0 schema object, read loosely. */
export type SchemaObject = { readonly [key: string]: unknown }

/** A schema with `$ref` followed and `allOf` merged: what the generator walks. */
export interface ResolvedSchema extends SchemaObject {
  readonly type?: string
  readonly properties?: Readonly<Record<string, SchemaObject>>
  readonly required?: ReadonlyArray<string>
  /** The name of the component the schema came from, if any. */
  readonly refName?: string
}

/** What the generator needs of a description: schemas with their refs followed. */
export interface SchemaResolver {
  readonly resolve: (node: unknown) => ResolvedSchema
}

const isObject = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

/** The schemas of an OpenAPI 3.0 document: local `$ref`s followed, `allOf` merged. */
export class OpenApiSchemas implements SchemaResolver {
  private readonly resolved = new WeakMap<object, ResolvedSchema>()

  constructor(readonly doc: Record<string, unknown>) {}

  /** Follows a local `$ref` (`#/...`). */
  pointer(ref: string): unknown {
    if (!ref.startsWith("#/")) throw new Error(`only local refs are supported: ${ref}`)
    let node: unknown = this.doc
    for (const raw of ref.slice(2).split("/")) {
      const key = raw.replace(/~1/g, "/").replace(/~0/g, "~")
      if (!isObject(node) || !(key in node)) throw new Error(`unresolvable ref ${ref}`)
      node = node[key]
    }
    return node
  }

  /** Follows `$ref`s until a node without one (OpenAPI 3.0: siblings of `$ref` are ignored). */
  deref<T = SchemaObject>(node: unknown): T {
    let current = node
    for (let i = 0; i < 32 && isObject(current) && typeof current.$ref === "string"; i++) {
      current = this.pointer(current.$ref)
    }
    return current as T
  }

  /** A schema with its refs followed and `allOf` merged into one object schema. */
  resolve(node: unknown): ResolvedSchema {
    if (isObject(node)) {
      const hit = this.resolved.get(node)
      if (hit) return hit
    }
    let refName: string | undefined
    let current = node
    while (isObject(current) && typeof current.$ref === "string") {
      refName = current.$ref.split("/").pop()
      current = this.pointer(current.$ref)
    }
    if (!isObject(current)) throw new Error("a schema must be an object")
    let out: ResolvedSchema = { ...current, ...(refName === undefined ? {} : { refName }) }
    if (Array.isArray(current.allOf)) {
      const properties: Record<string, SchemaObject> = { ...((current.properties ?? {}) as Record<string, SchemaObject>) }
      const required = new Set<string>((current.required ?? []) as Array<string>)
      for (const part of current.allOf) {
        const r = this.resolve(part)
        Object.assign(properties, r.properties ?? {})
        for (const k of r.required ?? []) required.add(k)
      }
      const { allOf: _allOf, ...rest } = out
      out = { ...rest, type: "object", properties, required: [...required] }
    }
    if (isObject(node)) this.resolved.set(node, out)
    return out
  }

  /** The JSON body schema of each documented answer of an operation, by status (`"200"`, `"400"`, ...). */
  responseSchemas(operationId: string): Readonly<Record<string, SchemaObject>> {
    for (const item of Object.values((this.doc.paths ?? {}) as Record<string, Record<string, unknown>>)) {
      for (const op of Object.values(item)) {
        if (!isObject(op) || op.operationId !== operationId) continue
        const out: Record<string, SchemaObject> = {}
        for (const [status, answer] of Object.entries((op.responses ?? {}) as Record<string, unknown>)) {
          const content = this.deref<Record<string, unknown>>(answer).content as Record<string, { schema?: SchemaObject }> | undefined
          const schema = content?.["application/json"]?.schema
          if (schema === undefined) throw new Error(`${operationId}: the ${status} answer has no JSON schema`)
          out[status] = schema
        }
        return out
      }
    }
    throw new Error(`no operation ${operationId} in the description`)
  }
}

// -----------------------------------------------------------------------------
// Random values from the response schemas
// -----------------------------------------------------------------------------

/** A small seeded PRNG (sfc32 seeded through splitmix32), so failures reproduce from (seed, index). */
export class Rng {
  private a: number
  private b: number
  private c: number
  private d: number
  constructor(seed: number, stream = 0) {
    let s = (seed ^ Math.imul(stream + 1, 0x9e3779b9)) >>> 0
    const next = () => {
      s = (s + 0x9e3779b9) >>> 0
      let z = s
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
      return (z ^ (z >>> 16)) >>> 0
    }
    this.a = next()
    this.b = next()
    this.c = next()
    this.d = next()
    for (let i = 0; i < 12; i++) this.u32()
  }
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0
    this.d = (this.d + 1) | 0
    this.a = this.b ^ (this.b >>> 9)
    this.b = (this.c + (this.c << 3)) | 0
    this.c = (this.c << 21) | (this.c >>> 11)
    this.c = (this.c + t) | 0
    return t >>> 0
  }
  /** Uniform in [0, 1). */
  next(): number {
    return this.u32() / 2 ** 32
  }
  /** Uniform in [0, 1) with 53 bits. */
  float53(): number {
    return (this.u32() * 2 ** 21 + (this.u32() >>> 11)) / 2 ** 53
  }
  /** A uniform integer in [min, max] (safe integers). */
  int(min: number, max: number): number {
    if (max <= min) return min
    const span = max - min + 1
    const r = min + Math.floor((span <= 2 ** 32 ? this.next() : this.float53()) * span)
    return Math.min(max, Math.max(min, r))
  }
  chance(p: number): boolean {
    return this.next() < p
  }
  pick<T>(xs: ReadonlyArray<T>): T {
    return xs[this.int(0, xs.length - 1)] as T
  }
}

/** Knobs of the generator. */
export interface GenOptions {
  readonly optional: number
  readonly extraFields: number
  readonly nullable: number
  readonly unknownEnum: number
  /** Generate RFC 3339 forms the client is known not to read (lowercase `z`, leap seconds). */
  readonly rfc3339Edge: boolean
  /** Properties that are always generated at the top level (e.g. `result`). */
  readonly forceTop: ReadonlyArray<string>
}

/** The generator's defaults: half the optional fields, a quarter with unknown fields, RFC 3339 edge forms included. */
export const defaultGenOptions: GenOptions = {
  optional: 0.5,
  extraFields: 0.25,
  nullable: 0.2,
  unknownEnum: 0.1,
  rfc3339Edge: true,
  forceTop: []
}

/** What each generated date-time means, for checking the decoded value. */
export type DateOracle = Map<string, number | undefined>

const pad = (n: number, width: number) => String(n).padStart(width, "0")
const daysIn = (y: number, m: number) =>
  m === 2 ? ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31

/** An RFC 3339 date-time with various offsets, fractions and years, with its instant in epoch millis. */
export const genDateTime = (rng: Rng, edge = false): { readonly text: string; readonly epochMillis: number | undefined } => {
  const r = rng.next()
  const year = r < 0.7 ? rng.int(1990, 2040) : r < 0.9 ? rng.int(1970, 2100) : rng.int(0, 9999)
  const month = rng.int(1, 12)
  const day = rng.int(1, daysIn(year, month))
  let hour = rng.int(0, 23)
  let minute = rng.int(0, 59)
  let second = rng.int(0, 59)
  const frac = rng.chance(0.5) ? "" : String(rng.int(0, 999_999_999)).padStart(9, "0").slice(0, rng.int(1, 9))
  let offset: string
  let offsetMinutes = 0
  const o = rng.next()
  if (o < 0.3) {
    offset = edge && rng.chance(0.5) ? "z" : "Z"
  } else if (o < 0.6) {
    offset = rng.pick(["+03:00", "+00:00", "-00:00", "+05:30", "+05:45", "-03:30", "+14:00", "-12:00", "+12:45", "-09:30"])
  } else {
    offset = `${rng.chance(0.5) ? "+" : "-"}${pad(rng.int(0, 23), 2)}:${pad(rng.int(0, 59), 2)}`
  }
  if (offset !== "Z" && offset !== "z") {
    const sign = offset.startsWith("-") ? -1 : 1
    offsetMinutes = sign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)))
  }
  let leap = false
  if (edge && rng.chance(0.3)) {
    // a leap second: 23:59:60 in UTC, written in the chosen offset
    leap = true
    const local = 23 * 60 + 59 + offsetMinutes
    const wrapped = ((local % 1440) + 1440) % 1440
    hour = Math.floor(wrapped / 60)
    minute = wrapped % 60
    second = 60
  }
  const sep = rng.chance(0.1) ? "t" : "T"
  const text = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}${sep}${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}${
    frac === "" ? "" : `.${frac}`
  }${offset}`
  if (leap) return { text, epochMillis: undefined }
  const d = new Date(0)
  d.setUTCFullYear(year, month - 1, day)
  d.setUTCHours(hour, minute, second, Number((frac + "000").slice(0, 3)))
  return { text, epochMillis: d.getTime() - offsetMinutes * 60_000 }
}

const specials = ["\"", "\\", "/", "\n", "\r", "\t", "\u0000", "\u001f", "\u007f", "\u2028", "\u2029", "\ufeff", "\u0301", "\u200d"]

/** One code point from a mix of scripts, emoji and awkward characters (rarely a lone surrogate). */
const genCodePoint = (rng: Rng): string => {
  const r = rng.next()
  if (r < 0.5) return String.fromCharCode(rng.int(0x20, 0x7e))
  if (r < 0.65) return String.fromCodePoint(rng.int(0x410, 0x44f))
  if (r < 0.75) return String.fromCodePoint(rng.int(0x1f300, 0x1faff))
  if (r < 0.8) return String.fromCodePoint(rng.int(0x4e00, 0x9fff))
  if (r < 0.9) return rng.pick(specials)
  if (r < 0.995) return String.fromCodePoint(rng.int(0xa0, 0xd7ff))
  return String.fromCharCode(rng.int(0xd800, 0xdfff))
}

/** A string of `n` code points. */
export const genText = (rng: Rng, n: number): string => {
  let s = ""
  for (let i = 0; i < n; i++) s += genCodePoint(rng)
  return s
}

const knownWords = ["NEW", "ORDER", "CHAT", "PARTNER", "OK"]

/** A value an enum might gain later. */
export const genUnknownEnum = (rng: Rng, known: ReadonlyArray<unknown>): string => {
  for (;;) {
    const r = rng.next()
    const v = r < 0.6
      ? `${rng.pick(["NEW", "FUTURE", "WAITING_FOR", "UNKNOWN", "X"])}_${rng.pick(["VALUE", "KIND", "SELLER", "BOT"])}${
        rng.int(0, 99)
      }`
      : r < 0.8
      ? rng.pick(knownWords).toLowerCase()
      : r < 0.9
      ? ""
      : genText(rng, rng.int(1, 12))
    if (!known.includes(v)) return v
  }
}

const extraKeys = [
  "extra",
  "unknownField",
  "newField2030",
  "x-trace-id",
  "_meta",
  "links",
  "flags",
  "chatId",
  "messageId",
  "status",
  "result",
  "ключ",
  "😀",
  "",
  "__proto__",
  "constructor",
  "toString",
  "hasOwnProperty"
]

/** Any JSON value (for unknown fields). */
export const genAnyJson = (rng: Rng, depth = 0): Json => {
  const r = rng.next()
  if (r < 0.12) return null
  if (r < 0.24) return rng.chance(0.5)
  if (r < 0.4) return rng.int(-(2 ** 53 - 1), 2 ** 53 - 1)
  if (r < 0.5) return (rng.next() - 0.5) * 10 ** rng.int(-5, 20)
  if (r < 0.75 || depth >= 3) return genText(rng, rng.int(0, 10))
  if (r < 0.87) return Array.from({ length: rng.int(0, 3) }, () => genAnyJson(rng, depth + 1))
  const obj: Record<string, Json> = {}
  for (let i = rng.int(0, 3); i > 0; i--) setOwn(obj, rng.pick(extraKeys), genAnyJson(rng, depth + 1))
  return obj
}

/** Sets an own property (also for `__proto__`). */
export const setOwn = (obj: Record<string, Json>, key: string, value: Json) => {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true })
}

/** An integer within the schema's format and bounds, often at the edges. */
const genInteger = (rng: Rng, schema: ResolvedSchema): number => {
  const int32 = schema.format === "int32"
  let lo = int32 ? -(2 ** 31) : -(2 ** 53 - 1)
  let hi = int32 ? 2 ** 31 - 1 : 2 ** 53 - 1
  if (typeof schema.minimum === "number") lo = Math.max(lo, schema.exclusiveMinimum === true ? schema.minimum + 1 : schema.minimum)
  if (typeof schema.maximum === "number") hi = Math.min(hi, schema.exclusiveMaximum === true ? schema.maximum - 1 : schema.maximum)
  const r = rng.next()
  if (r < 0.15) return rng.pick([lo, hi, lo + 1, hi - 1, 0, 1, -1].filter((v) => v >= lo && v <= hi))
  if (r < 0.4) {
    const a = Math.max(lo, -1000)
    const b = Math.min(hi, 1000)
    if (a <= b) return rng.int(a, b)
  }
  if (r < 0.8) {
    const bits = rng.int(0, int32 ? 31 : 53)
    const mag = bits === 0 ? 0 : rng.int(2 ** (bits - 1), Math.min(2 ** bits - 1, 2 ** 53 - 1))
    const v = lo < 0 && rng.chance(0.5) ? -mag : mag
    return Math.min(hi, Math.max(lo, v))
  }
  return rng.int(lo, hi)
}

/** A string within the schema's length bounds (code points), a date-time, or an enum value. */
const genString = (rng: Rng, schema: ResolvedSchema, options: GenOptions, oracle: DateOracle): string => {
  if (schema.format === "date-time") {
    const d = genDateTime(rng, options.rfc3339Edge)
    oracle.set(d.text, d.epochMillis)
    return d.text
  }
  const min = typeof schema.minLength === "number" ? schema.minLength : 0
  const max = typeof schema.maxLength === "number" ? schema.maxLength : Infinity
  const r = rng.next()
  let n: number
  if (min === 0 && r < 0.1) n = 0
  else if (r < 0.7) n = rng.int(Math.max(1, min), Math.min(max, 12))
  else if (r < 0.93) n = rng.int(Math.max(1, min), Math.min(max, 100))
  else n = Number.isFinite(max) ? (rng.chance(0.5) ? max : rng.int(min, max)) : rng.int(min, 500)
  return genText(rng, n)
}

/** A random value of a schema, as the market could send it. */
export const generate = (
  spec: SchemaResolver,
  node: unknown,
  rng: Rng,
  options: GenOptions,
  oracle: DateOracle,
  depth = 0
): Json => {
  const schema = spec.resolve(node)
  if (schema.nullable === true && rng.chance(options.nullable)) return null
  if (Array.isArray(schema.enum)) {
    // the response status stays OK or ERROR; other enums sometimes gain a value
    if (schema.refName !== "ApiResponseStatusType" && rng.chance(options.unknownEnum)) {
      return genUnknownEnum(rng, schema.enum)
    }
    return rng.pick(schema.enum as ReadonlyArray<Json>)
  }
  const type = schema.type ?? (schema.properties ? "object" : undefined)
  switch (type) {
    case "object": {
      const obj: Record<string, Json> = {}
      const required = new Set([...(schema.required ?? []), ...(depth === 0 ? options.forceTop : [])])
      const properties = schema.properties ?? {}
      for (const [key, prop] of Object.entries(properties)) {
        if (required.has(key) || rng.chance(options.optional)) {
          setOwn(obj, key, generate(spec, prop, rng, options, oracle, depth + 1))
        }
      }
      if (rng.chance(options.extraFields)) {
        for (let i = rng.int(1, 3); i > 0; i--) {
          const key = rng.pick(extraKeys)
          if (!(key in properties) && !Object.prototype.hasOwnProperty.call(obj, key)) setOwn(obj, key, genAnyJson(rng))
        }
      }
      return obj
    }
    case "array": {
      const min = typeof schema.minItems === "number" ? schema.minItems : 0
      const max = typeof schema.maxItems === "number" ? schema.maxItems : Infinity
      const cap = rng.chance(0.9) ? 4 : 20
      const n = rng.int(min, Math.max(min, Math.min(max, cap)))
      return Array.from({ length: n }, () => generate(spec, schema.items, rng, options, oracle, depth + 1))
    }
    case "integer":
      return genInteger(rng, schema)
    case "number":
      return (rng.next() - 0.5) * 10 ** rng.int(0, 12)
    case "boolean":
      return rng.chance(0.5)
    case "string":
      return genString(rng, schema, options, oracle)
    default:
      return genAnyJson(rng)
  }
}

/** A random error body: `errors` missing, null, empty or listed; `status` ERROR, OK, missing or odd; or not JSON. */
export const generateErrorBody = (
  rng: Rng
): { readonly text: string; readonly expected: ReadonlyArray<{ code: string; message?: string }> } => {
  const r = rng.next()
  if (r < 0.04) return { text: "", expected: [] }
  if (r < 0.08) {
    return {
      text: rng.pick(["<html><body>502 Bad Gateway</body></html>", "Bad Gateway", "{\"status\":\"ERROR\",\"errors\":[", "null", "[]", "42"]),
      expected: []
    }
  }
  const body: Record<string, Json> = {}
  const s = rng.next()
  if (s < 0.6) body.status = "ERROR"
  else if (s < 0.75) body.status = "OK"
  else if (s < 0.9) { /* no status */ }
  else body.status = genUnknownEnum(rng, ["OK", "ERROR"])
  const expected: Array<{ code: string; message?: string }> = []
  const e = rng.next()
  if (e < 0.15) { /* no errors */ }
  else if (e < 0.3) body.errors = null
  else if (e < 0.35) body.errors = []
  else {
    const list: Array<Json> = []
    for (let i = rng.int(1, 3); i > 0; i--) {
      const code = rng.chance(0.7)
        ? rng.pick(["BAD_REQUEST", "UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND", "LIMIT_EXCEEDED", "INTERNAL_ERROR", "CHAT_NOT_FOUND"])
        : genText(rng, rng.int(0, 20))
      const entry: Record<string, Json> = { code }
      if (rng.chance(0.7)) {
        entry.message = rng.chance(0.3)
          ? rng.pick([
            "Hit rate limit of 4 parallel requests for businessId 12345",
            "Hit rate limit of 1000 requests per 1 hours for resource 207"
          ])
          : genText(rng, rng.int(0, 60))
      }
      if (rng.chance(0.2)) setOwn(entry, rng.pick(["details", "field", "__proto__", "toString"]), genAnyJson(rng))
      list.push(entry)
      expected.push(typeof entry.message === "string" ? { code, message: entry.message } : { code })
    }
    body.errors = list
  }
  if (rng.chance(0.2)) setOwn(body, rng.pick(["result", "extra", "__proto__", "traceId"]), genAnyJson(rng))
  return { text: JSON.stringify(body), expected }
}
