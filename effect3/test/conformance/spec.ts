/**
 * The Effect 3 edition's driver of the conformance checks (not a test file). The checks themselves
 * (the official description, the generated inputs and answers, the checks of each recorded request,
 * the forbidden inputs) are written once, without Effect, in `core/testing/`; this module builds the
 * client over a recording fake `HttpClient` and hands over each call's outcome as plain data.
 *
 * Used by `test/conformance/*.test.ts` and by `scripts/conformance.ts`.
 */
import { HttpClient, HttpClientResponse } from "@effect/platform"
import { Cause, Chunk, DateTime, Effect, Exit, Option, Redacted, Stream } from "effect"
import {
  type CallOutcome,
  type ClientCall,
  type ClientSetup,
  type Driver,
  isStreamMethod
} from "../../../core/testing/conformanceDriver.js"
import { makeRecorder, type Responder } from "../../../core/testing/recordedRequest.js"
import * as ChatsClient from "../../src/ChatsClient.js"

/** A fake `HttpClient` that records every request (as `fetch` would send it) and answers from `respond`. */
const recordingClient = (respond: Responder) => {
  const recorder = makeRecorder(respond)
  const client = HttpClient.make((request, url) =>
    Effect.map(Effect.promise(() => recorder.exchange(request, url)), (web) => HttpClientResponse.fromWeb(request, web))
  )
  return { client, requests: recorder.requests }
}

/** The client's options for a setup, retries off. */
const clientOptions = (setup: ClientSetup): ChatsClient.Options => ({
  retrySchedule: false,
  ...(setup.apiKey === undefined ? {} : { apiKey: Redacted.make(setup.apiKey) }),
  ...(setup.oauthToken === undefined ? {} : { oauthToken: Redacted.make(setup.oauthToken) }),
  ...(setup.baseUrl === undefined ? {} : { baseUrl: setup.baseUrl })
})

/** A call of the client by method name; a stream is collected into an array. */
const invoke = (service: ChatsClient.Service, call: ClientCall): Effect.Effect<unknown, unknown> => {
  const method = service[call.method] as (input: unknown) => unknown
  return isStreamMethod(call.method)
    ? Effect.map(Stream.runCollect(method(call.input) as Stream.Stream<unknown, unknown>), Chunk.toReadonlyArray)
    : (method(call.input) as Effect.Effect<unknown, unknown>)
}

/** How a call ended, as plain data: its value, or its typed error and the pretty-printed cause. */
const outcomeOf = (exit: Exit.Exit<unknown, unknown>): CallOutcome =>
  Exit.isSuccess(exit)
    ? { _tag: "Success", value: exit.value }
    : { _tag: "Failure", error: Option.getOrUndefined(Cause.failureOption(exit.cause)), cause: Cause.pretty(exit.cause) }

/** The Effect 3 edition for the checks of `core/testing`. */
export const driver: Driver = {
  edition: "Effect 3",
  open: async (setup, respond) => {
    const { client, requests } = recordingClient(respond)
    const service = await Effect.runPromise(
      ChatsClient.make(clientOptions(setup)).pipe(Effect.provideService(HttpClient.HttpClient, client))
    )
    return { requests, call: (call) => Effect.runPromiseExit(invoke(service, call)).then(outcomeOf) }
  },
  dateTimeMillis: (decoded) => DateTime.isDateTime(decoded) ? decoded.epochMillis : undefined
}
