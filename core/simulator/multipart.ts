/**
 * A small multipart/form-data parser for a buffered body. The simulator needs
 * its own because the streaming parser of @effect/platform (multipasta) drops
 * the parameters of a Content-Disposition whose `filename` has characters
 * beyond Latin-1, which is how browsers and undici send Cyrillic file names.
 */

/** One part of a multipart body. */
export interface FormPart {
  readonly name: string
  readonly filename: string | undefined
  readonly contentType: string | undefined
  readonly data: Uint8Array
}

/** The boundary of a `multipart/form-data` content type, if it is one. */
export const multipartBoundary = (contentType: string | undefined): string | undefined => {
  if (!contentType || !/^\s*multipart\/form-data\s*(;|$)/i.test(contentType)) return undefined
  const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType)
  return match?.[1] ?? match?.[2]
}

const paramPattern = /;\s*([^=;\s]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/g

/** The parameters of a header value such as `form-data; name="file"; filename="фото.jpg"`. */
const headerParams = (value: string): Record<string, string> => {
  const params: Record<string, string> = {}
  for (const match of value.matchAll(paramPattern)) {
    const key = (match[1] as string).toLowerCase()
    params[key] = match[2] !== undefined ? match[2].replace(/\\(.)/g, "$1") : (match[3] ?? "").trim()
  }
  return params
}

/** Decodes an RFC 5987 value (`UTF-8''%D1%84.jpg`). */
const decodeExtended = (value: string): string | undefined => {
  const quote = value.indexOf("''")
  if (quote < 0) return undefined
  try {
    return decodeURIComponent(value.slice(quote + 2))
  } catch {
    return undefined
  }
}

const parsePartHeaders = (text: string) => {
  let disposition = ""
  let contentType: string | undefined
  for (const line of text.split("\r\n")) {
    const colon = line.indexOf(":")
    if (colon < 0) continue
    const key = line.slice(0, colon).trim().toLowerCase()
    const value = line.slice(colon + 1).trim()
    if (key === "content-disposition") disposition = value
    else if (key === "content-type") contentType = value
  }
  const params = headerParams(disposition)
  const extended = params["filename*"] !== undefined ? decodeExtended(params["filename*"]) : undefined
  return { name: params["name"] ?? "", filename: extended ?? params["filename"], contentType }
}

/** Splits a buffered multipart body into its parts, or `undefined` when it is malformed. */
export const parseMultipart = (body: Buffer, boundary: string): ReadonlyArray<FormPart> | undefined => {
  const delimiter = Buffer.from(`--${boundary}`)
  const nextDelimiter = Buffer.from(`\r\n--${boundary}`)
  const parts: Array<FormPart> = []
  let position = body.indexOf(delimiter)
  if (position < 0) return undefined
  for (;;) {
    position += delimiter.length
    if (body[position] === 0x2d && body[position + 1] === 0x2d) return parts
    if (body[position] !== 0x0d || body[position + 1] !== 0x0a) return undefined
    position += 2
    const headerEnd = body.indexOf("\r\n\r\n", position)
    if (headerEnd < 0) return undefined
    const next = body.indexOf(nextDelimiter, headerEnd + 4)
    if (next < 0) return undefined
    parts.push({
      ...parsePartHeaders(body.subarray(position, headerEnd).toString("utf8")),
      data: body.subarray(headerEnd + 4, next)
    })
    position = next + 2
  }
}
