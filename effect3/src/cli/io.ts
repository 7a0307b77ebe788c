/**
 * The process's terminal as the CLI sees it: whether stdin and stderr are terminals, a line read
 * from stdin, a progress line on stderr, and a `Terminal` whose prompts go to stderr (so that a
 * prompt never lands in the data a script reads from stdout).
 *
 * @since 0.1.0
 */
import { Terminal } from "@effect/platform"
import { NodeTerminal } from "@effect/platform-node"
import { Context, Effect, Layer, Option } from "effect"
import * as readline from "node:readline"

/**
 * What the CLI needs of the process's standard streams besides stdout (which goes through `Console`).
 *
 * @since 0.1.0
 * @category models
 */
export interface Io {
  /** Whether stdin is a terminal: a key is then read with a prompt, else as the first line of stdin. */
  readonly stdinIsTTY: boolean
  /** Whether stderr is a terminal: progress is shown only then. */
  readonly stderrIsTTY: boolean
  /** The first line of stdin (without its line break), or none when stdin ends first. */
  readonly readLine: Effect.Effect<Option.Option<string>>
  /** Replaces the progress line on stderr with this text; an empty text clears it. */
  readonly progress: (text: string) => Effect.Effect<void>
}

/** Reads the first line of stdin, then lets stdin go. */
const readFirstLine: Effect.Effect<Option.Option<string>> = Effect.async((resume) => {
  const rl = readline.createInterface({ input: process.stdin, terminal: false })
  let done = false
  const finish = (line: Option.Option<string>) => {
    if (done) return
    done = true
    rl.close()
    resume(Effect.succeed(line))
  }
  rl.once("line", (line) => finish(Option.some(line)))
  rl.once("close", () => finish(Option.none()))
  return Effect.sync(() => {
    done = true
    rl.close()
  })
})

/**
 * The standard streams of this process.
 *
 * @since 0.1.0
 * @category constructors
 */
export const nodeIo = (): Io => ({
  stdinIsTTY: Boolean(process.stdin.isTTY),
  stderrIsTTY: Boolean(process.stderr.isTTY),
  readLine: readFirstLine,
  progress: (text) => Effect.sync(() => void process.stderr.write(text === "" ? "\r\x1b[K" : `\r\x1b[K${text}`))
})

/**
 * The streams the CLI uses; by default this process's, replaced in tests.
 *
 * @since 0.1.0
 * @category tags
 */
export class CliIo extends Context.Reference<CliIo>()("effect-yandex-market-chats/cli/CliIo", {
  defaultValue: nodeIo
}) {}

/**
 * A Node `Terminal` that reads keys from stdin but draws prompts on stderr.
 *
 * @since 0.1.0
 * @category layers
 */
export const stderrTerminal: Layer.Layer<Terminal.Terminal> = Layer.scoped(
  Terminal.Terminal,
  Effect.map(NodeTerminal.make(), (terminal) =>
    Terminal.Terminal.of({
      ...terminal,
      columns: Effect.sync(() => process.stderr.columns ?? 0),
      rows: Effect.sync(() => process.stderr.rows ?? 0),
      isTTY: Effect.sync(() => Boolean(process.stderr.isTTY)),
      display: (text) => Effect.sync(() => void process.stderr.write(text))
    }))
)
