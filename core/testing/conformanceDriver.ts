/**
 * What an edition gives the conformance checks of `core/testing`: a way to build its client over a
 * recording fake `HttpClient` (`makeRecorder`) and call it by method name, with each call's outcome as
 * plain data. Everything else (inputs, checks of the requests, answers fed through, figures) is here,
 * written once for both editions.
 */
import type { RecordedRequest, Responder } from "./recordedRequest.js"

/** How a check configures the client: credentials (as plain strings) and base URL; retries are always off. */
export interface ClientSetup {
  readonly apiKey?: string
  readonly oauthToken?: string
  readonly baseUrl?: string
}

/** The client's methods, as both editions name them. */
export type ClientMethod =
  | "getChats"
  | "streamChats"
  | "getChatHistory"
  | "streamChatHistory"
  | "createChat"
  | "sendMessageToChat"
  | "sendFileToChat"
  | "getChat"
  | "getChatMessage"

/** Whether a method gives a stream (which the driver collects into an array). */
export const isStreamMethod = (method: ClientMethod): boolean => method === "streamChats" || method === "streamChatHistory"

/** One call of the client: a method and its options object. */
export interface ClientCall {
  readonly method: ClientMethod
  readonly input: unknown
}

/** How a call ended: its value (a stream's elements as an array), or its typed error and the cause as text. */
export type CallOutcome =
  | { readonly _tag: "Success"; readonly value: unknown }
  | {
    readonly _tag: "Failure"
    /** The typed error; undefined when the call died or was interrupted. */
    readonly error: unknown
    /** The whole cause, pretty-printed. */
    readonly cause: string
  }

/** A client of an edition over a recording fake server. */
export interface OpenClient {
  /** Every request the fake server received, in order. */
  readonly requests: ReadonlyArray<RecordedRequest>
  /** Runs one call to its end. */
  readonly call: (call: ClientCall) => Promise<CallOutcome>
}

/** What an edition implements for the conformance checks. */
export interface Driver {
  /** The edition's name, for the figures ("Effect 3", "Effect 4"). */
  readonly edition: string
  /** Builds the edition's client with a setup over a recording fake server that answers with `respond`. */
  readonly open: (setup: ClientSetup, respond: Responder) => Promise<OpenClient>
  /** The instant a decoded date-time value means (epoch milliseconds); undefined when it is not the edition's date-time. */
  readonly dateTimeMillis: (decoded: unknown) => number | undefined
}

/** The `_tag` of a call's typed error; undefined on success or a defect. */
export const failureTag = (outcome: CallOutcome): string | undefined =>
  outcome._tag === "Failure" ? (outcome.error as { readonly _tag?: string } | undefined)?._tag : undefined

/** Builds a client, runs one call, and returns its outcome with the requests it sent. */
export const runCall = async (
  driver: Driver,
  setup: ClientSetup,
  respond: Responder,
  call: ClientCall
): Promise<{ readonly outcome: CallOutcome; readonly requests: ReadonlyArray<RecordedRequest> }> => {
  const client = await driver.open(setup, respond)
  const outcome = await client.call(call)
  return { outcome, requests: client.requests }
}
