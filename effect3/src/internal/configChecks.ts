/**
 * Checks of the options of a constructor, failing with Effect's `ConfigError` named by the option.
 */
import { ConfigError, Effect } from "effect"

/** Fails with `ConfigError.InvalidData` for the option `key`. */
export const invalid = (key: string, message: string) => Effect.fail(ConfigError.InvalidData([key], message))

/** The value when it is a positive safe integer; else a `ConfigError` naming `key`. */
export const positiveInt = (key: string, value: number): Effect.Effect<number, ConfigError.ConfigError> =>
  Number.isSafeInteger(value) && value > 0 ? Effect.succeed(value) : invalid(key, `${key} must be a positive integer`)
