/**
 * Runs `ym-chats` in-process (its `run` effect over `NodeServices`, with `Stdio.layerTest` for the
 * arguments, stdin and the terminal flags, a captured console, the environment as a `ConfigProvider`
 * and a scripted terminal) or as a child process (`node --import tsx src/cli/main.ts`, bounded in
 * time, registered so that `killChildren` ends it if a test does not finish).
 */
import { NodeHttpClient, NodeServices } from "@effect/platform-node"
import { type Cause, ConfigProvider, Console, Effect, Layer, Option, Queue, Sink, Stdio, Stream, Terminal } from "effect"
import { type ChildProcess, spawn } from "node:child_process"
import { Console as NodeConsole } from "node:console"
import { constants } from "node:os"
import { Writable } from "node:stream"
import { fileURLToPath } from "node:url"
import { run } from "../../src/cli/app.js"

/** The edition's folder, where the entry point is run from. */
export const edition = fileURLToPath(new URL("../..", import.meta.url)).replace(/\/$/, "")

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

/** A Node console writing into strings (no colours), as Effect's `Console`. */
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
  const console = new NodeConsole({ stdout: sink(out), stderr: sink(err), colorMode: false })
  return { console: console as Console.Console, stdout: () => out.join(""), stderr: () => err.join("") }
}

/** A key press as the terminal reports it. */
const key = (name: string, input?: string): Terminal.UserInput => ({
  input: Option.fromUndefinedOr(input),
  key: { name, ctrl: false, meta: false, shift: false }
})

/**
 * A terminal that types `typed` into a prompt, then Enter (or, with `quit`, leaves it as Escape does:
 * the input ends), and records what the prompt drew.
 */
export const scriptedTerminal = (typed: string, drawn: Array<string>, options: { readonly quit?: boolean } = {}): Terminal.Terminal =>
  Terminal.make({
    columns: Effect.succeed(80),
    rows: Effect.succeed(24),
    size: Effect.die("unused"),
    readInput: Effect.gen(function*() {
      const queue = yield* Queue.make<Terminal.UserInput, Cause.Done>()
      yield* Queue.offerAll(queue, [...typed].map((c) => key(c, c)))
      if (options.quit === true) yield* Queue.end(queue)
      else yield* Queue.offer(queue, key("return"))
      return queue
    }),
    readLine: Effect.succeed(typed),
    display: (text) => Effect.sync(() => void drawn.push(text))
  })

/** How the process's streams look to the CLI in a run. */
export interface Streams {
  readonly stdinIsTerminal?: boolean
  readonly stdoutIsTerminal?: boolean
  readonly stderrIsTerminal?: boolean
  /** What stdin holds. */
  readonly stdin?: string
}

/**
 * Runs the CLI in-process with `args` (without `node script`), the environment `env` (not
 * `process.env`), the streams and a terminal; answers the exit code, what it printed through the
 * console, and what it wrote to stderr through `Stdio` (the progress line).
 */
export const runCli = (
  args: ReadonlyArray<string>,
  options: {
    readonly env?: Readonly<Record<string, string>>
    readonly streams?: Streams
    readonly terminal?: Terminal.Terminal
    readonly version?: string
  } = {}
): Effect.Effect<Result & { readonly progress: ReadonlyArray<string> }> => {
  const { console, stderr, stdout } = captureConsole()
  const streams = options.streams ?? {}
  const progress: Array<string> = []
  const stdio = Stdio.layerTest({
    args: Effect.succeed(args),
    stdinIsTerminal: Effect.succeed(streams.stdinIsTerminal ?? false),
    stdoutIsTerminal: Effect.succeed(streams.stdoutIsTerminal ?? false),
    stderrIsTerminal: Effect.succeed(streams.stderrIsTerminal ?? false),
    stdin: streams.stdin === undefined ? Stream.empty : Stream.make(new TextEncoder().encode(streams.stdin)),
    stderr: () => Sink.forEach((chunk: string | Uint8Array) => Effect.sync(() => void progress.push(String(chunk))))
  })
  // the later layers win over NodeServices' own Stdio and Terminal
  const layer = Layer.mergeAll(
    NodeServices.layer,
    stdio,
    Layer.succeed(Terminal.Terminal, options.terminal ?? scriptedTerminal("", [])),
    NodeHttpClient.layerUndici,
    ConfigProvider.layer(ConfigProvider.fromEnv({ env: { ...options.env } }))
  )
  return run({ version: options.version ?? "9.9.9" }).pipe(
    Effect.provide(layer),
    Effect.provideService(Console.Console, console),
    Effect.map((code) => {
      const result = { code, stdout: stdout(), stderr: stderr(), progress }
      transcript.push(result.stdout, result.stderr, ...progress)
      return result
    })
  )
}

/** Children started by `spawnCli` that have not exited yet. */
const running = new Set<ChildProcess>()

/** Ends every child still running (SIGKILL); for an `afterEach`. */
export const killChildren = (): void => {
  for (const child of running) child.kill("SIGKILL")
  running.clear()
}

/** How long a child may run before it is killed. */
const childTimeoutMillis = 60_000

/**
 * Runs `node --import tsx <script> ...args` in the edition's folder with only the given environment
 * variables (and PATH), writing `stdin` to it (then closing it); answers the exit code (128 + the
 * signal's number when a signal ended it) and what it printed. `started` receives the child (to signal
 * it). The child is killed after 60 seconds, when the effect is interrupted, or by `killChildren`.
 */
export const spawnCli = (
  args: ReadonlyArray<string>,
  options: {
    readonly env?: Readonly<Record<string, string>>
    readonly stdin?: string
    readonly started?: (child: ChildProcess) => void
    readonly script?: string
  } = {}
): Effect.Effect<Result> =>
  Effect.callback<Result>((resume) => {
    const child = spawn(process.execPath, ["--import", "tsx", options.script ?? "src/cli/main.ts", ...args], {
      cwd: edition,
      env: { PATH: process.env["PATH"] ?? "", ...options.env },
      stdio: ["pipe", "pipe", "pipe"]
    })
    running.add(child)
    const timer = setTimeout(() => child.kill("SIGKILL"), childTimeoutMillis)
    const out: Array<Buffer> = []
    const err: Array<Buffer> = []
    child.stdout!.on("data", (chunk: Buffer) => out.push(chunk))
    child.stderr!.on("data", (chunk: Buffer) => err.push(chunk))
    child.on("close", (code, signal) => {
      clearTimeout(timer)
      running.delete(child)
      const result = {
        code: code ?? 128 + (signal === null ? 0 : constants.signals[signal]),
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8")
      }
      transcript.push(result.stdout, result.stderr)
      resume(Effect.succeed(result))
    })
    child.stdin!.on("error", () => {}) // a child that exits without reading its stdin
    child.stdin!.end(options.stdin ?? "")
    options.started?.(child)
    return Effect.sync(() => {
      clearTimeout(timer)
      child.kill("SIGKILL")
    })
  })
