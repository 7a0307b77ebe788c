import { HttpApp, HttpRouter, HttpServer, HttpServerResponse } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { ConfigError, Effect, Either, Layer, Redacted } from "effect"
import * as Http from "node:http"
import * as ChatsNotifications from "../../src/ChatsNotifications.js"
import { makeAllowList } from "../../src/internal/notifications/guards.js"
import { bodies, isSuccessBody, post, withReceiver } from "./helpers.js"

const secret = "k3Jd-9f_Qx.7~mP2vL0s"

describe("secret path segment", () => {
  it.effect("the endpoint with the secret is served; a wrong or missing secret, or another path, is 404", () =>
    withReceiver({ secret: Redacted.make(secret) }, ({ endpoint, receiver, server }) =>
      Effect.gen(function*() {
        expect(endpoint).toBe(`${server.url}/${secret}/notification`)
        expect(String(server.endpoint)).not.toContain(secret)
        expect((yield* post(endpoint, bodies.chatCreated)).status).toBe(200)
        for (
          const path of [
            "/notification",
            `/${secret.slice(0, -1)}/notification`,
            `/${secret}x/notification`,
            `/${secret.toUpperCase()}/notification`,
            `/${secret}/other`,
            `/${secret}`
          ]
        ) {
          const reply = yield* post(`${server.url}${path}`, bodies.chatMessageSent)
          expect(reply.status, path).toBe(404)
        }
        expect(yield* receiver.pending).toBe(1)
      })))

  it.effect("a custom path goes after the secret segment", () =>
    withReceiver({ secret: Redacted.make(secret), path: "/hooks/market" }, ({ endpoint, server }) =>
      Effect.gen(function*() {
        expect(endpoint).toBe(`${server.url}/${secret}/hooks/market`)
        expect((yield* post(endpoint, bodies.ping)).status).toBe(200)
        expect((yield* post(`${server.url}/hooks/market`, bodies.ping)).status).toBe(404)
      })))

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
  it.effect("a sender outside the list (here 127.0.0.1 itself) is refused with 403 and nothing is queued", () =>
    withReceiver({ allowedSources: ChatsNotifications.marketSourceRanges }, ({ receiver, send }) =>
      Effect.gen(function*() {
        for (const body of [bodies.chatCreated, bodies.ping]) {
          const reply = yield* send(body)
          expect(reply.status).toBe(403)
          expect(reply.json).toEqual({ error: { type: "UNKNOWN", message: "the source address is not allowed" } })
        }
        expect(yield* receiver.pending).toBe(0)
      })))

  it.effect("a sender inside the list is served", () =>
    withReceiver({ allowedSources: ["10.0.0.0/8", "127.0.0.0/8"] }, ({ send }) =>
      Effect.gen(function*() {
        const reply = yield* send(bodies.chatCreated)
        expect(reply.status).toBe(200)
        expect(isSuccessBody(reply.json)).toBe(true)
      })))

  it.effect("X-Forwarded-For is ignored unless asked for, and then only its last entry counts", () =>
    Effect.gen(function*() {
      yield* withReceiver({ allowedSources: ["5.45.207.0/25"] }, ({ send }) =>
        Effect.gen(function*() {
          expect((yield* send(bodies.ping, { "x-forwarded-for": "5.45.207.10" })).status).toBe(403)
        }))
      yield* withReceiver({ allowedSources: ["5.45.207.0/25"], addressSource: "x-forwarded-for" }, ({ send }) =>
        Effect.gen(function*() {
          expect((yield* send(bodies.ping, { "x-forwarded-for": "5.45.207.10" })).status).toBe(200)
          expect((yield* send(bodies.ping, { "x-forwarded-for": "1.2.3.4, 5.45.207.127" })).status).toBe(200)
          // a forged first entry does not help a sender the proxy saw elsewhere
          expect((yield* send(bodies.ping, { "x-forwarded-for": "5.45.207.10, 1.2.3.4" })).status).toBe(403)
          expect((yield* send(bodies.ping, { "x-forwarded-for": "5.45.207.128" })).status).toBe(403)
          expect((yield* send(bodies.ping)).status).toBe(403)
        }))
    }))

  it("ranges and addresses of both families; IPv4-mapped IPv6 matches IPv4 ranges", () => {
    const list = Either.getOrThrow(makeAllowList(["5.45.207.0/25", "2001:db8::/32", "192.0.2.7"]))
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
      expect(makeAllowList([bad]), bad).toEqual(Either.left(bad))
    }
  })
})

describe("options are checked", () => {
  it.effect("a bad option fails make with ConfigError.InvalidData naming the option, and never the secret", () =>
    Effect.gen(function*() {
      const positive = (key: string) => `${key} must be a positive integer`
      const segment = "secret must be a non-empty path segment of letters, digits and -._~"
      const cases: ReadonlyArray<readonly [ChatsNotifications.Options, string, string]> = [
        [{ allowedSources: ["localhost"] }, "allowedSources", "not an IP address or CIDR range: \"localhost\""],
        [{ allowedSources: ["5.45.207.0/25", "5.45.207.0/33"] }, "allowedSources", "not an IP address or CIDR range: \"5.45.207.0/33\""],
        [{ secret: Redacted.make("has/slash") }, "secret", segment],
        [{ secret: Redacted.make("") }, "secret", segment],
        [{ capacity: 0 }, "capacity", positive("capacity")],
        [{ capacity: 1.5 }, "capacity", positive("capacity")],
        [{ maxRemembered: -1 }, "maxRemembered", positive("maxRemembered")],
        [{ maxBodyBytes: 0 }, "maxBodyBytes", positive("maxBodyBytes")],
        [{ name: "" }, "name", "name must be 1 to 100 characters"],
        [{ version: "v".repeat(101) }, "version", "version must be 1 to 100 characters"],
        [{ path: "notification" as "/notification" }, "path", "path must start with /"]
      ]
      for (const [options, key, message] of cases) {
        const error = yield* Effect.flip(Effect.scoped(ChatsNotifications.make(options)))
        const label = `${key}: ${message}`
        expect(ConfigError.isConfigError(error), label).toBe(true)
        expect(error._op, label).toBe("InvalidData")
        if (error._op !== "InvalidData") continue
        expect(error.path, label).toEqual([key])
        expect(error.message, label).toBe(message)
        expect(String(error), label).not.toContain("has/slash")
      }
    }))
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
