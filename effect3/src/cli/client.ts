/**
 * The global options of `ym-chats` (business, key, base URL) and the chats client they make.
 * The key is never an argument: it comes from the environment, or from a prompt that does not echo.
 *
 * @since 0.1.0
 */
import { type CliApp, Options, Prompt } from "@effect/cli"
import type { HttpClient } from "@effect/platform"
import { Config, Effect, Layer, Option, Redacted } from "effect"
import * as ChatsClient from "../ChatsClient.js"
import { CliIo } from "./io.js"
import { UsageError } from "./errors.js"

/** The environment variables the CLI reads. */
export const env = {
  /** The business (cabinet) id, when `--business` is not given. */
  businessId: "YANDEX_MARKET_BUSINESS_ID",
  /** The API key. */
  apiKey: "YANDEX_MARKET_API_KEY",
  /** An OAuth token, used when there is no API key. */
  oauthToken: "YANDEX_MARKET_OAUTH_TOKEN",
  /** The base URL, when `--base-url` is not given. */
  baseUrl: "YANDEX_MARKET_BASE_URL"
} as const

const businessOption = Options.integer("business").pipe(
  Options.withPseudoName("ID"),
  Options.withDescription(`The business (cabinet) id. Default: $${env.businessId}.`)
)

const apiKeyPromptOption = Options.boolean("api-key-prompt").pipe(
  Options.withDescription(
    `Read the API key from a prompt that does not echo it (or from the first line of stdin when stdin is not a terminal), instead of $${env.apiKey} or $${env.oauthToken}.`
  )
)

const baseUrlOption = Options.text("base-url").pipe(
  Options.withPseudoName("URL"),
  Options.withDescription(
    `Where the API lives (plain http only on loopback, e.g. the simulator). Default: $${env.baseUrl}, else the market's production API.`
  )
)

/**
 * The global options as the root command reads them (before the command's name), with the environment as fallback.
 *
 * @since 0.1.0
 * @category options
 */
export const rootOptions = {
  business: businessOption.pipe(Options.withFallbackConfig(Config.integer(env.businessId)), Options.optional),
  apiKeyPrompt: apiKeyPromptOption,
  baseUrl: baseUrlOption.pipe(Options.withFallbackConfig(Config.string(env.baseUrl)), Options.optional)
} as const

/**
 * The global options as each command reads them (after its name); they win over the root's.
 *
 * @since 0.1.0
 * @category options
 */
export const commandOptions = {
  business: Options.optional(businessOption),
  apiKeyPrompt: apiKeyPromptOption,
  baseUrl: Options.optional(baseUrlOption)
} as const

/**
 * The parsed global options.
 *
 * @since 0.1.0
 * @category models
 */
export interface GlobalOptions {
  /** The business id, if given. */
  readonly business: Option.Option<number>
  /** Whether to read the key from a prompt. */
  readonly apiKeyPrompt: boolean
  /** The base URL, if given. */
  readonly baseUrl: Option.Option<string>
}

/**
 * The global options given after the command's name, else before it (or in the environment).
 *
 * @since 0.1.0
 * @category options
 */
export const mergeGlobals = (root: GlobalOptions, command: GlobalOptions): GlobalOptions => ({
  business: Option.orElse(command.business, () => root.business),
  apiKeyPrompt: command.apiKeyPrompt || root.apiKeyPrompt,
  baseUrl: Option.orElse(command.baseUrl, () => root.baseUrl)
})

/**
 * A credential of the market: an API key, or an OAuth token.
 *
 * @since 0.1.0
 * @category models
 */
export type Credential = { readonly apiKey: Redacted.Redacted } | { readonly oauthToken: Redacted.Redacted }

/** A non-blank secret from the environment, trimmed. */
const secretFromEnv = (name: string): Effect.Effect<Option.Option<Redacted.Redacted>> =>
  Config.option(Config.string(name)).pipe(
    Effect.orElseSucceed(() => Option.none<string>()),
    Effect.map(Option.filterMap((value) => {
      const trimmed = value.trim()
      return trimmed === "" ? Option.none() : Option.some(Redacted.make(trimmed))
    }))
  )

/** Reads the key with a prompt that echoes nothing, or as the first line of stdin when stdin is not a terminal. */
const promptForKey: Effect.Effect<Redacted.Redacted, UsageError, CliApp.CliApp.Environment> = Effect.gen(function*() {
  const io = yield* CliIo
  if (!io.stdinIsTTY) {
    const line = yield* io.readLine
    const key = Option.getOrElse(line, () => "").trim()
    if (key === "") {
      return yield* new UsageError({ message: "--api-key-prompt: stdin is not a terminal and its first line holds no key" })
    }
    return Redacted.make(key)
  }
  const key = yield* Prompt.run(Prompt.hidden({
    message: "Yandex Market API key (not echoed)",
    validate: (value) => value.trim() === "" ? Effect.fail("the key must not be empty") : Effect.succeed(value)
  })).pipe(Effect.mapError(() => new UsageError({ message: "--api-key-prompt: no key entered" })))
  return Redacted.make(Redacted.value(key).trim())
})

/**
 * The credential: from the prompt when asked, else `YANDEX_MARKET_API_KEY`, else `YANDEX_MARKET_OAUTH_TOKEN`.
 *
 * @since 0.1.0
 * @category credentials
 */
export const credential = (apiKeyPrompt: boolean): Effect.Effect<Credential, UsageError, CliApp.CliApp.Environment> =>
  apiKeyPrompt
    ? Effect.map(promptForKey, (apiKey) => ({ apiKey }))
    : Effect.gen(function*() {
      const apiKey = yield* secretFromEnv(env.apiKey)
      if (Option.isSome(apiKey)) return { apiKey: apiKey.value }
      const oauthToken = yield* secretFromEnv(env.oauthToken)
      if (Option.isSome(oauthToken)) return { oauthToken: oauthToken.value }
      return yield* new UsageError({
        message: `no API key: set ${env.apiKey} (or ${env.oauthToken}), or pass --api-key-prompt`
      })
    })

/**
 * The business id from the global options, or a usage error that says how to give it.
 *
 * @since 0.1.0
 * @category options
 */
export const businessId = (globals: GlobalOptions): Effect.Effect<number, UsageError> =>
  Option.match(globals.business, {
    onNone: () => Effect.fail(new UsageError({ message: `no business: pass --business <id> or set ${env.businessId}` })),
    onSome: (id) =>
      Number.isSafeInteger(id) && id >= 1
        ? Effect.succeed(id)
        : Effect.fail(new UsageError({ message: `--business must be an integer of at least 1, got ${id}` }))
  })

/**
 * The chats client for the global options: reads the credential, checks the base URL.
 *
 * @since 0.1.0
 * @category layers
 */
export const clientLayer = (
  globals: GlobalOptions
): Layer.Layer<ChatsClient.ChatsClient, UsageError, HttpClient.HttpClient | CliApp.CliApp.Environment> =>
  Layer.unwrapEffect(Effect.map(credential(globals.apiKeyPrompt), (cred) =>
    ChatsClient.layer({ ...cred, baseUrl: Option.getOrUndefined(globals.baseUrl) }).pipe(
      Layer.mapError((error) =>
        new UsageError({
          // the library's way out (allowInsecureHttp) is deliberately not offered on the command line
          message: `--base-url: ${error.message.replace(/, or set allowInsecureHttp: true$/, "")}`
        })
      )
    )))
