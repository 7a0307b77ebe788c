/**
 * The CLI's own failures, besides the client's typed errors: each says what to do in one line.
 *
 * @since 1.0.0
 */
import { Data } from "effect"

/**
 * The command line or the environment is incomplete or wrong (exit code 2): no key, no business, a bad base URL.
 *
 * @since 1.0.0
 * @category errors
 */
export class UsageError extends Data.TaggedError("UsageError")<{ readonly message: string }> {}

/**
 * The command could not be carried out for a reason outside the API (exit code 1): a file that cannot be read.
 *
 * @since 1.0.0
 * @category errors
 */
export class CommandError extends Data.TaggedError("CommandError")<{ readonly message: string }> {}
