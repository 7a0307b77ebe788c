/**
 * Shared code of the conformance checks (not a test file): loads the official
 * OpenAPI description of the chats API from `test/fixtures/spec/` (a copy kept in the
 * repository, BSD-3-Clause), validates recorded requests against it, and generates
 * random response bodies from its schemas.
 *
 * Used by `test/conformance/*.test.ts` and by `scripts/conformance.ts`.
 */
import { HttpClient, HttpClientResponse } from "@effect/platform"
import type { HttpClientRequest } from "@effect/platform"
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv"
import addFormatsImport from "ajv-formats"
import { Cause, type ConfigError, DateTime, Effect, Exit, Option, Redacted, Stream } from "effect"
import * as fc from "fast-check"
import { readFileSync } from "node:fs"
import { parse as parseYaml } from "yaml"
import * as ChatsClient from "../../src/ChatsClient.js"
import * as ChatsSchema from "../../src/ChatsSchema.js"
import { chatsSpecPath } from "../fixtures/paths.js"
import {
  type DateOracle,
  defaultGenOptions,
  type GenOptions,
  generate,
  generateErrorBody,
  type Json,
  OpenApiSchemas,
  Rng,
  type SchemaObject
} from "../../../core/testing/openApiBodies.js"

export {
  type DateOracle,
  defaultGenOptions,
  type GenOptions,
  generateErrorBody,
  genAnyJson,
  genDateTime,
  generate,
  genText,
  type Json,
  type ResolvedSchema,
  Rng,
  type SchemaObject
} from "../../../core/testing/openApiBodies.js"

// -----------------------------------------------------------------------------
// Locating and loading the description
// -----------------------------------------------------------------------------

/** The official description: the fixture in `test/fixtures/spec/`. */
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
        const pathParamNames: Array<string> = []
        const source = template
          .split(/(\{[^}]+\})/)
          .map((piece) => {
            const m = /^\{([^}]+)\}$/.exec(piece)
            if (m) {
              pathParamNames.push(m[1] as string)
              return "([^/]+)"
            }
            return piece.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
          })
          .join("")
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
        const responses = (op.responses ?? {}) as Record<string, unknown>
        const jsonSchemaOf = (r: unknown): SchemaObject => {
          const resp = this.deref<Record<string, unknown>>(r)
          const content = (resp.content ?? {}) as Record<string, { schema?: SchemaObject }>
          const schema = content["application/json"]?.schema
          if (schema === undefined) throw new Error(`${String(op.operationId)}: a response without a JSON schema`)
          return schema
        }
        const errorSchemas: Record<string, SchemaObject> = {}
        for (const [status, r] of Object.entries(responses)) {
          if (status !== "200") errorSchemas[status] = jsonSchemaOf(r)
        }
        out.push({
          operationId: String(op.operationId),
          method: method.toUpperCase(),
          template,
          pattern: new RegExp(`^${source}$`),
          pathParamNames,
          parameters,
          requestBody,
          successSchema: jsonSchemaOf(responses["200"]),
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

// -----------------------------------------------------------------------------
// A recording fake HttpClient
// -----------------------------------------------------------------------------

/** A request as it would go over the wire (what `fetch` would send). */
export interface RecordedRequest {
  readonly method: string
  readonly url: URL
  readonly headers: Headers
  /** The body bytes; undefined for a request without a body. */
  readonly body: Uint8Array | undefined
}

/** A canned answer of the fake server. */
export interface CannedResponse {
  readonly status: number
  readonly body: string
  readonly headers?: Readonly<Record<string, string>>
}

/** Turns a platform request into a web `Request` the way `FetchHttpClient` does, and reads its body. */
const toWire = async (request: HttpClientRequest.HttpClientRequest, url: URL): Promise<RecordedRequest> => {
  const headers = new Headers()
  for (const [k, v] of Object.entries(request.headers)) {
    if (k !== "content-length") headers.set(k, v)
  }
  let body: BodyInit | undefined
  switch (request.body._tag) {
    case "Empty":
      body = undefined
      break
    case "Uint8Array":
      body = request.body.body as BodyInit
      break
    case "Raw":
      body = request.body.body as BodyInit
      break
    case "FormData":
      body = request.body.formData
      break
    case "Stream":
      throw new Error("the fake client does not take stream bodies")
  }
  const web = new Request(url, { method: request.method, headers, ...(body === undefined ? {} : { body }) })
  const bytes = body === undefined ? undefined : new Uint8Array(await web.arrayBuffer())
  return { method: web.method, url: new URL(web.url), headers: web.headers, body: bytes }
}

/** A fake `HttpClient` that records every request and answers from `respond`. */
export const recordingClient = (respond: (request: RecordedRequest, index: number) => CannedResponse) => {
  const requests: Array<RecordedRequest> = []
  const client = HttpClient.make((request, url) =>
    Effect.promise(async () => {
      const recorded = await toWire(request, url)
      requests.push(recorded)
      const answer = respond(recorded, requests.length - 1)
      return HttpClientResponse.fromWeb(
        request,
        new Response(answer.body === "" ? null : answer.body, {
          status: answer.status,
          headers: { "content-type": "application/json", ...answer.headers }
        })
      )
    })
  )
  return { client, requests }
}

/** How a test configures the client: credentials (as plain strings) and base URL. */
export interface ClientSetup {
  readonly apiKey?: string
  readonly oauthToken?: string
  readonly baseUrl?: string
}

/** The client's options for a setup, retries off. */
export const clientOptions = (setup: ClientSetup): ChatsClient.Options => ({
  retrySchedule: false,
  ...(setup.apiKey === undefined ? {} : { apiKey: Redacted.make(setup.apiKey) }),
  ...(setup.oauthToken === undefined ? {} : { oauthToken: Redacted.make(setup.oauthToken) }),
  ...(setup.baseUrl === undefined ? {} : { baseUrl: setup.baseUrl })
})

/** Builds a client over a recording fake and runs `f` with it. */
export const runWithClient = async <A, E>(
  setup: ClientSetup,
  respond: (request: RecordedRequest, index: number) => CannedResponse,
  f: (service: ChatsClient.Service) => Effect.Effect<A, E>
): Promise<{ readonly exit: Exit.Exit<A, E | ConfigError.ConfigError>; readonly requests: ReadonlyArray<RecordedRequest> }> => {
  const { client, requests } = recordingClient(respond)
  const program = Effect.flatMap(ChatsClient.make(clientOptions(setup)), f).pipe(
    Effect.provideService(HttpClient.HttpClient, client)
  )
  const exit = await Effect.runPromiseExit(program)
  return { exit, requests }
}

// -----------------------------------------------------------------------------
// multipart/form-data
// -----------------------------------------------------------------------------

/** One part of a multipart body. */
export interface MultipartPart {
  readonly name: string | undefined
  /** The `filename` of the part's Content-Disposition, as it is on the wire. */
  readonly filename: string | undefined
  readonly contentType: string | undefined
  readonly headers: Readonly<Record<string, string>>
  readonly data: Uint8Array
}

/** The parameter of a header value such as `multipart/form-data; boundary=x`. */
const headerParam = (value: string, name: string): string | undefined => {
  for (const piece of value.split(";").slice(1)) {
    const eq = piece.indexOf("=")
    if (eq < 0) continue
    if (piece.slice(0, eq).trim().toLowerCase() === name) {
      const raw = piece.slice(eq + 1).trim()
      return raw.startsWith("\"") && raw.endsWith("\"") ? raw.slice(1, -1) : raw
    }
  }
  return undefined
}

/** Parses a multipart body (RFC 7578); a string says why it could not. */
export const parseMultipart = (body: Uint8Array, boundary: string): ReadonlyArray<MultipartPart> | string => {
  const buf = Buffer.from(body.buffer, body.byteOffset, body.byteLength)
  const delimiter = Buffer.from(`--${boundary}`)
  const between = Buffer.from(`\r\n--${boundary}`)
  if (buf.indexOf(delimiter) !== 0) return "the body does not start with the boundary"
  const parts: Array<MultipartPart> = []
  let pos = delimiter.length
  for (;;) {
    if (buf.subarray(pos, pos + 2).toString("latin1") === "--") break
    if (buf.subarray(pos, pos + 2).toString("latin1") !== "\r\n") return "no CRLF after a boundary"
    const start = pos + 2
    const end = buf.indexOf(between, start)
    if (end < 0) return "a part without a closing boundary"
    const headerEnd = buf.indexOf("\r\n\r\n", start)
    if (headerEnd < 0 || headerEnd > end) return "a part without a blank line after its headers"
    const headers: Record<string, string> = {}
    for (const line of buf.subarray(start, headerEnd).toString("utf8").split("\r\n")) {
      const colon = line.indexOf(":")
      if (colon < 0) return `a malformed part header: ${line}`
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
    }
    const disposition = headers["content-disposition"] ?? ""
    const filenameMatch = /;\s*filename="([^"]*)"/i.exec(disposition)
    const nameMatch = /;\s*name="([^"]*)"/i.exec(disposition)
    parts.push({
      name: nameMatch?.[1],
      filename: filenameMatch?.[1],
      contentType: headers["content-type"],
      headers,
      data: new Uint8Array(buf.subarray(headerEnd + 4, end))
    })
    pos = end + between.length
  }
  return parts
}

/** How undici writes a file name into `filename="..."` (it percent-escapes `"`, CR and LF). */
export const wireFilename = (name: string): string =>
  name.replace(/\n/g, "%0A").replace(/\r/g, "%0D").replace(/"/g, "%22")

/** The type a `Blob`/`File` keeps for a given `type` option (lower-cased; emptied if not printable ASCII). */
export const blobType = (type: string): string => /^[\x20-\x7e]*$/.test(type) ? type.toLowerCase() : ""

// -----------------------------------------------------------------------------
// Validating a request against the description
// -----------------------------------------------------------------------------

/** What the validation of one request found. */
export interface RequestReport {
  readonly operation: OperationInfo | undefined
  readonly problems: ReadonlyArray<string>
  readonly pathParams: Readonly<Record<string, string>>
  /** Query parameters by their canonical name (aliases folded). */
  readonly query: Readonly<Record<string, string>>
  /** The query parameter names as sent. */
  readonly queryNames: ReadonlyArray<string>
  readonly json?: unknown
  readonly parts?: ReadonlyArray<MultipartPart>
  readonly auth: { readonly scheme: "ApiKey"; readonly value: string } | {
    readonly scheme: "OAuth"
    readonly value: string
  } | undefined
}

/** Headers a client may send besides the ones the description names. */
const standardHeaders = new Set(["accept", "content-type", "content-length", "user-agent", "accept-encoding"])

/** Checks one serialized parameter value against its schema; a string says what is wrong. */
const checkParamValue = (spec: Spec, param: Parameter, raw: string): string | undefined => {
  const schema = param.schema
  let value: unknown = raw
  if (schema.type === "integer") {
    if (!/^-?(0|[1-9][0-9]*)$/.test(raw)) return `${param.in} parameter ${param.name}=${JSON.stringify(raw)} is not an integer`
    value = Number(raw)
    if (!Number.isSafeInteger(value)) return `${param.in} parameter ${param.name}=${raw} is beyond a safe integer`
  } else if (schema.type === "number") {
    value = Number(raw)
    if (raw.trim() === "" || !Number.isFinite(value)) return `${param.in} parameter ${param.name}=${raw} is not a number`
  } else if (schema.type === "boolean") {
    if (raw !== "true" && raw !== "false") return `${param.in} parameter ${param.name}=${raw} is not a boolean`
    value = raw === "true"
  }
  const validate = spec.validator(schema)
  if (!validate(value)) {
    return `${param.in} parameter ${param.name}=${JSON.stringify(raw)}: ${ajvErrorsText(validate.errors)}`
  }
  return undefined
}

/** Validates a recorded request against the description: operation, parameters, headers, body. */
export const validateRequest = (
  spec: Spec,
  request: RecordedRequest,
  options: { readonly origin?: string } = {}
): RequestReport => {
  const problems: Array<string> = []
  const origin = options.origin ?? defaultOrigin
  if (request.url.origin !== origin) problems.push(`sent to ${request.url.origin}, not ${origin}`)
  if (request.url.hash !== "") problems.push(`the URL has a fragment ${request.url.hash}`)
  const pathname = request.url.pathname
  const byPath = spec.operations.filter((o) => o.pattern.test(pathname))
  const operation = byPath.find((o) => o.method === request.method)
  const pathParams: Record<string, string> = {}
  const query: Record<string, string> = {}
  const queryNames: Array<string> = []
  let auth: RequestReport["auth"]
  let json: unknown
  let parts: ReadonlyArray<MultipartPart> | undefined

  if (operation === undefined) {
    problems.push(
      byPath.length === 0
        ? `${request.method} ${pathname} matches no path of the description`
        : `${request.method} ${pathname}: the path allows only ${byPath.map((o) => o.method).join(", ")}`
    )
    return { operation, problems, pathParams, query, queryNames, auth }
  }
  const where = operation.operationId

  // path parameters
  const match = operation.pattern.exec(pathname)
  operation.pathParamNames.forEach((name, i) => {
    const raw = decodeURIComponent(match?.[i + 1] ?? "")
    pathParams[name] = raw
    const param = operation.parameters.find((p) => p.in === "path" && p.name === name)
    if (param === undefined) {
      problems.push(`${where}: path parameter ${name} is not described`)
      return
    }
    const bad = checkParamValue(spec, param, raw)
    if (bad) problems.push(`${where}: ${bad}`)
  })

  // query parameters
  const queryParams = operation.parameters.filter((p) => p.in === "query")
  for (const [name, value] of request.url.searchParams) {
    queryNames.push(name)
    const param = queryParams.find((p) => p.names.includes(name))
    if (param === undefined) {
      problems.push(`${where}: unknown query parameter ${name}=${JSON.stringify(value)}`)
      continue
    }
    if (param.name in query) {
      problems.push(`${where}: query parameter ${param.name} is sent more than once (as ${name})`)
      continue
    }
    query[param.name] = value
    const bad = checkParamValue(spec, param, value)
    if (bad) problems.push(`${where}: ${bad}`)
  }
  for (const p of queryParams) {
    if (p.required && !(p.name in query)) problems.push(`${where}: required query parameter ${p.name} is missing`)
  }

  // headers: security, and nothing undescribed beyond the standard ones
  const apiKeyName = String(spec.securitySchemes.ApiKey?.name ?? "Api-Key").toLowerCase()
  const apiKey = request.headers.get(apiKeyName)
  const authorization = request.headers.get("authorization")
  if (apiKey !== null) {
    if (apiKey.trim() === "") problems.push(`${where}: an empty ${apiKeyName} header`)
    auth = { scheme: "ApiKey", value: apiKey }
  }
  if (authorization !== null) {
    const bearer = /^Bearer (\S+)$/.exec(authorization)
    if (bearer === null) problems.push(`${where}: an Authorization header that is not "Bearer <token>"`)
    else if (auth === undefined) auth = { scheme: "OAuth", value: bearer[1] as string }
  }
  if (auth === undefined) problems.push(`${where}: no credentials (neither ${apiKeyName} nor Authorization: Bearer)`)
  if (apiKey !== null && authorization !== null) problems.push(`${where}: both ${apiKeyName} and Authorization are sent`)
  for (const [name] of request.headers) {
    if (name !== apiKeyName && name !== "authorization" && !standardHeaders.has(name)) {
      problems.push(`${where}: an undescribed header ${name}`)
    }
  }
  const accept = request.headers.get("accept")
  if (accept !== null && !/application\/json|\*\/\*/.test(accept)) {
    problems.push(`${where}: Accept ${accept} excludes application/json`)
  }

  // body
  const contentType = request.headers.get("content-type")
  const hasBody = request.body !== undefined && request.body.byteLength > 0
  if (operation.requestBody === undefined) {
    if (hasBody) problems.push(`${where}: a body is sent, but the operation takes none`)
    if (contentType !== null) problems.push(`${where}: Content-Type ${contentType} on a request without a body`)
  } else if (request.body === undefined) {
    if (operation.requestBody.required) problems.push(`${where}: the required body is missing`)
  } else if (contentType === null) {
    problems.push(`${where}: a body without Content-Type`)
  } else {
    const mediaType = (contentType.split(";")[0] ?? "").trim().toLowerCase()
    const schema = operation.requestBody.content[mediaType]
    if (schema === undefined) {
      problems.push(
        `${where}: Content-Type ${mediaType} is not one of ${Object.keys(operation.requestBody.content).join(", ")}`
      )
    } else if (mediaType === "application/json") {
      let text: string | undefined
      try {
        text = new TextDecoder("utf-8", { fatal: true }).decode(request.body)
      } catch {
        problems.push(`${where}: the JSON body is not UTF-8`)
      }
      if (text !== undefined) {
        try {
          json = JSON.parse(text)
        } catch {
          problems.push(`${where}: the body is not JSON`)
        }
        if (json !== undefined) {
          const validate = spec.validator(schema)
          if (!validate(json)) problems.push(`${where}: the JSON body does not match: ${ajvErrorsText(validate.errors)}`)
        }
      }
    } else if (mediaType === "multipart/form-data") {
      const boundary = headerParam(contentType, "boundary")
      if (boundary === undefined) {
        problems.push(`${where}: multipart Content-Type without a boundary`)
      } else {
        const parsed = parseMultipart(request.body, boundary)
        if (typeof parsed === "string") {
          problems.push(`${where}: a malformed multipart body: ${parsed}`)
        } else {
          parts = parsed
          problems.push(...checkMultipart(spec, schema, parsed).map((p) => `${where}: ${p}`))
        }
      }
    } else {
      problems.push(`${where}: no check for ${mediaType} bodies`)
    }
  }
  return {
    operation,
    problems,
    pathParams,
    query,
    queryNames,
    auth,
    ...(json === undefined ? {} : { json }),
    ...(parts === undefined ? {} : { parts })
  }
}

/** The headers a form-data part may carry (RFC 7578 §4.8). */
const allowedPartHeaders = new Set(["content-disposition", "content-type", "content-transfer-encoding"])

/** A media type (RFC 9110 §8.3.1): type "/" subtype *( OWS ";" OWS name=(token / quoted-string) ). */
const mediaTypePattern = (() => {
  const token = "[!#$%&'*+.^_`|~0-9A-Za-z-]+"
  const quoted = "\"(?:[\\t \\x21\\x23-\\x5b\\x5d-\\x7e]|\\\\[\\t \\x21-\\x7e])*\""
  return new RegExp(`^${token}/${token}(?:[ \\t]*;[ \\t]*${token}=(?:${token}|${quoted}))*$`)
})()

/** Checks multipart parts against an object schema: known names, once each, binary ones as files. */
const checkMultipart = (spec: Spec, schema: SchemaObject, parts: ReadonlyArray<MultipartPart>): Array<string> => {
  const problems: Array<string> = []
  const resolved = spec.resolve(schema)
  const properties = resolved.properties ?? {}
  const seen = new Set<string>()
  for (const part of parts) {
    if (part.name === undefined) {
      problems.push("a multipart part without a name")
      continue
    }
    const prop = properties[part.name]
    if (prop === undefined) {
      problems.push(`an undescribed multipart part ${part.name}`)
      continue
    }
    if (seen.has(part.name)) problems.push(`multipart part ${part.name} is sent more than once`)
    seen.add(part.name)
    for (const header of Object.keys(part.headers)) {
      if (!allowedPartHeaders.has(header)) problems.push(`multipart part ${part.name} has an undescribed header ${header}`)
    }
    if (part.contentType !== undefined && !mediaTypePattern.test(part.contentType)) {
      problems.push(`multipart part ${part.name} has an invalid Content-Type ${JSON.stringify(part.contentType)}`)
    }
    const p = spec.resolve(prop)
    if (p.type === "string" && p.format === "binary") {
      if (part.filename === undefined) problems.push(`multipart part ${part.name} is a file but has no filename`)
      else if (part.filename === "") problems.push(`multipart part ${part.name} has an empty filename`)
    } else if (part.filename !== undefined) {
      problems.push(`multipart part ${part.name} is not binary but is sent as a file`)
    }
  }
  for (const name of resolved.required ?? []) {
    if (!seen.has(name)) problems.push(`required multipart part ${name} is missing`)
  }
  return problems
}

// -----------------------------------------------------------------------------
// Valid inputs (fast-check)
// -----------------------------------------------------------------------------

/** An int64 id within JavaScript's safe integers: 1 .. 2^53-1. */
export const idArb: fc.Arbitrary<number> = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 1000 }) },
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 2 ** 31 - 1 }) },
  { weight: 4, arbitrary: fc.maxSafeNat().map((n) => Math.max(1, n)) },
  { weight: 1, arbitrary: fc.constantFrom(1, 2 ** 31, 2 ** 32 + 1, Number.MAX_SAFE_INTEGER - 1, Number.MAX_SAFE_INTEGER) }
)

const tokenChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.:".split("")

/** Credentials: an API key, an OAuth token, or both (the key wins); and a base URL spelling. */
export const setupArb: fc.Arbitrary<ClientSetup> = fc
  .record({
    kind: fc.constantFrom("apiKey", "oauth", "both"),
    apiKey: fc.string({ unit: fc.constantFrom(...tokenChars), minLength: 8, maxLength: 80 }),
    oauthToken: fc.string({ unit: fc.constantFrom(...tokenChars), minLength: 8, maxLength: 80 }),
    baseUrl: fc.constantFrom<string | undefined>(undefined, defaultOrigin, `${defaultOrigin}/`, `${defaultOrigin}//`)
  })
  .map(({ apiKey, baseUrl, kind, oauthToken }): ClientSetup => ({
    ...(kind === "oauth" ? {} : { apiKey }),
    ...(kind === "apiKey" ? {} : { oauthToken }),
    ...(baseUrl === undefined ? {} : { baseUrl })
  }))

/** A page token as a server might hand it out: base64-ish, unicode, or with URL-special characters. */
export const pageTokenArb: fc.Arbitrary<string> = fc.oneof(
  fc.base64String({ minLength: 4, maxLength: 64 }),
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 30 }),
  fc.constantFrom("a+b c", "x&limit=5", "%2F%", "#frag", "?q=1&r", "ключ страницы", "😀👍🏽", "=", "  ")
).filter((s) => s.length > 0)

const contextArb = fc.record({ type: fc.constantFrom(...ChatsSchema.chatContextIdentifiableTypes), id: idArb }, {
  noNullPrototype: true
})

/** The filters of getChats: each list optional, non-empty, without repeats. */
export const filterArb = fc.record({
  contexts: fc.uniqueArray(contextArb, { minLength: 1, maxLength: 6, selector: (c) => `${c.type}:${c.id}` }),
  contextTypes: fc.uniqueArray(fc.constantFrom(...ChatsSchema.chatContextTypes), { minLength: 1 }),
  types: fc.uniqueArray(fc.constantFrom(...ChatsSchema.chatTypes), { minLength: 1 }),
  statuses: fc.uniqueArray(fc.constantFrom(...ChatsSchema.chatStatuses), { minLength: 1 }),
  orderIds: fc.uniqueArray(idArb, { minLength: 1, maxLength: 6 })
}, { requiredKeys: [], noNullPrototype: true })

const cyrillicArb = fc.oneof(fc.integer({ min: 0x410, max: 0x44f }), fc.constantFrom(0x401, 0x451)).map((c) =>
  String.fromCodePoint(c)
)
const emojiArb = fc.oneof(
  fc.integer({ min: 0x1f300, max: 0x1faff }).map((c) => String.fromCodePoint(c)),
  fc.constantFrom("👍🏽", "👨‍👩‍👧", "🇷🇺", "❤️", "✅", "🎉")
)
/** One "character" of a message: ASCII, Cyrillic, emoji, other graphemes or awkward characters. */
const messageUnitArb = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 1 }) },
  { weight: 4, arbitrary: cyrillicArb },
  { weight: 2, arbitrary: emojiArb },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.constantFrom(" ", "\n", "\r\n", "\t", "\"", "\\", "\u2028", "<b>", "&amp;", "\u0000") }
)

/** Joins units while the UTF-16 length stays within `max` code units. */
const joinWithin = (units: ReadonlyArray<string>, max: number): string => {
  let out = ""
  for (const u of units) {
    if (out.length + u.length > max) break
    out += u
  }
  return out
}

/**
 * A message text of 1..4096 characters, counted as the client counts them (UTF-16 code units,
 * `String.length`), including Cyrillic, emoji and exactly-4096 messages.
 */
export const messageArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.array(messageUnitArb, { minLength: 1, maxLength: 40 }) },
  { weight: 3, arbitrary: fc.array(messageUnitArb, { minLength: 1, maxLength: 600 }) },
  { weight: 1, arbitrary: fc.array(messageUnitArb, { minLength: 1000, maxLength: 2600 }) }
).chain((units) =>
  fc.constantFrom("as is", "fill to 4096").map((how) => {
    const text = joinWithin(units, ChatsSchema.maxMessageLength)
    if (how === "as is") return text.length > 0 ? text : "x"
    let filled = text
    while (filled.length < ChatsSchema.maxMessageLength) {
      const next = joinWithin(units, ChatsSchema.maxMessageLength - filled.length)
      filled += next.length > 0 ? next : "ж".repeat(ChatsSchema.maxMessageLength - filled.length)
    }
    return filled
  })
)

/** Fills bytes deterministically from a seed (xorshift32). */
export const fillBytes = (size: number, seed: number, offset = 0): Uint8Array => {
  const backing = new Uint8Array(size + offset)
  let x = (seed | 0) || 0x9e3779b9
  for (let i = 0; i < backing.length; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    backing[i] = x & 0xff
  }
  return offset === 0 ? backing : backing.subarray(offset)
}

/** Awkward and ordinary file names. */
const fileNameArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "photo.jpg",
    "Счёт №1.pdf",
    "отчёт 2024 (финал).xlsx",
    "😀.png",
    "a",
    "file with spaces.txt",
    "quote\".txt",
    "semi;colon=eq.txt",
    "back\\slash.txt",
    "new\nline.txt",
    "x".repeat(255)
  ),
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 40 }),
  fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 40 })
).filter((s) => s.length > 0)

/** A file to send as the test describes it (the bytes are made from a seed when run). */
export interface FileSpec {
  readonly name: string
  readonly size: number
  readonly seed: number
  readonly kind: "uint8array" | "uint8array-view" | "blob"
  readonly blobType: string
  readonly contentType: string | undefined
}

const MB5 = ChatsSchema.maxFileBytes

/** Files of 0 bytes up to exactly 5 MB, as `Uint8Array`, a view into a larger buffer, or a `Blob`. */
export const fileSpecArb: fc.Arbitrary<FileSpec> = fc.record({
  name: fileNameArb,
  size: fc.oneof(
    { weight: 12, arbitrary: fc.integer({ min: 0, max: 4096 }) },
    { weight: 5, arbitrary: fc.integer({ min: 4097, max: 256 * 1024 }) },
    { weight: 1, arbitrary: fc.integer({ min: 256 * 1024, max: MB5 }) },
    { weight: 1, arbitrary: fc.constantFrom(MB5, MB5 - 1, 1) }
  ),
  seed: fc.integer(),
  kind: fc.constantFrom("uint8array", "uint8array-view", "blob"),
  blobType: fc.constantFrom("", "image/png", "application/pdf", "Text/Plain; Charset=UTF-8"),
  contentType: fc.constantFrom(
    undefined,
    "image/jpeg",
    "application/pdf",
    "text/plain; charset=utf-8",
    "IMAGE/PNG",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "text/csv; charset=\"utf-8\""
  )
}, { noNullPrototype: true })

/** The client's `file` input for a file spec. */
export const makeFile = (f: FileSpec): { name: string; data: Uint8Array | Blob; contentType?: string } => {
  const bytes = fillBytes(f.size, f.seed, f.kind === "uint8array-view" ? 7 : 0)
  const data = f.kind === "blob" ? new Blob([bytes as BlobPart], { type: f.blobType }) : bytes
  return { name: f.name, data, ...(f.contentType === undefined ? {} : { contentType: f.contentType }) }
}

// -----------------------------------------------------------------------------
// Canned valid answers
// -----------------------------------------------------------------------------

const chatJson = (chatId: number): Json => ({
  chatId,
  context: { type: "ORDER", orderId: 7, campaignId: 21, customer: { name: "Иван", publicId: "pub-1" } },
  type: "CHAT",
  status: "NEW",
  createdAt: "2017-11-21T00:00:00+03:00",
  updatedAt: "2017-11-21T00:00:00+03:00"
})

const messageJson = (messageId: number): Json => ({
  messageId,
  createdAt: "2017-11-21T00:00:00+03:00",
  sender: "CUSTOMER",
  message: "Здравствуйте 👋"
})

/** A valid 200 body per operation; `next` adds a next-page token to the pages. */
export const cannedBody = (operationId: string, next?: string, items = 1): Json => {
  const paging = next === undefined ? {} : { paging: { nextPageToken: next } }
  switch (operationId) {
    case "getChats":
      return { status: "OK", result: { chats: Array.from({ length: items }, (_, i) => chatJson(i + 1)), ...paging } }
    case "getChatHistory":
      return {
        status: "OK",
        result: {
          context: { type: "ORDER", orderId: 7 },
          messages: Array.from({ length: items }, (_, i) => messageJson(i + 1)),
          ...paging
        }
      }
    case "createChat":
      return { status: "OK", result: { chatId: 42 } }
    case "getChat":
      return { status: "OK", result: chatJson(42) }
    case "getChatMessage":
      return { status: "OK", result: messageJson(42) }
    default:
      return { status: "OK" }
  }
}

// -----------------------------------------------------------------------------
// Request cases: every method of the client
// -----------------------------------------------------------------------------

/** The outcome of one run of a request case. */
export interface RequestCheck {
  readonly requests: number
  readonly problems: ReadonlyArray<string>
}

/** A method of the client driven with generated valid inputs. */
export interface RequestCase {
  readonly name: string
  readonly operationId: string
  readonly arbitrary: fc.Arbitrary<unknown>
  readonly execute: (sample: unknown) => Promise<RequestCheck>
}

interface Sample<I> {
  readonly setup: ClientSetup
  readonly input: I
}

const sampleArb = <I>(input: fc.Arbitrary<I>): fc.Arbitrary<Sample<I>> =>
  fc.record({ setup: setupArb, input }, { noNullPrototype: true })

/** Checks a query parameter against the input: absent when undefined, else its string. */
const expectQuery = (
  report: RequestReport,
  name: string,
  expected: string | number | undefined,
  out: Array<string>
) => {
  const got = report.query[name]
  if (expected === undefined) {
    if (got !== undefined) out.push(`query ${name}=${JSON.stringify(got)} is sent but was not asked for`)
  } else if (got !== String(expected)) {
    out.push(`query ${name}: sent ${JSON.stringify(got)}, expected ${JSON.stringify(String(expected))}`)
  }
}

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b)

/** Defines a request case: runs the method, validates every request, then the case's own checks. */
const defineCase = <I>(c: {
  readonly name: string
  readonly operationId: string
  readonly input: fc.Arbitrary<I>
  /** Extra parameters of the fake server per sample (for streams: the pages). */
  readonly run: (service: ChatsClient.Service, input: I) => Effect.Effect<unknown, unknown>
  readonly respond?: (input: I) => (request: RecordedRequest, index: number) => CannedResponse
  readonly expectedRequests?: (input: I) => number
  readonly check: (input: I, reports: ReadonlyArray<RequestReport>, result: unknown) => Array<string>
}): RequestCase => {
  const arbitrary = sampleArb(c.input)
  const execute = async (raw: unknown): Promise<RequestCheck> => {
    const sample = raw as Sample<I>
    const respond = c.respond?.(sample.input) ??
      (() => ({ status: 200, body: JSON.stringify(cannedBody(c.operationId)) }))
    const { exit, requests } = await runWithClient(sample.setup, respond, (svc) => c.run(svc, sample.input))
    const problems: Array<string> = []
    if (Exit.isFailure(exit)) problems.push(`the call failed: ${Cause.pretty(exit.cause)}`)
    const expected = c.expectedRequests?.(sample.input) ?? 1
    if (requests.length !== expected) problems.push(`${requests.length} requests sent, expected ${expected}`)
    const spec = loadSpec()
    const reports = requests.map((r) => validateRequest(spec, r))
    reports.forEach((report, i) => {
      const at = `request ${i + 1}/${requests.length} (${requests[i]?.method} ${requests[i]?.url.href})`
      for (const p of report.problems) problems.push(`${at}: ${p}`)
      if (report.operation !== undefined && report.operation.operationId !== c.operationId) {
        problems.push(`${at}: is ${report.operation.operationId}, expected ${c.operationId}`)
      }
      // credentials: the API key when given, else the OAuth token
      const want = sample.setup.apiKey !== undefined
        ? { scheme: "ApiKey", value: sample.setup.apiKey }
        : { scheme: "OAuth", value: sample.setup.oauthToken }
      if (!sameJson(report.auth, want)) {
        problems.push(`${at}: credentials ${JSON.stringify(report.auth?.scheme)} sent, expected ${want.scheme}`)
      }
    })
    if (Exit.isSuccess(exit)) {
      for (const p of c.check(sample.input, reports, exit.value)) problems.push(p)
    }
    return { requests: requests.length, problems }
  }
  return { name: c.name, operationId: c.operationId, arbitrary, execute }
}

const checkBusiness = (report: RequestReport | undefined, businessId: number, out: Array<string>) => {
  if (report === undefined) return
  if (report.pathParams.businessId !== String(businessId)) {
    out.push(`path businessId=${report.pathParams.businessId}, expected ${businessId}`)
  }
}

const checkJsonBody = (report: RequestReport | undefined, expected: unknown, out: Array<string>) => {
  if (report === undefined) return
  if (!sameJson(report.json, expected)) {
    out.push(`body ${JSON.stringify(report.json)?.slice(0, 300)}, expected ${JSON.stringify(expected).slice(0, 300)}`)
  }
}

const getChatsInput = fc.record({
  businessId: idArb,
  filter: filterArb,
  pageToken: pageTokenArb,
  limit: fc.integer({ min: 1, max: 20 })
}, { requiredKeys: ["businessId"], noNullPrototype: true })

const getChatHistoryInput = fc.record({
  businessId: idArb,
  chatId: idArb,
  messageIdFrom: idArb,
  pageToken: pageTokenArb,
  limit: fc.integer({ min: 1, max: 100 })
}, { requiredKeys: ["businessId", "chatId"], noNullPrototype: true })

/** Pages of a stream: the tokens the server hands out (unique, non-empty), and items per page. */
const pagesArb = fc.uniqueArray(pageTokenArb, { minLength: 0, maxLength: 4 }).chain((tokens) =>
  fc.record({
    tokens: fc.constant(tokens),
    items: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: tokens.length + 1, maxLength: tokens.length + 1 })
  }, { noNullPrototype: true })
)
type Pages = { readonly tokens: ReadonlyArray<string>; readonly items: ReadonlyArray<number> }

const pagedResponder = (operationId: string, pages: Pages) => (_: RecordedRequest, index: number): CannedResponse => ({
  status: 200,
  body: JSON.stringify(cannedBody(operationId, pages.tokens[index], pages.items[index] ?? 0))
})

/** Each page after the first must carry the token of the page before it, the first none. */
const checkPageTokens = (pages: Pages, reports: ReadonlyArray<RequestReport>, out: Array<string>) => {
  reports.forEach((r, i) => expectQuery(r, "pageToken", i === 0 ? undefined : pages.tokens[i - 1], out))
}

const sum = (xs: ReadonlyArray<number>) => xs.reduce((a, b) => a + b, 0)

/** Every method of the client, with generated valid inputs. */
export const requestCases: ReadonlyArray<RequestCase> = [
  defineCase({
    name: "getChats",
    operationId: "getChats",
    input: getChatsInput,
    run: (svc, input) => svc.getChats(input),
    check: (input, [r]) => {
      const out: Array<string> = []
      checkBusiness(r, input.businessId, out)
      if (r) {
        expectQuery(r, "pageToken", input.pageToken, out)
        expectQuery(r, "limit", input.limit, out)
      }
      checkJsonBody(r, input.filter ?? {}, out)
      return out
    }
  }),
  defineCase({
    name: "streamChats",
    operationId: "getChats",
    input: fc.record({
      businessId: idArb,
      filter: filterArb,
      limit: fc.integer({ min: 1, max: 20 }),
      pages: pagesArb
    }, { requiredKeys: ["businessId", "pages"], noNullPrototype: true }),
    run: ({ streamChats }, { pages: _pages, ...input }) => Stream.runCollect(streamChats(input)),
    respond: (input) => pagedResponder("getChats", input.pages),
    expectedRequests: (input) => input.pages.tokens.length + 1,
    check: (input, reports, result) => {
      const out: Array<string> = []
      checkPageTokens(input.pages, reports, out)
      for (const r of reports) {
        checkBusiness(r, input.businessId, out)
        expectQuery(r, "limit", input.limit, out)
        checkJsonBody(r, input.filter ?? {}, out)
      }
      const got = (result as { length: number }).length
      if (got !== sum(input.pages.items)) out.push(`the stream gave ${got} chats, expected ${sum(input.pages.items)}`)
      return out
    }
  }),
  defineCase({
    name: "getChatHistory",
    operationId: "getChatHistory",
    input: getChatHistoryInput,
    run: (svc, input) => svc.getChatHistory(input),
    check: (input, [r]) => {
      const out: Array<string> = []
      checkBusiness(r, input.businessId, out)
      if (r) {
        expectQuery(r, "chatId", input.chatId, out)
        expectQuery(r, "pageToken", input.pageToken, out)
        expectQuery(r, "limit", input.limit, out)
      }
      checkJsonBody(r, input.messageIdFrom === undefined ? {} : { messageIdFrom: input.messageIdFrom }, out)
      return out
    }
  }),
  defineCase({
    name: "streamChatHistory",
    operationId: "getChatHistory",
    input: fc.record({
      businessId: idArb,
      chatId: idArb,
      messageIdFrom: idArb,
      limit: fc.integer({ min: 1, max: 100 }),
      pages: pagesArb
    }, { requiredKeys: ["businessId", "chatId", "pages"], noNullPrototype: true }),
    run: ({ streamChatHistory }, { pages: _pages, ...input }) => Stream.runCollect(streamChatHistory(input)),
    respond: (input) => pagedResponder("getChatHistory", input.pages),
    expectedRequests: (input) => input.pages.tokens.length + 1,
    check: (input, reports, result) => {
      const out: Array<string> = []
      checkPageTokens(input.pages, reports, out)
      for (const r of reports) {
        checkBusiness(r, input.businessId, out)
        expectQuery(r, "chatId", input.chatId, out)
        expectQuery(r, "limit", input.limit, out)
        checkJsonBody(r, input.messageIdFrom === undefined ? {} : { messageIdFrom: input.messageIdFrom }, out)
      }
      const got = (result as { length: number }).length
      if (got !== sum(input.pages.items)) out.push(`the stream gave ${got} messages, expected ${sum(input.pages.items)}`)
      return out
    }
  }),
  defineCase({
    name: "createChat",
    operationId: "createChat",
    input: fc.record({ businessId: idArb, context: contextArb }, { noNullPrototype: true }),
    run: (svc, input) => svc.createChat(input),
    check: (input, [r], result) => {
      const out: Array<string> = []
      checkBusiness(r, input.businessId, out)
      checkJsonBody(r, { context: { type: input.context.type, id: input.context.id } }, out)
      if (result !== 42) out.push(`createChat returned ${String(result)}, expected the chatId 42`)
      return out
    }
  }),
  defineCase({
    name: "sendMessageToChat",
    operationId: "sendMessageToChat",
    input: fc.record({ businessId: idArb, chatId: idArb, message: messageArb }, { noNullPrototype: true }),
    run: (svc, input) => svc.sendMessageToChat(input),
    check: (input, [r]) => {
      const out: Array<string> = []
      checkBusiness(r, input.businessId, out)
      if (r) expectQuery(r, "chatId", input.chatId, out)
      checkJsonBody(r, { message: input.message }, out)
      return out
    }
  }),
  defineCase({
    name: "sendFileToChat",
    operationId: "sendFileToChat",
    input: fc.record({ businessId: idArb, chatId: idArb, file: fileSpecArb }, { noNullPrototype: true }),
    run: (svc, input) => svc.sendFileToChat({ ...input, file: makeFile(input.file) }),
    check: (input, [r]) => {
      const out: Array<string> = []
      checkBusiness(r, input.businessId, out)
      if (r === undefined) return out
      expectQuery(r, "chatId", input.chatId, out)
      const parts = r.parts ?? []
      if (parts.length !== 1) out.push(`${parts.length} multipart parts, expected exactly one`)
      const part = parts[0]
      if (part === undefined) return out
      if (part.name !== "file") out.push(`the part is named ${JSON.stringify(part.name)}, expected "file"`)
      if (part.filename !== wireFilename(input.file.name)) {
        out.push(`filename=${JSON.stringify(part.filename)}, expected ${JSON.stringify(wireFilename(input.file.name))}`)
      }
      // the given type, else the Blob's, else application/octet-stream (media types are case-insensitive)
      const type = input.file.contentType ?? (input.file.kind === "blob" ? blobType(input.file.blobType) : "")
      const expectedType = (type === "" ? "application/octet-stream" : type).toLowerCase()
      if (part.contentType?.toLowerCase() !== expectedType) {
        out.push(`part Content-Type ${JSON.stringify(part.contentType)}, expected ${JSON.stringify(expectedType)}`)
      }
      const expectedBytes = fillBytes(input.file.size, input.file.seed, input.file.kind === "uint8array-view" ? 7 : 0)
      if (Buffer.compare(Buffer.from(part.data), Buffer.from(expectedBytes)) !== 0) {
        out.push(`the part carries ${part.data.byteLength} bytes that differ from the ${input.file.size} given`)
      }
      return out
    }
  }),
  defineCase({
    name: "getChat",
    operationId: "getChat",
    input: fc.record({ businessId: idArb, chatId: idArb }, { noNullPrototype: true }),
    run: (svc, input) => svc.getChat(input),
    check: (input, [r]) => {
      const out: Array<string> = []
      checkBusiness(r, input.businessId, out)
      if (r) expectQuery(r, "chatId", input.chatId, out)
      return out
    }
  }),
  defineCase({
    name: "getChatMessage",
    operationId: "getChatMessage",
    input: fc.record({ businessId: idArb, chatId: idArb, messageId: idArb }, { noNullPrototype: true }),
    run: (svc, input) => svc.getChatMessage(input),
    check: (input, [r]) => {
      const out: Array<string> = []
      checkBusiness(r, input.businessId, out)
      if (r) {
        expectQuery(r, "chatId", input.chatId, out)
        expectQuery(r, "messageId", input.messageId, out)
      }
      return out
    }
  })
]

/** Runs a request case `numRuns` times (fast-check, seeded) and tallies requests and failures. */
export const runRequestCase = async (
  c: RequestCase,
  options: { readonly numRuns: number; readonly seed: number }
): Promise<{ readonly runs: number; readonly requests: number; readonly failure: string | undefined }> => {
  let requests = 0
  let runs = 0
  const details = await fc.check(
    fc.asyncProperty(c.arbitrary, async (sample) => {
      const r = await c.execute(sample)
      runs++
      requests += r.requests
      if (r.problems.length > 0) throw new Error(r.problems.join("\n"))
    }),
    { numRuns: options.numRuns, seed: options.seed, endOnFailure: true }
  )
  return {
    runs,
    requests,
    failure: details.failed
      ? `${fc.defaultReportMessage(details) ?? "failed"}\n${
        details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance)
      }`
      : undefined
  }
}

// -----------------------------------------------------------------------------
// Random values from the response schemas: core/testing/openApiBodies.ts (shared by both editions)
// -----------------------------------------------------------------------------

// -----------------------------------------------------------------------------
// Feeding answers through the client
// -----------------------------------------------------------------------------

import { type Operation as OperationId, operations as operationIds } from "../../src/ChatsError.js"

/** The seven operations of the description, as the client names them. */
export { type OperationId, operationIds }

/** The operations whose 200 body must carry a `result`. */
export const resultOperations: ReadonlyArray<OperationId> = [
  "getChats",
  "getChatHistory",
  "createChat",
  "getChat",
  "getChatMessage"
]

/** One call of each operation with fixed valid inputs. */
export const callOperation = (svc: ChatsClient.Service, operationId: OperationId): Effect.Effect<unknown, unknown> => {
  switch (operationId) {
    case "getChats":
      return svc.getChats({ businessId: 1 })
    case "getChatHistory":
      return svc.getChatHistory({ businessId: 1, chatId: 2 })
    case "createChat":
      return svc.createChat({ businessId: 1, context: { type: "ORDER", id: 3 } })
    case "sendMessageToChat":
      return svc.sendMessageToChat({ businessId: 1, chatId: 2, message: "hi" })
    case "sendFileToChat":
      return svc.sendFileToChat({ businessId: 1, chatId: 2, file: { name: "a.txt", data: new Uint8Array([1]) } })
    case "getChat":
      return svc.getChat({ businessId: 1, chatId: 2 })
    case "getChatMessage":
      return svc.getChatMessage({ businessId: 1, chatId: 2, messageId: 4 })
  }
}

/**
 * A client over a fake whose next answer is set before each call: cheap enough to feed
 * thousands of bodies through one client.
 */
export const feeder = async (operationId: OperationId) => {
  let next: CannedResponse = { status: 200, body: "{}" }
  let calls = 0
  const { client } = recordingClient(() => {
    calls++
    return next
  })
  const svc = await Effect.runPromise(
    ChatsClient.make(clientOptions({ apiKey: "test-key" })).pipe(Effect.provideService(HttpClient.HttpClient, client))
  )
  return {
    /** Answers the next call with `answer`; returns the exit and how many requests it took. */
    feed: async (answer: CannedResponse) => {
      next = answer
      const before = calls
      const exit = await Effect.runPromiseExit(callOperation(svc, operationId))
      return { exit, requests: calls - before }
    }
  }
}

const show = (u: unknown): string => {
  try {
    return (JSON.stringify(u) ?? String(u)).slice(0, 200)
  } catch {
    return String(u)
  }
}

const own = (obj: unknown, key: string): Json | undefined =>
  typeof obj === "object" && obj !== null && Object.prototype.hasOwnProperty.call(obj, key)
    ? (obj as Record<string, Json>)[key]
    : undefined

/** Compares a decoded value with the JSON it came from, field by field along the schema. */
export const compareDecoded = (
  spec: Spec,
  node: unknown,
  generated: Json | undefined,
  decoded: unknown,
  oracle: DateOracle,
  at: string,
  out: Array<string>
): void => {
  if (out.length > 10) return
  if (generated === undefined) {
    if (decoded !== undefined) out.push(`${at}: absent in the body, decoded as ${show(decoded)}`)
    return
  }
  if (generated === null) {
    if (decoded !== undefined && decoded !== null) out.push(`${at}: null in the body, decoded as ${show(decoded)}`)
    return
  }
  const schema = spec.resolve(node)
  const type = schema.type ?? (schema.properties ? "object" : undefined)
  if (type === "object") {
    if (typeof decoded !== "object" || decoded === null) {
      out.push(`${at}: an object in the body, decoded as ${show(decoded)}`)
      return
    }
    for (const [key, prop] of Object.entries(schema.properties ?? {})) {
      compareDecoded(spec, prop, own(generated, key), (decoded as Record<string, unknown>)[key], oracle, `${at}.${key}`, out)
    }
    return
  }
  if (type === "array") {
    const g = generated as ReadonlyArray<Json>
    if (!Array.isArray(decoded) || decoded.length !== g.length) {
      out.push(`${at}: an array of ${g.length} in the body, decoded as ${show(decoded)}`)
      return
    }
    g.forEach((item, i) => compareDecoded(spec, schema.items, item, decoded[i], oracle, `${at}[${i}]`, out))
    return
  }
  if (type === "string" && schema.format === "date-time") {
    if (!DateTime.isDateTime(decoded)) {
      out.push(`${at}: ${show(generated)} decoded as ${show(decoded)}, not a DateTime`)
      return
    }
    const expected = oracle.get(generated as string)
    if (expected !== undefined && decoded.epochMillis !== expected) {
      out.push(
        `${at}: ${generated as string} decoded as ${DateTime.formatIso(decoded)}, expected ${
          new Date(expected).toISOString()
        }`
      )
    }
    return
  }
  if (decoded !== generated) out.push(`${at}: ${show(generated)} in the body, decoded as ${show(decoded)}`)
}

/** A generated 200 body of an operation, with the meaning of its dates. */
export const generateSuccessBody = (
  spec: Spec,
  operationId: OperationId,
  rng: Rng,
  options: Partial<GenOptions> = {}
): { readonly body: Json; readonly oracle: DateOracle } => {
  const oracle: DateOracle = new Map()
  const forceTop = resultOperations.includes(operationId) ? ["result"] : []
  const body = generate(spec, spec.operation(operationId).successSchema, rng, {
    ...defaultGenOptions,
    forceTop,
    ...options
  }, oracle)
  return { body, oracle }
}

/** Checks the client's outcome for one generated 200 body: success, and the decoded value matches. */
export const checkSuccess = (
  spec: Spec,
  operationId: OperationId,
  body: Json,
  oracle: DateOracle,
  exit: Exit.Exit<unknown, unknown>
): Array<string> => {
  const out: Array<string> = []
  if (Exit.isFailure(exit)) {
    const failure = Cause.failureOption(exit.cause)
    out.push(
      `decoding failed: ${
        Option.isSome(failure) ? `${(failure.value as { _tag?: string })._tag}: ${(failure.value as Error).message}` : Cause.pretty(exit.cause)
      }`
    )
    return out
  }
  if (!resultOperations.includes(operationId)) {
    if (exit.value !== undefined) out.push(`a send returned ${show(exit.value)}`)
    return out
  }
  const resultSchema = spec.resolve(spec.operation(operationId).successSchema).properties?.result
  const result = own(body, "result")
  if (operationId === "createChat") {
    const chatId = own(result, "chatId")
    if (exit.value !== chatId) out.push(`createChat returned ${show(exit.value)}, the body says ${show(chatId)}`)
    return out
  }
  compareDecoded(spec, resultSchema, result, exit.value, oracle, "result", out)
  return out
}

/** A failure of one generated body, with how to reproduce it. */
export interface BodyFailure {
  readonly seed: number
  readonly index: number
  readonly problems: ReadonlyArray<string>
  readonly body: string
}

/** The tag of the error each documented status must map to. */
export const errorTags: Readonly<Record<number, string>> = {
  400: "BadRequestError",
  401: "UnauthorizedError",
  403: "ForbiddenError",
  404: "NotFoundError",
  420: "RateLimitError",
  500: "InternalServerError"
}

/**
 * Generates `count` 200 bodies for an operation (seeded: body i uses `new Rng(seed, i)`),
 * checks each against the description with ajv (a check of the generator: enums open),
 * feeds it through the client and checks the decoded value.
 */
export const runSuccessBodies = async (
  operationId: OperationId,
  options: { readonly count: number; readonly seed: number; readonly gen?: Partial<GenOptions> }
): Promise<{ readonly bodies: number; readonly failures: ReadonlyArray<BodyFailure> }> => {
  const spec = loadSpec()
  const validate = spec.validator(spec.operation(operationId).successSchema, { relaxEnums: true })
  const { feed } = await feeder(operationId)
  const failures: Array<BodyFailure> = []
  let bodies = 0
  for (let index = 0; index < options.count; index++) {
    const rng = new Rng(options.seed, index)
    const { body, oracle } = generateSuccessBody(spec, operationId, rng, options.gen)
    const text = JSON.stringify(body)
    const problems: Array<string> = []
    if (!validate(JSON.parse(text))) problems.push(`generator: the body breaks the description: ${ajvErrorsText(validate.errors)}`)
    const { exit, requests } = await feed({ status: 200, body: text })
    if (requests !== 1) problems.push(`${requests} requests for one call`)
    problems.push(...checkSuccess(spec, operationId, body, oracle, exit))
    bodies++
    if (problems.length > 0) failures.push({ seed: options.seed, index, problems, body: text.slice(0, 2000) })
  }
  return { bodies, failures }
}

/** Feeds `count` random error bodies with a status and checks the typed error and its parsed `errors`. */
export const runErrorBodies = async (
  operationId: OperationId,
  status: number,
  options: { readonly count: number; readonly seed: number }
): Promise<{ readonly bodies: number; readonly failures: ReadonlyArray<BodyFailure> }> => {
  const { feed } = await feeder(operationId)
  const failures: Array<BodyFailure> = []
  const tag = errorTags[status]
  for (let index = 0; index < options.count; index++) {
    const rng = new Rng(options.seed + status, index)
    const { expected, text } = generateErrorBody(rng)
    const { exit, requests } = await feed({ status, body: text })
    const problems: Array<string> = []
    if (requests !== 1) problems.push(`${requests} requests for one call (retries are off)`)
    if (Exit.isSuccess(exit)) {
      problems.push(`succeeded with ${show(exit.value)} on HTTP ${status}`)
    } else {
      const failure = Cause.failureOption(exit.cause)
      if (Option.isNone(failure)) {
        problems.push(`died instead of failing: ${Cause.pretty(exit.cause)}`)
      } else {
        type StatusError = {
          _tag?: string
          status?: number
          operation?: string
          errors?: ReadonlyArray<{ code: string; message?: string }>
          kind?: string
          cause?: unknown
        }
        let error = failure.value as StatusError
        // a 500 on a send leaves its outcome unknown: the client wraps it in a DeliveryUnknownError
        if (status === 500 && !resultOperations.includes(operationId)) {
          if (error._tag !== "DeliveryUnknownError") {
            problems.push(`a send failed with ${error._tag} on 500, expected DeliveryUnknownError`)
          } else {
            error = error.cause as StatusError
          }
        }
        if (error._tag !== tag) problems.push(`failed with ${error._tag}, expected ${tag}`)
        if (error.status !== status) problems.push(`error.status ${error.status}, expected ${status}`)
        if (error.operation !== operationId) problems.push(`error.operation ${error.operation}`)
        const got = (error.errors ?? []).map((x) => x.message === undefined ? { code: x.code } : { code: x.code, message: x.message })
        if (!sameJson(got, expected)) problems.push(`errors ${show(got)}, expected ${show(expected)}`)
        if (status === 420 && !["parallel", "quota", "unknown"].includes(error.kind ?? "")) {
          problems.push(`a RateLimitError without a kind (${String(error.kind)})`)
        }
      }
    }
    if (problems.length > 0) failures.push({ seed: options.seed + status, index, problems, body: text.slice(0, 2000) })
  }
  return { bodies: options.count, failures }
}

/** 200 bodies without a usable `result`: each must fail with `ResponseDecodeError`. */
export const bodiesWithoutResult: ReadonlyArray<string> = [
  "{\"status\":\"OK\"}",
  "{\"status\":\"ERROR\"}",
  "{}",
  "{\"status\":\"OK\",\"result\":null}",
  "{\"status\":\"ERROR\",\"errors\":[{\"code\":\"INTERNAL_ERROR\"}]}",
  "{\"status\":\"OK\",\"errors\":null,\"extra\":1}",
  "{\"status\":\"OK\",\"Result\":{}}"
]

/** Formats failures of generated bodies for a test report. */
export const formatFailures = (label: string, failures: ReadonlyArray<BodyFailure>): string =>
  failures.length === 0
    ? ""
    : `${label}: ${failures.length} failing bodies; first ones (reproduce with new Rng(seed, index)):\n` +
      failures
        .slice(0, 3)
        .map((f) => `  seed ${f.seed} index ${f.index}:\n    ${f.problems.join("\n    ")}\n    body: ${f.body.slice(0, 600)}`)
        .join("\n")

/** Checks that every 200 body without a usable `result` fails with `ResponseDecodeError`. */
export const runWithoutResult = async (operationId: OperationId): Promise<ReadonlyArray<string>> => {
  const { feed } = await feeder(operationId)
  const problems: Array<string> = []
  for (const body of bodiesWithoutResult) {
    const { exit } = await feed({ status: 200, body })
    const failure = Exit.isFailure(exit) ? Cause.failureOption(exit.cause) : Option.none()
    const tag = Option.isSome(failure) ? (failure.value as { _tag?: string })._tag : undefined
    if (tag !== "ResponseDecodeError") {
      problems.push(`${body}: ${Exit.isSuccess(exit) ? `succeeded with ${show(exit.value)}` : `failed with ${tag}`}`)
    }
  }
  return problems
}

/** Checks that a send succeeds on the bare `{ "status": "OK" }` (and a few other spellings of an empty answer). */
export const runSendOk = async (operationId: OperationId): Promise<ReadonlyArray<string>> => {
  const { feed } = await feeder(operationId)
  const problems: Array<string> = []
  for (const body of ["{\"status\":\"OK\"}", "{\"status\":\"OK\",\"result\":null}", "{\"status\":\"OK\",\"errors\":null}"]) {
    const { exit } = await feed({ status: 200, body })
    if (Exit.isFailure(exit)) problems.push(`${body}: ${Cause.pretty(exit.cause).split("\n")[0]}`)
    else if (exit.value !== undefined) problems.push(`${body}: returned ${show(exit.value)}`)
  }
  return problems
}

// -----------------------------------------------------------------------------
// Inputs the description forbids: refused before anything is sent
// -----------------------------------------------------------------------------

/** An input that breaks the description, and the call that passes it. */
export interface InvalidInput {
  readonly label: string
  readonly call: (svc: ChatsClient.Service) => Effect.Effect<unknown, unknown>
}

const anyInput = <A>(a: unknown): A => a as A

/** Inputs the description forbids (ids < 1, limits out of range, empty or repeated filters, long messages, big files). */
export const invalidInputs: ReadonlyArray<InvalidInput> = [
  { label: "getChat businessId 0", call: (s) => s.getChat({ businessId: 0, chatId: 1 }) },
  { label: "getChat businessId -1", call: (s) => s.getChat({ businessId: -1, chatId: 1 }) },
  { label: "getChat businessId 1.5", call: (s) => s.getChat({ businessId: 1.5, chatId: 1 }) },
  { label: "getChat chatId 0", call: (s) => s.getChat({ businessId: 1, chatId: 0 }) },
  { label: "getChat chatId 2^53 (not exact)", call: (s) => s.getChat({ businessId: 1, chatId: 2 ** 53 }) },
  { label: "getChat chatId NaN", call: (s) => s.getChat({ businessId: 1, chatId: Number.NaN }) },
  { label: "getChatMessage messageId 0", call: (s) => s.getChatMessage({ businessId: 1, chatId: 1, messageId: 0 }) },
  { label: "getChats limit 0", call: (s) => s.getChats({ businessId: 1, limit: 0 }) },
  { label: "getChats limit 21", call: (s) => s.getChats({ businessId: 1, limit: 21 }) },
  { label: "getChats limit 2.5", call: (s) => s.getChats({ businessId: 1, limit: 2.5 }) },
  { label: "getChats statuses []", call: (s) => s.getChats({ businessId: 1, filter: { statuses: [] } }) },
  { label: "getChats statuses repeated", call: (s) => s.getChats({ businessId: 1, filter: { statuses: ["NEW", "NEW"] } }) },
  {
    label: "getChats contexts repeated",
    call: (s) =>
      s.getChats({ businessId: 1, filter: { contexts: [{ type: "ORDER", id: 1 }, { type: "ORDER", id: 1 }] } })
  },
  { label: "getChats contexts type DIRECT", call: (s) => s.getChats(anyInput({ businessId: 1, filter: { contexts: [{ type: "DIRECT", id: 1 }] } })) },
  { label: "getChats statuses unknown value", call: (s) => s.getChats(anyInput({ businessId: 1, filter: { statuses: ["SOMETHING"] } })) },
  { label: "getChats orderIds [0]", call: (s) => s.getChats({ businessId: 1, filter: { orderIds: [0] } }) },
  { label: "getChatHistory limit 101", call: (s) => s.getChatHistory({ businessId: 1, chatId: 1, limit: 101 }) },
  { label: "getChatHistory messageIdFrom 0", call: (s) => s.getChatHistory({ businessId: 1, chatId: 1, messageIdFrom: 0 }) },
  { label: "createChat context type DIRECT", call: (s) => s.createChat(anyInput({ businessId: 1, context: { type: "DIRECT", id: 1 } })) },
  { label: "createChat context id 0", call: (s) => s.createChat({ businessId: 1, context: { type: "ORDER", id: 0 } }) },
  { label: "sendMessageToChat empty message", call: (s) => s.sendMessageToChat({ businessId: 1, chatId: 1, message: "" }) },
  {
    label: "sendMessageToChat 4097 characters",
    call: (s) => s.sendMessageToChat({ businessId: 1, chatId: 1, message: "ж".repeat(4097) })
  },
  {
    label: "sendFileToChat 5 MB + 1 byte",
    call: (s) =>
      s.sendFileToChat({ businessId: 1, chatId: 1, file: { name: "a.bin", data: new Uint8Array(ChatsSchema.maxFileBytes + 1) } })
  },
  {
    label: "sendFileToChat empty name",
    call: (s) => s.sendFileToChat({ businessId: 1, chatId: 1, file: { name: "", data: new Uint8Array(1) } })
  }
]

/** Runs an invalid input: it must fail with `InvalidRequestError` and send nothing. */
export const runInvalidInput = async (c: InvalidInput): Promise<ReadonlyArray<string>> => {
  const { exit, requests } = await runWithClient(
    { apiKey: "test-key" },
    () => ({ status: 200, body: "{\"status\":\"OK\"}" }),
    c.call
  )
  const problems: Array<string> = []
  const failure = Exit.isFailure(exit) ? Cause.failureOption(exit.cause) : Option.none()
  const tag = Option.isSome(failure) ? (failure.value as { _tag?: string })._tag : undefined
  if (tag !== "InvalidRequestError") problems.push(`${c.label}: ${Exit.isSuccess(exit) ? "succeeded" : `failed with ${tag}`}`)
  if (requests.length > 0) problems.push(`${c.label}: ${requests.length} requests sent`)
  return problems
}

// -----------------------------------------------------------------------------
// Known discrepancies between the client and the description
// -----------------------------------------------------------------------------

/** A probe of a known discrepancy: it returns the problems while the client still behaves so. */
export interface KnownIssue {
  readonly id: string
  readonly description: string
  readonly probe: () => Promise<ReadonlyArray<string>>
}

/** getChat answered with `date` as `createdAt`: the problems of decoding it. */
const probeDate = async (date: string): Promise<ReadonlyArray<string>> => {
  const spec = loadSpec()
  const body: Json = {
    status: "OK",
    result: {
      chatId: 1,
      context: { type: "ORDER" },
      type: "CHAT",
      status: "NEW",
      createdAt: date,
      updatedAt: "2017-11-21T00:00:00+03:00"
    }
  }
  const problems: Array<string> = []
  const validate = spec.validator(spec.operation("getChat").successSchema)
  if (!validate(body)) problems.push(`(the probe itself breaks the description: ${ajvErrorsText(validate.errors)})`)
  const { feed } = await feeder("getChat")
  const { exit } = await feed({ status: 200, body: JSON.stringify(body) })
  problems.push(...checkSuccess(spec, "getChat", body, new Map(), exit))
  return problems
}

/** A message of 4096 code points, 2048 of them emoji (6144 UTF-16 code units). */
export const message4096CodePoints = "😀ж".repeat(2048)

/** A file with a Content-Type that carries CR/LF: refused, or sent as a well-formed part with the same bytes. */
const probeContentType = async (contentType: string): Promise<ReadonlyArray<string>> => {
  const spec = loadSpec()
  const data = new TextEncoder().encode("the file")
  const { exit, requests } = await runWithClient(
    { apiKey: "test-key" },
    () => ({ status: 200, body: "{\"status\":\"OK\"}" }),
    (s) => s.sendFileToChat({ businessId: 1, chatId: 1, file: { name: "a.txt", data, contentType } })
  )
  const failure = Exit.isFailure(exit) ? Cause.failureOption(exit.cause) : Option.none()
  if (Option.isSome(failure) && (failure.value as { _tag?: string })._tag === "InvalidRequestError" && requests.length === 0) {
    return []
  }
  const problems: Array<string> = []
  for (const r of requests) {
    const report = validateRequest(spec, r)
    problems.push(...report.problems.map((p) => `contentType ${JSON.stringify(contentType)}: ${p}`))
    const part = report.parts?.[0]
    if (part !== undefined && Buffer.compare(Buffer.from(part.data), Buffer.from(data)) !== 0) {
      problems.push(
        `contentType ${JSON.stringify(contentType)}: the file arrives as ${JSON.stringify(Buffer.from(part.data).toString())}, sent "the file"`
      )
    }
  }
  return problems
}

export const knownIssues: ReadonlyArray<KnownIssue> = [
  {
    id: "date-time-lowercase-z",
    description:
      "RFC 3339 (§5.6 NOTE) allows a lowercase \"z\" for UTC, and the description's `format: date-time` accepts it; " +
      "the client's ChatsSchema.DateTime (Schema.DateTimeUtc) refuses \"2017-11-21T00:00:00z\" and the whole answer fails with ResponseDecodeError",
    probe: () => probeDate("2017-11-21T00:00:00z")
  },
  {
    id: "date-time-leap-second",
    description:
      "RFC 3339 allows a leap second (time-second 00-60), and the description's `format: date-time` accepts \"2016-12-31T23:59:60Z\"; " +
      "the client refuses it and the whole answer fails with ResponseDecodeError",
    probe: () => probeDate("2016-12-31T23:59:60Z")
  },
  {
    id: "multipart-content-type-injection",
    description:
      "sendFileToChat writes `file.contentType` into the part header unchecked: a type with CR/LF adds part headers " +
      "or moves bytes into the file (\"text/plain\\r\\n\\r\\nhello\" makes the server receive \"hello\\r\\n\\r\\n\" + the file); " +
      "a non-token type such as \"image/пнг\" is sent as is. Expected: InvalidRequestError, or a sanitized type",
    probe: async () => [
      ...(await probeContentType("text/plain\r\nX-Injected: 1")),
      ...(await probeContentType("text/plain\r\n\r\nhello")),
      ...(await probeContentType("image/пнг"))
    ]
  },
  {
    id: "message-length-code-points",
    description:
      "SendMessageToChatRequest.message has `maxLength: 4096`, which JSON Schema counts in Unicode code points; " +
      "the client (ChatsSchema.MessageText, Schema.maxLength) counts UTF-16 code units, so a 4096-code-point message " +
      "with emoji is refused with InvalidRequestError before sending",
    probe: async () => {
      const spec = loadSpec()
      const problems: Array<string> = []
      const validate = spec.validator(spec.deref({ $ref: "#/components/schemas/SendMessageToChatRequest" }))
      if (!validate({ message: message4096CodePoints })) {
        problems.push(`(the probe itself breaks the description: ${ajvErrorsText(validate.errors)})`)
      }
      const { exit, requests } = await runWithClient(
        { apiKey: "test-key" },
        () => ({ status: 200, body: "{\"status\":\"OK\"}" }),
        (s) => s.sendMessageToChat({ businessId: 1, chatId: 1, message: message4096CodePoints })
      )
      if (Exit.isFailure(exit)) problems.push(`refused: ${Cause.pretty(exit.cause).split("\n")[0]}`)
      for (const r of requests) problems.push(...validateRequest(spec, r).problems)
      return problems
    }
  }
]

/** The known issue with this id; throws when there is none, so that a regression test cannot vanish. */
export const knownIssue = (id: string): KnownIssue => {
  const issue = knownIssues.find((k) => k.id === id)
  if (issue === undefined) throw new Error(`no known issue ${id} in test/conformance/spec.ts`)
  return issue
}
