/**
 * Conformance of an edition's answer decoding to the official description, without Effect: seeded
 * random 200 bodies generated from each operation's response schema (`openApiBodies.ts`) fed through
 * the client over a fake server must decode to the values they carry; bodies without `result` must fail
 * with `ResponseDecodeError`; random error bodies must give the typed error of their status with the
 * parsed `errors`. An edition supplies only its `Driver` (`conformanceDriver.ts`).
 */
import { type Operation as OperationId, operations as operationIds } from "../client/wire.js"
import { type CallOutcome, type ClientCall, type Driver, failureTag } from "./conformanceDriver.js"
import {
  type DateOracle,
  defaultGenOptions,
  type GenOptions,
  generate,
  generateErrorBody,
  type Json,
  Rng,
  type SchemaResolver
} from "./openApiBodies.js"
import { ajvErrorsText, loadSpec, type Spec } from "./openApiSpec.js"
import type { CannedResponse } from "./recordedRequest.js"

/** The seven operations of the description, as the client names them. */
export { type OperationId, operationIds }

/** The operations whose 200 body must carry a `result`. */
export const resultOperations: ReadonlyArray<OperationId> = [
  "getChats",
  "getChatHistory",
  "createChat",
  "getChat",
  "getChatMessage"
]

/** One call of each operation with fixed valid inputs (made afresh for each call). */
export const operationCall = (operationId: OperationId): ClientCall => {
  switch (operationId) {
    case "getChats":
      return { method: "getChats", input: { businessId: 1 } }
    case "getChatHistory":
      return { method: "getChatHistory", input: { businessId: 1, chatId: 2 } }
    case "createChat":
      return { method: "createChat", input: { businessId: 1, context: { type: "ORDER", id: 3 } } }
    case "sendMessageToChat":
      return { method: "sendMessageToChat", input: { businessId: 1, chatId: 2, message: "hi" } }
    case "sendFileToChat":
      return { method: "sendFileToChat", input: { businessId: 1, chatId: 2, file: { name: "a.txt", data: new Uint8Array([1]) } } }
    case "getChat":
      return { method: "getChat", input: { businessId: 1, chatId: 2 } }
    case "getChatMessage":
      return { method: "getChatMessage", input: { businessId: 1, chatId: 2, messageId: 4 } }
  }
}

/**
 * A client of an edition over a fake whose next answer is set before each call: cheap enough to feed
 * thousands of bodies through one client.
 */
export const feeder = async (driver: Driver, operationId: OperationId) => {
  let next: CannedResponse = { status: 200, body: "{}" }
  const client = await driver.open({ apiKey: "test-key" }, () => next)
  return {
    /** Answers the next call with `answer`; returns the outcome and how many requests it took. */
    feed: async (answer: CannedResponse): Promise<{ readonly outcome: CallOutcome; readonly requests: number }> => {
      next = answer
      const before = client.requests.length
      const outcome = await client.call(operationCall(operationId))
      return { outcome, requests: client.requests.length - before }
    }
  }
}

/** A value as short JSON, for messages. */
export const show = (u: unknown): string => {
  try {
    return (JSON.stringify(u) ?? String(u)).slice(0, 200)
  } catch {
    return String(u)
  }
}

/** An own property of a JSON object, or undefined. */
export const own = (obj: unknown, key: string): Json | undefined =>
  typeof obj === "object" && obj !== null && Object.prototype.hasOwnProperty.call(obj, key)
    ? (obj as Record<string, Json>)[key]
    : undefined

/** Compares a decoded value with the JSON it came from, field by field along the schema. */
export const compareDecoded = (
  spec: SchemaResolver,
  dateTimeMillis: Driver["dateTimeMillis"],
  node: unknown,
  generated: Json | undefined,
  decoded: unknown,
  oracle: DateOracle,
  at: string,
  out: Array<string>
): void => {
  if (out.length > 10) return
  if (generated === undefined) {
    if (decoded !== undefined) out.push(`${at}: absent in the body, decoded as ${show(decoded)}`)
    return
  }
  if (generated === null) {
    if (decoded !== undefined && decoded !== null) out.push(`${at}: null in the body, decoded as ${show(decoded)}`)
    return
  }
  const schema = spec.resolve(node)
  const type = schema.type ?? (schema.properties ? "object" : undefined)
  if (type === "object") {
    if (typeof decoded !== "object" || decoded === null) {
      out.push(`${at}: an object in the body, decoded as ${show(decoded)}`)
      return
    }
    for (const [key, prop] of Object.entries(schema.properties ?? {})) {
      compareDecoded(spec, dateTimeMillis, prop, own(generated, key), (decoded as Record<string, unknown>)[key], oracle, `${at}.${key}`, out)
    }
    return
  }
  if (type === "array") {
    const g = generated as ReadonlyArray<Json>
    if (!Array.isArray(decoded) || decoded.length !== g.length) {
      out.push(`${at}: an array of ${g.length} in the body, decoded as ${show(decoded)}`)
      return
    }
    g.forEach((item, i) => compareDecoded(spec, dateTimeMillis, schema.items, item, decoded[i], oracle, `${at}[${i}]`, out))
    return
  }
  if (type === "string" && schema.format === "date-time") {
    const millis = dateTimeMillis(decoded)
    if (millis === undefined) {
      out.push(`${at}: ${show(generated)} decoded as ${show(decoded)}, not a DateTime`)
      return
    }
    const expected = oracle.get(generated as string)
    if (expected !== undefined && millis !== expected) {
      out.push(
        `${at}: ${generated as string} decoded as ${new Date(millis).toISOString()}, expected ${
          new Date(expected).toISOString()
        }`
      )
    }
    return
  }
  if (decoded !== generated) out.push(`${at}: ${show(generated)} in the body, decoded as ${show(decoded)}`)
}

/** A generated 200 body of an operation, with the meaning of its dates. */
export const generateSuccessBody = (
  spec: Spec,
  operationId: OperationId,
  rng: Rng,
  options: Partial<GenOptions> = {}
): { readonly body: Json; readonly oracle: DateOracle } => {
  const oracle: DateOracle = new Map()
  const forceTop = resultOperations.includes(operationId) ? ["result"] : []
  const body = generate(spec, spec.operation(operationId).successSchema, rng, {
    ...defaultGenOptions,
    forceTop,
    ...options
  }, oracle)
  return { body, oracle }
}

/** Checks the client's outcome for one generated 200 body: success, and the decoded value matches. */
export const checkSuccess = (
  spec: Spec,
  driver: Driver,
  operationId: OperationId,
  body: Json,
  oracle: DateOracle,
  outcome: CallOutcome
): Array<string> => {
  const out: Array<string> = []
  if (outcome._tag === "Failure") {
    const error = outcome.error as { readonly _tag?: string; readonly message?: string } | undefined
    out.push(`decoding failed: ${error === undefined ? outcome.cause : `${error._tag}: ${error.message}`}`)
    return out
  }
  if (!resultOperations.includes(operationId)) {
    if (outcome.value !== undefined) out.push(`a send returned ${show(outcome.value)}`)
    return out
  }
  const resultSchema = spec.resolve(spec.operation(operationId).successSchema).properties?.result
  const result = own(body, "result")
  if (operationId === "createChat") {
    const chatId = own(result, "chatId")
    if (outcome.value !== chatId) out.push(`createChat returned ${show(outcome.value)}, the body says ${show(chatId)}`)
    return out
  }
  compareDecoded(spec, driver.dateTimeMillis, resultSchema, result, outcome.value, oracle, "result", out)
  return out
}

/** A failure of one generated body, with how to reproduce it. */
export interface BodyFailure {
  readonly seed: number
  readonly index: number
  readonly problems: ReadonlyArray<string>
  readonly body: string
}

/** The tag of the error each documented status must map to. */
export const errorTags: Readonly<Record<number, string>> = {
  400: "BadRequestError",
  401: "UnauthorizedError",
  403: "ForbiddenError",
  404: "NotFoundError",
  420: "RateLimitError",
  500: "InternalServerError"
}

/**
 * Generates `count` 200 bodies for an operation (seeded: body i uses `new Rng(seed, i)`),
 * checks each against the description with ajv (a check of the generator: enums open),
 * feeds it through the client and checks the decoded value.
 */
export const runSuccessBodies = async (
  driver: Driver,
  operationId: OperationId,
  options: { readonly count: number; readonly seed: number; readonly gen?: Partial<GenOptions> }
): Promise<{ readonly bodies: number; readonly failures: ReadonlyArray<BodyFailure> }> => {
  const spec = loadSpec()
  const validate = spec.validator(spec.operation(operationId).successSchema, { relaxEnums: true })
  const { feed } = await feeder(driver, operationId)
  const failures: Array<BodyFailure> = []
  let bodies = 0
  for (let index = 0; index < options.count; index++) {
    const rng = new Rng(options.seed, index)
    const { body, oracle } = generateSuccessBody(spec, operationId, rng, options.gen)
    const text = JSON.stringify(body)
    const problems: Array<string> = []
    if (!validate(JSON.parse(text))) problems.push(`generator: the body breaks the description: ${ajvErrorsText(validate.errors)}`)
    const { outcome, requests } = await feed({ status: 200, body: text })
    if (requests !== 1) problems.push(`${requests} requests for one call`)
    problems.push(...checkSuccess(spec, driver, operationId, body, oracle, outcome))
    bodies++
    if (problems.length > 0) failures.push({ seed: options.seed, index, problems, body: text.slice(0, 2000) })
  }
  return { bodies, failures }
}

/** Feeds `count` random error bodies with a status and checks the typed error and its parsed `errors`. */
export const runErrorBodies = async (
  driver: Driver,
  operationId: OperationId,
  status: number,
  options: { readonly count: number; readonly seed: number }
): Promise<{ readonly bodies: number; readonly failures: ReadonlyArray<BodyFailure> }> => {
  const { feed } = await feeder(driver, operationId)
  const failures: Array<BodyFailure> = []
  const tag = errorTags[status]
  for (let index = 0; index < options.count; index++) {
    const rng = new Rng(options.seed + status, index)
    const { expected, text } = generateErrorBody(rng)
    const { outcome, requests } = await feed({ status, body: text })
    const problems: Array<string> = []
    if (requests !== 1) problems.push(`${requests} requests for one call (retries are off)`)
    if (outcome._tag === "Success") {
      problems.push(`succeeded with ${show(outcome.value)} on HTTP ${status}`)
    } else {
      if (outcome.error === undefined) {
        problems.push(`died instead of failing: ${outcome.cause}`)
      } else {
        type StatusError = {
          _tag?: string
          status?: number
          operation?: string
          errors?: ReadonlyArray<{ code: string; message?: string }>
          kind?: string
          cause?: unknown
        }
        let error = outcome.error as StatusError
        // a 500 on a send leaves its outcome unknown: the client wraps it in a DeliveryUnknownError
        if (status === 500 && !resultOperations.includes(operationId)) {
          if (error._tag !== "DeliveryUnknownError") {
            problems.push(`a send failed with ${error._tag} on 500, expected DeliveryUnknownError`)
          } else {
            error = error.cause as StatusError
          }
        }
        if (error._tag !== tag) problems.push(`failed with ${error._tag}, expected ${tag}`)
        if (error.status !== status) problems.push(`error.status ${error.status}, expected ${status}`)
        if (error.operation !== operationId) problems.push(`error.operation ${error.operation}`)
        const got = (error.errors ?? []).map((x) => x.message === undefined ? { code: x.code } : { code: x.code, message: x.message })
        if (JSON.stringify(got) !== JSON.stringify(expected)) problems.push(`errors ${show(got)}, expected ${show(expected)}`)
        if (status === 420 && !["parallel", "quota", "unknown"].includes(error.kind ?? "")) {
          problems.push(`a RateLimitError without a kind (${String(error.kind)})`)
        }
      }
    }
    if (problems.length > 0) failures.push({ seed: options.seed + status, index, problems, body: text.slice(0, 2000) })
  }
  return { bodies: options.count, failures }
}

/** 200 bodies without a usable `result`: each must fail with `ResponseDecodeError`. */
export const bodiesWithoutResult: ReadonlyArray<string> = [
  "{\"status\":\"OK\"}",
  "{\"status\":\"ERROR\"}",
  "{}",
  "{\"status\":\"OK\",\"result\":null}",
  "{\"status\":\"ERROR\",\"errors\":[{\"code\":\"INTERNAL_ERROR\"}]}",
  "{\"status\":\"OK\",\"errors\":null,\"extra\":1}",
  "{\"status\":\"OK\",\"Result\":{}}"
]

/** Formats failures of generated bodies for a test report. */
export const formatFailures = (label: string, failures: ReadonlyArray<BodyFailure>): string =>
  failures.length === 0
    ? ""
    : `${label}: ${failures.length} failing bodies; first ones (reproduce with new Rng(seed, index)):\n` +
      failures
        .slice(0, 3)
        .map((f) => `  seed ${f.seed} index ${f.index}:\n    ${f.problems.join("\n    ")}\n    body: ${f.body.slice(0, 600)}`)
        .join("\n")

/** Checks that every 200 body without a usable `result` fails with `ResponseDecodeError`. */
export const runWithoutResult = async (driver: Driver, operationId: OperationId): Promise<ReadonlyArray<string>> => {
  const { feed } = await feeder(driver, operationId)
  const problems: Array<string> = []
  for (const body of bodiesWithoutResult) {
    const { outcome } = await feed({ status: 200, body })
    const tag = failureTag(outcome)
    if (tag !== "ResponseDecodeError") {
      problems.push(`${body}: ${outcome._tag === "Success" ? `succeeded with ${show(outcome.value)}` : `failed with ${tag}`}`)
    }
  }
  return problems
}

/** Checks that a send succeeds on the bare `{ "status": "OK" }` (and a few other spellings of an empty answer). */
export const runSendOk = async (driver: Driver, operationId: OperationId): Promise<ReadonlyArray<string>> => {
  const { feed } = await feeder(driver, operationId)
  const problems: Array<string> = []
  for (const body of ["{\"status\":\"OK\"}", "{\"status\":\"OK\",\"result\":null}", "{\"status\":\"OK\",\"errors\":null}"]) {
    const { outcome } = await feed({ status: 200, body })
    if (outcome._tag === "Failure") problems.push(`${body}: ${outcome.cause.split("\n")[0]}`)
    else if (outcome.value !== undefined) problems.push(`${body}: returned ${show(outcome.value)}`)
  }
  return problems
}
