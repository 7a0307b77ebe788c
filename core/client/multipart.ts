/**
 * The multipart body of `sendFileToChat`, encoded to bytes by the client itself.
 *
 * A `FormData` body would depend on the transport: Node's global `FormData` comes from Node's bundled
 * undici, which the `undici` package behind the Node transports' undici layer does not accept. Bytes
 * go through every transport alike.
 */

const encoder = new TextEncoder()

/** A file name as a quoted `Content-Disposition` parameter, escaped as the WHATWG form encoder does. */
const quoted = (name: string): string => name.replace(/\r/g, "%0D").replace(/\n/g, "%0A").replace(/"/g, "%22")

/** Concatenates byte arrays. */
const concat = (parts: ReadonlyArray<Uint8Array>): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0))
  let offset = 0
  for (const p of parts) {
    out.set(p, offset)
    offset += p.byteLength
  }
  return out
}

/** A `multipart/form-data` body: its bytes and its `Content-Type` (with the boundary). */
export interface MultipartBody {
  readonly bytes: Uint8Array
  readonly contentType: string
}

/**
 * The media type of a file's part: the one given, else the `Blob`'s own type, else
 * `application/octet-stream`.
 */
export const fileContentType = (given: string | undefined, data: Uint8Array | Blob): string =>
  given || (data instanceof Blob && data.type) || "application/octet-stream"

/** A `multipart/form-data` body with one part named `file` that keeps its filename and type. */
export const filePartBody = (name: string, bytes: Uint8Array, contentType: string): MultipartBody => {
  const boundary = `----effect-yandex-market-chats-${crypto.randomUUID()}`
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${quoted(name)}"\r\n` +
    `Content-Type: ${contentType}\r\n\r\n`
  return {
    bytes: concat([encoder.encode(head), bytes, encoder.encode(`\r\n--${boundary}--\r\n`)]),
    contentType: `multipart/form-data; boundary=${boundary}`
  }
}
