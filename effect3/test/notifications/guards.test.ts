import { HttpApp, HttpRouter, HttpServer, HttpServerResponse } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Redacted } from "effect"
import * as Http from "node:http"
import * as ChatsNotifications from "../../src/ChatsNotifications.js"
import { makeAllowList } from "../../../core/notifications/guards.js"
import { bodies, isSuccessBody, post } from "./helpers.js"

const secret = "k3Jd-9f_Qx.7~mP2vL0s"

describe("secret path segment", () => {
  it.effect("the handler itself checks the segment, wherever it is mounted", () =>
    Effect.gen(function*() {
      const receiver = yield* ChatsNotifications.make({ secret: Redacted.make(secret) })
      // routed by hand on a path that does not hold the secret: every request is refused
      const wrong = yield* HttpRouter.toHttpApp(HttpRouter.post(HttpRouter.empty, "/notification", receiver.handler))
      const server = yield* NodeHttpServer.make(() => Http.createServer(), { port: 0, host: "127.0.0.1" })
      yield* server.serve(wrong)
      const port = server.address._tag === "TcpAddress" ? server.address.port : 0
      expect((yield* post(`http://127.0.0.1:${port}/notification`, bodies.ping)).status).toBe(404)
    }).pipe(Effect.scoped))
})

describe("the handler outside Node's server", () => {
  it.effect("as a web handler (Request in, Response out), guards and answers are the same", () =>
    Effect.gen(function*() {
      const receiver = yield* ChatsNotifications.make({ secret: Redacted.make(secret) })
      const handle = HttpApp.toWebHandler(receiver.handler)
      const request = (path: string, body: unknown) =>
        Effect.promise(() =>
          handle(new Request(`https://shop.example${path}`, { method: "POST", body: JSON.stringify(body) }))
        )
      const ok = yield* request(`/${secret}/notification`, bodies.chatCreated)
      expect(ok.status).toBe(200)
      expect(isSuccessBody(yield* Effect.promise(() => ok.json()))).toBe(true)
      expect((yield* request("/notification", bodies.chatCreated)).status).toBe(404)
      expect((yield* request(`/${secret}/notification`, { notificationType: "CHAT_CREATED" })).status).toBe(400)
      expect(yield* receiver.pending).toBe(1)
      // without a socket there is no address: an allow-list refuses everything
      const guarded = yield* ChatsNotifications.make({ allowedSources: ["0.0.0.0/0"] })
      const refused = yield* Effect.promise(() =>
        HttpApp.toWebHandler(guarded.handler)(
          new Request("https://shop.example/notification", { method: "POST", body: JSON.stringify(bodies.ping) })
        )
      )
      expect(refused.status).toBe(403)
    }).pipe(Effect.scoped))
})

describe("source address allow-list", () => {
  it("ranges and addresses of both families; IPv4-mapped IPv6 matches IPv4 ranges", () => {
    const made = makeAllowList(["5.45.207.0/25", "2001:db8::/32", "192.0.2.7"])
    if (!made.ok) throw new Error(made.entry)
    const list = made.list
    expect(list.allows("5.45.207.0")).toBe(true)
    expect(list.allows("5.45.207.127")).toBe(true)
    expect(list.allows("5.45.207.128")).toBe(false)
    expect(list.allows("::ffff:5.45.207.1")).toBe(true)
    expect(list.allows("2001:db8:ffff::1")).toBe(true)
    expect(list.allows("[2001:db8::1]")).toBe(true)
    expect(list.allows("2001:db9::1")).toBe(false)
    expect(list.allows("192.0.2.7")).toBe(true)
    expect(list.allows("192.0.2.8")).toBe(false)
    expect(list.allows("not an address")).toBe(false)
    expect(list.allows(undefined)).toBe(false)
    for (const bad of ["5.45.207.0/33", "5.45.207/25", "host.example", "1.2.3.4/8/1", "::1/129", "1.2.3.4/"]) {
      expect(makeAllowList([bad]), bad).toEqual({ ok: false, entry: bad })
    }
  })
})

describe("mounted in an application's own router", () => {
  it.effect("mount adds POST path to a router beside the application's routes", () =>
    Effect.gen(function*() {
      const receiver = yield* ChatsNotifications.ChatsNotifications
      const app = HttpRouter.empty.pipe(
        HttpRouter.get("/health", HttpServerResponse.text("ok")),
        ChatsNotifications.mount(receiver)
      )
      const server = yield* HttpServer.HttpServer
      yield* server.serve(yield* HttpRouter.toHttpApp(app))
      const address = server.address
      const url = `http://127.0.0.1:${address._tag === "TcpAddress" ? address.port : 0}`
      expect((yield* post(`${url}/health`, "", { method: "GET" })).text).toBe("ok")
      expect((yield* post(`${url}/${secret}/notification`, bodies.chatCreated)).status).toBe(200)
      expect((yield* post(`${url}/notification`, bodies.chatCreated)).status).toBe(404)
      expect(yield* receiver.pending).toBe(1)
    }).pipe(
      Effect.provide(Layer.merge(
        ChatsNotifications.layer({ secret: Redacted.make(secret) }),
        NodeHttpServer.layer(() => Http.createServer(), { port: 0, host: "127.0.0.1" })
      )),
      Effect.scoped
    ))
})
