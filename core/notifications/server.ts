/**
 * The Node server under a standalone receiver, with the bounds that keep slow or idle clients from
 * holding it: a request whose headers and body have not all arrived within `requestTimeout` is cut
 * (Node answers 408 and closes the connection; the market itself waits 10 s for an answer), and at
 * most `maxConnections` connections are open at once (Node closes the ones beyond at once).
 */
import * as Http from "node:http"
import type { Checked } from "./settings.js"
import { optionMessages } from "./settings.js"

/** The defaults of a standalone server: loopback, a free port, 5 s to receive a request, 256 connections. */
export const serverDefaults = {
  host: "127.0.0.1",
  port: 0,
  requestTimeoutMillis: 5_000,
  maxConnections: 256
} as const

/** How long a request may take to arrive, and how many connections may be open. */
export interface ServerLimits {
  readonly requestTimeoutMillis: number
  readonly maxConnections: number
}

/**
 * Checks the bounds of a standalone server. `requestTimeout` comes as the edition read it: its
 * milliseconds (NaN when it is no duration) and the input, to name it in the refusal.
 */
export const checkServerLimits = (input: {
  readonly requestTimeout?: { readonly millis: number; readonly input: unknown } | undefined
  readonly maxConnections?: number | undefined
}): Checked<ServerLimits> => {
  const requestTimeoutMillis = input.requestTimeout?.millis ?? serverDefaults.requestTimeoutMillis
  const maxConnections = input.maxConnections ?? serverDefaults.maxConnections
  if (!(Number.isFinite(requestTimeoutMillis) && requestTimeoutMillis >= 1)) {
    return {
      ok: false,
      option: "requestTimeout",
      message: optionMessages.duration("requestTimeout", JSON.stringify(String(input.requestTimeout?.input)))
    }
  }
  if (!(Number.isSafeInteger(maxConnections) && maxConnections > 0)) {
    return { ok: false, option: "maxConnections", message: optionMessages.positiveInt("maxConnections") }
  }
  return { ok: true, value: { requestTimeoutMillis: Math.ceil(requestTimeoutMillis), maxConnections } }
}

/**
 * How often Node looks for requests past their timeout: a quarter of the timeout, between 50 ms and
 * 1 s (Node's default is 30 s, which would let a slow client stay far past the bound).
 */
export const checkingIntervalOf = (requestTimeoutMillis: number): number =>
  Math.min(1_000, Math.max(50, Math.floor(requestTimeoutMillis / 4)))

/** A Node HTTP server with these bounds (not yet listening). */
export const createBoundedServer = (limits: ServerLimits): Http.Server => {
  const server = Http.createServer({
    requestTimeout: limits.requestTimeoutMillis,
    headersTimeout: limits.requestTimeoutMillis,
    connectionsCheckingInterval: checkingIntervalOf(limits.requestTimeoutMillis)
  })
  server.maxConnections = limits.maxConnections
  return server
}

/** The origin of a server listening on a host and port (an IPv6 host in brackets). */
export const originOf = (host: string, port: number): string => `http://${host.includes(":") ? `[${host}]` : host}:${port}`
