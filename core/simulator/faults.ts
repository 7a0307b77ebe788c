/**
 * Fault injection: rules that add latency or replace a response with a failure,
 * chosen per request (by operation, by probability drawn from the seed, or at the
 * Nth matching request), and the rendering of each failure.
 */
import type * as Http from "node:http"
import { errorBody } from "./errors.js"
import type { Operation } from "./operations.js"
import type { Random } from "./random.js"
import { jsonReply, type Reply, textReply } from "./replies.js"

/** The kinds of fault the simulator can inject. */
export const faultKinds = [
  "latency",
  "error500",
  "error503",
  "html502",
  "nonJson200",
  "malformedJson",
  "truncatedJson",
  "dropAfterHeaders",
  "dropMidBody",
  "deliveredThen500"
] as const

/** A kind of fault. */
export type FaultKind = typeof faultKinds[number]

/** Faults answered instead of carrying the request out. */
const refusingKinds: ReadonlySet<FaultKind> = new Set(["error500", "error503", "html502"])

/** A fault rule: what to inject, and on which requests. */
export interface FaultRule {
  /** What to inject. */
  readonly kind: FaultKind
  /** For `latency`: the delay added before the request is handled, in millis. */
  readonly millis?: number
  /** Only requests of these operations (default: all). */
  readonly operations?: ReadonlyArray<Operation>
  /** The share of matching requests hit, 0..1, drawn from the seed (default 1). */
  readonly probability?: number
  /** Only the Nth matching request counted from when the rule was set (1-based). */
  readonly nth?: number
  /** At most this many injections, then the rule is spent (default: no limit). */
  readonly times?: number
}

/** What to do to one request. */
export interface FaultDecision {
  /** The latency to add, in millis. */
  readonly latency: number
  /** The fault that replaces the answer, if any. */
  readonly fault: FaultKind | undefined
  /** Marks the fault as injected (a fault on a 200 is skipped when the operation fails). */
  readonly commit: () => void
}

interface ActiveRule {
  readonly rule: FaultRule
  seen: number
  fired: number
}

const validate = (rule: FaultRule): FaultRule => {
  const fail = (why: string) => {
    throw new Error(`invalid fault rule ${JSON.stringify(rule)}: ${why}`)
  }
  if (!(faultKinds as ReadonlyArray<string>).includes(rule.kind)) fail("unknown kind")
  if (rule.kind === "latency" && !(typeof rule.millis === "number" && rule.millis >= 0)) fail("latency needs millis >= 0")
  if (rule.probability !== undefined && !(rule.probability >= 0 && rule.probability <= 1)) fail("probability is 0..1")
  if (rule.nth !== undefined && !(Number.isInteger(rule.nth) && rule.nth >= 1)) fail("nth is an integer >= 1")
  if (rule.times !== undefined && !(Number.isInteger(rule.times) && rule.times >= 0)) fail("times is an integer >= 0")
  return rule
}

/** The fault rules in force and how often each kind was injected. */
export class Faults {
  private active: Array<ActiveRule> = []
  /** Injections per kind. */
  readonly injected: Record<FaultKind, number> = Object.fromEntries(faultKinds.map((kind) => [kind, 0])) as Record<
    FaultKind,
    number
  >

  constructor(private readonly random: Random, rules: ReadonlyArray<FaultRule>) {
    this.set(rules)
  }

  /** Sets the injection counts back to zero. */
  resetCounts(): void {
    for (const kind of faultKinds) this.injected[kind] = 0
  }

  /** Replaces every rule (their counts start again). */
  set(rules: ReadonlyArray<FaultRule>): void {
    this.active = rules.map((rule) => ({ rule: validate(rule), seen: 0, fired: 0 }))
  }

  /** Adds one rule. */
  add(rule: FaultRule): void {
    this.active.push({ rule: validate(rule), seen: 0, fired: 0 })
  }

  /** The rules in force. */
  rules(): ReadonlyArray<FaultRule> {
    return this.active.map((active) => active.rule)
  }

  /** Decides the latency and the fault of a request of this operation. */
  decide(operation: Operation): FaultDecision {
    let latency = 0
    let chosen: ActiveRule | undefined
    for (const active of this.active) {
      const { rule } = active
      if (rule.operations !== undefined && !rule.operations.includes(operation)) continue
      active.seen++
      if (rule.nth !== undefined && active.seen !== rule.nth) continue
      if (rule.times !== undefined && active.fired >= rule.times) continue
      if (rule.kind !== "latency" && chosen !== undefined) continue
      if (!this.random.chance(rule.probability ?? 1)) continue
      if (rule.kind === "latency") {
        latency += rule.millis ?? 0
        active.fired++
        this.injected.latency++
      } else {
        chosen = active
      }
    }
    const fault = chosen?.rule.kind
    return {
      latency,
      fault,
      commit: () => {
        if (chosen && fault) {
          chosen.fired++
          this.injected[fault]++
        }
      }
    }
  }
}

/** True when the fault is answered instead of carrying the request out. */
export const refusesRequest = (fault: FaultKind): boolean => refusingKinds.has(fault)

const html502 = `<!DOCTYPE html>
<html><head><title>502 Bad Gateway</title></head>
<body><h1>502 Bad Gateway</h1><p>nginx</p></body></html>
`

/** A fault that breaks the connection: how many bytes of the body get out before it drops. */
export interface Drop {
  readonly _tag: "Drop"
  readonly json: string
  readonly bytes: number
}

/**
 * Renders a fault as the response the client gets, or as the connection to break (`Drop`).
 * `body` is the JSON body the operation would have answered.
 */
export const renderFault = (fault: FaultKind, body: unknown, headers: Record<string, string>): Reply | Drop => {
  const json = JSON.stringify(body)
  switch (fault) {
    case "latency":
      return jsonReply(200, body, headers)
    case "error500":
    case "deliveredThen500":
      return jsonReply(500, errorBody("INTERNAL_ERROR", "Internal server error"), headers)
    case "error503":
      return jsonReply(503, errorBody("SERVICE_UNAVAILABLE", "Service is temporarily unavailable"), headers)
    case "html502":
      return textReply(502, html502, "text/html", headers)
    case "nonJson200":
      return textReply(200, "<html><body>OK</body></html>", "text/html; charset=utf-8", headers)
    case "malformedJson":
      return textReply(200, json.replace(/"/g, "'"), "application/json", headers)
    case "truncatedJson":
      return textReply(200, json.slice(0, Math.max(1, Math.floor(json.length / 2))), "application/json", headers)
    case "dropAfterHeaders":
      return { _tag: "Drop", json, bytes: 0 }
    case "dropMidBody":
      return { _tag: "Drop", json, bytes: Math.max(1, Math.floor(Buffer.byteLength(json) / 2)) }
  }
}

/**
 * Sends the headers (announcing the whole body) and the first bytes of the body, then destroys
 * the socket; resolves once it is dropped.
 */
export const dropConnection = (response: Http.ServerResponse, headers: Record<string, string>, drop: Drop): Promise<void> =>
  new Promise((resolve) => {
    const body = Buffer.from(drop.json)
    response.writeHead(200, {
      ...headers,
      "content-type": "application/json",
      "content-length": String(body.length)
    })
    response.flushHeaders()
    if (drop.bytes > 0) response.write(body.subarray(0, drop.bytes))
    const destroy = () => {
      response.destroy()
      response.end()
      resolve()
    }
    // An empty write on the socket calls back once everything before it is flushed.
    if (response.socket) response.socket.write("", destroy)
    else destroy()
  })
