/**
 * The harness of the multi-process tests, one for both editions: it runs an edition's child programs
 * (`worker`, `consumer`, `receiver`: see `programJobs.ts`) with `node --import tsx` from that edition's
 * folder (its own node_modules), collects the JSON lines they print, and ends every one of them when a
 * test is over, pass or fail (`killPrograms`, in an `afterEach`). Each program also exits by itself
 * after its `maxMs`.
 */
import type { ChildProcess } from "node:child_process"
import { createInterface } from "node:readline"
import { spawnChild } from "./childProcess.js"
import type { ProgramEvent, WorkerResult } from "./programJobs.js"

/** The child programs of one edition, and where to run them from. */
export interface EditionPrograms {
  /** The edition's name, for messages (`"Effect 3"`, `"Effect 4"`). */
  readonly edition: string
  /** The edition's folder: the programs run from it, with its `tsx`. */
  readonly root: string
  /** The absolute paths of its programs. */
  readonly worker: string
  readonly consumer: string
  readonly receiver: string
}

/** Which program to run. */
export type ProgramKind = "worker" | "consumer" | "receiver"

/** How a program ended. */
export interface ProgramExit {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  /** A worker's results, when it printed them. */
  readonly results?: Record<string, WorkerResult>
  readonly stderr: string
}

/** A running program. */
export interface Program {
  readonly child: ChildProcess
  /** Every JSON line it printed so far. */
  readonly events: Array<ProgramEvent>
  /** Resolves when it printed `ready`; rejects if it exits first. */
  readonly ready: Promise<void>
  /** Resolves once it has exited. */
  readonly exit: Promise<ProgramExit>
  /** The `endpoint` of its `ready` line (a receiver's). */
  readonly endpoint: () => string
}

/** One case: a name, a bound (ms) for the edition's `it`, and the body. */
export interface ProcessCase {
  readonly name: string
  readonly timeout: number
  readonly run: () => Promise<void>
}

/** The hooks and cases of a suite: `setUp` in `beforeAll`, `cleanUp` in `afterEach`, `tearDown` in `afterAll`. */
export interface ProcessSuite {
  readonly setUp: () => Promise<void>
  readonly cleanUp: () => Promise<void>
  readonly tearDown: () => Promise<void>
  readonly cases: ReadonlyArray<ProcessCase>
}

const live = new Set<ChildProcess>()

/** Starts an edition's program with `job` (given as its first argument, JSON). */
export const spawnProgram = (programs: EditionPrograms, kind: ProgramKind, job: object): Program => {
  const child = spawnChild(process.execPath, ["--import", "tsx", programs[kind], JSON.stringify(job)], {
    cwd: programs.root,
    stdio: ["ignore", "pipe", "pipe"]
  })
  live.add(child)
  const events: Array<ProgramEvent> = []
  let stderr = ""
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()))
  let onReady: () => void = () => {}
  let onGone: (error: Error) => void = () => {}
  const ready = new Promise<void>((resolve, reject) => {
    onReady = resolve
    onGone = reject
  })
  ready.catch(() => {}) // a test that never waits for it
  createInterface({ input: child.stdout! }).on("line", (line) => {
    try {
      const event = JSON.parse(line) as ProgramEvent
      events.push(event)
      if (event.event === "ready") onReady()
    } catch {
      // not one of its JSON lines
    }
  })
  const exit = new Promise<ProgramExit>((resolve) => {
    child.once("close", (code, signal) => {
      live.delete(child)
      onGone(new Error(`the ${programs.edition} ${kind} exited (${code ?? signal}) before it was ready:\n${stderr}`))
      const done = events.find((e) => e.event === "done") as { results?: Record<string, WorkerResult> } | undefined
      resolve({ code, signal, stderr, ...(done?.results === undefined ? {} : { results: done.results }) })
    })
  })
  const endpoint = () => {
    const line = events.find((e) => e.event === "ready" && typeof e["endpoint"] === "string")
    if (line === undefined) throw new Error(`the ${programs.edition} ${kind} printed no endpoint`)
    return line["endpoint"] as string
  }
  return { child, events, ready, exit, endpoint }
}

/** Kills a program with SIGKILL and resolves once it has exited. */
export const killProgram = async (program: Program): Promise<ProgramExit> => {
  program.child.kill("SIGKILL")
  return program.exit
}

/** Ends every program still running (SIGKILL: they keep nothing worth a grace) and waits until they have exited. */
export const killPrograms = async (): Promise<void> => {
  await Promise.all([...live].map((child) =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve()
      const timer = setTimeout(resolve, 10_000)
      child.once("exit", () => {
        clearTimeout(timer)
        resolve()
      })
      child.kill("SIGKILL")
    })
  ))
}
