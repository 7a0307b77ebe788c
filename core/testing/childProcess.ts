/**
 * Child processes for both editions' tests, bounded and cleaned up: every child started here is
 * registered until it exits, so that `killChildren` (in an `afterEach`) ends whatever a failed or
 * timed-out test left running; `runToEnd` kills a child that outlives its bound; `waitForOutput`
 * waits for a line a long-running child prints.
 */
import { type ChildProcess, spawn, type SpawnOptions } from "node:child_process"
import { constants } from "node:os"

/** Children started by `spawnChild` that have not exited yet. */
const running = new Set<ChildProcess>()

/** Spawns a child process and registers it until it exits. */
export const spawnChild = (command: string, args: ReadonlyArray<string>, options: SpawnOptions = {}): ChildProcess => {
  const child = spawn(command, args, options)
  running.add(child)
  child.once("exit", () => running.delete(child))
  return child
}

/** Resolves when the child has exited, or after `millis`; answers whether it exited. */
const exited = (child: ChildProcess, millis: number): Promise<boolean> =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve(true) : new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), millis)
    child.once("exit", () => {
      clearTimeout(timer)
      resolve(true)
    })
  })

/**
 * Ends a child: SIGTERM (so that it can end its own children), then SIGKILL if it still runs after
 * `graceMillis`; resolves once it has exited, or `graceMillis` after the SIGKILL.
 */
export const endChild = async (child: ChildProcess, graceMillis = 3_000): Promise<void> => {
  if (child.exitCode !== null || child.signalCode !== null) return
  child.kill("SIGTERM")
  if (!(await exited(child, graceMillis))) {
    child.kill("SIGKILL")
    await exited(child, graceMillis)
  }
}

/** Ends every registered child still running (see `endChild`); answers how many had to be ended. */
export const killChildren = async (graceMillis = 3_000): Promise<number> => {
  const left = [...running]
  await Promise.all(left.map(async (child) => {
    await endChild(child, graceMillis)
    running.delete(child)
  }))
  return left.length
}

/** What a child printed, and how it ended. */
export interface ChildResult {
  /** The exit code, or 128 + the signal's number when a signal ended it. */
  readonly code: number
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
}

/** The exit code as a shell reports it: 128 + the signal's number when a signal ended the child. */
export const exitCode = (code: number | null, signal: NodeJS.Signals | null): number =>
  code ?? 128 + (signal === null ? 0 : constants.signals[signal])

/**
 * Collects what a child spawned with piped stdout and stderr prints, writes `stdin` to it (then closes
 * it, when stdin is piped), and resolves when it has closed; a child still running after
 * `timeoutMillis` (default 60 s) is ended (see `endChild`).
 */
export const runToEnd = (
  child: ChildProcess,
  options: { readonly stdin?: string; readonly timeoutMillis?: number } = {}
): Promise<ChildResult> =>
  new Promise((resolve) => {
    const out: Array<Buffer> = []
    const err: Array<Buffer> = []
    const timer = setTimeout(() => void endChild(child), options.timeoutMillis ?? 60_000)
    child.stdout?.on("data", (chunk: Buffer) => out.push(chunk))
    child.stderr?.on("data", (chunk: Buffer) => err.push(chunk))
    child.once("close", (code, signal) => {
      clearTimeout(timer)
      resolve({
        code: exitCode(code, signal),
        signal,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8")
      })
    })
    if (child.stdin !== null) {
      child.stdin.on("error", () => {}) // a child that exits without reading its stdin
      child.stdin.end(options.stdin ?? "")
    }
  })

/** What a long-running child has printed so far (stdout and stderr interleaved), and waits on it. */
export interface OutputWatch {
  /** Everything printed so far. */
  readonly text: () => string
  /**
   * Resolves with the first match of `pattern` in the output (looking at what is already there, then
   * at each new chunk); rejects, with the output so far, after `timeoutMillis` or when the child
   * exits without printing it.
   */
  readonly waitFor: (pattern: RegExp, timeoutMillis?: number) => Promise<RegExpExecArray>
}

/** Watches the output of a child spawned with piped stdout and stderr. */
export const watchOutput = (child: ChildProcess): OutputWatch => {
  let output = ""
  let closed = false
  const listeners = new Set<() => void>()
  const append = (chunk: Buffer) => {
    output += chunk.toString("utf8")
    for (const listener of listeners) listener()
  }
  child.stdout?.on("data", append)
  child.stderr?.on("data", append)
  child.once("close", () => {
    closed = true
    for (const listener of listeners) listener()
  })
  const waitFor = (pattern: RegExp, timeoutMillis = 60_000) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const finish = (outcome: () => void) => {
        clearTimeout(timer)
        listeners.delete(check)
        outcome()
      }
      const check = () => {
        const match = pattern.exec(output)
        if (match !== null) finish(() => resolve(match))
        else if (closed) {
          finish(() => reject(new Error(`the child exited without printing ${pattern}; it printed:\n${output}`)))
        }
      }
      const timer = setTimeout(
        () => finish(() => reject(new Error(`the child did not print ${pattern} in ${timeoutMillis} ms; it printed:\n${output}`))),
        timeoutMillis
      )
      listeners.add(check)
      check()
    })
  return { text: () => output, waitFor }
}
