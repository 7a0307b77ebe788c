/**
 * How `ym-chats` ends: its exit codes, and the one line on stderr that says why a command failed,
 * with a hint after the errors a user can act on. Written without Effect; each edition reads the tag
 * and fields of its own errors and asks here for the line.
 */

/** The name the command goes by, in help and at the start of every error line. */
export const name = "ym-chats"

/** Exit codes: done, the command failed (HTTP, network, file), a usage error, interrupted (Ctrl+C). */
export const ExitCode = { ok: 0, failure: 1, usage: 2, interrupted: 130 } as const

/** An exit code of `ym-chats`. */
export type ExitCode = typeof ExitCode[keyof typeof ExitCode]

/** A message on one line: line breaks and the blanks around them become one space. */
export const oneLine = (text: string): string => text.replace(/\s*[\r\n]+\s*/g, " ").trim()

/**
 * What follows the message of an error of the client, by its tag: what to check, when a spent quota
 * resets (`resetsAt`, ISO 8601), or what to do before sending again; nothing for the others.
 */
export const hintFor = (tag: string, resetsAt?: string | undefined): string => {
  switch (tag) {
    case "UnauthorizedError":
    case "ForbiddenError":
      return " (check the API key and --business)"
    case "RateLimitError":
      return resetsAt === undefined ? "" : `; the quota resets at ${resetsAt}`
    case "DeliveryUnknownError":
      return "; check the chat's history before sending again"
    default:
      return ""
  }
}

/** The line printed on stderr for a failure: `ym-chats: <message on one line><hint>`. */
export const failureLine = (message: string, hint = ""): string => `${name}: ${oneLine(message)}${hint}`
