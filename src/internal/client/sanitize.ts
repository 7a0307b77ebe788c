/**
 * Keeping credentials out of the transport errors that leave the client.
 *
 * `@effect/platform`'s `RequestError` and `ResponseError` hold the request, whose
 * headers are redacted only while `Headers.currentRedactedNames` names them, that is
 * inside the client. A user who logs such an error later would print the `Api-Key`.
 * So the client swaps in a copy of the request whose credential headers say `<redacted>`.
 */
import { HttpClientError, HttpClientRequest, type HttpClientResponse } from "@effect/platform"

const secretHeaders = ["api-key", "authorization"] as const

/** The request with its credential headers blanked out; the same object when it has none. */
const sanitizeRequest = (request: HttpClientRequest.HttpClientRequest): HttpClientRequest.HttpClientRequest => {
  const present = secretHeaders.filter((name) => name in request.headers)
  if (present.length === 0) return request
  return HttpClientRequest.setHeaders(request, Object.fromEntries(present.map((name) => [name, "<redacted>"])))
}

/** The response, answering for the sanitized request. */
const withRequest = (
  response: HttpClientResponse.HttpClientResponse,
  request: HttpClientRequest.HttpClientRequest
): HttpClientResponse.HttpClientResponse =>
  Object.create(response, { request: { value: request, enumerable: true } })

/** The same transport error, holding no credential. */
export const sanitizeHttpClientError = (error: HttpClientError.HttpClientError): HttpClientError.HttpClientError => {
  const request = sanitizeRequest(error.request)
  if (request === error.request) return error
  const common = {
    request,
    ...(error.cause === undefined ? {} : { cause: error.cause }),
    ...(error.description === undefined ? {} : { description: error.description })
  }
  return error._tag === "RequestError"
    ? new HttpClientError.RequestError({ ...common, reason: error.reason })
    : new HttpClientError.ResponseError({ ...common, reason: error.reason, response: withRequest(error.response, request) })
}
