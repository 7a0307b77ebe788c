/**
 * examples/metrics-export.ts as a user runs it (a child process configured by the standard
 * OpenTelemetry variables), against a stand-in OTLP/HTTP collector on loopback: what the exporter
 * sent (path, content type, resource, each metric's unit and the values of the notifications it
 * received), and the Prometheus text of its `/metrics`. The child is ended after the test.
 */
import { afterEach, describe, expect, it } from "@effect/vitest"
import { Effect, Schedule } from "effect"
import { createServer, type IncomingMessage } from "node:http"
import type { AddressInfo } from "node:net"
import { fileURLToPath } from "node:url"
import { endChild, killChildren, spawnChild, watchOutput } from "../../../core/testing/childProcess.js"
import * as Simulator from "../../src/Simulator.js"
import { bodies, messageSent, post } from "../notifications/helpers.js"

const edition = fileURLToPath(new URL("../..", import.meta.url))
afterEach(() => killChildren())

/** One request the collector received. */
interface Received {
  readonly method: string
  readonly path: string
  readonly contentType: string
  readonly body: any
}

/** A stand-in collector: answers 200 to every request and keeps them (closed with the scope). */
const collector = Effect.acquireRelease(
  Effect.promise(() =>
    new Promise<{ readonly url: string; readonly received: Array<Received>; readonly close: () => void }>((resolve) => {
      const received: Array<Received> = []
      const server = createServer((request: IncomingMessage, response) => {
        let text = ""
        request.on("data", (chunk) => (text += String(chunk)))
        request.on("end", () => {
          received.push({
            method: request.method ?? "",
            path: request.url ?? "",
            contentType: String(request.headers["content-type"]),
            body: JSON.parse(text)
          })
          response.writeHead(200, { "content-type": "application/json" }).end("{}")
        })
      })
      server.listen(0, "127.0.0.1", () =>
        resolve({
          url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
          received,
          close: () => server.close()
        }))
    })
  ),
  (c) => Effect.sync(c.close)
)

/** The data points of metric `name` in an OTLP/JSON export, with their attributes as a record. */
const pointsOf = (body: any, name: string) =>
  (body.resourceMetrics as Array<any>).flatMap((rm) => rm.scopeMetrics as Array<any>)
    .flatMap((sm) => sm.metrics as Array<any>)
    .filter((m) => m.name === name)
    .flatMap((m) =>
      (m.sum ?? m.gauge ?? m.histogram).dataPoints.map((p: any) => ({
        unit: m.unit as string,
        value: p.asDouble ?? p.asInt,
        attributes: Object.fromEntries((p.attributes as Array<any>).map((a) => [a.key, Object.values(a.value)[0]]))
      }))
    )

/** The value of the series of `name` whose attributes include `attributes`, in the latest export that has it. */
const latest = (received: ReadonlyArray<Received>, name: string, attributes: Record<string, string>) => {
  for (let i = received.length - 1; i >= 0; i--) {
    const point = pointsOf(received[i]!.body, name).find((p) => Object.entries(attributes).every(([k, v]) => p.attributes[k] === v))
    if (point !== undefined) return point
  }
  return undefined
}

describe("examples/metrics-export.ts", () => {
  it.live("pushes OTLP/JSON to the collector and serves Prometheus text: the receiver's counts as they happened", () =>
    Effect.gen(function*() {
      const otlp = yield* collector
      const sim = yield* Simulator.make({ seed: 5, chats: 30, messages: 100 })
      const child = yield* Effect.acquireRelease(
        Effect.sync(() =>
          spawnChild(process.execPath, ["--import", "tsx", "examples/metrics-export.ts"], {
            cwd: edition,
            env: {
              PATH: process.env["PATH"] ?? "",
              PORT: "0",
              OTEL_METRICS_EXPORTER: "otlp",
              OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
              OTEL_METRIC_EXPORT_INTERVAL: "200",
              YANDEX_MARKET_BASE_URL: sim.url,
              YANDEX_MARKET_API_KEY: sim.apiKey,
              YANDEX_MARKET_BUSINESS_ID: String(sim.businessId)
            },
            stdio: ["ignore", "pipe", "pipe"]
          })
        ),
        (child) => Effect.promise(() => endChild(child))
      )
      const output = watchOutput(child)
      const url = (yield* Effect.promise(() => output.waitFor(/Listening on (http:\/\/\S+)/, 60_000)))[1]!
      yield* Effect.promise(() => output.waitFor(/listed \d+ chats/, 60_000))
      expect((yield* post(`${url}/notification`, bodies.ping)).status).toBe(200)
      expect((yield* post(`${url}/notification`, messageSent(7))).status).toBe(200)
      expect((yield* post(`${url}/notification`, messageSent(7))).status).toBe(200)
      expect((yield* post(`${url}/notification`, "{not json")).status).toBe(400)

      const received = { "yandex_market.notification.type": "CHAT_MESSAGE_SENT", "http.response.status_code": "200" }
      yield* Effect.sync(() => latest(otlp.received, "yandex_market.notifications.received", received)?.value).pipe(
        Effect.repeat({ until: (n) => n === 2, schedule: Schedule.spaced("100 millis") }),
        Effect.timeoutOrElse({ duration: "30 seconds", orElse: () => Effect.die("the collector never got the counts") })
      )
      const sent = otlp.received.at(-1)!
      expect({ method: sent.method, path: sent.path, contentType: sent.contentType }).toEqual({
        method: "POST",
        path: "/v1/metrics",
        contentType: "application/json"
      })
      const resource = Object.fromEntries(
        (sent.body.resourceMetrics[0].resource.attributes as Array<any>).map((a) => [a.key, a.value.stringValue])
      )
      expect(resource["service.name"]).toBe("metrics-export")
      expect(latest(otlp.received, "yandex_market.notifications.received", received)).toMatchObject({
        unit: "{notification}",
        value: 2
      })
      expect(latest(otlp.received, "yandex_market.notifications.received", {
        "yandex_market.notification.type": "PING",
        "http.response.status_code": "200"
      })?.value).toBe(1)
      expect(latest(otlp.received, "yandex_market.notifications.received", {
        "yandex_market.notification.type": "none",
        "http.response.status_code": "400"
      })?.value).toBe(1)
      expect(latest(otlp.received, "yandex_market.notifications.duplicates", {
        "yandex_market.notification.type": "CHAT_MESSAGE_SENT"
      })?.value).toBe(1)
      // the event was handed to the consumer: nothing waits
      expect(latest(otlp.received, "yandex_market.notifications.pending", { "yandex_market.queue.name": "memory" })).toMatchObject({
        unit: "{event}",
        value: 0
      })
      // the same counts as Prometheus text
      const text = yield* Effect.promise(() => fetch(`${url}/metrics`).then((r) => r.text()))
      expect(text).toContain("# TYPE yandex_market_notifications_received counter")
      expect(text).toContain(
        `yandex_market_notifications_received{yandex_market_notification_type="CHAT_MESSAGE_SENT",http_response_status_code="200"} 2`
      )
      expect(text).not.toContain(sim.apiKey)
      expect(output.text()).not.toContain(sim.apiKey)
    }).pipe(Effect.scoped), 120_000)
})
