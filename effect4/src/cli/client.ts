/**
 * The global flags of `ym-chats` (business, base URL, key prompt) and the chats client they make.
 * The key is never an argument: it comes from the environment, or from a prompt that does not echo it.
 *
 * @since 1.0.0
 */
import { Config, Effect, Layer, Option, Redacted, type Stdio, Terminal } from "effect"
import { type Command, Flag, Prompt } from "effect/cli"
import type { HttpClient } from "effect/http"
import { env, usage } from "../../../core/cli/messages.js"
import * as ChatsClient from "../ChatsClient.js"
import { UsageError } from "./errors.js"
import * as Io from "./io.js"

/**
 * The global flags, shared by every command (`Command.withSharedFlags`): given before or after the
 * command's name, with the environment as fallback.
 *
 * @since 1.0.0
 * @category flags
 */
export const globalFlags = {
  business: Flag.Int("business").pipe(
    Flag.withMetavar("ID"),
    Flag.withDescription(`The business (cabinet) id. Default: $${env.businessId}.`),
    Flag.withFallbackConfig(Config.Int(env.businessId)),
    Flag.optional
  ),
  apiKeyPrompt: Flag.Boolean("api-key-prompt").pipe(
    Flag.withDescription(
      `Read the API key from a prompt that does not echo it (or from the first line of stdin when stdin is not a terminal), instead of $${env.apiKey} or $${env.oauthToken}.`
    ),
    Flag.withDefault(false)
  ),
  baseUrl: Flag.String("base-url").pipe(
    Flag.withMetavar("URL"),
    Flag.withDescription(
      `Where the API lives (plain http only on loopback, e.g. the simulator). Default: $${env.baseUrl}, else the market's production API.`
    ),
    Flag.withFallbackConfig(Config.String(env.baseUrl)),
    Flag.optional
  )
} as const

/**
 * The parsed global flags.
 *
 * @since 1.0.0
 * @category models
 */
export type GlobalFlags = Command.Command.Config.Infer<typeof globalFlags>

/**
 * A credential of the market: an API key, or an OAuth token.
 *
 * @since 1.0.0
 * @category models
 */
export type Credential = { readonly apiKey: Redacted.Redacted } | { readonly oauthToken: Redacted.Redacted }

/** What reading the key needs: stdin, and a terminal for the prompt. */
export type KeyEnvironment = Stdio.Stdio | Prompt.Environment

/** A non-blank secret from the environment, trimmed. */
const secretFromEnv = (name: string): Effect.Effect<Option.Option<Redacted.Redacted>> =>
  Config.option(Config.String(name)).pipe(
    Effect.orElseSucceed(() => Option.none<string>()),
    Effect.map(Option.flatMap((value) => {
      const trimmed = value.trim()
      return trimmed === "" ? Option.none() : Option.some(Redacted.make(trimmed))
    }))
  )

/** The prompt at a terminal: nothing drawn for what is typed, and an empty key refused. */
const keyPrompt = Prompt.Hidden({
  message: "Yandex Market API key (not echoed)",
  validate: (value) => value.trim() === "" ? Effect.fail("the key must not be empty") : Effect.succeed(value)
})

/** Reads the key with the prompt when stdin is a terminal, else as the first line of stdin. */
const promptForKey: Effect.Effect<Redacted.Redacted, UsageError, KeyEnvironment> = Effect.gen(function*() {
  if (!(yield* Io.stdinIsTerminal)) {
    const key = Option.getOrElse(yield* Io.firstLineOfStdin, () => "").trim()
    if (key === "") return yield* new UsageError({ message: usage.noKeyOnStdin })
    return Redacted.make(key)
  }
  const key = yield* Prompt.run(keyPrompt).pipe(
    // a prompt left with Escape or Ctrl+C stays on its line: end the line before the error is printed
    Effect.tapError(() => Effect.ignore(Terminal.Terminal.use((terminal) => terminal.display("\n")))),
    Effect.mapError(() => new UsageError({ message: usage.noKeyEntered }))
  )
  return Redacted.make(Redacted.value(key).trim())
})

/**
 * The credential: from the prompt when asked, else `YANDEX_MARKET_API_KEY`, else `YANDEX_MARKET_OAUTH_TOKEN`.
 *
 * @since 1.0.0
 * @category credentials
 */
export const credential = (apiKeyPrompt: boolean): Effect.Effect<Credential, UsageError, KeyEnvironment> =>
  apiKeyPrompt
    ? Effect.map(promptForKey, (apiKey) => ({ apiKey }))
    : Effect.gen(function*() {
      const apiKey = yield* secretFromEnv(env.apiKey)
      if (Option.isSome(apiKey)) return { apiKey: apiKey.value }
      const oauthToken = yield* secretFromEnv(env.oauthToken)
      if (Option.isSome(oauthToken)) return { oauthToken: oauthToken.value }
      return yield* new UsageError({ message: usage.noKey })
    })

/**
 * The business id from the global flags, or a usage error that says how to give it.
 *
 * @since 1.0.0
 * @category flags
 */
export const businessId = (globals: GlobalFlags): Effect.Effect<number, UsageError> =>
  Option.match(globals.business, {
    onNone: () => Effect.fail(new UsageError({ message: usage.noBusiness })),
    onSome: (id) =>
      Number.isSafeInteger(id) && id >= 1
        ? Effect.succeed(id)
        : Effect.fail(new UsageError({ message: usage.badBusiness(id) }))
  })

/**
 * The chats client for the global flags: reads the credential, checks the base URL.
 *
 * @since 1.0.0
 * @category layers
 */
export const clientLayer = (
  globals: GlobalFlags
): Layer.Layer<ChatsClient.ChatsClient, UsageError, HttpClient.HttpClient | KeyEnvironment> =>
  Layer.effect(
    ChatsClient.ChatsClient,
    Effect.flatMap(credential(globals.apiKeyPrompt), (cred) =>
      ChatsClient.make({ ...cred, baseUrl: Option.getOrUndefined(globals.baseUrl) }).pipe(
        Effect.mapError((error) =>
          new UsageError({ message: error.option === "baseUrl" ? usage.badBaseUrl(error.description) : error.message })
        )
      ))
  )
