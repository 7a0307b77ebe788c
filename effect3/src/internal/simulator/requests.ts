/**
 * Reading and validating what a request carries: ids and limits in the query,
 * JSON bodies, the filters of `getChats`, page tokens and the multipart file.
 *
 * @internal
 */
import type { HttpServerRequest } from "@effect/platform"
import { Effect, Stream } from "effect"
import { chatContextTypes, chatStatuses, chatTypes } from "../../ChatsSchema.js"
import { type ApiFailure, badRequest } from "./errors.js"
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
export const requireQueryId = (query: URLSearchParams, name: string): Effect.Effect<number, ApiFailure> => {
  const raw = query.get(name)
  if (raw === null || raw === "") return Effect.fail(badRequest(`${name} is required`))
  const id = parseId(raw)
  return id === undefined ?
    Effect.fail(badRequest(`${name} must be an integer of at least 1, got ${JSON.stringify(raw)}`)) :
    Effect.succeed(id)
}

/** The `limit` of the query: the default when absent, else an integer from 1 to `max`. */
export const queryLimit = (
  query: URLSearchParams,
  defaultLimit: number,
  max: number
): Effect.Effect<number, ApiFailure> => {
  const raw = query.get("limit")
  if (raw === null) return Effect.succeed(defaultLimit)
  const value = digits.test(raw) ? Number(raw) : Number.NaN
  return value >= 1 && value <= max ?
    Effect.succeed(value) :
    Effect.fail(badRequest(`limit must be an integer from 1 to ${max}, got ${JSON.stringify(raw)}`))
}

/** The cursor of the page token (`page_token` or its alias `pageToken`), checked against what it must point into. */
export const queryCursor = (
  query: URLSearchParams,
  check: (cursor: Cursor) => boolean
): Effect.Effect<Cursor | undefined, ApiFailure> => {
  const raw = query.get("page_token") ?? query.get("pageToken")
  if (raw === null || raw === "") return Effect.succeed(undefined)
  const cursor = decodePageToken(raw)
  return cursor !== undefined && check(cursor) ?
    Effect.succeed(cursor) :
    Effect.fail(badRequest("page_token is not a valid page token for this request"))
}

/** The body as a JSON object (an empty body reads as `{}`). */
export const readJsonObject = (request: HttpServerRequest.HttpServerRequest): Effect.Effect<JsonObject, ApiFailure> =>
  request.text.pipe(
    Effect.mapError(() => badRequest("the request body could not be read")),
    Effect.flatMap((text) => {
      if (text.trim() === "") return Effect.succeed({})
      let value: unknown
      try {
        value = JSON.parse(text)
      } catch {
        return Effect.fail(badRequest("the request body is not valid JSON"))
      }
      return typeof value === "object" && value !== null && !Array.isArray(value) ?
        Effect.succeed(value as JsonObject) :
        Effect.fail(badRequest("the request body must be a JSON object"))
    })
  )

/** An optional positive id field of a body (`null` reads as absent). */
export const optionalBodyId = (body: JsonObject, name: string): Effect.Effect<number | undefined, ApiFailure> => {
  const value = body[name]
  if (value === undefined || value === null) return Effect.succeed(undefined)
  return isId(value) ? Effect.succeed(value) : Effect.fail(badRequest(`${name} must be an integer of at least 1`))
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

/** The filters of `getChats` (`GetChatsRequest`). */
export const parseChatFilter = (body: JsonObject): Effect.Effect<ChatFilter, ApiFailure> => {
  const enumSet = (name: string, values: ReadonlyArray<string>): ReadonlySet<string> | undefined | string => {
    const list = filterList(body, name, enumItem(values), (e) => e.value)
    return typeof list === "string" || list === undefined ? list : new Set(list.map((e) => e.value))
  }
  const contexts = filterList(body, "contexts", parseContext, (c) => `${c.type}:${c.id}`)
  if (typeof contexts === "string") return Effect.fail(badRequest(contexts))
  const contextTypes = enumSet("contextTypes", chatContextTypes)
  if (typeof contextTypes === "string") return Effect.fail(badRequest(contextTypes))
  const types = enumSet("types", chatTypes)
  if (typeof types === "string") return Effect.fail(badRequest(types))
  const statuses = enumSet("statuses", chatStatuses)
  if (typeof statuses === "string") return Effect.fail(badRequest(statuses))
  const orderIds = filterList(body, "orderIds", idItem, String)
  if (typeof orderIds === "string") return Effect.fail(badRequest(orderIds))
  return Effect.succeed({
    ...(contexts !== undefined ? { contexts } : {}),
    ...(contextTypes !== undefined ? { contextTypes } : {}),
    ...(types !== undefined ? { types } : {}),
    ...(statuses !== undefined ? { statuses } : {}),
    ...(orderIds !== undefined ? { orderIds: new Set(orderIds) } : {})
  })
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
export const readUploadedFile = (
  request: HttpServerRequest.HttpServerRequest,
  maxBytes: number
): Effect.Effect<UploadedFile, ApiFailure> => {
  const boundary = multipartBoundary(request.headers["content-type"])
  if (boundary === undefined) {
    return Effect.fail(badRequest("the body must be multipart/form-data with one part named file"))
  }
  const cap = maxBytes + multipartSlack
  return request.stream.pipe(
    Stream.runFold({ size: 0, chunks: [] as Array<Uint8Array> }, (acc, chunk) => {
      acc.size += chunk.length
      if (acc.size <= cap) acc.chunks.push(chunk)
      else acc.chunks = []
      return acc
    }),
    Effect.mapError(() => badRequest("the request body could not be read")),
    Effect.flatMap(({ chunks, size }) => {
      if (size > cap) {
        return Effect.fail(badRequest(`the request body is ${size} bytes: a file must be at most ${maxBytes} bytes`))
      }
      const parts = parseMultipart(Buffer.concat(chunks), boundary)
      if (parts === undefined) return Effect.fail(badRequest("the multipart body could not be parsed"))
      const files = parts.filter((part) => part.name === "file")
      const [file, ...others] = files
      if (file === undefined) return Effect.fail(badRequest("the multipart body must have a part named file"))
      if (others.length > 0) return Effect.fail(badRequest("the multipart body must have only one part named file"))
      if (file.data.length > maxBytes) {
        return Effect.fail(
          badRequest(`the file is ${file.data.length} bytes, more than the limit of ${maxBytes} bytes`)
        )
      }
      return Effect.succeed({
        name: file.filename || "file",
        contentType: file.contentType || "application/octet-stream",
        size: file.data.length,
        data: Uint8Array.from(file.data)
      })
    })
  )
}
