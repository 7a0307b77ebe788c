/**
 * The limits the market puts on the inputs of the chats operations, and the plain checks behind
 * them, without Effect: both editions' request schemas are built from these, with the same messages.
 */

/** The largest file `sendFileToChat` accepts: 5 MB. */
export const maxFileBytes = 5 * 1024 * 1024

/** The longest message `sendMessageToChat` accepts, in characters (code points). */
export const maxMessageLength = 4096

/** The page sizes `getChats` accepts. */
export const chatsLimitRange = { min: 1, max: 20 } as const

/** The page sizes `getChatHistory` accepts. */
export const historyLimitRange = { min: 1, max: 100 } as const

/** The messages of the input checks, the same in both editions. */
export const checkMessages = {
  id: "an id must be an integer of at least 1",
  chatsLimit: `limit must be an integer from ${chatsLimitRange.min} to ${chatsLimitRange.max}`,
  historyLimit: `limit must be an integer from ${historyLimitRange.min} to ${historyLimitRange.max}`,
  pageToken: "a page token must not be empty",
  emptyMessage: "a message must not be empty",
  longMessage: `a message must be at most ${maxMessageLength} characters`,
  mediaType: "contentType must be a media type such as application/pdf",
  fileName: "a file name must not be empty",
  fileSize: `a file must be at most ${maxFileBytes} bytes (5 MB)`,
  /** A filter list given empty. */
  emptyList: (name: string) => `${name} must hold at least one value when given`,
  /** A filter list that repeats a value. */
  repeatedValue: (name: string) => `${name} must not repeat a value`
} as const

/** Whether a number is an id as the market uses them: a safe integer of at least 1. */
export const isId = (n: number): boolean => Number.isSafeInteger(n) && n >= 1

/** The length of a string in Unicode code points, as JSON Schema's `maxLength` counts. */
export const codePoints = (s: string): number => {
  let n = s.length
  for (let i = 1; i < s.length; i++) {
    const c = s.charCodeAt(i)
    const previous = s.charCodeAt(i - 1)
    if (c >= 0xdc00 && c <= 0xdfff && previous >= 0xd800 && previous <= 0xdbff) n--
  }
  return n
}

/** Whether a message text is within the market's length limit (counted in code points). */
export const isWithinMessageLength = (s: string): boolean =>
  s.length <= maxMessageLength || codePoints(s) <= maxMessageLength

/** A token of RFC 9110 (method names, media type parts). */
const token = "[!#$%&'*+.^_`|~0-9A-Za-z-]+"

/**
 * A media type such as `application/pdf` or `text/plain; charset=utf-8` (RFC 9110), so that it can
 * go into a part's `Content-Type` header as it is.
 */
export const mediaTypePattern = new RegExp(`^${token}/${token}(\\s*;\\s*${token}=(${token}|"[^"\\r\\n]*"))*$`)

/** The byte size of the data of a file to send. */
export const byteSize = (data: Uint8Array | Blob): number => data instanceof Uint8Array ? data.byteLength : data.size

/** Whether the data of a file to send is within the market's size limit. */
export const isWithinFileSize = (data: Uint8Array | Blob): boolean => byteSize(data) <= maxFileBytes

/** Whether no two items of a list share a key. */
export const isUniqueBy = <A>(items: ReadonlyArray<A>, key: (a: A) => string): boolean =>
  new Set(items.map(key)).size === items.length

/** The key that tells two chat contexts (`{ type, id }`) apart in the `contexts` filter. */
export const contextKey = (context: { readonly type: string; readonly id: number }): string => `${context.type}:${context.id}`
