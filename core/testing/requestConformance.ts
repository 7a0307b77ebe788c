/**
 * Conformance of an edition's requests to the official description, without Effect: every method of
 * the client driven with generated valid inputs (fast-check, seeded) over a recording fake server, each
 * request checked for method and path, path and query parameters, JSON body (ajv), multipart body,
 * Content-Type and credentials, and for carrying exactly what was asked; and the inputs the
 * description forbids, which must be refused with `InvalidRequestError` before anything is sent.
 * An edition supplies only its `Driver` (`conformanceDriver.ts`).
 */
import * as fc from "fast-check"
import { maxFileBytes } from "../client/limits.js"
import { type ClientCall, type ClientSetup, type Driver, failureTag, runCall } from "./conformanceDriver.js"
import {
  cannedBody,
  contextArb,
  fileSpecArb,
  fillBytes,
  filterArb,
  idArb,
  makeFile,
  messageArb,
  pageTokenArb,
  setupArb
} from "./conformanceInputs.js"
import { loadSpec } from "./openApiSpec.js"
import { blobType, type Responder, wireFilename } from "./recordedRequest.js"
import { type RequestReport, validateRequest } from "./requestChecks.js"

/** The fake server's answer to a send: `{ "status": "OK" }`. */
export const answerOk: Responder = () => ({ status: 200, body: "{\"status\":\"OK\"}" })

/** The outcome of one run of a request case. */
export interface RequestCheck {
  readonly requests: number
  readonly problems: ReadonlyArray<string>
}

/** A method of the client driven with generated valid inputs. */
export interface RequestCase {
  readonly name: string
  readonly operationId: string
  readonly arbitrary: fc.Arbitrary<unknown>
  /** Runs one generated sample through an edition's client and checks what it sent. */
  readonly execute: (driver: Driver, sample: unknown) => Promise<RequestCheck>
}

/** One generated run: the client's setup and the method's input. */
interface Sample<I> {
  readonly setup: ClientSetup
  readonly input: I
}

/** A sample of a method's input with a setup of the client. */
const sampleArb = <I>(input: fc.Arbitrary<I>): fc.Arbitrary<Sample<I>> =>
  fc.record({ setup: setupArb, input }, { noNullPrototype: true })

/** Checks a query parameter against the input: absent when undefined, else its string. */
const expectQuery = (
  report: RequestReport,
  name: string,
  expected: string | number | undefined,
  out: Array<string>
) => {
  const got = report.query[name]
  if (expected === undefined) {
    if (got !== undefined) out.push(`query ${name}=${JSON.stringify(got)} is sent but was not asked for`)
  } else if (got !== String(expected)) {
    out.push(`query ${name}: sent ${JSON.stringify(got)}, expected ${JSON.stringify(String(expected))}`)
  }
}

/** Whether two values serialize to the same JSON. */
const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b)

/** Defines a request case: runs the method, validates every request, then the case's own checks. */
const defineCase = <I>(c: {
  readonly name: string
  readonly operationId: string
  readonly input: fc.Arbitrary<I>
  /** The call of the client a sample makes. */
  readonly call: (input: I) => ClientCall
  /** How the fake server answers (for streams: the pages); by default the operation's canned body. */
  readonly respond?: (input: I) => Responder
  readonly expectedRequests?: (input: I) => number
  readonly check: (input: I, reports: ReadonlyArray<RequestReport>, result: unknown) => Array<string>
}): RequestCase => {
  const arbitrary = sampleArb(c.input)
  const execute = async (driver: Driver, raw: unknown): Promise<RequestCheck> => {
    const sample = raw as Sample<I>
    const respond = c.respond?.(sample.input) ??
      (() => ({ status: 200, body: JSON.stringify(cannedBody(c.operationId)) }))
    const { outcome, requests } = await runCall(driver, sample.setup, respond, c.call(sample.input))
    const problems: Array<string> = []
    if (outcome._tag === "Failure") problems.push(`the call failed: ${outcome.cause}`)
    const expected = c.expectedRequests?.(sample.input) ?? 1
    if (requests.length !== expected) problems.push(`${requests.length} requests sent, expected ${expected}`)
    const spec = loadSpec()
    const reports = requests.map((r) => validateRequest(spec, r))
    reports.forEach((report, i) => {
      const at = `request ${i + 1}/${requests.length} (${requests[i]?.method} ${requests[i]?.url.href})`
      for (const p of report.problems) problems.push(`${at}: ${p}`)
      if (report.operation !== undefined && report.operation.operationId !== c.operationId) {
        problems.push(`${at}: is ${report.operation.operationId}, expected ${c.operationId}`)
      }
      // credentials: the API key when given, else the OAuth token
      const want = sample.setup.apiKey !== undefined
        ? { scheme: "ApiKey", value: sample.setup.apiKey }
        : { scheme: "OAuth", value: sample.setup.oauthToken }
      if (!sameJson(report.auth, want)) {
        problems.push(`${at}: credentials ${JSON.stringify(report.auth?.scheme)} sent, expected ${want.scheme}`)
      }
    })
    if (outcome._tag === "Success") {
      for (const p of c.check(sample.input, reports, outcome.value)) problems.push(p)
    }
    return { requests: requests.length, problems }
  }
  return { name: c.name, operationId: c.operationId, arbitrary, execute }
}

/** The path's businessId must be the input's. */
const checkBusiness = (report: RequestReport | undefined, businessId: number, out: Array<string>) => {
  if (report === undefined) return
  if (report.pathParams.businessId !== String(businessId)) {
    out.push(`path businessId=${report.pathParams.businessId}, expected ${businessId}`)
  }
}

/** The JSON body must be exactly what was asked. */
const checkJsonBody = (report: RequestReport | undefined, expected: unknown, out: Array<string>) => {
  if (report === undefined) return
  if (!sameJson(report.json, expected)) {
    out.push(`body ${JSON.stringify(report.json)?.slice(0, 300)}, expected ${JSON.stringify(expected).slice(0, 300)}`)
  }
}

/** The input of getChats: the business, and optionally a filter, a page token and a limit. */
const getChatsInput = fc.record({
  businessId: idArb,
  filter: filterArb,
  pageToken: pageTokenArb,
  limit: fc.integer({ min: 1, max: 20 })
}, { requiredKeys: ["businessId"], noNullPrototype: true })

/** The input of getChatHistory: the business and chat, and optionally where to start, a page token and a limit. */
const getChatHistoryInput = fc.record({
  businessId: idArb,
  chatId: idArb,
  messageIdFrom: idArb,
  pageToken: pageTokenArb,
  limit: fc.integer({ min: 1, max: 100 })
}, { requiredKeys: ["businessId", "chatId"], noNullPrototype: true })

/** Pages of a stream: the tokens the server hands out (unique, non-empty), and items per page. */
const pagesArb = fc.uniqueArray(pageTokenArb, { minLength: 0, maxLength: 4 }).chain((tokens) =>
  fc.record({
    tokens: fc.constant(tokens),
    items: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: tokens.length + 1, maxLength: tokens.length + 1 })
  }, { noNullPrototype: true })
)
type Pages = { readonly tokens: ReadonlyArray<string>; readonly items: ReadonlyArray<number> }

/** Answers request i of a stream with page i. */
const pagedResponder = (operationId: string, pages: Pages): Responder => (_, index) => ({
  status: 200,
  body: JSON.stringify(cannedBody(operationId, pages.tokens[index], pages.items[index] ?? 0))
})

/** Each page after the first must carry the token of the page before it, the first none. */
const checkPageTokens = (pages: Pages, reports: ReadonlyArray<RequestReport>, out: Array<string>) => {
  reports.forEach((r, i) => expectQuery(r, "pageToken", i === 0 ? undefined : pages.tokens[i - 1], out))
}

/** The sum of numbers. */
const sum = (xs: ReadonlyArray<number>) => xs.reduce((a, b) => a + b, 0)

/** Every method of the client, with generated valid inputs. */
export const requestCases: ReadonlyArray<RequestCase> = [
  defineCase({
    name: "getChats",
    operationId: "getChats",
    input: getChatsInput,
    call: (input) => ({ method: "getChats", input }),
    check: (input, [r]) => {
      const out: Array<string> = []
      checkBusiness(r, input.businessId, out)
      if (r) {
        expectQuery(r, "pageToken", input.pageToken, out)
        expectQuery(r, "limit", input.limit, out)
      }
      checkJsonBody(r, input.filter ?? {}, out)
      return out
    }
  }),
  defineCase({
    name: "streamChats",
    operationId: "getChats",
    input: fc.record({
      businessId: idArb,
      filter: filterArb,
      limit: fc.integer({ min: 1, max: 20 }),
      pages: pagesArb
    }, { requiredKeys: ["businessId", "pages"], noNullPrototype: true }),
    call: ({ pages: _pages, ...input }) => ({ method: "streamChats", input }),
    respond: (input) => pagedResponder("getChats", input.pages),
    expectedRequests: (input) => input.pages.tokens.length + 1,
    check: (input, reports, result) => {
      const out: Array<string> = []
      checkPageTokens(input.pages, reports, out)
      for (const r of reports) {
        checkBusiness(r, input.businessId, out)
        expectQuery(r, "limit", input.limit, out)
        checkJsonBody(r, input.filter ?? {}, out)
      }
      const got = (result as { length: number }).length
      if (got !== sum(input.pages.items)) out.push(`the stream gave ${got} chats, expected ${sum(input.pages.items)}`)
      return out
    }
  }),
  defineCase({
    name: "getChatHistory",
    operationId: "getChatHistory",
    input: getChatHistoryInput,
    call: (input) => ({ method: "getChatHistory", input }),
    check: (input, [r]) => {
      const out: Array<string> = []
      checkBusiness(r, input.businessId, out)
      if (r) {
        expectQuery(r, "chatId", input.chatId, out)
        expectQuery(r, "pageToken", input.pageToken, out)
        expectQuery(r, "limit", input.limit, out)
      }
      checkJsonBody(r, input.messageIdFrom === undefined ? {} : { messageIdFrom: input.messageIdFrom }, out)
      return out
    }
  }),
  defineCase({
    name: "streamChatHistory",
    operationId: "getChatHistory",
    input: fc.record({
      businessId: idArb,
      chatId: idArb,
      messageIdFrom: idArb,
      limit: fc.integer({ min: 1, max: 100 }),
      pages: pagesArb
    }, { requiredKeys: ["businessId", "chatId", "pages"], noNullPrototype: true }),
    call: ({ pages: _pages, ...input }) => ({ method: "streamChatHistory", input }),
    respond: (input) => pagedResponder("getChatHistory", input.pages),
    expectedRequests: (input) => input.pages.tokens.length + 1,
    check: (input, reports, result) => {
      const out: Array<string> = []
      checkPageTokens(input.pages, reports, out)
      for (const r of reports) {
        checkBusiness(r, input.businessId, out)
        expectQuery(r, "chatId", input.chatId, out)
        expectQuery(r, "limit", input.limit, out)
        checkJsonBody(r, input.messageIdFrom === undefined ? {} : { messageIdFrom: input.messageIdFrom }, out)
      }
      const got = (result as { length: number }).length
      if (got !== sum(input.pages.items)) out.push(`the stream gave ${got} messages, expected ${sum(input.pages.items)}`)
      return out
    }
  }),
  defineCase({
    name: "createChat",
    operationId: "createChat",
    input: fc.record({ businessId: idArb, context: contextArb }, { noNullPrototype: true }),
    call: (input) => ({ method: "createChat", input }),
    check: (input, [r], result) => {
      const out: Array<string> = []
      checkBusiness(r, input.businessId, out)
      checkJsonBody(r, { context: { type: input.context.type, id: input.context.id } }, out)
      if (result !== 42) out.push(`createChat returned ${String(result)}, expected the chatId 42`)
      return out
    }
  }),
  defineCase({
    name: "sendMessageToChat",
    operationId: "sendMessageToChat",
    input: fc.record({ businessId: idArb, chatId: idArb, message: messageArb }, { noNullPrototype: true }),
    call: (input) => ({ method: "sendMessageToChat", input }),
    check: (input, [r]) => {
      const out: Array<string> = []
      checkBusiness(r, input.businessId, out)
      if (r) expectQuery(r, "chatId", input.chatId, out)
      checkJsonBody(r, { message: input.message }, out)
      return out
    }
  }),
  defineCase({
    name: "sendFileToChat",
    operationId: "sendFileToChat",
    input: fc.record({ businessId: idArb, chatId: idArb, file: fileSpecArb }, { noNullPrototype: true }),
    call: (input) => ({ method: "sendFileToChat", input: { ...input, file: makeFile(input.file) } }),
    check: (input, [r]) => {
      const out: Array<string> = []
      checkBusiness(r, input.businessId, out)
      if (r === undefined) return out
      expectQuery(r, "chatId", input.chatId, out)
      const parts = r.parts ?? []
      if (parts.length !== 1) out.push(`${parts.length} multipart parts, expected exactly one`)
      const part = parts[0]
      if (part === undefined) return out
      if (part.name !== "file") out.push(`the part is named ${JSON.stringify(part.name)}, expected "file"`)
      if (part.filename !== wireFilename(input.file.name)) {
        out.push(`filename=${JSON.stringify(part.filename)}, expected ${JSON.stringify(wireFilename(input.file.name))}`)
      }
      // the given type, else the Blob's, else application/octet-stream (media types are case-insensitive)
      const type = input.file.contentType ?? (input.file.kind === "blob" ? blobType(input.file.blobType) : "")
      const expectedType = (type === "" ? "application/octet-stream" : type).toLowerCase()
      if (part.contentType?.toLowerCase() !== expectedType) {
        out.push(`part Content-Type ${JSON.stringify(part.contentType)}, expected ${JSON.stringify(expectedType)}`)
      }
      const expectedBytes = fillBytes(input.file.size, input.file.seed, input.file.kind === "uint8array-view" ? 7 : 0)
      if (Buffer.compare(Buffer.from(part.data), Buffer.from(expectedBytes)) !== 0) {
        out.push(`the part carries ${part.data.byteLength} bytes that differ from the ${input.file.size} given`)
      }
      return out
    }
  }),
  defineCase({
    name: "getChat",
    operationId: "getChat",
    input: fc.record({ businessId: idArb, chatId: idArb }, { noNullPrototype: true }),
    call: (input) => ({ method: "getChat", input }),
    check: (input, [r]) => {
      const out: Array<string> = []
      checkBusiness(r, input.businessId, out)
      if (r) expectQuery(r, "chatId", input.chatId, out)
      return out
    }
  }),
  defineCase({
    name: "getChatMessage",
    operationId: "getChatMessage",
    input: fc.record({ businessId: idArb, chatId: idArb, messageId: idArb }, { noNullPrototype: true }),
    call: (input) => ({ method: "getChatMessage", input }),
    check: (input, [r]) => {
      const out: Array<string> = []
      checkBusiness(r, input.businessId, out)
      if (r) {
        expectQuery(r, "chatId", input.chatId, out)
        expectQuery(r, "messageId", input.messageId, out)
      }
      return out
    }
  })
]

/** Runs per method in the test suites: a few hundred each (the streams send several requests per run). */
export const testRuns: Readonly<Record<string, number>> = {
  getChats: 300,
  streamChats: 200,
  getChatHistory: 300,
  streamChatHistory: 200,
  createChat: 300,
  sendMessageToChat: 300,
  sendFileToChat: 250,
  getChat: 300,
  getChatMessage: 300
}

/** Runs a request case `numRuns` times (fast-check, seeded) and tallies requests and failures. */
export const runRequestCase = async (
  driver: Driver,
  c: RequestCase,
  options: { readonly numRuns: number; readonly seed: number }
): Promise<{ readonly runs: number; readonly requests: number; readonly failure: string | undefined }> => {
  let requests = 0
  let runs = 0
  const details = await fc.check(
    fc.asyncProperty(c.arbitrary, async (sample) => {
      const r = await c.execute(driver, sample)
      runs++
      requests += r.requests
      if (r.problems.length > 0) throw new Error(r.problems.join("\n"))
    }),
    { numRuns: options.numRuns, seed: options.seed, endOnFailure: true }
  )
  return {
    runs,
    requests,
    failure: details.failed
      ? `${fc.defaultReportMessage(details) ?? "failed"}\n${
        details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance)
      }`
      : undefined
  }
}

// -----------------------------------------------------------------------------
// Inputs the description forbids: refused before anything is sent
// -----------------------------------------------------------------------------

/** An input that breaks the description, and the call that passes it. */
export interface InvalidInput {
  readonly label: string
  /** The call (made when the case runs, so that a 5 MB buffer exists only then). */
  readonly call: () => ClientCall
}

/** Inputs the description forbids (ids < 1, limits out of range, empty or repeated filters, long messages, big files). */
export const invalidInputs: ReadonlyArray<InvalidInput> = [
  { label: "getChat businessId 0", call: () => ({ method: "getChat", input: { businessId: 0, chatId: 1 } }) },
  { label: "getChat businessId -1", call: () => ({ method: "getChat", input: { businessId: -1, chatId: 1 } }) },
  { label: "getChat businessId 1.5", call: () => ({ method: "getChat", input: { businessId: 1.5, chatId: 1 } }) },
  { label: "getChat chatId 0", call: () => ({ method: "getChat", input: { businessId: 1, chatId: 0 } }) },
  { label: "getChat chatId 2^53 (not exact)", call: () => ({ method: "getChat", input: { businessId: 1, chatId: 2 ** 53 } }) },
  { label: "getChat chatId NaN", call: () => ({ method: "getChat", input: { businessId: 1, chatId: Number.NaN } }) },
  { label: "getChatMessage messageId 0", call: () => ({ method: "getChatMessage", input: { businessId: 1, chatId: 1, messageId: 0 } }) },
  { label: "getChats limit 0", call: () => ({ method: "getChats", input: { businessId: 1, limit: 0 } }) },
  { label: "getChats limit 21", call: () => ({ method: "getChats", input: { businessId: 1, limit: 21 } }) },
  { label: "getChats limit 2.5", call: () => ({ method: "getChats", input: { businessId: 1, limit: 2.5 } }) },
  { label: "getChats statuses []", call: () => ({ method: "getChats", input: { businessId: 1, filter: { statuses: [] } } }) },
  { label: "getChats statuses repeated", call: () => ({ method: "getChats", input: { businessId: 1, filter: { statuses: ["NEW", "NEW"] } } }) },
  {
    label: "getChats contexts repeated",
    call: () =>
      ({ method: "getChats", input: { businessId: 1, filter: { contexts: [{ type: "ORDER", id: 1 }, { type: "ORDER", id: 1 }] } } })
  },
  { label: "getChats contexts type DIRECT", call: () => ({ method: "getChats", input: { businessId: 1, filter: { contexts: [{ type: "DIRECT", id: 1 }] } } }) },
  { label: "getChats statuses unknown value", call: () => ({ method: "getChats", input: { businessId: 1, filter: { statuses: ["SOMETHING"] } } }) },
  { label: "getChats orderIds [0]", call: () => ({ method: "getChats", input: { businessId: 1, filter: { orderIds: [0] } } }) },
  { label: "getChatHistory limit 101", call: () => ({ method: "getChatHistory", input: { businessId: 1, chatId: 1, limit: 101 } }) },
  { label: "getChatHistory messageIdFrom 0", call: () => ({ method: "getChatHistory", input: { businessId: 1, chatId: 1, messageIdFrom: 0 } }) },
  { label: "createChat context type DIRECT", call: () => ({ method: "createChat", input: { businessId: 1, context: { type: "DIRECT", id: 1 } } }) },
  { label: "createChat context id 0", call: () => ({ method: "createChat", input: { businessId: 1, context: { type: "ORDER", id: 0 } } }) },
  { label: "sendMessageToChat empty message", call: () => ({ method: "sendMessageToChat", input: { businessId: 1, chatId: 1, message: "" } }) },
  {
    label: "sendMessageToChat 4097 characters",
    call: () => ({ method: "sendMessageToChat", input: { businessId: 1, chatId: 1, message: "ж".repeat(4097) } })
  },
  {
    label: "sendFileToChat 5 MB + 1 byte",
    call: () =>
      ({ method: "sendFileToChat", input: { businessId: 1, chatId: 1, file: { name: "a.bin", data: new Uint8Array(maxFileBytes + 1) } } })
  },
  {
    label: "sendFileToChat empty name",
    call: () => ({ method: "sendFileToChat", input: { businessId: 1, chatId: 1, file: { name: "", data: new Uint8Array(1) } } })
  }
]

/** Runs an invalid input: it must fail with `InvalidRequestError` and send nothing. */
export const runInvalidInput = async (driver: Driver, c: InvalidInput): Promise<ReadonlyArray<string>> => {
  const { outcome, requests } = await runCall(driver, { apiKey: "test-key" }, answerOk, c.call())
  const problems: Array<string> = []
  const tag = failureTag(outcome)
  if (tag !== "InvalidRequestError") problems.push(`${c.label}: ${outcome._tag === "Success" ? "succeeded" : `failed with ${tag}`}`)
  if (requests.length > 0) problems.push(`${c.label}: ${requests.length} requests sent`)
  return problems
}
