/**
 * The answers a receiver gives the market, as its description shapes them: the success body
 * `{ version, name, time }`, the error body `{ error: { type, message } }`, and the status of each
 * outcome. Plain data: each edition turns an `Answer` into its own HTTP response.
 */

/** The `type` of an error answer, as the market's description lists them. */
export type ErrorType = "UNKNOWN" | "WRONG_EVENT_FORMAT" | "DUPLICATED_EVENT"

/** An answer: the status, the JSON body if any, and extra headers. */
export interface Answer {
  readonly status: number
  readonly body?: unknown
  readonly headers?: Readonly<Record<string, string>>
}

/** The success body: `{ version, name, time }`, `time` being when handling began, in UTC. */
export const successBody = (name: string, version: string, at: number) => ({
  version,
  name,
  time: new Date(at).toISOString()
})

/** The error body: `{ error: { type, message } }`. */
export const errorBody = (type: ErrorType, message: string) => ({ error: { type, message } })

/** The message of a body longer than the bound. */
const tooLarge = (maxBodyBytes: number) => `the body is larger than ${maxBodyBytes} bytes`

/** Every answer of a receiver, and the texts of its refusals. */
export const answers = {
  /** 200 with the success body. */
  success: (name: string, version: string, at: number): Answer => ({ status: 200, body: successBody(name, version, at) }),
  /** 400 `WRONG_EVENT_FORMAT`: the market is not to send this body again. */
  malformed: (message: string): Answer => ({ status: 400, body: errorBody("WRONG_EVENT_FORMAT", message) }),
  /** 500 `UNKNOWN`: the queue is full, and the market sends the event again later. */
  queueFull: { status: 500, body: errorBody("UNKNOWN", "the receiver's queue is full; retry later") } as Answer,
  /** 500 `UNKNOWN`: the queue could not store the event, and the market sends it again later. */
  notStored: { status: 500, body: errorBody("UNKNOWN", "the receiver could not store the event; retry later") } as Answer,
  /** 403: a sender outside the allow-list. */
  sourceNotAllowed: { status: 403, body: errorBody("UNKNOWN", "the source address is not allowed") } as Answer,
  /** 404 without a body: a path without the secret segment. */
  notFound: { status: 404 } as Answer,
  /** 405 without a body: only POST is served. */
  methodNotAllowed: { status: 405, headers: { allow: "POST" } } as Answer,
  /** The message of a body longer than `maxBodyBytes`. */
  tooLarge,
  /** The message of a body that could not be read whole (cut off at the bound, or the connection lost). */
  unreadable: (maxBodyBytes: number) => `the body could not be read, or ${tooLarge(maxBodyBytes)}`
} as const

/** What the warning log says when the queue refuses an event (the market is answered 500). */
export const refusalLogs = {
  full: "notification queue full: answered 500 so that the market retries later",
  notStored: "notification not stored: answered 500 so that the market retries later",
  duplicate: "duplicate notification answered as delivered"
} as const

/** Parses JSON text, or says why it is not JSON. */
export const parseJson = (
  text: string
): { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly message: string } => {
  try {
    return { ok: true, value: JSON.parse(text) as unknown }
  } catch (error) {
    return { ok: false, message: `the body is not JSON: ${error instanceof Error ? error.message : String(error)}` }
  }
}
