/**
 * Spans and logs: each call is a span named after its operation (built with `Effect.withSpan`), with
 * ids, outcome and retry events; the HTTP client's own spans are its children; and no credential
 * appears in any span attribute, event or log line, with `Api-Key` appended to
 * `Headers.CurrentRedactedNames` during each call.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, Formatter, Logger, Redacted, References } from "effect"
import { Headers, HttpClient } from "effect/http"
import { TestClock } from "effect/testing"
import { ChatsClient, ChatsRetry } from "../../src/index.js"
import { fail, fakeClient, ok, secretKey } from "./fakeHttp.js"
import { chatJson } from "../../../core/cases/answers.js"
import { eventsOf, recordingTracer } from "./limiterClient.js"

const businessId = 12345

/** A logger that keeps every line, with its annotations and cause, as text. */
const recordingLogger = () => {
  const lines: Array<string> = []
  const logger = Logger.make((options) => {
    lines.push(Formatter.format({
      level: options.logLevel,
      message: options.message,
      annotations: options.fiber.getRef(References.CurrentLogAnnotations),
      cause: String(options.cause)
    }))
  })
  return { lines, layer: Logger.layer([logger]) }
}

describe("spans", () => {
  it.effect("each call is a span named after its operation, with ids, outcome and retry events", () => {
    const { layer } = fakeClient(
      (_, n) => n === 1 ? fail(420, "LIMIT", "Hit rate limit of 4 parallel requests for businessId 12345") : ok(chatJson(42)),
      { retrySchedule: ChatsRetry.defaultSchedule() }
    )
    return Effect.gen(function*() {
      const { spans, tracer } = recordingTracer()
      const client = yield* ChatsClient.ChatsClient
      const fiber = yield* Effect.forkChild(client.getChat({ businessId, chatId: 42 }).pipe(Effect.withTracer(tracer)))
      yield* TestClock.adjust(1_000)
      yield* Fiber.join(fiber)
      const span = spans.find((s) => s.name === "ChatsClient.getChat")
      expect(span).toBeDefined()
      expect(span!.kind).toBe("client")
      expect(span!.attributes.get("yandex_market.business_id")).toBe(businessId)
      expect(span!.attributes.get("yandex_market.chat_id")).toBe(42)
      expect(span!.attributes.get("outcome")).toBe("success")
      const events = eventsOf(span!)
      expect(events.map(([name]) => name)).toEqual(["retry"])
      expect(events[0]![2]).toMatchObject({ error: "RateLimitError" })
      // the HTTP client's own spans (named after the method) are children, one per attempt
      const httpSpans = spans.filter((s) => s.name === "GET")
      expect(httpSpans).toHaveLength(2)
      for (const s of httpSpans) expect(s.parent._tag === "Some" && s.parent.value).toBe(span)
    }).pipe(Effect.provide(layer))
  })

  it.effect("a failed call's span says which error; a call without a chat has no chat id", () => {
    const { layer } = fakeClient(() => fail(404, "NOT_FOUND"))
    return Effect.gen(function*() {
      const { spans, tracer } = recordingTracer()
      const client = yield* ChatsClient.ChatsClient
      yield* client.getChatMessage({ businessId, chatId: 1, messageId: 2 }).pipe(Effect.withTracer(tracer), Effect.result)
      yield* client.getChats({ businessId }).pipe(Effect.withTracer(tracer), Effect.result)
      const span = spans.find((s) => s.name === "ChatsClient.getChatMessage")!
      expect(span.attributes.get("outcome")).toBe("NotFoundError")
      expect(span.status._tag).toBe("Ended")
      const chats = spans.find((s) => s.name === "ChatsClient.getChats")!
      expect(chats.attributes.has("yandex_market.chat_id")).toBe(false)
      expect(chats.attributes.get("yandex_market.business_id")).toBe(businessId)
    }).pipe(Effect.provide(layer))
  })

  it.effect("input refused before sending opens no span and sends nothing", () => {
    const { layer, requests } = fakeClient(() => ok(chatJson(1)))
    return Effect.gen(function*() {
      const { spans, tracer } = recordingTracer()
      const client = yield* ChatsClient.ChatsClient
      const error = yield* Effect.flip(client.getChat({ businessId: 0, chatId: 1 }).pipe(Effect.withTracer(tracer)))
      expect(error._tag).toBe("InvalidRequestError")
      expect(spans).toEqual([])
      expect(requests).toHaveLength(0)
    }).pipe(Effect.provide(layer))
  })
})

describe("no secret in spans or logs", () => {
  it.effect("with the HTTP client's request logging on at every level and header capture on, the key appears nowhere", () => {
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
      const { spans, tracer } = recordingTracer()
      const client = yield* ChatsClient.ChatsClient
      const fiber = yield* Effect.forkChild(Effect.all([
        client.getChat({ businessId, chatId: 42 }),
        client.sendMessageToChat({ businessId, chatId: 42, message: "hi" }),
        client.getChatMessage({ businessId, chatId: 42, messageId: 1 }).pipe(Effect.result)
      ]).pipe(
        Effect.withTracer(tracer),
        // header attributes are off by default in Effect 4: turn them all on
        Effect.provideService(HttpClient.TracerHeaderFilter, () => true)
      ))
      yield* TestClock.adjust(5_000)
      yield* Fiber.join(fiber)
      expect(logs.lines.length).toBeGreaterThan(3)
      expect(logs.lines.some((l) => l.includes("retry"))).toBe(true)
      expect(logs.lines.some((l) => l.includes("api-key"))).toBe(true) // the header is logged...
      for (const line of logs.lines) expect(line).not.toContain(secretKey) // ...but redacted
      expect(spans.length).toBeGreaterThan(3)
      for (const span of spans) {
        const text = Formatter.format({
          name: span.name,
          attributes: Object.fromEntries(span.attributes),
          events: eventsOf(span).map(([n, , a]) => [n, a])
        })
        expect(text).not.toContain(secretKey)
      }
      const captured = spans.flatMap((s) => [...s.attributes].filter(([k]) => k === "http.request.header.api-key"))
      expect(captured.length).toBeGreaterThan(0)
      for (const [, value] of captured) expect(value).toBe("<redacted>")
    }).pipe(
      Effect.provide(layer),
      Effect.provide(logs.layer),
      Effect.provideService(References.MinimumLogLevel, "All")
    )
  })

  it.effect("Api-Key is appended to the redacted names during a call, and the caller's own names are kept", () => {
    const seen: Array<ReadonlyArray<string | RegExp>> = []
    const { layer } = fakeClient(() => ok(chatJson(42)), {
      transformClient: HttpClient.tapRequest(() =>
        Effect.gen(function*() {
          seen.push(yield* Headers.CurrentRedactedNames)
        })
      )
    })
    return Effect.gen(function*() {
      const client = yield* ChatsClient.ChatsClient
      yield* client.getChat({ businessId, chatId: 42 }).pipe(Effect.provideService(Headers.CurrentRedactedNames, ["x-mine"]))
      yield* client.getChat({ businessId, chatId: 42 })
      expect(seen[0]).toEqual(["x-mine", "Api-Key"])
      expect(seen[1]).toEqual([...Headers.CurrentRedactedNames.defaultValue(), "Api-Key"])
      // outside a call the names are the caller's
      expect(yield* Headers.CurrentRedactedNames).toEqual(Headers.CurrentRedactedNames.defaultValue())
    }).pipe(Effect.provide(layer))
  })

  it.effect("the service and its options print no key", () => {
    const { layer } = fakeClient(() => ok())
    return Effect.gen(function*() {
      const client = yield* ChatsClient.ChatsClient
      expect(Formatter.format(client)).not.toContain(secretKey)
      expect(String(Redacted.make(secretKey))).not.toContain(secretKey)
    }).pipe(Effect.provide(layer))
  })
})
