/**
 * The shared notification tables (core/cases/notifications.ts), run against the Effect 4 edition's
 * standalone receiver: allowed and refused bodies, scenarios of answers and deliveries, `complete`,
 * and the options refused. The Effect 3 edition runs the same tables (effect3/test/cases).
 */
import { describe, expect, it } from "@effect/vitest"
import { DateTime, type Duration, Effect, Layer, Option, Redacted, Result, Stream } from "effect"
import * as Cases from "../../../core/cases/notifications.js"
import * as ChatsNotifications from "../../src/ChatsNotifications.js"
import { fail, fakeClient, ok } from "../client/fakeHttp.js"
import { chatJson, messageJson } from "../../../core/cases/answers.js"
import { post, withReceiver } from "../notifications/helpers.js"

/** The receiver's options of a scenario. */
const optionsOf = ({ duplicateWindowMillis, queue: _, secret, ...rest }: Cases.ScenarioOptions): ChatsNotifications.ServerOptions => ({
  ...rest,
  ...(secret === undefined ? {} : { secret: Redacted.make(secret) }),
  ...(duplicateWindowMillis === undefined ? {} : { duplicateWindow: duplicateWindowMillis })
})

/** A queue whose store is out of reach: every call fails as a durable queue's do. */
const unavailableQueue = Layer.succeed(ChatsNotifications.ChatsEventQueue, {
  offer: () => Effect.fail(new ChatsNotifications.NotificationQueueUnavailableError({ description: "the store is out of reach" })),
  deliveries: Stream.never,
  pending: Effect.fail(new ChatsNotifications.NotificationQueueUnavailableError({ description: "the store is out of reach" }))
})

/** Runs a test against a standalone receiver built from a scenario's options. */
const withScenario = <A, E>(
  options: Cases.ScenarioOptions,
  test: (server: ChatsNotifications.ServerInfo, receiver: ChatsNotifications.Receiver) => Effect.Effect<A, E>
) =>
  withReceiver(
    optionsOf(options),
    ({ receiver, server }) => test(server, receiver),
    options.queue === "unavailable" ? unavailableQueue : undefined
  )

/** Takes the next `n` events of the stream. */
const take = (receiver: ChatsNotifications.Receiver, n: number) => Stream.runCollect(Stream.take(receiver.events, n))

/** A field of an event as the tables write it: a date as its UTC ISO string. */
const plain = (value: unknown) => DateTime.isDateTime(value) ? DateTime.formatIso(value) : value

/** A body as the receiver reads it, decoded. */
const decoded = (body: Cases.WireBody) =>
  Result.getOrThrow(ChatsNotifications.decodeNotification(JSON.parse(Cases.wireText(body))))

const success = { name: ChatsNotifications.defaultName, version: ChatsNotifications.defaultVersion }

describe("shared cases: bodies the description allows", () => {
  for (const { name, body, event } of Cases.allowedCases) {
    it.effect(`${name}: 200, ${event === undefined ? "not queued" : `delivered as ${event.tag}`}`, () =>
      withScenario({}, (server, receiver) =>
        Effect.gen(function*() {
          const reply = yield* post(Redacted.value(server.endpoint), body)
          expect(Cases.shapeOf(reply, success)).toEqual({ status: 200, body: "success" })
          if (event === undefined) return expect(yield* receiver.pending).toBe(0)
          const [got] = yield* take(receiver, 1)
          if (got === undefined) throw new Error("no event")
          expect(got._tag).toBe(event.tag)
          const fields = got as unknown as Record<string, unknown>
          expect(Object.fromEntries(Object.keys(event.fields).map((key) => [key, plain(fields[key])]))).toEqual(event.fields)
          if (event.messageIdNumber !== undefined && got._tag === "ChatMessageSent") {
            expect(Option.getOrNull(got.messageIdNumber)).toBe(event.messageIdNumber)
          }
          if (event.duplicateKey !== undefined) expect(ChatsNotifications.duplicateKey(got)).toBe(event.duplicateKey)
        })))
  }
})

describe("shared cases: bodies refused with 400 WRONG_EVENT_FORMAT", () => {
  it.effect("each is refused, names its field, and nothing is queued", () =>
    withScenario({}, (server, receiver) =>
      Effect.gen(function*() {
        for (const { name, body, field } of Cases.refusedCases) {
          const reply = yield* post(Redacted.value(server.endpoint), body)
          expect(Cases.shapeOf(reply, success), name).toEqual({ status: 400, errorType: "WRONG_EVENT_FORMAT" })
          expect(reply.headers.get("content-type"), name).toContain("application/json")
          if (field !== undefined) expect(reply.json.error.message, name).toMatch(new RegExp(`(^|; )${field}: `))
        }
        expect(yield* receiver.pending).toBe(0)
      })))

  it.effect("the message names every offending field", () =>
    withScenario({}, (server) =>
      Effect.gen(function*() {
        const reply = yield* post(Redacted.value(server.endpoint), Cases.manyOffences.body)
        const named = (reply.json.error.message as string).split("; ").map((line) => line.split(":")[0])
        expect(named).toEqual(Cases.manyOffences.fields)
      })))
})

describe("shared cases: scenarios", () => {
  for (const scenario of Cases.scenarios) {
    it.effect(scenario.name, () =>
      withScenario(scenario.options, (server, receiver) =>
        Effect.gen(function*() {
          const names = {
            name: scenario.options.name ?? ChatsNotifications.defaultName,
            version: scenario.options.version ?? ChatsNotifications.defaultVersion
          }
          for (const [index, step] of scenario.steps.entries()) {
            if ("take" in step) {
              expect((yield* take(receiver, step.take.length)).map(Cases.labelOf), `step ${index}`).toEqual(step.take)
              continue
            }
            const url = step.path === undefined
              ? Redacted.value(server.endpoint)
              : `${server.url}${step.path.replace(Cases.secretToken, scenario.options.secret ?? "")}`
            const reply = yield* post(url, step.send, { method: step.method ?? "POST", headers: step.headers ?? {} })
            expect(Cases.shapeOf(reply, names), `step ${index}`).toEqual(step.expect)
          }
          if (scenario.pending !== undefined) expect(yield* receiver.pending).toBe(scenario.pending)
          if (scenario.delivered !== undefined) {
            expect((yield* take(receiver, scenario.delivered.length)).map(Cases.labelOf)).toEqual(scenario.delivered)
            expect(yield* receiver.pending).toBe(0)
          }
        })))
  }
})

describe("shared cases: complete", () => {
  for (const { name, body, outcome } of Cases.completeCases) {
    it.effect(name, () => {
      const api = fakeClient((request) =>
        request.url.pathname.endsWith("/chat")
          ? ok(chatJson(Number(request.url.searchParams.get("chatId"))))
          : request.url.pathname.endsWith("/chats/message")
          ? ok(messageJson(Number(request.url.searchParams.get("messageId"))))
          : fail(404, "NOT_FOUND")
      )
      return Effect.gen(function*() {
        const event = decoded(body)
        if (event._tag === "Ping") throw new Error("a ping is not an event")
        const result = yield* Effect.result(ChatsNotifications.complete(event))
        const requests = api.requests.map((r) => `${r.method} ${r.url.pathname}${r.url.search}`)
        if (outcome === "unchanged") {
          expect(result).toEqual(Result.succeed(event))
          expect(requests).toEqual([])
        } else if ("unusable" in outcome) {
          if (Result.isSuccess(result)) throw new Error("completed")
          expect(result.failure._tag).toBe("UnusableIdError")
          if (result.failure._tag !== "UnusableIdError") return
          expect({ field: result.failure.field, id: result.failure.id }).toEqual(outcome.unusable)
          expect(result.failure.event).toBe(event)
          expect(requests).toEqual([])
        } else {
          expect(Result.isSuccess(result)).toBe(true)
          expect(requests).toEqual([outcome.request])
        }
      }).pipe(Effect.provide(api.layer))
    })
  }
})

describe("shared cases: options refused", () => {
  for (const { name, options, option } of Cases.badOptionCases) {
    it.effect(`${name}: InvalidOptionsError for ${option}`, () =>
      Effect.gen(function*() {
        const { duplicateWindow, path, requestTimeout, secret, ...rest } = options
        const error = yield* Effect.flip(Layer.build(ChatsNotifications.layerServer({
          ...rest,
          ...(secret === undefined ? {} : { secret: Redacted.make(secret) }),
          ...(path === undefined ? {} : { path: path as `/${string}` }),
          ...(requestTimeout === undefined ? {} : { requestTimeout: requestTimeout as Duration.Input }),
          ...(duplicateWindow === undefined ? {} : { duplicateWindow: duplicateWindow as Duration.Input })
        })))
        expect(error._tag).toBe("InvalidOptionsError")
        if (error._tag !== "InvalidOptionsError") return
        expect(error.option).toBe(option)
        expect(error.reason).toBe("invalid")
        if (secret !== undefined && secret !== "") expect(JSON.stringify(error) + String(error)).not.toContain(secret)
      }))
  }
})
