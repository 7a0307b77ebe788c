/**
 * The multipart body of `sendFileToChat` as an `HttpBody` (assembled by `core/client/multipart.ts`):
 * bytes go through every transport alike.
 */
import { Effect } from "effect"
import { HttpBody } from "effect/http"
import { fileContentType, filePartBody } from "../../../../core/client/multipart.js"

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
    const body = filePartBody(file.name, bytes, fileContentType(file.contentType, data))
    return HttpBody.uint8Array(body.bytes, body.contentType)
  })
}
