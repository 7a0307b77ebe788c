/**
 * Helpers for tests that choose the client's limiters or watch its spans: a client over a fake
 * server with the gate and quota store a test gives, and a tracer that keeps the spans it starts.
 */
import { Effect, Layer, Redacted, Tracer } from "effect"
import { ChatsClient, type ChatsLimiter } from "../../src/index.js"
import { type Answer, fakeClient, type Recorded, secretKey } from "./fakeHttp.js"

/** A client layer over a fake server with the given gate and quota store layer; retries off unless a schedule is given. */
export const clientWithLimiter = (
  limiter: Layer.Layer<ChatsLimiter.ChatsGate | ChatsLimiter.ChatsQuotaStore>,
  handler: (request: Recorded, n: number) => Answer,
  options: Partial<ChatsClient.Options> = {}
) => {
  const { requests, http } = fakeClient(handler)
  const client = ChatsClient.layer({ apiKey: Redacted.make(secretKey), baseUrl: "https://api.test", retrySchedule: false, ...options })
  return { requests, layer: client.pipe(Layer.provide(Layer.merge(http, limiter))) }
}

/** An event of a span: its name, time and attributes. */
export type SpanEvent = readonly [name: string, startTime: bigint, attributes: Record<string, unknown>]

/** The events recorded on a span (the native span keeps them in `events`). */
export const eventsOf = (span: Tracer.Span): ReadonlyArray<SpanEvent> =>
  (span as unknown as { readonly events: ReadonlyArray<SpanEvent> }).events

/** Runs `effect` with a tracer that keeps every span it starts, and hands back the spans with the result. */
export const withSpans = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.flatMap(Effect.tracer, (native) => {
    const spans: Array<Tracer.Span> = []
    const span: Tracer.Tracer["span"] = (...args) => {
      const started = native.span(...args)
      spans.push(started)
      return started
    }
    return Effect.map(Effect.withTracer(effect, Tracer.make({ span, context: native.context })), (result) => ({ result, spans }))
  })

/** The spans of the client's calls of one operation (`ChatsClient.<operation>`). */
export const callSpans = (spans: ReadonlyArray<Tracer.Span>, operation: string): ReadonlyArray<Tracer.Span> =>
  spans.filter((s) => s.name === `ChatsClient.${operation}`)
