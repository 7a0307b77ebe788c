/**
 * Requests as they go over the wire, recorded by a fake transport without Effect: an edition's fake
 * `HttpClient` hands each outgoing request (method, headers, body variant) to `makeRecorder`, which
 * serializes it the way `fetch` would, keeps it, and answers with a canned web `Response`. Also the
 * parsing of `multipart/form-data` bodies.
 */

/**
 * The body of an outgoing request, as both editions' `HttpBody` variants carry it (the tags and fields
 * that `FetchHttpClient` reads).
 */
export type OutgoingBody =
  | { readonly _tag: "Empty" }
  | { readonly _tag: "Raw"; readonly body: unknown }
  | { readonly _tag: "Uint8Array"; readonly body: Uint8Array }
  | { readonly _tag: "FormData"; readonly formData: FormData }
  | { readonly _tag: "Stream" }

/** An outgoing request of an edition's `HttpClient`: what the recorder reads of it. */
export interface OutgoingRequest {
  readonly method: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: OutgoingBody
}

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

/** How the fake server answers: the recorded request and its index among the requests received. */
export type Responder = (request: RecordedRequest, index: number) => CannedResponse

/** The body `fetch` would be handed for a body variant. */
const fetchBody = (body: OutgoingBody): BodyInit | undefined => {
  switch (body._tag) {
    case "Empty":
      return undefined
    case "Raw":
      return body.body as BodyInit
    case "Uint8Array":
      return body.body as BodyInit
    case "FormData":
      return body.formData
    case "Stream":
      throw new Error("the fake client does not take stream bodies")
  }
}

/** Turns an outgoing request into a web `Request` the way `FetchHttpClient` does, and reads its body. */
export const recordRequest = async (request: OutgoingRequest, url: URL): Promise<RecordedRequest> => {
  const headers = new Headers()
  for (const [k, v] of Object.entries(request.headers)) {
    if (k !== "content-length") headers.set(k, v)
  }
  const body = fetchBody(request.body)
  const web = new Request(url, { method: request.method, headers, ...(body === undefined ? {} : { body }) })
  const bytes = body === undefined ? undefined : new Uint8Array(await web.arrayBuffer())
  return { method: web.method, url: new URL(web.url), headers: web.headers, body: bytes }
}

/** The web `Response` of a canned answer (JSON unless its headers say otherwise). */
export const webResponse = (answer: CannedResponse): Response =>
  new Response(answer.body === "" ? null : answer.body, {
    status: answer.status,
    headers: { "content-type": "application/json", ...answer.headers }
  })

/** A recording fake server: `exchange` records a request and gives the web answer; `requests` lists them. */
export const makeRecorder = (respond: Responder) => {
  const requests: Array<RecordedRequest> = []
  const exchange = async (request: OutgoingRequest, url: URL): Promise<Response> => {
    const recorded = await recordRequest(request, url)
    requests.push(recorded)
    return webResponse(respond(recorded, requests.length - 1))
  }
  return { requests: requests as ReadonlyArray<RecordedRequest>, exchange }
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
export const headerParam = (value: string, name: string): string | undefined => {
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

/** How a file name is written into `filename="..."` (`"`, CR and LF percent-escaped, as browsers and undici do). */
export const wireFilename = (name: string): string =>
  name.replace(/\n/g, "%0A").replace(/\r/g, "%0D").replace(/"/g, "%22")

/** The type a `Blob`/`File` keeps for a given `type` option (lower-cased; emptied if not printable ASCII). */
export const blobType = (type: string): string => /^[\x20-\x7e]*$/.test(type) ? type.toLowerCase() : ""
