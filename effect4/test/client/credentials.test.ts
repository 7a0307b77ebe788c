/**
 * A client is never built without a credential: no variable, or an empty one, is the library's own
 * `InvalidOptionsError` (not Effect's `ConfigError`, which in Effect 4 is not an `Error` and has no
 * kinds) when the layer is built, before any request.
 */
import { describe, expect, it } from "@effect/vitest"
import { Config, ConfigProvider, Context, Effect, Layer, Redacted, Result } from "effect"
import { ChatsClient, ChatsError } from "../../src/index.js"
import { makeFake, ok } from "./fakeHttp.js"

/** Builds `layerConfig(options)` with these variables; gives the error or the requests' auth headers. */
const build = (
  env: Record<string, string>,
  options?: ChatsClient.ConfigOptions,
  provider: ConfigProvider.ConfigProvider = ConfigProvider.fromUnknown(env)
) => {
  const fake = makeFake(() => ok({ chatId: 1 }))
  return Effect.gen(function*() {
    const built = yield* Layer.build(ChatsClient.layerConfig(options)).pipe(Effect.result)
    if (Result.isFailure(built)) return Result.fail(built.failure)
    const client = Context.get(built.success, ChatsClient.ChatsClient)
    yield* client.createChat({ businessId: 1, context: { type: "ORDER", id: 1 } })
    return Result.succeed(fake.requests.map((r) => ({ apiKey: r.headers["api-key"], authorization: r.headers["authorization"] })))
  }).pipe(
    Effect.scoped,
    Effect.provide(Layer.merge(fake.layer, ConfigProvider.layer(provider)))
  )
}

/** The failure of a build, checked to be an `InvalidOptionsError`. */
const invalidOptions = (result: Result.Result<unknown, ChatsError.InvalidOptionsError>) => {
  if (Result.isSuccess(result)) throw new Error("expected the build to fail")
  expect(result.failure).toBeInstanceOf(ChatsError.InvalidOptionsError)
  expect(result.failure).toBeInstanceOf(Error)
  return result.failure
}

describe("credentials", () => {
  it.effect("no variable set: an InvalidOptionsError naming both, of reason missing, and no request", () =>
    Effect.gen(function*() {
      const error = invalidOptions(yield* build({}))
      expect(error.reason).toBe("missing")
      expect(error.option).toBe("YANDEX_MARKET_API_KEY")
      expect(error.message).toContain("no credentials: set YANDEX_MARKET_API_KEY (or YANDEX_MARKET_OAUTH_TOKEN)")
    }))

  it.effect("a blank API key is an InvalidOptionsError, even with an OAuth token set", () =>
    Effect.gen(function*() {
      const error = invalidOptions(yield* build({ YANDEX_MARKET_API_KEY: "   ", YANDEX_MARKET_OAUTH_TOKEN: "oauth-token" }))
      expect(error).toMatchObject({ option: "apiKey", reason: "invalid" })
      expect(error.message).toContain("the API key is empty")
    }))

  it.effect("an empty variable counts as not set (Effect 4's ConfigProvider); kept, it is an InvalidOptionsError", () =>
    Effect.gen(function*() {
      const env = { YANDEX_MARKET_API_KEY: "", YANDEX_MARKET_OAUTH_TOKEN: "oauth-token" }
      expect(yield* build(env)).toEqual(Result.succeed([{ apiKey: undefined, authorization: "Bearer oauth-token" }]))
      const kept = invalidOptions(yield* build(env, undefined, ConfigProvider.fromUnknown(env, { preserveEmptyStrings: true })))
      expect(kept).toMatchObject({ option: "apiKey", reason: "invalid" })
      expect(invalidOptions(yield* build({ YANDEX_MARKET_OAUTH_TOKEN: "" })).reason).toBe("missing")
    }))

  it.effect("a blank OAuth token alone is an InvalidOptionsError", () =>
    Effect.gen(function*() {
      const error = invalidOptions(yield* build({ YANDEX_MARKET_OAUTH_TOKEN: " " }))
      expect(error.option).toBe("oauthToken")
      expect(error.message).toContain("the OAuth token is empty")
    }))

  it.effect("custom Configs that have no value: an InvalidOptionsError, not a ConfigError", () =>
    Effect.gen(function*() {
      const error = invalidOptions(
        yield* build({ YANDEX_MARKET_API_KEY: "ignored" }, { apiKey: Config.Redacted("MY_KEY"), oauthToken: Config.Redacted("MY_TOKEN") })
      )
      expect(error).toMatchObject({ option: "apiKey", reason: "missing" })
      expect(error.message).toContain("neither the apiKey nor the oauthToken Config has a value")
    }))

  it.effect("the API key wins over the OAuth token; the OAuth token alone is sent as a bearer token", () =>
    Effect.gen(function*() {
      expect(yield* build({ YANDEX_MARKET_API_KEY: "k1", YANDEX_MARKET_OAUTH_TOKEN: "t1" })).toEqual(
        Result.succeed([{ apiKey: "k1", authorization: undefined }])
      )
      expect(yield* build({ YANDEX_MARKET_OAUTH_TOKEN: "t1" })).toEqual(
        Result.succeed([{ apiKey: undefined, authorization: "Bearer t1" }])
      )
    }))

  it.effect("make without a credential fails the same way, and no message holds a credential", () =>
    Effect.gen(function*() {
      const fake = makeFake(() => ok())
      const none = yield* ChatsClient.make({}).pipe(Effect.provide(fake.layer), Effect.result)
      expect(invalidOptions(none)).toMatchObject({ option: "apiKey", reason: "missing" })
      const empty = yield* ChatsClient.make({ apiKey: Redacted.make(" ") }).pipe(Effect.provide(fake.layer), Effect.result)
      expect(invalidOptions(empty)).toMatchObject({ option: "apiKey", reason: "invalid" })
      expect(fake.requests).toHaveLength(0)
    }))

  it.effect("a duration option that is not one is an InvalidOptionsError naming it", () =>
    Effect.gen(function*() {
      const fake = makeFake(() => ok())
      const apiKey = Redacted.make("k")
      const bad = [
        [{ requestTimeout: "soon" as never }, "requestTimeout"],
        [{ requestTimeout: 0 }, "requestTimeout"],
        [{ quotaWaitBudget: -5 }, "quotaWaitBudget"]
      ] as const
      for (const [options, option] of bad) {
        const result = yield* ChatsClient.make({ apiKey, ...options }).pipe(Effect.provide(fake.layer), Effect.result)
        expect(invalidOptions(result)).toMatchObject({ option, reason: "invalid" })
      }
    }))
})
