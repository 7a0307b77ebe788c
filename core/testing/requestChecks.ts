/**
 * The checks of one recorded request against the official description, without Effect: the operation
 * (method and path), path and query parameters (with the market's aliases), credentials and headers,
 * and the body (JSON validated with ajv, multipart parts against the body schema, Content-Type).
 */
import { type SchemaObject } from "./openApiBodies.js"
import { ajvErrorsText, defaultOrigin, type OperationInfo, type Parameter, type Spec } from "./openApiSpec.js"
import { headerParam, type MultipartPart, parseMultipart, type RecordedRequest } from "./recordedRequest.js"

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
