/**
 * Runs `ym-chats` in-process (through `Command.run`, with a captured console, a map for the environment
 * and scripted terminals) or as a child process (`node --import tsx src/cli/main.ts`, registered so that
 * `killChildren` of `test/fixtures/system.ts` ends it if a test does not finish).
 */
import type { Terminal } from "@effect/platform"
import { Terminal as TerminalTag } from "@effect/platform"
import { NodeFileSystem, NodeHttpClient, NodePath } from "@effect/platform-node"
import { ConfigProvider, Console, Effect, Layer, Mailbox, Option } from "effect"
import type { ChildProcess } from "node:child_process"
import { Console as NodeConsole } from "node:console"
import { Writable } from "node:stream"
import { run } from "../../src/cli/app.js"
import { CliIo, type Io } from "../../src/cli/io.js"
import { runTsx } from "../fixtures/system.js"

/** What a run of the CLI printed, and its exit code. */
export interface Result {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** The lines of a text, without the last empty one. */
export const lines = (text: string): Array<string> => text === "" ? [] : text.replace(/\n$/, "").split("\n")

/** Every output seen by the suite, to check that no key was ever printed. */
export const transcript: Array<string> = []

/** A Node console writing into strings, wrapped as Effect's `Console`. */
const captureConsole = () => {
  const out: Array<string> = []
  const err: Array<string> = []
  const sink = (into: Array<string>) =>
    new Writable({
      write(chunk, _encoding, callback) {
        into.push(String(chunk))
        callback()
      }
    })
  const node = new NodeConsole({ stdout: sink(out), stderr: sink(err), colorMode: false })
  const effectConsole: Console.Console = {
    [Console.TypeId]: Console.TypeId,
    assert: (condition, ...args) => Effect.sync(() => node.assert(condition, ...args)),
    clear: Effect.void,
    count: (label) => Effect.sync(() => node.count(label)),
    countReset: (label) => Effect.sync(() => node.countReset(label)),
    debug: (...args) => Effect.sync(() => node.debug(...args)),
    dir: (item, options) => Effect.sync(() => node.dir(item, options)),
    dirxml: (...args) => Effect.sync(() => node.dirxml(...args)),
    error: (...args) => Effect.sync(() => node.error(...args)),
    group: (options) => Effect.sync(() => node.group(options?.label)),
    groupEnd: Effect.sync(() => node.groupEnd()),
    info: (...args) => Effect.sync(() => node.info(...args)),
    log: (...args) => Effect.sync(() => node.log(...args)),
    table: (data, properties) => Effect.sync(() => node.table(data, properties)),
    time: (label) => Effect.sync(() => node.time(label)),
    timeEnd: (label) => Effect.sync(() => node.timeEnd(label)),
    timeLog: (label, ...args) => Effect.sync(() => node.timeLog(label, ...args)),
    trace: (...args) => Effect.sync(() => node.trace(...args)),
    warn: (...args) => Effect.sync(() => node.warn(...args)),
    unsafe: node
  }
  return { effectConsole, stdout: () => out.join(""), stderr: () => err.join("") }
}

/** A terminal that types `typed` (then Enter) into a prompt and records what the prompt drew. */
export const scriptedTerminal = (typed: string, drawn: Array<string>): Terminal.Terminal =>
  TerminalTag.Terminal.of({
    columns: Effect.succeed(80),
    rows: Effect.succeed(24),
    isTTY: Effect.succeed(true),
    readInput: Effect.gen(function*() {
      const mailbox = yield* Mailbox.make<Terminal.UserInput>()
      const key = (name: string, input?: string): Terminal.UserInput => ({
        input: Option.fromNullable(input),
        key: { name, ctrl: false, meta: false, shift: false }
      })
      yield* mailbox.offerAll([...typed].map((c) => key(c, c)))
      yield* mailbox.offer(key("return"))
      return mailbox
    }),
    readLine: Effect.succeed(typed),
    display: (text) => Effect.sync(() => void drawn.push(text))
  })

/** Progress lines written, and whether the streams pass for terminals. */
export const fakeIo = (
  options: { readonly stdinIsTTY?: boolean; readonly stderrIsTTY?: boolean; readonly stdin?: string } = {},
  progress: Array<string> = []
): Io => ({
  stdinIsTTY: options.stdinIsTTY ?? false,
  stderrIsTTY: options.stderrIsTTY ?? false,
  readLine: Effect.succeed(
    options.stdin === undefined ? Option.none() : Option.fromNullable(options.stdin.split("\n")[0])
  ),
  progress: (text) => Effect.sync(() => void progress.push(text))
})

/**
 * Runs the CLI in-process with `args` (without `node script`), the environment `env` (a map, not
 * `process.env`), an `io` and a terminal; answers the exit code and what it printed.
 */
export const runCli = (
  args: ReadonlyArray<string>,
  options: {
    readonly env?: Readonly<Record<string, string>>
    readonly io?: Io
    readonly terminal?: Terminal.Terminal
  } = {}
): Effect.Effect<Result> => {
  const { effectConsole, stderr, stdout } = captureConsole()
  const layer = Layer.mergeAll(
    NodeFileSystem.layer,
    NodePath.layer,
    NodeHttpClient.layerUndici,
    Layer.succeed(TerminalTag.Terminal, options.terminal ?? scriptedTerminal("", []))
  )
  return run(["node", "ym-chats", ...args]).pipe(
    Effect.provide(layer),
    Effect.provideService(CliIo, options.io ?? fakeIo()),
    Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(options.env ?? {})))),
    Effect.withConsole(effectConsole),
    Effect.map((code) => {
      const result = { code, stdout: stdout(), stderr: stderr() }
      transcript.push(result.stdout, result.stderr)
      return result
    })
  )
}

/**
 * Runs `node --import tsx src/cli/main.ts ...args` with only the given environment variables (and PATH),
 * writing `stdin` to it; answers the exit code and what it printed. `started` receives the child (to
 * signal it). The child is registered with `test/fixtures/system.ts`: `killChildren` ends it if the test
 * does not finish.
 */
export const spawnCli = (
  args: ReadonlyArray<string>,
  options: {
    readonly env?: Readonly<Record<string, string>>
    readonly stdin?: string
    readonly started?: (child: ChildProcess) => void
  } = {}
): Effect.Effect<Result> =>
  Effect.map(
    runTsx("src/cli/main.ts", args, {
      env: { PATH: process.env["PATH"] ?? "", ...options.env },
      ...(options.stdin === undefined ? {} : { stdin: options.stdin }),
      ...(options.started === undefined ? {} : { started: options.started })
    }),
    ({ code, stderr, stdout }) => {
      const result = { code, stdout, stderr }
      transcript.push(result.stdout, result.stderr)
      return result
    }
  )
