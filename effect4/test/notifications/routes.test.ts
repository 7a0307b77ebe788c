/**
 * The receiver in an application's own `HttpRouter`: `layerRoutes` beside other routes (served by
 * `HttpRouter.serve`, the receiver provided outside it so that a consumer beside the server reads the
 * same one), `route` for `HttpRouter.addAll`, the handler's own check of the secret segment wherever it
 * is mounted, the handler as a web handler, and the secret kept out of server spans.
 */
import { NodeHttpServer } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Redacted, Stream, Tracer } from "effect"
import { HttpEffect, HttpRouter, HttpServer, HttpServerResponse } from "effect/http"
import { sampleSecret as secret } from "../../../core/cases/notifications.js"
import * as ChatsNotifications from "../../src/ChatsNotifications.js"
import { bodies, isSuccessBody, post, withReceiver } from "./helpers.js"

/** The origin of the `HttpServer` in the context. */
const origin = Effect.map(HttpServer.HttpServer, (server) =>
  `http://127.0.0.1:${server.address._tag === "UnixPathAddress" ? 0 : server.address.port}`)

/** A tracer that keeps every span it makes. */
const recordingTracer = () => {
  const spans: Array<Tracer.NativeSpan> = []
  const tracer = Tracer.make({
    span: (options) => {
      const span = new Tracer.NativeSpan(options)
      spans.push(span)
      return span
    }
  })
  return { spans, layer: Layer.succeed(Tracer.Tracer, tracer) }
}

/** Every attribute of every span, as text. */
const attributesOf = (spans: ReadonlyArray<Tracer.NativeSpan>) =>
  spans.flatMap((span) => [...span.attributes].map(([key, value]) => `${span.name} ${key}=${String(value)}`))

describe("layerRoutes", () => {
  it.effect("serves POST path beside the application's routes; the consumer outside serve reads the same receiver", () =>
    Effect.gen(function*() {
      const receiver = yield* ChatsNotifications.ChatsNotifications
      const url = yield* origin
      expect((yield* post(`${url}/health`, "", { method: "GET" })).text).toBe("ok")
      const reply = yield* post(`${url}/${secret}/hooks/market`, bodies.chatCreated)
      expect(reply.status).toBe(200)
      expect(isSuccessBody(reply.json)).toBe(true)
      expect((yield* post(`${url}/hooks/market`, bodies.chatCreated)).status).toBe(404)
      expect((yield* post(`${url}/another-secret/hooks/market`, bodies.chatCreated)).status).toBe(404)
      expect(yield* receiver.pending).toBe(1)
      const [event] = yield* Stream.runCollect(Stream.take(receiver.events, 1))
      expect(event?._tag).toBe("ChatCreated")
    }).pipe(
      Effect.provide(
        HttpRouter.serve(
          Layer.mergeAll(ChatsNotifications.layerRoutes, HttpRouter.add("GET", "/health", HttpServerResponse.text("ok"))),
          { disableListenLog: true, disableLogger: true }
        ).pipe(
          Layer.provideMerge(ChatsNotifications.layer({ secret: Redacted.make(secret), path: "/hooks/market" })),
          Layer.provideMerge(NodeHttpServer.layerTest)
        )
      )
    ))

  it.effect("the route's secret segment is redacted from the server's spans", () => {
    const { layer, spans } = recordingTracer()
    return Effect.gen(function*() {
      const url = yield* origin
      expect((yield* post(`${url}/${secret}/notification`, bodies.ping)).status).toBe(200)
      const attributes = attributesOf(spans)
      expect(attributes).toContain("POST url.path=/REDACTED/notification")
      expect(attributes).toContain("POST http.route=/:secret/notification")
      expect(attributes.filter((attribute) => attribute.includes(secret))).toEqual([])
    }).pipe(
      Effect.provide(
        HttpRouter.serve(ChatsNotifications.layerRoutes, { disableListenLog: true, disableLogger: true }).pipe(
          Layer.provideMerge(ChatsNotifications.layer({ secret: Redacted.make(secret) })),
          Layer.provideMerge(NodeHttpServer.layerTest),
          Layer.provide(layer)
        )
      )
    )
  })
})

describe("route", () => {
  it.effect("HttpRouter.addAll takes it, in a web handler (Request in, Response out)", () =>
    Effect.gen(function*() {
      const receiver = yield* ChatsNotifications.make({ secret: Redacted.make(secret) })
      const { dispose, handler } = HttpRouter.toWebHandler(HttpRouter.addAll([ChatsNotifications.route(receiver)]), {
        disableLogger: true
      })
      yield* Effect.addFinalizer(() => Effect.promise(dispose))
      const request = (path: string, body: unknown) =>
        Effect.promise(() => handler(new Request(`https://shop.example${path}`, { method: "POST", body: JSON.stringify(body) })))
      const ok = yield* request(`/${secret}/notification`, bodies.chatCreated)
      expect(ok.status).toBe(200)
      expect(isSuccessBody(yield* Effect.promise(() => ok.json()))).toBe(true)
      expect((yield* request("/notification", bodies.chatCreated)).status).toBe(404)
      expect((yield* request(`/${secret}/notification`, { notificationType: "CHAT_CREATED" })).status).toBe(400)
      expect(yield* receiver.pending).toBe(1)
    }))
})

describe("the handler", () => {
  it.effect("checks the secret segment itself, wherever it is mounted; answers 405 to another method", () =>
    Effect.gen(function*() {
      const receiver = yield* ChatsNotifications.make({ secret: Redacted.make(secret) })
      // routed by hand on a path that does not hold the secret: every request is refused
      const { dispose, handler } = HttpRouter.toWebHandler(HttpRouter.add("*", "/*", receiver.handler), {
        disableLogger: true
      })
      yield* Effect.addFinalizer(() => Effect.promise(dispose))
      const request = (method: string, path: string) =>
        Effect.promise(() =>
          handler(new Request(`https://shop.example${path}`, {
            method,
            ...(method === "GET" ? {} : { body: JSON.stringify(bodies.ping) })
          }))
        )
      expect((yield* request("POST", "/notification")).status).toBe(404)
      expect((yield* request("POST", `/hooks/${secret}`)).status).toBe(200)
      const other = yield* request("GET", `/${secret}/notification`)
      expect(other.status).toBe(405)
      expect(other.headers.get("allow")).toBe("POST")
    }))

  it.effect("as a web handler: guards and answers are the same; without a socket an allow-list refuses everything", () =>
    Effect.gen(function*() {
      const receiver = yield* ChatsNotifications.make({ secret: Redacted.make(secret) })
      const handle = HttpEffect.toWebHandler(receiver.handler)
      const request = (path: string, body: unknown) =>
        Effect.promise(() => handle(new Request(`https://shop.example${path}`, { method: "POST", body: JSON.stringify(body) })))
      expect((yield* request(`/${secret}/notification`, bodies.chatCreated)).status).toBe(200)
      expect((yield* request("/notification", bodies.chatCreated)).status).toBe(404)
      expect(yield* receiver.pending).toBe(1)
      const guarded = yield* ChatsNotifications.make({ allowedSources: ["0.0.0.0/0"] })
      const refused = yield* Effect.promise(() =>
        HttpEffect.toWebHandler(guarded.handler)(
          new Request("https://shop.example/notification", { method: "POST", body: JSON.stringify(bodies.ping) })
        )
      )
      expect(refused.status).toBe(403)
    }))
})

describe("layerServer and spans", () => {
  it.effect("no span attribute holds the secret: the route's segment, another path, another method", () => {
    const { layer, spans } = recordingTracer()
    return withReceiver({ secret: Redacted.make(secret) }, ({ endpoint, server }) =>
      Effect.gen(function*() {
        expect((yield* post(endpoint, bodies.chatCreated)).status).toBe(200)
        expect((yield* post(`${server.url}/${secret}/other`, bodies.ping)).status).toBe(404)
        expect((yield* post(endpoint, "", { method: "GET" })).status).toBe(404)
        const attributes = attributesOf(spans)
        expect(attributes).toContain("POST url.path=/REDACTED/notification")
        expect(attributes).toContain("POST url.path=/REDACTED")
        expect(attributes).toContain("GET url.path=/REDACTED")
        expect(attributes.filter((attribute) => attribute.includes(secret))).toEqual([])
      })).pipe(Effect.provide(layer))
  })
})
