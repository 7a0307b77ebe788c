/**
 * Reading the `errors` list of an error answer's body without trusting it: a body that is missing,
 * cut off, not JSON or of another shape gives no entries, and malformed entries are left out.
 */

/** One entry of an error body (`ApiErrorDTO`). */
export interface ApiErrorEntry {
  readonly code: string
  readonly message?: string
}

/** Parses JSON without throwing: undefined for a body that is not JSON. */
const parseJsonSafe = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** The well-formed `errors` entries of an error body's text (an entry needs a string `code`; a non-string `message` is dropped). */
export const apiErrorsOfText = (text: string): ReadonlyArray<ApiErrorEntry> => {
  const body = text === "" ? undefined : parseJsonSafe(text)
  if (typeof body !== "object" || body === null) return []
  const errors = (body as { readonly errors?: unknown }).errors
  if (!Array.isArray(errors)) return []
  const out: Array<ApiErrorEntry> = []
  for (const e of errors) {
    if (typeof e === "object" && e !== null && typeof (e as { code?: unknown }).code === "string") {
      const { code, message } = e as { code: string; message?: unknown }
      out.push(typeof message === "string" ? { code, message } : { code })
    }
  }
  return out
}

/** Whether an HTTP status is a success (2xx). */
export const isSuccessStatus = (status: number): boolean => status >= 200 && status < 300
