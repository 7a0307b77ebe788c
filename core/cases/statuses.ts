/**
 * How the client reads the market's failures, as data that both editions' suites run: each status to
 * the tag of its error, odd error bodies to the `errors` kept from them, and the two kinds of 420 with
 * the rate-limit figures read from their headers. Tags and fields only, never message texts.
 */

/** An answer the fake transport gives: a status, a body (JSON when not a string) and headers. */
export interface CannedAnswer {
  readonly status: number
  readonly body?: unknown
  readonly headers?: Readonly<Record<string, string>>
}

/** An error answer in the market's shape. */
export const marketError = (
  status: number,
  code: string,
  message?: string,
  headers?: Readonly<Record<string, string>>
): CannedAnswer => ({
  status,
  body: { status: "ERROR", errors: [message === undefined ? { code } : { code, message }] },
  ...(headers === undefined ? {} : { headers })
})

/** Each documented status (and a few undocumented ones) to the tag of the error `getChat` fails with. */
export const statusCases: ReadonlyArray<{ readonly status: number; readonly tag: string }> = [
  { status: 400, tag: "BadRequestError" },
  { status: 401, tag: "UnauthorizedError" },
  { status: 403, tag: "ForbiddenError" },
  { status: 404, tag: "NotFoundError" },
  { status: 420, tag: "RateLimitError" },
  { status: 500, tag: "InternalServerError" },
  { status: 302, tag: "UnexpectedStatusError" },
  { status: 405, tag: "UnexpectedStatusError" },
  { status: 415, tag: "UnexpectedStatusError" },
  { status: 423, tag: "UnexpectedStatusError" },
  { status: 499, tag: "UnexpectedStatusError" },
  { status: 503, tag: "UnexpectedStatusError" }
]

/** Error bodies of a 400 that are no crash: the `errors` field of the `BadRequestError` keeps what is usable. */
export const oddErrorBodies: ReadonlyArray<{
  readonly name: string
  readonly body: unknown
  readonly errors: ReadonlyArray<{ readonly code: string; readonly message?: string }>
}> = [
  { name: "missing body", body: undefined, errors: [] },
  { name: "null", body: "null", errors: [] },
  { name: "errors null", body: { status: "ERROR", errors: null }, errors: [] },
  { name: "errors missing", body: { status: "ERROR" }, errors: [] },
  { name: "status not ERROR", body: { status: "OK", errors: [{ code: "X" }] }, errors: [{ code: "X" }] },
  { name: "non-JSON", body: "<html><body>Bad gateway</body></html>", errors: [] },
  { name: "truncated JSON", body: "{\"status\":\"ERR", errors: [] },
  { name: "junk entries", body: { errors: [null, 3, { message: "no code" }, { code: "KEEP", message: 5 }] }, errors: [{ code: "KEEP" }] }
]

/** The market's rate-limit headers on a spent quota. */
const quotaHeaders = {
  "X-RateLimit-Resource-Limit": "1000",
  "X-RateLimit-Resource-Remaining": "0",
  "X-RateLimit-Resource-Until": "Thu, 10 Jul 2018 00:42:42 GMT"
}

/** Answers with rate-limit headers, the error's tag, and what its `kind` and `rateLimit` say. */
export const rateLimitCases: ReadonlyArray<{
  readonly name: string
  readonly answer: CannedAnswer
  readonly tag: string
  /** `RateLimitError.kind`, for a 420. */
  readonly kind?: "quota" | "parallel" | "unknown"
  /** The error's `rateLimit`, with `resetsAt` as an ISO string; absent when the answer has no such headers. */
  readonly rateLimit?: { readonly limit?: number; readonly remaining?: number; readonly resetsAt?: string }
}> = [
  {
    name: "a quota 420 carries limit, remaining and the reset time",
    answer: marketError(420, "LIMIT_EXCEEDED", "Hit rate limit of 1000 requests per 1 hours for resource 249", quotaHeaders),
    tag: "RateLimitError",
    kind: "quota",
    rateLimit: { limit: 1000, remaining: 0, resetsAt: "2018-07-10T00:42:42.000Z" }
  },
  {
    name: "a parallel-limit 420 is told apart by its message",
    answer: marketError(420, "LIMIT_EXCEEDED", "Hit rate limit of 4 parallel requests for businessId 12345", {
      ...quotaHeaders,
      "X-RateLimit-Resource-Remaining": "950"
    }),
    tag: "RateLimitError",
    kind: "parallel",
    rateLimit: { limit: 1000, remaining: 950, resetsAt: "2018-07-10T00:42:42.000Z" }
  },
  { name: "a 420 that says nothing is of unknown kind", answer: { status: 420 }, tag: "RateLimitError", kind: "unknown" },
  {
    name: "the headers of any error are read",
    answer: marketError(403, "DENIED", undefined, { "X-RateLimit-Resource-Limit": "5000" }),
    tag: "ForbiddenError",
    rateLimit: { limit: 5000 }
  }
]
