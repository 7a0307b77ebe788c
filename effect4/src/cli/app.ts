/**
 * `ym-chats` as an effect: runs the command of the arguments that `Stdio` holds, prints every failure
 * as one line on stderr, and answers the exit code (0 done, 1 failed, 2 usage error, 130 interrupted).
 * Help and the version go to stdout, in colour only when stdout is a terminal (and `NO_COLOR` is unset).
 *
 * @since 1.0.0
 */
import { Cause, Console, DateTime, Effect, Layer, Logger, Predicate } from "effect"
import { CliConfig, CliError, CliOutput, Command, GlobalFlag, TerminalCapabilities } from "effect/cli"
import type { HttpClient } from "effect/http"
import { ExitCode, failureLine, hintFor, name, oneLine } from "../../../core/cli/failure.js"
import { command } from "./commands.js"

export {
  /** Exit codes: done, the command failed, a usage error, interrupted. @since 1.0.0 */
  ExitCode,
  /** The name the command goes by, in help and at the start of every error line. @since 1.0.0 */
  name
} from "../../../core/cli/failure.js"

/** When a spent quota resets, from a `RateLimitError`'s `rateLimit.resetsAt`, in ISO 8601. */
const resetsAtOf = (error: object): string | undefined => {
  const rateLimit = Predicate.hasProperty(error, "rateLimit") ? error.rateLimit : undefined
  return Predicate.hasProperty(rateLimit, "resetsAt") && DateTime.isDateTime(rateLimit.resetsAt)
    ? DateTime.formatIso(rateLimit.resetsAt)
    : undefined
}

/**
 * The line printed for a failure, and its exit code. A command line that `effect/cli` refused has
 * been printed already (by the presenter), so it has no line here.
 *
 * @since 1.0.0
 * @category errors
 */
export const describeFailure = (error: unknown): { readonly line: string | undefined; readonly code: number } => {
  if (CliError.isCliError(error)) {
    // `--help` is not a failure; a help shown for a command line with errors is a usage error
    const errors = error._tag === "ShowHelp" ? error.errors : [error]
    return { line: undefined, code: errors.length === 0 ? ExitCode.ok : ExitCode.usage }
  }
  const message = Predicate.hasProperty(error, "message") && typeof error.message === "string" ? error.message : String(error)
  const tag = Predicate.hasProperty(error, "_tag") && typeof error._tag === "string" ? error._tag : undefined
  if (tag === "UsageError") return { line: failureLine(message), code: ExitCode.usage }
  const hint = tag === undefined || !Predicate.isObject(error) ? "" : hintFor(tag, resetsAtOf(error))
  return { line: failureLine(message, hint), code: ExitCode.failure }
}

/**
 * How `effect/cli`'s output is shown: help and the version on stdout (help in colour only when the
 * terminal capabilities allow it), and the errors of a refused command line on stderr, one line each
 * with where to find the usage (not the whole help, which would land in the data on stdout).
 *
 * @since 1.0.0
 * @category output
 */
export const presenter: CliOutput.Presenter = {
  present: (event) =>
    Effect.gen(function*() {
      switch (event._tag) {
        case "Help": {
          const { canColor } = yield* TerminalCapabilities.TerminalCapabilities
          return yield* Console.log(CliOutput.defaultFormatter({ colors: canColor }).formatHelpDoc(event.helpDoc))
        }
        case "Version":
          return yield* Console.log(event.version)
        case "InvalidInvocation": {
          const usage = `see ${[...event.commandPath, "--help"].join(" ")}`
          for (const error of event.errors) yield* Console.error(`${name}: ${oneLine(error.message)} (${usage})`)
        }
      }
    })
}

/** The flags every command takes besides its own: `--help`/`-h`, `--version`/`-v`, `--completions`, `--log-level`. */
const builtIns = [GlobalFlag.Help, GlobalFlag.Version, GlobalFlag.Completions, GlobalFlag.LogLevel] as const

/** The CLI's output: the presenter, the built-in flags, colours from `Stdio` and the environment, logs on stderr. */
const outputLayer = Layer.mergeAll(
  CliOutput.layerPresenter(presenter),
  CliConfig.layer({ builtIns }),
  TerminalCapabilities.layer,
  // logs (`--log-level debug`: retries, quota waits) go to stderr, away from the data on stdout
  Logger.layer([Logger.withConsoleError(Logger.formatLogFmt)])
)

/**
 * Runs `ym-chats` with the arguments of `Stdio`: prints the output, prints any failure as one line on
 * stderr, and answers the exit code. An interruption (SIGINT) is not caught here: the runtime ends the
 * process with 130.
 *
 * @since 1.0.0
 * @category running
 */
export const run = (
  options: { readonly version: string }
): Effect.Effect<number, never, Command.Environment | HttpClient.HttpClient> =>
  Command.run(command, { version: options.version }).pipe(
    Effect.as(ExitCode.ok as number),
    Effect.provide(outputLayer),
    Effect.catchCause((cause) => {
      if (Cause.hasInterruptsOnly(cause)) return Effect.succeed(ExitCode.interrupted)
      const error = Cause.findErrorOption(cause)
      const { code, line } = error._tag === "Some"
        ? describeFailure(error.value)
        : { code: ExitCode.failure, line: failureLine(`unexpected error: ${describeDefect(cause)}`) }
      return Effect.as(line === undefined ? Effect.void : Console.error(line), code)
    })
  )

/** The message of a defect, without its stack. */
const describeDefect = (cause: Cause.Cause<unknown>): string => {
  const defect = Cause.squash(cause)
  return defect instanceof Error ? `${defect.name}: ${defect.message}` : String(defect)
}
