/**
 * Helpers for tests that choose the client's limiters or watch its spans: a client over a fake
 * server with the gate and quota store a test gives, and a tracer that keeps the spans it starts.
 */
import { Effect, Layer, Redacted, Tracer } from "effect"
import { ChatsClient } from "../../src/index.js"
import { type Answer, makeFake, type Recorded, secretKey } from "./fakeHttp.js"

/** A client layer over a fake server with the given limiter layer; retries off unless a schedule is given. */
export const clientWithLimiter = <E>(
  limiter: Layer.Layer<never, E>,
  handler: (request: Recorded, n: number) => Answer,
  options: Partial<ChatsClient.Options> = {}
) => {
  const fake = makeFake(handler)
  const client = ChatsClient.layer({ apiKey: Redacted.make(secretKey), baseUrl: "https://api.test", retrySchedule: false, ...options })
  return { requests: fake.requests, layer: client.pipe(Layer.provide(Layer.merge(fake.layer, limiter))) }
}

/** An event of a span: its name, time and attributes. */
export type SpanEvent = readonly [name: string, startTime: bigint, attributes: Record<string, unknown>]

/** The events recorded on a span (the native span keeps them in `events`). */
export const eventsOf = (span: Tracer.Span): ReadonlyArray<SpanEvent> =>
  (span as unknown as { readonly events: ReadonlyArray<SpanEvent> }).events

/** A tracer that keeps every span it starts, on top of the native one. */
export const recordingTracer = () => {
  const spans: Array<Tracer.Span> = []
  const tracer = Tracer.make({
    span: (options) => {
      const span = Tracer.nativeTracer.span(options)
      spans.push(span)
      return span
    }
  })
  return { spans, tracer }
}

/** Runs `effect` with a tracer that keeps every span it starts, and hands back the spans with the result. */
export const withSpans = <A, E, R>(effect: Effect.Effect<A, E, R>) => {
  const { spans, tracer } = recordingTracer()
  return Effect.map(Effect.withTracer(effect, tracer), (result) => ({ result, spans }))
}

/** The spans of the client's calls of one operation (`ChatsClient.<operation>`). */
export const callSpans = (spans: ReadonlyArray<Tracer.Span>, operation: string): ReadonlyArray<Tracer.Span> =>
  spans.filter((s) => s.name === `ChatsClient.${operation}`)
