/**
 * The CLI's own failures, besides the client's typed errors: each says what to do in one line.
 *
 * @since 0.1.0
 */
import { Data } from "effect"

/**
 * The command line or the environment is incomplete or wrong (exit code 2): no key, a bad base URL.
 *
 * @since 0.1.0
 * @category errors
 */
export class UsageError extends Data.TaggedError("UsageError")<{ readonly message: string }> {}

/**
 * The command could not be carried out for a reason outside the API (exit code 1): a file that cannot be read.
 *
 * @since 0.1.0
 * @category errors
 */
export class CommandError extends Data.TaggedError("CommandError")<{ readonly message: string }> {}
