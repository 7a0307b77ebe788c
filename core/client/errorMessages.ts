/**
 * The messages of the client's typed errors, without Effect: each is built from the error's own
 * credential-free fields (operation, method, path, status, the market's codes), never from a request,
 * a response or a cause object, so no message can carry the Api-Key or the OAuth token.
 */
/** What an error of an HTTP answer says about the request and the answer. */
export interface HttpFailure {
  readonly operation: string
  readonly method: string
  readonly path: string
  readonly status: number
  /** The `errors` entries of the answer's body. */
  readonly errors: ReadonlyArray<{ readonly code: string; readonly message?: string | undefined }>
}

/** The message of an HTTP error: what was asked, what came back, and what the market said. */
export const httpFailureMessage = (self: HttpFailure): string => {
  const said = self.errors.map((e) => e.message === undefined ? e.code : `${e.code}: ${e.message}`).join("; ")
  return `${self.operation} (${self.method} ${self.path}) failed with HTTP ${self.status}${said ? `: ${said}` : ""}`
}

/** The message of a 420: the HTTP message and which limit was hit. */
export const rateLimitMessage = (self: HttpFailure & { readonly kind: string }): string =>
  `${httpFailureMessage(self)} (${self.kind} limit)`

/** The message of a 2xx answer whose body does not match the description. */
export const responseDecodeMessage = (
  self: { readonly operation: string; readonly method: string; readonly path: string; readonly status: number; readonly description: string }
): string =>
  `${self.operation} (${self.method} ${self.path}) answered HTTP ${self.status} with a body that does not match: ${self.description}`

/** The message of an input refused before sending. */
export const invalidRequestMessage = (self: { readonly operation: string; readonly description: string }): string =>
  `${self.operation}: invalid request, nothing was sent: ${self.description}`

/** The message of a page token handed out twice. */
export const pageTokenLoopMessage = (
  self: { readonly operation: string; readonly pageToken: string; readonly pagesRead: number }
): string =>
  `${self.operation}: the server handed back page token "${self.pageToken}" again after ${self.pagesRead} pages; stopping to avoid a loop`

/** The message of a request that got no answer in time. */
export const requestTimeoutMessage = (
  self: { readonly operation: string; readonly method: string; readonly path: string; readonly timeoutMillis: number }
): string => `${self.operation} (${self.method} ${self.path}) got no answer within ${self.timeoutMillis} ms`

/** The message of a send whose outcome is unknown; `cause` is the message of the failure that cut it off. */
export const deliveryUnknownMessage = (
  self: { readonly operation: string; readonly method: string; readonly path: string },
  cause: string
): string =>
  `${self.operation} (${self.method} ${self.path}): the outcome is unknown, the message may have been delivered; not retried (${cause})`

/** The message of an exchange lost in transit. */
export const transportMessage = (
  self: {
    readonly operation: string
    readonly method: string
    readonly path: string
    readonly reason: string
    readonly status?: number | undefined
    readonly description: string
  }
): string => {
  const status = self.status === undefined ? "" : ` (HTTP ${self.status})`
  return `${self.operation} (${self.method} ${self.path}) failed in transit${status}: ${self.reason}: ${self.description}`
}

/** The message of a limiter that could not answer. */
export const limiterUnavailableMessage = (self: { readonly limiter: string; readonly description: string }): string =>
  `the ${self.limiter === "gate" ? "concurrency gate" : "quota store"} could not answer: ${self.description}`

/** The message of a cause, for the message of an error that wraps it: an `Error`'s message, else its string form. */
export const causeMessage = (cause: unknown): string => cause instanceof Error ? cause.message : String(cause)

