/**
 * A plain `node:http` server on a random loopback port, closed with the scope: for answers the
 * simulator never gives (bodies cut off, redirects, resets).
 */
import { Effect } from "effect"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"

/** Starts a server with `handler`; gives its base URL and the number of requests it received. */
export const rawServer = (handler: Http.RequestListener) =>
  Effect.acquireRelease(
    Effect.callback<{ readonly server: Http.Server; readonly counter: { requests: number } }>((resume) => {
      const counter = { requests: 0 }
      const s = Http.createServer((req, res) => {
        counter.requests++
        handler(req, res)
      })
      s.listen(0, "127.0.0.1", () => resume(Effect.succeed({ server: s, counter })))
    }),
    ({ server }) =>
      Effect.callback<void>((resume) => {
        server.closeAllConnections()
        server.close(() => resume(Effect.void))
      })
  ).pipe(Effect.map(({ counter, server }) => ({
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    /** How many requests reached the server so far. */
    requests: () => counter.requests
  })))

/** Answers `status` with a JSON body that announces `announced` bytes but stops after 20, then drops the connection. */
export const cutOff = (status: number, announced = 200): Http.RequestListener => (_req, res) => {
  const body = JSON.stringify({ status: "ERROR", errors: [{ code: "CUT", message: "x".repeat(announced) }] })
  res.writeHead(status, { "content-type": "application/json", "content-length": String(announced) })
  res.write(body.slice(0, 20))
  setTimeout(() => res.socket?.destroy(), 5)
}

/** Answers `status` with a JSON body that announces 200 bytes, sends a few and then nothing more, keeping the connection open. */
export const stalled = (status: number): Http.RequestListener => (_req, res) => {
  res.writeHead(status, { "content-type": "application/json", "content-length": "200" })
  res.write("{\"status\":\"ERROR\",")
}
