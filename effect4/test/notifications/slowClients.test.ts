/**
 * The standalone server under slow clients: connections that send a notification's headers and
 * never finish its body are cut after `requestTimeout` (Node answers 408), a PING is answered
 * meanwhile, and connections beyond `maxConnections` are closed at once.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { openSlowClients } from "../../../core/testing/slowClients.js"
import { bodies, withReceiver } from "./helpers.js"

/** Opens slow clients for the length of the test, destroyed when it ends (before the server closes). */
const slowClients = (url: string, count: number) =>
  Effect.acquireRelease(
    Effect.promise(() => openSlowClients(url, count, JSON.stringify(bodies.chatMessageSent))),
    (clients) => Effect.sync(clients.destroy)
  )

describe("slow clients", () => {
  it.live("50 connections that never finish their body are cut within the default bound (5 s); PING is answered meanwhile", () =>
    withReceiver({}, ({ endpoint, receiver, send }) =>
      Effect.scoped(Effect.gen(function*() {
        const clients = yield* slowClients(endpoint, 50)
        const ping = yield* send(bodies.ping)
        expect(ping.status).toBe(200)
        expect(clients.open()).toBe(50)
        const seen = yield* Effect.promise(() => clients.allClosed(10_000))
        const after = seen.map((client) => client.closedAfterMillis ?? Infinity)
        expect(Math.max(...after)).toBeLessThan(5_000 + 1_000 + 1_500)
        expect(Math.min(...after)).toBeGreaterThan(4_500)
        expect(new Set(seen.map((client) => client.statusLine))).toEqual(new Set(["HTTP/1.1 408 Request Timeout"]))
        expect(yield* receiver.pending).toBe(0)
        expect((yield* send(bodies.chatCreated)).status).toBe(200)
      }))), { timeout: 30_000 })

  it.live("requestTimeout sets the bound", () =>
    withReceiver({ requestTimeout: "1 second" }, ({ endpoint, send }) =>
      Effect.scoped(Effect.gen(function*() {
        const clients = yield* slowClients(endpoint, 20)
        expect((yield* send(bodies.ping)).status).toBe(200)
        const after = (yield* Effect.promise(() => clients.allClosed(10_000))).map((c) => c.closedAfterMillis ?? Infinity)
        expect(Math.max(...after)).toBeLessThan(1_000 + 250 + 1_000)
      }))), { timeout: 30_000 })

  it.live("connections beyond maxConnections are closed at once; the server serves again once the slow ones are cut", () =>
    withReceiver({ maxConnections: 10, requestTimeout: "1 second" }, ({ endpoint, send }) =>
      Effect.scoped(Effect.gen(function*() {
        const held = yield* slowClients(endpoint, 10)
        const beyond = yield* slowClients(endpoint, 5)
        const refused = yield* Effect.promise(() => beyond.allClosed(2_000))
        expect(refused.map((c) => c.closedAfterMillis !== undefined && c.closedAfterMillis < 500)).toEqual(refused.map(() => true))
        expect(refused.map((c) => c.statusLine)).toEqual(refused.map(() => undefined))
        expect(held.open()).toBe(10)
        yield* Effect.promise(() => held.allClosed(10_000))
        expect(held.open()).toBe(0)
        expect((yield* send(bodies.ping)).status).toBe(200)
      }))), { timeout: 30_000 })
})
