/**
 * `ym-chats` as a function of its arguments: runs the command, prints every failure as one line on
 * stderr, and answers the exit code (0 done, 1 failed, 2 usage error, 130 interrupted).
 *
 * @since 0.1.0
 */
import { type CliApp, Command, ValidationError } from "@effect/cli"
import type { HttpClient } from "@effect/platform"
import { Cause, Console, DateTime, Effect, Logger, Option, Predicate } from "effect"
import { command } from "./commands.js"

/**
 * The name the CLI goes by, in help and in error lines.
 *
 * @since 0.1.0
 * @category constants
 */
export const name = "ym-chats"

/**
 * Exit codes: success, a failed command, a usage error, an interruption.
 *
 * @since 0.1.0
 * @category constants
 */
export const ExitCode = { ok: 0, failure: 1, usage: 2, interrupted: 130 } as const

/** A message on one line. */
const oneLine = (text: string): string => text.replace(/\s*[\r\n]+\s*/g, " ").trim()

/** What follows the message of some errors of the client: a hint, or the transport's own reason. */
const detail = (tag: string, error: object): string => {
  switch (tag) {
    case "UnauthorizedError":
    case "ForbiddenError":
      return " (check the API key and --business)"
    case "RateLimitError": {
      const rateLimit = Predicate.hasProperty(error, "rateLimit") ? error.rateLimit : undefined
      const resetsAt = Predicate.hasProperty(rateLimit, "resetsAt") && DateTime.isDateTime(rateLimit.resetsAt)
        ? rateLimit.resetsAt
        : undefined
      return resetsAt === undefined ? "" : `; the quota resets at ${DateTime.formatIso(resetsAt)}`
    }
    case "DeliveryUnknownError":
      return "; check the chat's history before sending again"
    default:
      return ""
  }
}

/**
 * The line printed for a failure, and its exit code.
 *
 * @since 0.1.0
 * @category errors
 */
export const describeFailure = (error: unknown): { readonly line: string | undefined; readonly code: number } => {
  if (ValidationError.isValidationError(error)) {
    // @effect/cli has printed what is wrong with the command line already
    return { line: undefined, code: ExitCode.usage }
  }
  const message = Predicate.hasProperty(error, "message") && typeof error.message === "string"
    ? error.message
    : String(error)
  const tag = Predicate.hasProperty(error, "_tag") && typeof error._tag === "string" ? error._tag : undefined
  if (tag === "UsageError") return { line: `${name}: ${oneLine(message)}`, code: ExitCode.usage }
  const extra = tag === undefined || !Predicate.isObject(error) ? "" : detail(tag, error)
  return { line: `${name}: ${oneLine(message)}${extra}`, code: ExitCode.failure }
}

/**
 * Runs `ym-chats` with the process's argv (`[node, script, ...args]`): prints the output, prints any
 * failure as one line on stderr, and answers the exit code.
 *
 * @since 0.1.0
 * @category running
 */
export const run = (
  argv: ReadonlyArray<string>,
  options: { readonly version?: string } = {}
): Effect.Effect<number, never, CliApp.CliApp.Environment | HttpClient.HttpClient> =>
  Command.run(command, { name, version: options.version ?? "0.1.0" })(argv).pipe(
    Effect.as(ExitCode.ok as number),
    // logs (`--log-level debug`: retries, quota waits) go to stderr, away from the data on stdout
    Effect.provide(Logger.replace(Logger.defaultLogger, Logger.withConsoleError(Logger.logfmtLogger))),
    Effect.catchAllCause((cause) => {
      if (Cause.isInterruptedOnly(cause)) return Effect.succeed(ExitCode.interrupted)
      const failure = Cause.failureOption(cause)
      const { code, line } = Option.isSome(failure)
        ? describeFailure(failure.value)
        : { code: ExitCode.failure, line: `${name}: unexpected error: ${oneLine(describeDefect(cause))}` }
      return Effect.as(line === undefined ? Effect.void : Console.error(line), code)
    })
  )

/** The message of a defect, without its stack. */
const describeDefect = (cause: Cause.Cause<unknown>): string => {
  const defect = Cause.squash(cause)
  return defect instanceof Error ? `${defect.name}: ${defect.message}` : String(defect)
}
