/**
 * Refusals as the market words them: a status and one `{ code, message }` entry
 * in the body `{ "status": "ERROR", "errors": [...] }`.
 *
 * @internal
 */
import { Data } from "effect"

/** A refusal the simulator answers with its status and error body. */
export class ApiFailure extends Data.TaggedError("ApiFailure")<{
  readonly status: number
  readonly code: string
  readonly message: string
}> {}

/** The error body of the market. */
export const errorBody = (code: string, message: string) => ({
  status: "ERROR" as const,
  errors: [{ code, message }]
})

/** 400: the request data is invalid. */
export const badRequest = (message: string) => new ApiFailure({ status: 400, code: "BAD_REQUEST", message })

/** 401: no credentials. */
export const unauthorized = () =>
  new ApiFailure({
    status: 401,
    code: "UNAUTHORIZED",
    message: "Authorization is required: pass the Api-Key header or Authorization: Bearer <token>"
  })

/** 403: wrong credentials or no access to the business. */
export const forbidden = (message: string) => new ApiFailure({ status: 403, code: "FORBIDDEN", message })

/** 404: no such resource. */
export const notFound = (message: string) => new ApiFailure({ status: 404, code: "NOT_FOUND", message })

/** 405: a known path with another method. */
export const methodNotAllowed = (method: string) =>
  new ApiFailure({ status: 405, code: "METHOD_NOT_ALLOWED", message: `Method ${method} is not allowed here` })

/** 420: a rate limit was hit. */
export const limitExceeded = (message: string) => new ApiFailure({ status: 420, code: "LIMIT_EXCEEDED", message })
