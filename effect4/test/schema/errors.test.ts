/**
 * The typed errors: the same tags and fields as the Effect 3 edition, yieldable and caught by tag,
 * messages built from their own credential-free fields, and no path from any of them (own properties,
 * getters, prototypes, causes, string and JSON forms, inspection) to the Api-Key or the OAuth token,
 * even when the failure they describe mentioned one. Bad options are the library's own
 * `InvalidOptionsError`, an `Error`, not Effect 4's `ConfigError` (which is neither an `Error` nor has kinds).
 */
import { describe, expect, it } from "@effect/vitest"
import { Cause, Config, DateTime, Effect, Exit, Schema, SchemaIssue } from "effect"
import { inspect } from "node:util"
import { transportDescription } from "../../../core/client/redact.js"
import { pathsTo } from "../../../core/testing/reach.js"
import * as ChatsError from "../../src/ChatsError.js"
import { ApiError } from "../../src/ChatsSchema.js"

const apiKey = "sk-test-SECRET-4f1b9c"
const oauthToken = "y0_SECRET-oauth-7d2a"

const request = { operation: "getChat", method: "GET", path: "/v2/businesses/12345/chat" } as const
const rateLimit = new ChatsError.RateLimitInfo({ limit: 1000, remaining: 0, resetsAt: DateTime.makeUnsafe(Date.UTC(2018, 6, 10, 0, 42, 42)) })
const http = (status: number) => ({ ...request, status, errors: [new ApiError({ code: "SOME_CODE", message: `the market says ${status}` })], rateLimit })

/** A transport failure whose cause named both credentials (as a misbehaving proxy or library might). */
const transport = new ChatsError.TransportError({
  ...request,
  reason: "Transport",
  description: transportDescription(
    "connect failed",
    new Error(`ECONNREFUSED while sending Api-Key: ${apiKey} / Authorization: Bearer ${oauthToken}`),
    "Transport",
    [apiKey, oauthToken]
  )
})

/** One of each error, with the tag and the fields it must carry. */
const everyError = (): ReadonlyArray<readonly [ChatsError.ChatsStreamError | ChatsError.InvalidOptionsError, string, Record<string, unknown>]> => [
  [new ChatsError.BadRequestError(http(400)), "BadRequestError", http(400)],
  [new ChatsError.UnauthorizedError(http(401)), "UnauthorizedError", http(401)],
  [new ChatsError.ForbiddenError(http(403)), "ForbiddenError", http(403)],
  [new ChatsError.NotFoundError(http(404)), "NotFoundError", http(404)],
  [new ChatsError.RateLimitError({ ...http(420), kind: "quota" }), "RateLimitError", { ...http(420), kind: "quota" }],
  [new ChatsError.InternalServerError(http(500)), "InternalServerError", http(500)],
  [new ChatsError.UnexpectedStatusError(http(503)), "UnexpectedStatusError", http(503)],
  [
    new ChatsError.ResponseDecodeError({ ...request, status: 200, reason: "mismatch", description: "result.chatId: Expected number, got \"x\"" }),
    "ResponseDecodeError",
    { ...request, status: 200, reason: "mismatch" }
  ],
  [new ChatsError.InvalidRequestError({ operation: "getChat", description: "chatId: is missing" }), "InvalidRequestError", { operation: "getChat" }],
  [new ChatsError.PageTokenLoopError({ operation: "getChats", pageToken: "p2", pagesRead: 3 }), "PageTokenLoopError", { pageToken: "p2", pagesRead: 3 }],
  [new ChatsError.RequestTimeoutError({ ...request, timeoutMillis: 30_000 }), "RequestTimeoutError", { ...request, timeoutMillis: 30_000 }],
  [
    new ChatsError.DeliveryUnknownError({ ...request, operation: "sendMessageToChat", method: "POST", cause: transport }),
    "DeliveryUnknownError",
    { operation: "sendMessageToChat", cause: transport }
  ],
  [transport, "TransportError", { ...request, reason: "Transport" }],
  [new ChatsError.LimiterUnavailableError({ limiter: "quotaStore", description: "redis out of reach" }), "LimiterUnavailableError", { limiter: "quotaStore" }],
  [
    new ChatsError.InvalidOptionsError({ option: "apiKey", reason: "invalid", description: "the API key is empty" }),
    "InvalidOptionsError",
    { option: "apiKey", reason: "invalid" }
  ]
]

describe("tags and fields", () => {
  for (const [error, tag, fields] of everyError()) {
    it.effect(`${tag}: an Error with its tag and fields, yieldable and caught by its tag`, () =>
      Effect.gen(function*() {
        expect(error).toBeInstanceOf(Error)
        expect(error._tag).toBe(tag)
        expect(error.name).toBe(tag)
        expect(error).toMatchObject(fields)
        expect(String(error)).toBe(`${tag}: ${error.message}`)
        const exit = yield* Effect.exit(Effect.gen(function*() {
          return yield* error
        }))
        expect(Exit.isFailure(exit) && Cause.squash(exit.cause)).toBe(error)
        const caught = yield* Effect.fail(error).pipe(Effect.catchTag(tag as never, () => Effect.succeed("caught")))
        expect(caught).toBe("caught")
      }))
  }
})

describe("messages", () => {
  it("an HTTP error says what was asked, what came back and what the market said", () => {
    expect(new ChatsError.NotFoundError(http(404)).message).toBe(
      "getChat (GET /v2/businesses/12345/chat) failed with HTTP 404: SOME_CODE: the market says 404"
    )
    expect(new ChatsError.BadRequestError({ ...request, status: 400, errors: [] }).message).toBe(
      "getChat (GET /v2/businesses/12345/chat) failed with HTTP 400"
    )
    expect(new ChatsError.RateLimitError({ ...http(420), kind: "parallel" }).message).toContain("(parallel limit)")
  })

  it("the others", () => {
    const messages = Object.fromEntries(everyError().map(([error, tag]) => [tag, error.message]))
    expect(messages["InvalidRequestError"]).toBe("getChat: invalid request, nothing was sent: chatId: is missing")
    expect(messages["PageTokenLoopError"]).toBe(
      "getChats: the server handed back page token \"p2\" again after 3 pages; stopping to avoid a loop"
    )
    expect(messages["RequestTimeoutError"]).toBe("getChat (GET /v2/businesses/12345/chat) got no answer within 30000 ms")
    expect(messages["DeliveryUnknownError"]).toContain("the outcome is unknown, the message may have been delivered; not retried (")
    expect(messages["DeliveryUnknownError"]).toContain(transport.message)
    expect(messages["TransportError"]).toMatch(/^getChat \(GET \/v2\/businesses\/12345\/chat\) failed in transit: Transport: connect failed: Error: ECONNREFUSED/)
    expect(messages["LimiterUnavailableError"]).toBe("the quota store could not answer: redis out of reach")
    expect(messages["InvalidOptionsError"]).toBe("invalid option apiKey: the API key is empty")
  })

  it("the quota state of a 420 keeps the reset time as a DateTime.Utc", () => {
    const error = new ChatsError.RateLimitError({ ...http(420), kind: "quota" })
    expect(ChatsError.isRateLimitError(error)).toBe(true)
    expect(ChatsError.isRateLimitError(new ChatsError.NotFoundError(http(404)))).toBe(false)
    expect(DateTime.formatIso(error.rateLimit!.resetsAt!)).toBe("2018-07-10T00:42:42.000Z")
  })
})

describe("no credential in any error", () => {
  it("the walk finds a credential where there is one (a check of the check)", () => {
    const leaky = new ChatsError.InvalidRequestError({ operation: "getChat", description: `key ${apiKey}` })
    expect(pathsTo(leaky, apiKey)).toContain("error.description")
    expect(pathsTo(new ChatsError.DeliveryUnknownError({ ...request, cause: leaky }), apiKey).length).toBeGreaterThan(1)
  })

  it("the transport's description has both credentials replaced", () => {
    expect(transport.description).toContain("<redacted>")
    expect(transport.description).not.toContain(apiKey)
    expect(transport.description).not.toContain(oauthToken)
  })

  for (const [error, tag] of everyError()) {
    it(`${tag}: no path leads to a credential; message, String, JSON, toJSON, stack and inspection hold none`, () => {
      expect(pathsTo(error, apiKey)).toEqual([])
      expect(pathsTo(error, oauthToken)).toEqual([])
      const views = [error.message, String(error), JSON.stringify(error), JSON.stringify(error.toJSON()), error.stack ?? "", inspect(error, { depth: 10 })]
      for (const view of views) {
        expect(view).not.toContain(apiKey)
        expect(view).not.toContain(oauthToken)
      }
    })
  }

  it("an error holds its fields and nothing else: no request, response or cause object of the transport", () => {
    for (const [error] of everyError()) {
      const fields = Object.keys((error.constructor as unknown as { readonly fields: Record<string, unknown> }).fields)
      expect(Object.keys(error).filter((key) => !fields.includes(key) && key !== "_tag")).toEqual([])
    }
  })
})

describe("bad options are the library's InvalidOptionsError, not ConfigError", () => {
  it("an Error with a tag, the option's name and a reason, where Effect 4's ConfigError is neither an Error nor has kinds", () => {
    const error = new ChatsError.InvalidOptionsError({ option: "apiKey", reason: "missing", description: "no credentials: give an API key (apiKey) or an OAuth token (oauthToken)" })
    expect(error).toBeInstanceOf(Error)
    expect(error).not.toBeInstanceOf(Config.ConfigError)
    expect(error).toMatchObject({ _tag: "InvalidOptionsError", option: "apiKey", reason: "missing" })
    expect(error.message).toContain("no credentials")
    // what Effect 4 offers instead would not do: not an Error, and no InvalidData/MissingData to tell bad from missing
    const configError = new Config.ConfigError(new Schema.SchemaError(new SchemaIssue.MissingKey(undefined)))
    expect(configError).not.toBeInstanceOf(Error)
    expect("InvalidData" in Config).toBe(false)
  })

  it("refuses a reason other than missing or invalid", () => {
    expect(() => new ChatsError.InvalidOptionsError({ option: "x", reason: "other" as "invalid", description: "" })).toThrow()
  })
})

describe("errors as Schemas", () => {
  it("an HTTP error goes to JSON and back with its fields (a DateTime.Utc as an ISO string)", () => {
    const error = new ChatsError.RateLimitError({ ...http(420), kind: "quota" })
    const codec = Schema.toCodecJson(ChatsError.RateLimitError)
    const json = Schema.encodeSync(codec)(error)
    expect(JSON.parse(JSON.stringify(json))).toMatchObject({ _tag: "RateLimitError", status: 420, rateLimit: { resetsAt: "2018-07-10T00:42:42.000Z" } })
    const back = Schema.decodeUnknownSync(codec)(JSON.parse(JSON.stringify(json)))
    expect(back).toBeInstanceOf(ChatsError.RateLimitError)
    expect(back.message).toBe(error.message)
  })

  it("the constructor checks the fields: an unknown operation or kind is refused", () => {
    expect(() => new ChatsError.NotFoundError({ ...http(404), operation: "deleteChat" as "getChat" })).toThrow()
    expect(() => new ChatsError.RateLimitError({ ...http(420), kind: "hourly" as "quota" })).toThrow()
    expect(ChatsError.operations).toEqual(["getChats", "getChatHistory", "createChat", "sendMessageToChat", "sendFileToChat", "getChat", "getChatMessage"])
  })
})
