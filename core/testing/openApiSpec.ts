/**
 * The official OpenAPI description of the chats API (`core/testing/spec/`, BSD-3-Clause), loaded
 * without Effect for both editions' conformance checks: its operations (method, path pattern,
 * parameters with the market's `x-aliases`, request body media types, answer schemas) and ajv
 * validators of its schemas.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv"
import addFormatsImport from "ajv-formats"
import { readFileSync } from "node:fs"
import { parse as parseYaml } from "yaml"
import { OpenApiSchemas, type SchemaObject } from "./openApiBodies.js"
import { chatsSpecPath } from "./spec/paths.js"

/** The official description: the copy in `core/testing/spec/`. */
export const specPath: string = chatsSpecPath

/** The market's production base URL: the `servers` entry of the description. */
export const defaultOrigin = "https://api.partner.market.yandex.ru"

/** An OpenAPI parameter, with the market's `x-aliases`. */
export interface Parameter {
  readonly name: string
  readonly in: "path" | "query" | "header" | "cookie"
  readonly required: boolean
  readonly schema: SchemaObject
  /** Every name the parameter is accepted under (its name and its `x-aliases`). */
  readonly names: ReadonlyArray<string>
}

/** One operation of the description. */
export interface OperationInfo {
  readonly operationId: string
  readonly method: string
  readonly template: string
  readonly pattern: RegExp
  readonly pathParamNames: ReadonlyArray<string>
  readonly parameters: ReadonlyArray<Parameter>
  readonly requestBody: { readonly required: boolean; readonly content: Readonly<Record<string, SchemaObject>> } | undefined
  /** The schema of the 200 JSON body. */
  readonly successSchema: SchemaObject
  /** The schemas of the documented error answers, by status. */
  readonly errorSchemas: Readonly<Record<string, SchemaObject>>
}

const isObject = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

type AddFormats = (ajv: Ajv) => Ajv
const addFormats: AddFormats =
  ((addFormatsImport as unknown as { default?: unknown }).default ?? addFormatsImport) as AddFormats

/** The id under which the converted component schemas are registered in ajv. */
const componentsId = "chats"

/**
 * Converts an OpenAPI 3.0 schema to JSON Schema (draft-07) for ajv: `nullable: true`
 * becomes a `null` in `type` (and `enum`), `$ref`s point into the registered components,
 * and OpenAPI-only keywords (`example`, `deprecated`, `x-*`) are dropped. With `relaxEnums`,
 * `enum` is dropped too: the market may add enum values, and generated bodies use some.
 */
export const toJsonSchema = (node: unknown, relaxEnums: boolean): unknown => {
  if (Array.isArray(node)) return node.map((n) => toJsonSchema(n, relaxEnums))
  if (!isObject(node)) return node
  if (typeof node.$ref === "string") {
    return { $ref: node.$ref.replace("#/components/schemas/", `${componentsId}#/definitions/`) }
  }
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(node)) {
    if (key === "nullable" || key === "example" || key === "deprecated" || key.startsWith("x-")) continue
    if (key === "enum" && relaxEnums) continue
    if (key === "properties" && isObject(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonSchema(v, relaxEnums)]))
      continue
    }
    out[key] = toJsonSchema(value, relaxEnums)
  }
  if (node.nullable === true) {
    if (typeof out.type === "string") out.type = [out.type, "null"]
    if (Array.isArray(out.enum)) out.enum = [...(out.enum as Array<unknown>), null]
    if (out.type === undefined) return { anyOf: [out, { type: "null" }] }
  }
  return out
}

/** A short text of ajv's errors. */
export const ajvErrorsText = (errors: ReadonlyArray<ErrorObject> | null | undefined): string =>
  (errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? e.keyword}`).join("; ")

/** The regular expression of a path template (`/v2/businesses/{businessId}/chats`), and its parameter names. */
const pathPattern = (template: string): { readonly pattern: RegExp; readonly names: ReadonlyArray<string> } => {
  const names: Array<string> = []
  const source = template
    .split(/(\{[^}]+\})/)
    .map((piece) => {
      const m = /^\{([^}]+)\}$/.exec(piece)
      if (m) {
        names.push(m[1] as string)
        return "([^/]+)"
      }
      return piece.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
    })
    .join("")
  return { pattern: new RegExp(`^${source}$`), names }
}

/** The loaded description with its operations and validators. */
export class Spec extends OpenApiSchemas {
  readonly operations: ReadonlyArray<OperationInfo>
  readonly securitySchemes: Readonly<Record<string, SchemaObject>>
  private readonly ajvStrict: Ajv
  private readonly ajvRelaxed: Ajv
  private readonly cacheStrict = new WeakMap<object, ValidateFunction>()
  private readonly cacheRelaxed = new WeakMap<object, ValidateFunction>()

  constructor(doc: Record<string, unknown>) {
    super(doc)
    const components = (doc.components ?? {}) as Record<string, unknown>
    const schemas = (components.schemas ?? {}) as Record<string, unknown>
    this.securitySchemes = (components.securitySchemes ?? {}) as Record<string, SchemaObject>
    const makeAjv = (relax: boolean) => {
      const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, allowUnionTypes: true })
      addFormats(ajv)
      ajv.addSchema({
        $id: componentsId,
        definitions: Object.fromEntries(Object.entries(schemas).map(([k, v]) => [k, toJsonSchema(v, relax)]))
      })
      return ajv
    }
    this.ajvStrict = makeAjv(false)
    this.ajvRelaxed = makeAjv(true)
    this.operations = this.readOperations()
  }

  /** An ajv validator of an OpenAPI schema (enums closed, or open with `relaxEnums`). */
  validator(schema: SchemaObject, options: { readonly relaxEnums?: boolean } = {}): ValidateFunction {
    const relax = options.relaxEnums === true
    const cache = relax ? this.cacheRelaxed : this.cacheStrict
    const hit = cache.get(schema)
    if (hit) return hit
    const compiled = (relax ? this.ajvRelaxed : this.ajvStrict).compile(toJsonSchema(schema, relax) as object)
    cache.set(schema, compiled)
    return compiled
  }

  /** The operation with this id. */
  operation(operationId: string): OperationInfo {
    const op = this.operations.find((o) => o.operationId === operationId)
    if (!op) throw new Error(`no operation ${operationId} in the description`)
    return op
  }

  private readOperations(): ReadonlyArray<OperationInfo> {
    const out: Array<OperationInfo> = []
    const paths = (this.doc.paths ?? {}) as Record<string, Record<string, unknown>>
    for (const [template, item] of Object.entries(paths)) {
      for (const method of ["get", "put", "post", "delete", "options", "head", "patch", "trace"]) {
        const op = item[method]
        if (!isObject(op)) continue
        const operationId = String(op.operationId)
        const rawParams = [...((item.parameters ?? []) as Array<unknown>), ...((op.parameters ?? []) as Array<unknown>)]
        const parameters = rawParams.map((p): Parameter => {
          const d = this.deref<Record<string, unknown>>(p)
          const name = String(d.name)
          const aliases = Array.isArray(d["x-aliases"]) ? (d["x-aliases"] as Array<string>) : []
          return {
            name,
            in: d.in as Parameter["in"],
            required: d.required === true,
            schema: this.deref(d.schema),
            names: [...new Set([name, ...aliases])]
          }
        })
        let requestBody: OperationInfo["requestBody"]
        if (op.requestBody !== undefined) {
          const rb = this.deref<Record<string, unknown>>(op.requestBody)
          const content = (rb.content ?? {}) as Record<string, { schema?: unknown }>
          requestBody = {
            required: rb.required === true,
            content: Object.fromEntries(
              Object.entries(content).map(([type, media]) => [type.toLowerCase(), this.deref(media.schema)])
            )
          }
        }
        const { "200": successSchema, ...errorSchemas } = this.responseSchemas(operationId)
        if (successSchema === undefined) throw new Error(`${operationId}: no 200 answer`)
        const { names, pattern } = pathPattern(template)
        out.push({
          operationId,
          method: method.toUpperCase(),
          template,
          pattern,
          pathParamNames: names,
          parameters,
          requestBody,
          successSchema,
          errorSchemas
        })
      }
    }
    return out
  }
}

let cachedSpec: Spec | undefined

/** Loads (once) and returns the description. */
export const loadSpec = (): Spec => {
  if (cachedSpec === undefined) {
    cachedSpec = new Spec(parseYaml(readFileSync(specPath, "utf8")) as Record<string, unknown>)
  }
  return cachedSpec
}
