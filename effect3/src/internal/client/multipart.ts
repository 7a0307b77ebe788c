/**
 * The multipart body of `sendFileToChat`, encoded to bytes by the client itself.
 *
 * A `FormData` body would depend on the transport: Node's global `FormData` comes from
 * Node's bundled undici, which the `undici` package behind `NodeHttpClient.layerUndici`
 * does not accept. Bytes go through every transport alike.
 */
import { HttpBody } from "@effect/platform"
import { Effect } from "effect"

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

/** A `multipart/form-data` body with one part named `file` that keeps its filename and type. */
export const filePart = (file: {
  readonly name: string
  readonly data: Uint8Array | Blob
  readonly contentType?: string | undefined
}): Effect.Effect<HttpBody.HttpBody> => {
  const data = file.data
  const bytes: Effect.Effect<Uint8Array> = data instanceof Blob
    ? Effect.promise(() => data.arrayBuffer().then((buffer) => new Uint8Array(buffer)))
    : Effect.succeed(data)
  return Effect.map(bytes, (bytes) => {
      const type = file.contentType || (data instanceof Blob && data.type) || "application/octet-stream"
      const boundary = `----effect-yandex-market-chats-${crypto.randomUUID()}`
      const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${quoted(file.name)}"\r\n` +
        `Content-Type: ${type}\r\n\r\n`
      const body = concat([encoder.encode(head), bytes, encoder.encode(`\r\n--${boundary}--\r\n`)])
      return HttpBody.uint8Array(body, `multipart/form-data; boundary=${boundary}`)
    })
}
