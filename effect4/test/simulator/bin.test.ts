/**
 * `npm run simulator` (bin/simulator.ts) as a child process: it prints where it listens and the
 * credentials, its flags reach the simulator, it answers real requests, Ctrl+C (SIGINT) stops it
 * with exit code 0, and a bad flag or a taken port ends it with a message. Every child is killed
 * after its test if still running.
 */
import { afterEach, describe, expect, it } from "@effect/vitest"
import { Effect, Schedule } from "effect"
import { type ChildProcess, spawn } from "node:child_process"
import * as Net from "node:net"
import { constants } from "node:os"
import { fileURLToPath } from "node:url"

/** The edition's folder, where `bin/simulator.ts` is run from. */
const edition = fileURLToPath(new URL("../..", import.meta.url))

/** Children started here that have not exited yet. */
const running = new Set<ChildProcess>()

afterEach(() => {
  for (const child of running) child.kill("SIGKILL")
  running.clear()
})

/** A started bin/simulator.ts: the child and everything it printed so far. */
interface Started {
  readonly child: ChildProcess
  readonly output: () => string
  /** Resolves with the exit code (128 + the signal's number when a signal ended it). */
  readonly exit: Promise<number>
}

/** Starts bin/simulator.ts with these flags. */
const startBin = (args: ReadonlyArray<string>): Started => {
  const child = spawn(process.execPath, ["--import", "tsx", "bin/simulator.ts", ...args], {
    cwd: edition,
    stdio: ["ignore", "pipe", "pipe"]
  })
  running.add(child)
  let output = ""
  child.stdout!.on("data", (chunk) => void (output += String(chunk)))
  child.stderr!.on("data", (chunk) => void (output += String(chunk)))
  const exit = new Promise<number>((resolve) =>
    child.once("exit", (code, signal) => {
      running.delete(child)
      resolve(code ?? 128 + (signal === null ? 0 : constants.signals[signal]))
    })
  )
  return { child, output: () => output, exit }
}

/** Waits (60 s at most) for the banner's last line; the URL it listens on. */
const banner = (started: Started): Effect.Effect<string> =>
  Effect.suspend(() => {
    const match = /listening on (http:\/\/127\.0\.0\.1:\d+)[\s\S]*Press Ctrl\+C to stop\./.exec(started.output())
    return match === null ? Effect.fail("not yet" as const) : Effect.succeed(match[1]!)
  }).pipe(
    Effect.retry(Schedule.max([Schedule.spaced("50 millis"), Schedule.recurs(1_200)])),
    Effect.catch(() => Effect.die(new Error(`bin/simulator.ts printed no banner:\n${started.output()}`)))
  )

/** Waits (30 s at most) for the child to exit; its exit code. */
const exitOf = (started: Started): Effect.Effect<number> =>
  Effect.promise(() => started.exit).pipe(Effect.timeout("30 seconds"), Effect.orDie)

describe("npm run simulator (Effect 4)", () => {
  it.live("prints where it listens and the credentials, answers requests, and stops with 0 on SIGINT", () =>
    Effect.gen(function*() {
      const started = startBin(["--port", "0", "--seed", "5", "--chats", "7", "--messages", "30", "--fault", "html502:0"])
      const url = yield* banner(started)
      const output = started.output()
      expect(output).toContain("business id:   12345")
      expect(output).toContain("Api-Key:       ACMA:simulator-default-api-key:0000")
      expect(output).toContain("OAuth token:   y0_simulator-default-oauth-token (Authorization: Bearer ...)")
      expect(output).toContain("data:          27 chats, 230 messages over both businesses (seed 5)") // 7 + 20, 30 + 200
      expect(output).toContain(`faults:        [{"kind":"html502","probability":0}]`)
      expect(output).toContain("notifications: off (--notify URL to POST them)")

      const reply = yield* Effect.promise(async () => {
        const response = await fetch(`${url}/v2/businesses/12345/chats?limit=20`, {
          method: "POST",
          headers: { "Api-Key": "ACMA:simulator-default-api-key:0000", "Content-Type": "application/json" },
          body: "{}"
        })
        return { status: response.status, json: await response.json() }
      })
      expect(reply.status).toBe(200)
      expect(reply.json.result.chats).toHaveLength(7)

      started.child.kill("SIGINT")
      expect(yield* exitOf(started)).toBe(0)
    }), 120_000)

  it.live("--help prints the usage; an unknown fault kind or a taken port ends it with a message", () =>
    Effect.gen(function*() {
      const help = startBin(["--help"])
      expect(yield* exitOf(help)).toBe(0)
      expect(help.output()).toContain("Usage: npm run simulator -- [options]")

      const unknown = startBin(["--fault", "sometimes"])
      expect(yield* exitOf(unknown)).toBe(2)
      expect(unknown.output()).toContain("unknown fault kind sometimes")

      const holder = Net.createServer()
      const port = yield* Effect.promise(() =>
        new Promise<number>((resolve) => holder.listen(0, "127.0.0.1", () => resolve((holder.address() as Net.AddressInfo).port)))
      )
      yield* Effect.addFinalizer(() => Effect.promise(() => new Promise<void>((resolve) => holder.close(() => resolve()))))
      const taken = startBin(["--port", String(port)])
      expect(yield* exitOf(taken)).not.toBe(0)
      expect(taken.output()).toContain("EADDRINUSE")
    }), 120_000)
})
