/**
 * Opaque page tokens: base64url of a small JSON cursor bound to the business,
 * the query kind and (for history) the chat. Keyset cursors, so pages never
 * repeat an item even when chats or messages are added between pages.
 */

/** Where the next page of a query starts. */
export type Cursor =
  | { readonly kind: "chats"; readonly businessId: number; readonly after: number }
  | { readonly kind: "history"; readonly businessId: number; readonly chatId: number; readonly after: number }

/** Encodes a cursor as an opaque page token. */
export const encodePageToken = (cursor: Cursor): string => {
  const wire = cursor.kind === "chats" ?
    { k: "c", b: cursor.businessId, a: cursor.after } :
    { k: "h", b: cursor.businessId, c: cursor.chatId, a: cursor.after }
  return Buffer.from(JSON.stringify(wire), "utf8").toString("base64url")
}

const isId = (u: unknown): u is number => typeof u === "number" && Number.isSafeInteger(u) && u >= 1

/** Decodes a page token, or `undefined` if it is not one the simulator handed out. */
export const decodePageToken = (token: string): Cursor | undefined => {
  if (!/^[A-Za-z0-9_-]+$/.test(token)) return undefined
  let wire: unknown
  try {
    wire = JSON.parse(Buffer.from(token, "base64url").toString("utf8"))
  } catch {
    return undefined
  }
  if (typeof wire !== "object" || wire === null) return undefined
  const { a, b, c, k } = wire as Record<string, unknown>
  if (!isId(a) || !isId(b)) return undefined
  if (k === "c") return { kind: "chats", businessId: b, after: a }
  if (k === "h" && isId(c)) return { kind: "history", businessId: b, chatId: c, after: a }
  return undefined
}
