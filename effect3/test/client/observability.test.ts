import { HttpClient } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, Inspectable, List, Logger, LogLevel, Redacted, TestClock, Tracer } from "effect"
import { ChatsClient, ChatsRetry } from "../../src/index.js"
import { fail, fakeClient, ok, secretKey } from "./fakeHttp.js"
import { chatJson } from "../../../core/cases/answers.js"

const businessId = 12345

/** A tracer that keeps every span it starts, on top of the default one. */
const recordingTracer = Effect.map(Effect.tracer, (native) => {
  const spans: Array<Tracer.Span> = []
  const tracer = Tracer.make({
    span: (...args) => {
      const span = native.span(...args)
      spans.push(span)
      return span
    },
    context: native.context
  })
  return { spans, tracer }
})

/** A logger that keeps every line, with its annotations and cause, as text. */
const recordingLogger = () => {
  const lines: Array<string> = []
  const logger = Logger.make((options) => {
    lines.push(Inspectable.stringifyCircular({
      level: options.logLevel.label,
      message: options.message,
      annotations: Object.fromEntries(options.annotations),
      spans: List.toArray(options.spans).map((s) => s.label),
      cause: String(options.cause)
    }))
  })
  return { lines, layer: Logger.replace(Logger.defaultLogger, logger) }
}

describe("spans", () => {
  it.effect("each call is a span named after its operation, with ids, outcome and retry events", () => {
    const { layer } = fakeClient(
      (_, n) => n === 1 ? fail(420, "LIMIT", "Hit rate limit of 4 parallel requests for businessId 12345") : ok(chatJson(42)),
      { retrySchedule: ChatsRetry.defaultSchedule() }
    )
    return Effect.gen(function*() {
      const { spans, tracer } = yield* recordingTracer
      const client = yield* ChatsClient.ChatsClient
      const fiber = yield* Effect.fork(client.getChat({ businessId, chatId: 42 }).pipe(Effect.withTracer(tracer)))
      yield* TestClock.adjust(1_000)
      yield* Fiber.join(fiber)
      const span = spans.find((s) => s.name === "ChatsClient.getChat")
      expect(span).toBeDefined()
      expect(span!.attributes.get("yandex_market.business_id")).toBe(businessId)
      expect(span!.attributes.get("yandex_market.chat_id")).toBe(42)
      expect(span!.attributes.get("outcome")).toBe("success")
      const events = (span as unknown as { events: Array<[string, bigint, Record<string, unknown>]> }).events
      expect(events.map(([name]) => name)).toEqual(["retry"])
      expect(events[0]![2]).toMatchObject({ error: "RateLimitError" })
      // the HTTP client's own spans are children, one per attempt
      const httpSpans = spans.filter((s) => s.name.startsWith("http.client"))
      expect(httpSpans).toHaveLength(2)
      for (const s of httpSpans) expect(s.parent._tag === "Some" && s.parent.value).toBe(span)
    }).pipe(Effect.provide(layer))
  })

  it.effect("a failed call's span says which error", () => {
    const { layer } = fakeClient(() => fail(404, "NOT_FOUND"))
    return Effect.gen(function*() {
      const { spans, tracer } = yield* recordingTracer
      const client = yield* ChatsClient.ChatsClient
      yield* client.getChatMessage({ businessId, chatId: 1, messageId: 2 }).pipe(Effect.withTracer(tracer), Effect.either)
      const span = spans.find((s) => s.name === "ChatsClient.getChatMessage")!
      expect(span.attributes.get("outcome")).toBe("NotFoundError")
      expect(span.status._tag).toBe("Ended")
    }).pipe(Effect.provide(layer))
  })
})

describe("no secret in spans or logs", () => {
  it.effect("with the HTTP client's request logging on at every level, the key appears nowhere", () => {
    const logs = recordingLogger()
    const { layer } = fakeClient(
      (_, n) => n % 3 === 1 ? fail(420, "LIMIT", "Hit rate limit of 4 parallel requests for businessId 12345") : ok(chatJson(42)),
      {
        retrySchedule: ChatsRetry.defaultSchedule(),
        transformClient: (client) =>
          client.pipe(
            HttpClient.tapRequest((request) => Effect.logDebug("request", request)),
            HttpClient.tap((response) => Effect.logTrace("response", response))
          )
      }
    )
    return Effect.gen(function*() {
      const { spans, tracer } = yield* recordingTracer
      const client = yield* ChatsClient.ChatsClient
      const fiber = yield* Effect.fork(Effect.all([
        client.getChat({ businessId, chatId: 42 }),
        client.sendMessageToChat({ businessId, chatId: 42, message: "hi" }),
        client.getChatMessage({ businessId, chatId: 42, messageId: 1 }).pipe(Effect.either)
      ]).pipe(Effect.withTracer(tracer)))
      yield* TestClock.adjust(5_000)
      yield* Fiber.join(fiber)
      expect(logs.lines.length).toBeGreaterThan(3)
      expect(logs.lines.some((l) => l.includes("retry"))).toBe(true)
      expect(logs.lines.some((l) => l.includes("api-key"))).toBe(true) // the header is logged...
      for (const line of logs.lines) expect(line).not.toContain(secretKey) // ...but redacted
      expect(spans.length).toBeGreaterThan(3)
      for (const span of spans) {
        const text = Inspectable.stringifyCircular({
          name: span.name,
          attributes: Object.fromEntries(span.attributes),
          events: (span as unknown as { events: Array<[string, bigint, unknown]> }).events.map(([n, , a]) => [n, a])
        })
        expect(text).not.toContain(secretKey)
      }
      expect(spans.some((s) => [...s.attributes.keys()].includes("http.request.header.api-key"))).toBe(true)
    }).pipe(
      Effect.provide(layer),
      Effect.provide(logs.layer),
      Logger.withMinimumLogLevel(LogLevel.All)
    )
  })

  it.effect("the service and its options print no key", () => {
    const { layer } = fakeClient(() => ok())
    return Effect.gen(function*() {
      const client = yield* ChatsClient.ChatsClient
      expect(Inspectable.stringifyCircular(client)).not.toContain(secretKey)
      expect(String(Redacted.make(secretKey))).not.toContain(secretKey)
    }).pipe(Effect.provide(layer))
  })
})

