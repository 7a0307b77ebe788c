/**
 * The process's streams as the CLI uses them besides stdout (which goes through `Console`): a
 * progress line on stderr, shown only when stderr is a terminal; the first line of stdin; and a
 * `Terminal` whose prompts are drawn on stderr, so that a prompt never lands in the data a script
 * reads from stdout. Everything goes through `Stdio`, which tests replace.
 *
 * @since 1.0.0
 */
import { Effect, Layer, Option, Stdio, Stream, Terminal } from "effect"
import * as NodeTerminal from "@effect/platform-node/NodeTerminal"

/** Erases the current line of a terminal and puts the cursor at its start. */
const eraseLine = "\r\x1b[K"

/**
 * A function that replaces the progress line on stderr with a text (an empty text clears it); it does
 * nothing when stderr is not a terminal.
 *
 * @since 1.0.0
 * @category progress
 */
export const progressLine: Effect.Effect<(text: string) => Effect.Effect<void>, never, Stdio.Stdio> = Effect.gen(
  function*() {
    const stdio = yield* Stdio.Stdio
    if (!(yield* stdio.stderrIsTerminal)) return () => Effect.void
    return (text: string) => Stream.run(Stream.make(`${eraseLine}${text}`), stdio.stderr()).pipe(Effect.ignore)
  }
)

/**
 * Whether stdin is a terminal: a key is then read with a prompt, else as the first line of stdin.
 *
 * @since 1.0.0
 * @category stdin
 */
export const stdinIsTerminal: Effect.Effect<boolean, never, Stdio.Stdio> = Stdio.Stdio.use((stdio) => stdio.stdinIsTerminal)

/**
 * The first line of stdin (without its line break), or none when stdin ends first or cannot be read;
 * the rest of stdin is left unread.
 *
 * @since 1.0.0
 * @category stdin
 */
export const firstLineOfStdin: Effect.Effect<Option.Option<string>, never, Stdio.Stdio> = Stdio.Stdio.use((stdio) =>
  stdio.stdin.pipe(
    Stream.decodeText(),
    Stream.splitLines,
    Stream.runHead,
    Effect.orElseSucceed(() => Option.none<string>())
  )
)

/**
 * Node's `Terminal`, reading keys from stdin but drawing on stderr (its size is stderr's).
 *
 * @since 1.0.0
 * @category layers
 */
export const stderrTerminal: Layer.Layer<Terminal.Terminal> = Layer.effect(
  Terminal.Terminal,
  Effect.map(NodeTerminal.make(), (terminal) =>
    Terminal.make({
      ...terminal,
      columns: Effect.sync(() => process.stderr.columns ?? 0),
      rows: Effect.sync(() => process.stderr.rows ?? 0),
      display: (text) =>
        Effect.callback<void>((resume) => {
          process.stderr.write(text, () => resume(Effect.void))
        })
    }))
)
