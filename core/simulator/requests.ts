/**
 * Reading and validating what a request carries: ids and limits in the query,
 * JSON bodies, the filters of `getChats`, page tokens and the multipart file.
 * Each reader returns the value or throws the `ApiFailure` the market answers.
 */
import type * as Http from "node:http"
import { chatContextTypes, chatStatuses, chatTypes } from "../client/wire.js"
import { badRequest } from "./errors.js"
import type { ContextType } from "./model.js"
import { multipartBoundary, parseMultipart } from "./multipart.js"
import { type Cursor, decodePageToken } from "./pageToken.js"
import type { ChatFilter } from "./store.js"

/** A JSON object body. */
export type JsonObject = Readonly<Record<string, unknown>>

const digits = /^[0-9]{1,16}$/

/** Parses a positive safe integer written in decimal, or `undefined`. */
export const parseId = (raw: string | undefined): number | undefined => {
  if (raw === undefined || !digits.test(raw)) return undefined
  const value = Number(raw)
  return Number.isSafeInteger(value) && value >= 1 ? value : undefined
}

/** A required id in the query (`chatId`, `messageId`). */
export const requireQueryId = (query: URLSearchParams, name: string): number => {
  const raw = query.get(name)
  if (raw === null || raw === "") throw badRequest(`${name} is required`)
  const id = parseId(raw)
  if (id === undefined) throw badRequest(`${name} must be an integer of at least 1, got ${JSON.stringify(raw)}`)
  return id
}

/** The `limit` of the query: the default when absent, else an integer from 1 to `max`. */
export const queryLimit = (query: URLSearchParams, defaultLimit: number, max: number): number => {
  const raw = query.get("limit")
  if (raw === null) return defaultLimit
  const value = digits.test(raw) ? Number(raw) : Number.NaN
  if (!(value >= 1 && value <= max)) {
    throw badRequest(`limit must be an integer from 1 to ${max}, got ${JSON.stringify(raw)}`)
  }
  return value
}

/** The cursor of the page token (`page_token` or its alias `pageToken`), checked against what it must point into. */
export const queryCursor = (query: URLSearchParams, check: (cursor: Cursor) => boolean): Cursor | undefined => {
  const raw = query.get("page_token") ?? query.get("pageToken")
  if (raw === null || raw === "") return undefined
  const cursor = decodePageToken(raw)
  if (cursor === undefined || !check(cursor)) throw badRequest("page_token is not a valid page token for this request")
  return cursor
}

/** The whole body, decoded as UTF-8; rejects when the stream fails or closes before its end. */
export const readText = (request: Http.IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    let text = ""
    request.setEncoding("utf8")
    request.on("data", (chunk: string) => void (text += chunk))
    request.once("end", () => resolve(text))
    request.once("error", reject)
    request.once("close", () => reject(new Error("the request closed before its end")))
  })

/** The whole body as chunks, counting every byte but keeping none beyond `cap` (the rest is drained). */
const readCapped = (request: Http.IncomingMessage, cap: number) =>
  new Promise<{ readonly size: number; readonly chunks: ReadonlyArray<Uint8Array> }>((resolve, reject) => {
    let size = 0
    let chunks: Array<Uint8Array> = []
    request.on("data", (chunk: Buffer) => {
      size += chunk.length
      if (size <= cap) chunks.push(chunk)
      else chunks = []
    })
    request.once("end", () => resolve({ size, chunks }))
    request.once("error", reject)
    request.once("close", () => reject(new Error("the request closed before its end")))
  })

/** The body as a JSON object (an empty body reads as `{}`). */
export const readJsonObject = async (request: Http.IncomingMessage): Promise<JsonObject> => {
  let text: string
  try {
    text = await readText(request)
  } catch {
    throw badRequest("the request body could not be read")
  }
  if (text.trim() === "") return {}
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw badRequest("the request body is not valid JSON")
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw badRequest("the request body must be a JSON object")
  }
  return value as JsonObject
}

/** An optional positive id field of a body (`null` reads as absent). */
export const optionalBodyId = (body: JsonObject, name: string): number | undefined => {
  const value = body[name]
  if (value === undefined || value === null) return undefined
  if (!isId(value)) throw badRequest(`${name} must be an integer of at least 1`)
  return value
}

const isId = (u: unknown): u is number => typeof u === "number" && Number.isSafeInteger(u) && u >= 1

/** An order or return context (`ChatContextDTO`), or a message saying what is wrong. */
export const parseContext = (
  u: unknown,
  where: string
): { readonly type: ContextType; readonly id: number } | string => {
  if (typeof u !== "object" || u === null) return `${where} must be an object with type and id`
  const { id, type } = u as Record<string, unknown>
  if (type !== "ORDER" && type !== "RETURN") return `${where}.type must be ORDER or RETURN, got ${JSON.stringify(type)}`
  if (!isId(id)) return `${where}.id must be an integer of at least 1`
  return { type, id }
}

/** A filter list: absent or null, else a non-empty array of valid, unique items. */
const filterList = <A>(
  body: JsonObject,
  name: string,
  item: (u: unknown, where: string) => A | string,
  key: (a: A) => string
): ReadonlyArray<A> | undefined | string => {
  const value = body[name]
  if (value === undefined || value === null) return undefined
  if (!Array.isArray(value) || value.length === 0) return `${name} must be a non-empty array`
  const items: Array<A> = []
  const seen = new Set<string>()
  for (const [index, raw] of value.entries()) {
    const parsed = item(raw, `${name}[${index}]`)
    if (typeof parsed === "string") return parsed
    const k = key(parsed)
    if (seen.has(k)) return `${name} must not repeat a value (${k})`
    seen.add(k)
    items.push(parsed)
  }
  return items
}

const enumItem = (values: ReadonlyArray<string>) => (u: unknown, where: string): string | { readonly value: string } =>
  typeof u === "string" && values.includes(u) ?
    { value: u } :
    `${where} must be one of ${values.join(", ")}, got ${JSON.stringify(u)}`

const idItem = (u: unknown, where: string): number | string => isId(u) ? u : `${where} must be an integer of at least 1`

/** The list, or throws its message as a 400. */
const orRefuse = <A>(list: A | string): A => {
  if (typeof list === "string") throw badRequest(list)
  return list
}

/** The filters of `getChats` (`GetChatsRequest`). */
export const parseChatFilter = (body: JsonObject): ChatFilter => {
  const enumSet = (name: string, values: ReadonlyArray<string>): ReadonlySet<string> | undefined => {
    const list = orRefuse(filterList(body, name, enumItem(values), (e) => e.value))
    return list === undefined ? undefined : new Set(list.map((e) => e.value))
  }
  const contexts = orRefuse(filterList(body, "contexts", parseContext, (c) => `${c.type}:${c.id}`))
  const contextTypes = enumSet("contextTypes", chatContextTypes)
  const types = enumSet("types", chatTypes)
  const statuses = enumSet("statuses", chatStatuses)
  const orderIds = orRefuse(filterList(body, "orderIds", idItem, String))
  return {
    ...(contexts !== undefined ? { contexts } : {}),
    ...(contextTypes !== undefined ? { contextTypes } : {}),
    ...(types !== undefined ? { types } : {}),
    ...(statuses !== undefined ? { statuses } : {}),
    ...(orderIds !== undefined ? { orderIds: new Set(orderIds) } : {})
  }
}

/** The file part of a multipart body. */
export interface UploadedFile {
  readonly name: string
  readonly contentType: string
  readonly size: number
  readonly data: Uint8Array
}

/** Room for the multipart framing around a file of the largest size. */
const multipartSlack = 1024 * 1024

/**
 * Reads the one part named `file` of a multipart body. The body is buffered up
 * to the file limit plus some room for the framing; a larger body is drained
 * and refused, not buffered.
 */
export const readUploadedFile = async (request: Http.IncomingMessage, maxBytes: number): Promise<UploadedFile> => {
  const boundary = multipartBoundary(request.headers["content-type"])
  if (boundary === undefined) throw badRequest("the body must be multipart/form-data with one part named file")
  const cap = maxBytes + multipartSlack
  let body: { readonly size: number; readonly chunks: ReadonlyArray<Uint8Array> }
  try {
    body = await readCapped(request, cap)
  } catch {
    throw badRequest("the request body could not be read")
  }
  if (body.size > cap) {
    throw badRequest(`the request body is ${body.size} bytes: a file must be at most ${maxBytes} bytes`)
  }
  const parts = parseMultipart(Buffer.concat(body.chunks), boundary)
  if (parts === undefined) throw badRequest("the multipart body could not be parsed")
  const [file, ...others] = parts.filter((part) => part.name === "file")
  if (file === undefined) throw badRequest("the multipart body must have a part named file")
  if (others.length > 0) throw badRequest("the multipart body must have only one part named file")
  if (file.data.length > maxBytes) {
    throw badRequest(`the file is ${file.data.length} bytes, more than the limit of ${maxBytes} bytes`)
  }
  return {
    name: file.filename || "file",
    contentType: file.contentType || "application/octet-stream",
    size: file.data.length,
    data: Uint8Array.from(file.data)
  }
}
