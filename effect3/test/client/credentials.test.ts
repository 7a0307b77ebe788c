/**
 * A client is never built without a credential: no variable, or an empty one, is a `ConfigError`
 * when the layer is built, before any request.
 */
import { describe, expect, it } from "@effect/vitest"
import { ConfigError, ConfigProvider, Effect, Either, Layer, Redacted } from "effect"
import { ChatsClient } from "../../src/index.js"
import { makeFake, ok } from "./fakeHttp.js"

/** Builds `layerConfig()` with these variables; gives the ConfigError or the requests' auth headers. */
const build = (env: Record<string, string>) => {
  const fake = makeFake(() => ok({ chatId: 1 }))
  return Effect.gen(function*() {
    const built = yield* Layer.build(ChatsClient.layerConfig()).pipe(Effect.either)
    if (Either.isLeft(built)) return Either.left(built.left)
    yield* ChatsClient.ChatsClient.pipe(
      Effect.flatMap((client) => client.createChat({ businessId: 1, context: { type: "ORDER", id: 1 } })),
      Effect.provide(Layer.succeedContext(built.right))
    )
    return Either.right(fake.requests.map((r) => ({ apiKey: r.headers["api-key"], authorization: r.headers["authorization"] })))
  }).pipe(
    Effect.scoped,
    Effect.provide(Layer.merge(fake.layer, Layer.setConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))))
  )
}

describe("credentials", () => {
  it.effect("no variable set: a ConfigError naming both, and no request", () =>
    Effect.gen(function*() {
      const result = yield* build({})
      expect(Either.isLeft(result)).toBe(true)
      if (Either.isLeft(result)) {
        expect(ConfigError.isConfigError(result.left)).toBe(true)
        expect(String(result.left)).toContain("no credentials: set YANDEX_MARKET_API_KEY (or YANDEX_MARKET_OAUTH_TOKEN)")
      }
    }))

  it.effect("an empty or blank API key is a ConfigError, even with an OAuth token set", () =>
    Effect.gen(function*() {
      for (const apiKey of ["", "   "]) {
        const result = yield* build({ YANDEX_MARKET_API_KEY: apiKey, YANDEX_MARKET_OAUTH_TOKEN: "oauth-token" })
        expect(Either.isLeft(result)).toBe(true)
        if (Either.isLeft(result)) expect(String(result.left)).toContain("the API key is empty")
      }
    }))

  it.effect("an empty OAuth token alone is a ConfigError", () =>
    Effect.gen(function*() {
      const result = yield* build({ YANDEX_MARKET_OAUTH_TOKEN: "" })
      expect(Either.isLeft(result)).toBe(true)
      if (Either.isLeft(result)) expect(String(result.left)).toContain("the OAuth token is empty")
    }))

  it.effect("the API key wins over the OAuth token; the OAuth token alone is sent as a bearer token", () =>
    Effect.gen(function*() {
      expect(yield* build({ YANDEX_MARKET_API_KEY: "k1", YANDEX_MARKET_OAUTH_TOKEN: "t1" })).toEqual(
        Either.right([{ apiKey: "k1", authorization: undefined }])
      )
      expect(yield* build({ YANDEX_MARKET_OAUTH_TOKEN: "t1" })).toEqual(
        Either.right([{ apiKey: undefined, authorization: "Bearer t1" }])
      )
    }))

  it.effect("make without a credential fails the same way", () =>
    Effect.gen(function*() {
      const fake = makeFake(() => ok())
      const none = yield* ChatsClient.make({}).pipe(Effect.provide(fake.layer), Effect.either)
      expect(Either.isLeft(none) && ConfigError.isConfigError(none.left)).toBe(true)
      const empty = yield* ChatsClient.make({ apiKey: Redacted.make("") }).pipe(Effect.provide(fake.layer), Effect.either)
      expect(Either.isLeft(empty) && ConfigError.isConfigError(empty.left)).toBe(true)
      expect(fake.requests).toHaveLength(0)
    }))
})
