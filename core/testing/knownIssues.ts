/**
 * Client bugs that the conformance checks found (all fixed), kept as probes that find them again:
 * RFC 3339 date-times the description allows (lowercase "z", leap seconds), CR/LF in a file's
 * Content-Type, and message lengths counted in code points. Without Effect; an edition supplies its
 * `Driver`.
 */
import { type Driver, failureTag, runCall } from "./conformanceDriver.js"
import type { Json } from "./openApiBodies.js"
import { ajvErrorsText, loadSpec } from "./openApiSpec.js"
import { answerOk } from "./requestConformance.js"
import { validateRequest } from "./requestChecks.js"
import { checkSuccess, feeder } from "./responseConformance.js"

/** A probe of a known discrepancy: it returns the problems while the client still behaves so. */
export interface KnownIssue {
  readonly id: string
  readonly description: string
  readonly probe: (driver: Driver) => Promise<ReadonlyArray<string>>
}

/** getChat answered with `date` as `createdAt`: the problems of decoding it. */
const probeDate = async (driver: Driver, date: string): Promise<ReadonlyArray<string>> => {
  const spec = loadSpec()
  const body: Json = {
    status: "OK",
    result: {
      chatId: 1,
      context: { type: "ORDER" },
      type: "CHAT",
      status: "NEW",
      createdAt: date,
      updatedAt: "2017-11-21T00:00:00+03:00"
    }
  }
  const problems: Array<string> = []
  const validate = spec.validator(spec.operation("getChat").successSchema)
  if (!validate(body)) problems.push(`(the probe itself breaks the description: ${ajvErrorsText(validate.errors)})`)
  const { feed } = await feeder(driver, "getChat")
  const { outcome } = await feed({ status: 200, body: JSON.stringify(body) })
  problems.push(...checkSuccess(spec, driver, "getChat", body, new Map(), outcome))
  return problems
}

/** A message of 4096 code points, 2048 of them emoji (6144 UTF-16 code units). */
export const message4096CodePoints = "😀ж".repeat(2048)

/** A file with a Content-Type that carries CR/LF: refused, or sent as a well-formed part with the same bytes. */
const probeContentType = async (driver: Driver, contentType: string): Promise<ReadonlyArray<string>> => {
  const spec = loadSpec()
  const data = new TextEncoder().encode("the file")
  const { outcome, requests } = await runCall(driver, { apiKey: "test-key" }, answerOk, {
    method: "sendFileToChat",
    input: { businessId: 1, chatId: 1, file: { name: "a.txt", data, contentType } }
  })
  if (failureTag(outcome) === "InvalidRequestError" && requests.length === 0) return []
  const problems: Array<string> = []
  for (const r of requests) {
    const report = validateRequest(spec, r)
    problems.push(...report.problems.map((p) => `contentType ${JSON.stringify(contentType)}: ${p}`))
    const part = report.parts?.[0]
    if (part !== undefined && Buffer.compare(Buffer.from(part.data), Buffer.from(data)) !== 0) {
      problems.push(
        `contentType ${JSON.stringify(contentType)}: the file arrives as ${JSON.stringify(Buffer.from(part.data).toString())}, sent "the file"`
      )
    }
  }
  return problems
}

/** The client bugs these checks found (all fixed), each with a probe that finds it again. */
export const knownIssues: ReadonlyArray<KnownIssue> = [
  {
    id: "date-time-lowercase-z",
    description:
      "RFC 3339 (§5.6 NOTE) allows a lowercase \"z\" for UTC, and the description's `format: date-time` accepts it; " +
      "the client's ChatsSchema.DateTime (Schema.DateTimeUtc) refuses \"2017-11-21T00:00:00z\" and the whole answer fails with ResponseDecodeError",
    probe: (driver) => probeDate(driver, "2017-11-21T00:00:00z")
  },
  {
    id: "date-time-leap-second",
    description:
      "RFC 3339 allows a leap second (time-second 00-60), and the description's `format: date-time` accepts \"2016-12-31T23:59:60Z\"; " +
      "the client refuses it and the whole answer fails with ResponseDecodeError",
    probe: (driver) => probeDate(driver, "2016-12-31T23:59:60Z")
  },
  {
    id: "multipart-content-type-injection",
    description:
      "sendFileToChat writes `file.contentType` into the part header unchecked: a type with CR/LF adds part headers " +
      "or moves bytes into the file (\"text/plain\\r\\n\\r\\nhello\" makes the server receive \"hello\\r\\n\\r\\n\" + the file); " +
      "a non-token type such as \"image/пнг\" is sent as is. Expected: InvalidRequestError, or a sanitized type",
    probe: async (driver) => [
      ...(await probeContentType(driver, "text/plain\r\nX-Injected: 1")),
      ...(await probeContentType(driver, "text/plain\r\n\r\nhello")),
      ...(await probeContentType(driver, "image/пнг"))
    ]
  },
  {
    id: "message-length-code-points",
    description:
      "SendMessageToChatRequest.message has `maxLength: 4096`, which JSON Schema counts in Unicode code points; " +
      "the client (ChatsSchema.MessageText, Schema.maxLength) counts UTF-16 code units, so a 4096-code-point message " +
      "with emoji is refused with InvalidRequestError before sending",
    probe: async (driver) => {
      const spec = loadSpec()
      const problems: Array<string> = []
      const validate = spec.validator(spec.deref({ $ref: "#/components/schemas/SendMessageToChatRequest" }))
      if (!validate({ message: message4096CodePoints })) {
        problems.push(`(the probe itself breaks the description: ${ajvErrorsText(validate.errors)})`)
      }
      const { outcome, requests } = await runCall(driver, { apiKey: "test-key" }, answerOk, {
        method: "sendMessageToChat",
        input: { businessId: 1, chatId: 1, message: message4096CodePoints }
      })
      if (outcome._tag === "Failure") problems.push(`refused: ${outcome.cause.split("\n")[0]}`)
      for (const r of requests) problems.push(...validateRequest(spec, r).problems)
      return problems
    }
  }
]

/** The known issue with this id; throws when there is none, so that a regression test cannot vanish. */
export const knownIssue = (id: string): KnownIssue => {
  const issue = knownIssues.find((k) => k.id === id)
  if (issue === undefined) throw new Error(`no known issue ${id} in core/testing/knownIssues.ts`)
  return issue
}
