/**
 * The hand-written decoding pass over the result bodies the clients read most (history pages, chat
 * pages, one chat, one message, `createChat`'s result), for the JSON the market sends: one pass over
 * the parsed body that checks what the schemas check and builds the decoded values, or gives
 * `undefined` for anything it is not sure of (the edition then decodes with its schema, which accepts
 * it or says what is wrong).
 *
 * Effect-free: an edition passes the constructors of its decoded values (its `Schema.Class` instances,
 * its `DateTime.Utc`), keeps the guard that turns the pass off when its schemas change, and checks the
 * pass against its schemas with property tests.
 */
import { parseDateTime } from "./dateTime.js"

/** A JSON object. */
type Json = { readonly [key: string]: unknown }

/** How an edition makes each decoded value from its checked fields, in the schemas' key order. */
export interface Constructors<Utc, Customer, Context, Chat, Payload, Message, ChatsPage, HistoryPage, CreateChatResult> {
  readonly utc: (millis: number) => Utc
  readonly customer: (props: { name?: string; publicId?: string }) => Customer
  readonly context: (
    props: { type: string; customer?: Customer; campaignId?: number; orderId?: number; returnId?: number }
  ) => Context
  readonly chat: (props: {
    chatId: number
    orderId?: number
    context: Context
    type: string
    status: string
    createdAt: Utc
    updatedAt: Utc
  }) => Chat
  readonly payload: (props: { name: string; url: string; size: number }) => Payload
  readonly message: (props: {
    messageId: number
    createdAt: Utc
    sender: string
    message?: string
    payload?: ReadonlyArray<Payload>
  }) => Message
  readonly chatsPage: (props: { chats: ReadonlyArray<Chat>; paging?: { readonly nextPageToken?: string } }) => ChatsPage
  readonly historyPage: (props: {
    orderId?: number
    context: Context
    messages: ReadonlyArray<Message>
    paging?: { readonly nextPageToken?: string }
  }) => HistoryPage
  readonly createChatResult: (props: { chatId: number }) => CreateChatResult
}

/** The decoders of the pass: each the decoded value, or `undefined` to leave the body to the schema. */
export interface FastDecoders<Chat, Message, ChatsPage, HistoryPage, CreateChatResult> {
  readonly chat: (u: unknown) => Chat | undefined
  readonly message: (u: unknown) => Message | undefined
  readonly chatsPage: (u: unknown) => ChatsPage | undefined
  readonly historyPage: (u: unknown) => HistoryPage | undefined
  readonly createChatResult: (u: unknown) => CreateChatResult | undefined
}

/**
 * Where two values differ, or undefined when they are alike: the same prototypes, own properties (in
 * order, with their flags) and values, deeply. The pass's results are checked with it against the
 * schemas' (and an edition's shortcut constructors against the real ones).
 */
export const difference = (a: unknown, b: unknown, path = "value"): string | undefined => {
  if (Object.is(a, b)) return undefined
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return `${path}: ${String(a)} vs ${String(b)}`
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return `${path}: different prototypes`
  const ka = Reflect.ownKeys(a)
  const kb = Reflect.ownKeys(b)
  if (ka.length !== kb.length || ka.some((key, i) => key !== kb[i])) {
    return `${path}: keys [${ka.map(String).join()}] vs [${kb.map(String).join()}]`
  }
  for (const key of ka) {
    const da = Object.getOwnPropertyDescriptor(a, key)!
    const db = Object.getOwnPropertyDescriptor(b, key)!
    const at = `${path}.${String(key)}`
    if (da.writable !== db.writable || da.enumerable !== db.enumerable || da.configurable !== db.configurable) {
      return `${at}: different property flags`
    }
    if (da.get !== db.get || da.set !== db.set) return `${at}: different accessors`
    const d = difference(da.value, db.value, at)
    if (d !== undefined) return d
  }
  return undefined
}

/** Whether two values are alike (see `difference`). */
export const alike = (a: unknown, b: unknown): boolean => difference(a, b) === undefined

const isRecord = (u: unknown): u is Json => typeof u === "object" && u !== null && !Array.isArray(u)

/** `ChatsSchema.Id`: a safe integer of at least 1. */
export const isId = (u: unknown): u is number => typeof u === "number" && Number.isSafeInteger(u) && u >= 1

/** `Schema.Int`: a safe integer. */
export const isInt = (u: unknown): u is number => typeof u === "number" && Number.isSafeInteger(u)

/** Marks a value the pass does not handle. */
const NO = undefined

/** Decodes every item of a JSON array, or gives undefined. */
const all = <A>(u: unknown, item: (u: unknown) => A | undefined): Array<A> | undefined => {
  if (!Array.isArray(u)) return NO
  const out: Array<A> = new Array(u.length)
  for (let i = 0; i < u.length; i++) {
    const a = item(u[i])
    if (a === NO) return NO
    out[i] = a
  }
  return out
}

/** `Paging`, a plain struct. */
const paging = (u: unknown): { readonly nextPageToken?: string } | undefined => {
  if (!isRecord(u)) return NO
  const token = u["nextPageToken"]
  if (token === undefined) return {}
  return typeof token === "string" ? { nextPageToken: token } : NO
}

/** The decoders of the pass, over an edition's constructors. */
export const makeFastDecoders = <Utc, Customer, Context, Chat, Payload, Message, ChatsPage, HistoryPage, CreateChatResult>(
  make: Constructors<Utc, Customer, Context, Chat, Payload, Message, ChatsPage, HistoryPage, CreateChatResult>
): FastDecoders<Chat, Message, ChatsPage, HistoryPage, CreateChatResult> => {
  /** `ChatsSchema.DateTime`: the decoded date, or undefined. */
  const dateTime = (u: unknown): Utc | undefined => {
    if (typeof u !== "string") return NO
    const millis = parseDateTime(u)
    return Number.isNaN(millis) ? NO : make.utc(millis)
  }

  const customer = (u: unknown): Customer | undefined => {
    if (!isRecord(u)) return NO
    const props: { name?: string; publicId?: string } = {}
    const name = u["name"]
    if (name !== undefined) {
      if (typeof name !== "string") return NO
      props.name = name
    }
    const publicId = u["publicId"]
    if (publicId !== undefined) {
      if (typeof publicId !== "string") return NO
      props.publicId = publicId
    }
    return make.customer(props)
  }

  const context = (u: unknown): Context | undefined => {
    if (!isRecord(u)) return NO
    const type = u["type"]
    if (typeof type !== "string") return NO
    const props: { type: string; customer?: Customer; campaignId?: number; orderId?: number; returnId?: number } = { type }
    const rawCustomer = u["customer"]
    if (rawCustomer !== undefined) {
      const c = customer(rawCustomer)
      if (c === NO) return NO
      props.customer = c
    }
    const campaignId = u["campaignId"]
    if (campaignId !== undefined) {
      if (!isId(campaignId)) return NO
      props.campaignId = campaignId
    }
    const orderId = u["orderId"]
    if (orderId !== undefined) {
      if (!isId(orderId)) return NO
      props.orderId = orderId
    }
    const returnId = u["returnId"]
    if (returnId !== undefined) {
      if (!isId(returnId)) return NO
      props.returnId = returnId
    }
    return make.context(props)
  }

  const chat = (u: unknown): Chat | undefined => {
    if (!isRecord(u)) return NO
    const chatId = u["chatId"]
    if (!isId(chatId)) return NO
    const orderId = u["orderId"]
    if (orderId !== undefined && !isId(orderId)) return NO
    const ctx = context(u["context"])
    if (ctx === NO) return NO
    const type = u["type"]
    if (typeof type !== "string") return NO
    const status = u["status"]
    if (typeof status !== "string") return NO
    const createdAt = dateTime(u["createdAt"])
    if (createdAt === NO) return NO
    const updatedAt = dateTime(u["updatedAt"])
    if (updatedAt === NO) return NO
    return make.chat(
      orderId === undefined
        ? { chatId, context: ctx, type, status, createdAt, updatedAt }
        : { chatId, orderId, context: ctx, type, status, createdAt, updatedAt }
    )
  }

  const payloadItem = (u: unknown): Payload | undefined => {
    if (!isRecord(u)) return NO
    const name = u["name"]
    const url = u["url"]
    const size = u["size"]
    if (typeof name !== "string" || typeof url !== "string" || !isInt(size)) return NO
    return make.payload({ name, url, size })
  }

  const message = (u: unknown): Message | undefined => {
    if (!isRecord(u)) return NO
    const messageId = u["messageId"]
    if (!isId(messageId)) return NO
    const createdAt = dateTime(u["createdAt"])
    if (createdAt === NO) return NO
    const sender = u["sender"]
    if (typeof sender !== "string") return NO
    const props: { messageId: number; createdAt: Utc; sender: string; message?: string; payload?: ReadonlyArray<Payload> } = {
      messageId,
      createdAt,
      sender
    }
    const text = u["message"]
    if (text !== undefined) {
      if (typeof text !== "string") return NO
      props.message = text
    }
    const rawPayload = u["payload"]
    if (rawPayload !== undefined && rawPayload !== null) {
      const payload = all(rawPayload, payloadItem)
      if (payload === NO) return NO
      props.payload = payload
    }
    return make.message(props)
  }

  const chatsPage = (u: unknown): ChatsPage | undefined => {
    if (!isRecord(u)) return NO
    const chats = all(u["chats"], chat)
    if (chats === NO) return NO
    const rawPaging = u["paging"]
    if (rawPaging === undefined) return make.chatsPage({ chats })
    const p = paging(rawPaging)
    return p === NO ? NO : make.chatsPage({ chats, paging: p })
  }

  const historyPage = (u: unknown): HistoryPage | undefined => {
    if (!isRecord(u)) return NO
    const orderId = u["orderId"]
    if (orderId !== undefined && !isInt(orderId)) return NO
    const ctx = context(u["context"])
    if (ctx === NO) return NO
    const messages = all(u["messages"], message)
    if (messages === NO) return NO
    const rawPaging = u["paging"]
    const p = rawPaging === undefined ? undefined : paging(rawPaging)
    if (rawPaging !== undefined && p === NO) return NO
    const props: { orderId?: number; context: Context; messages: ReadonlyArray<Message>; paging?: { readonly nextPageToken?: string } } =
      orderId === undefined ? { context: ctx, messages } : { orderId, context: ctx, messages }
    if (p !== undefined) props.paging = p
    return make.historyPage(props)
  }

  const createChatResult = (u: unknown): CreateChatResult | undefined => {
    if (!isRecord(u)) return NO
    const chatId = u["chatId"]
    return isId(chatId) ? make.createChatResult({ chatId }) : NO
  }

  return { chat, message, chatsPage, historyPage, createChatResult }
}
