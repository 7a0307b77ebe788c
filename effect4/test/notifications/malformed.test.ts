/**
 * A body longer than `maxBodyBytes` that comes without a `Content-Length` is cut off mid-read. The
 * statuses and fields of refused bodies are the shared tables' (core/cases/notifications.ts).
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { bodies, withReceiver } from "./helpers.js"

describe("malformed bodies", () => {
  it.effect("a body larger than maxBodyBytes says so", () =>
    withReceiver({ maxBodyBytes: 256 }, ({ send }) =>
      Effect.gen(function*() {
        const reply = yield* send({ ...bodies.orderCreated, padding: "x".repeat(1000) })
        expect(reply.status).toBe(400)
        expect(reply.json.error.message).toBe("the body is larger than 256 bytes")
      })))

  it.effect("a longer body without Content-Length is cut off; the receiver goes on working", () =>
    withReceiver({ maxBodyBytes: 256 }, ({ endpoint, receiver, send }) =>
      Effect.gen(function*() {
        const chunk = new TextEncoder().encode(JSON.stringify({ ...bodies.orderCreated, padding: "x".repeat(1000) }))
        const outcome = yield* Effect.tryPromise(() =>
          fetch(endpoint, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: new ReadableStream({
              start(controller) {
                controller.enqueue(chunk)
                controller.close()
              }
            }),
            duplex: "half"
          } as RequestInit).then((response) => response.status)
        ).pipe(Effect.result)
        // either a 400 made it out before the connection closed, or the connection broke
        if (outcome._tag === "Success") expect(outcome.success).toBe(400)
        expect(yield* receiver.pending).toBe(0)
        expect((yield* send(bodies.chatCreated)).status).toBe(200)
      })))
})
