/**
 * Responses as values, and writing them to a `node:http` response: a status, headers and a body
 * whose `content-type` and (for a non-empty body) `content-length` join the headers.
 */
import type * as Http from "node:http"

/** A response to write. */
export interface Reply {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: Uint8Array | undefined
}

const encoder = new TextEncoder()

/** A response with a body: the given headers (names in lower case), then its content type and length. */
export const bytesReply = (
  status: number,
  body: Uint8Array,
  contentType: string,
  headers: Readonly<Record<string, string>> = {}
): Reply => {
  const all: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) all[name.toLowerCase()] = value
  all["content-type"] = contentType
  if (body.length > 0) all["content-length"] = String(body.length)
  return { status, headers: all, body }
}

/** A text response. */
export const textReply = (
  status: number,
  text: string,
  contentType: string,
  headers?: Readonly<Record<string, string>>
): Reply => bytesReply(status, encoder.encode(text), contentType, headers)

/** A JSON response. */
export const jsonReply = (status: number, body: unknown, headers?: Readonly<Record<string, string>>): Reply =>
  textReply(status, JSON.stringify(body), "application/json", headers)

/** A response without a body (no content type). */
export const emptyReply = (status: number): Reply => ({ status, headers: {}, body: undefined })

/** Writes a response (only its head for a HEAD request), unless the response has already ended. */
export const writeReply = (request: Http.IncomingMessage, response: Http.ServerResponse, reply: Reply): void => {
  if (response.writableEnded) return
  response.writeHead(reply.status, reply.headers)
  if (request.method === "HEAD" || reply.body === undefined) response.end()
  else response.end(reply.body)
}
