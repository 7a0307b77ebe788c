/**
 * Refusals as the market words them: a status and one `{ code, message }` entry
 * in the body `{ "status": "ERROR", "errors": [...] }`.
 */

/** A refusal the simulator answers with its status and error body; thrown by the request readers and handlers. */
export class ApiFailure extends Error {
  override readonly name = "ApiFailure"

  constructor(readonly status: number, readonly code: string, message: string) {
    super(message)
  }
}

/** The error body of the market. */
export const errorBody = (code: string, message: string) => ({
  status: "ERROR" as const,
  errors: [{ code, message }]
})

/** 400: the request data is invalid. */
export const badRequest = (message: string) => new ApiFailure(400, "BAD_REQUEST", message)

/** 401: no credentials. */
export const unauthorized = () =>
  new ApiFailure(
    401,
    "UNAUTHORIZED",
    "Authorization is required: pass the Api-Key header or Authorization: Bearer <token>"
  )

/** 403: wrong credentials or no access to the business. */
export const forbidden = (message: string) => new ApiFailure(403, "FORBIDDEN", message)

/** 404: no such resource. */
export const notFound = (message: string) => new ApiFailure(404, "NOT_FOUND", message)

/** 405: a known path with another method. */
export const methodNotAllowed = (method: string) =>
  new ApiFailure(405, "METHOD_NOT_ALLOWED", `Method ${method} is not allowed here`)

/** 420: a rate limit was hit. */
export const limitExceeded = (message: string) => new ApiFailure(420, "LIMIT_EXCEEDED", message)
