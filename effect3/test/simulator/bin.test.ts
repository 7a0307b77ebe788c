/**
 * `npm run simulator` (bin/simulator.ts) as a child process: its options (--port, --seed, --chats,
 * --messages, --latency, --fault, --notify) reach the simulator it starts, a taken port or a bad option
 * ends it with a message, and it stops on SIGINT. Every child is killed after its test if still running.
 */
import { afterEach, describe, expect, it } from "@effect/vitest"
import { Effect, Schedule, type Scope } from "effect"
import type { ChildProcess } from "node:child_process"
import { killChildren, runTsx, spawnChild } from "../fixtures/system.js"
import { holdPort, notificationSink, waitUntil } from "./http.js"

afterEach(() => killChildren())

/** A simulator started by bin/simulator.ts, once it has printed its banner. */
interface Running {
  readonly child: ChildProcess
  readonly url: string
  /** Everything it printed so far. */
  readonly output: () => string
}

/** Starts bin/simulator.ts with `args` and waits (60 s at most) for its banner; SIGINT when the scope closes. */
const start = (args: ReadonlyArray<string>): Effect.Effect<Running, never, Scope.Scope> =>
  Effect.gen(function*() {
    const child = spawnChild(process.execPath, ["--import", "tsx", "bin/simulator.ts", ...args], {
      stdio: ["ignore", "pipe", "pipe"]
    })
    let output = ""
    child.stdout!.on("data", (chunk) => void (output += String(chunk)))
    child.stderr!.on("data", (chunk) => void (output += String(chunk)))
    yield* Effect.addFinalizer(() =>
      Effect.async<void>((resume) => {
        if (child.exitCode !== null || child.signalCode !== null) return resume(Effect.void)
        child.once("exit", () => resume(Effect.void))
        child.kill("SIGINT")
      }).pipe(Effect.timeout("10 seconds"), Effect.ignore)
    )
    const url = yield* Effect.suspend(() => {
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)[\s\S]*Press Ctrl\+C to stop\./.exec(output)
      return match === null ? Effect.fail("not yet" as const) : Effect.succeed(match[1]!)
    }).pipe(
      Effect.retry(Schedule.intersect(Schedule.spaced("50 millis"), Schedule.recurs(1_200))),
      Effect.orElse(() => Effect.dieMessage(`bin/simulator.ts printed no banner:\n${output}`))
    )
    return { child, url, output: () => output }
  })

/** A request of the default business's credentials to the standalone simulator. */
const request = (url: string, path: string, body: unknown = {}) =>
  Effect.promise(async () => {
    const response = await fetch(`${url}/v2/businesses/12345${path}`, {
      method: "POST",
      headers: { "Api-Key": "ACMA:simulator-default-api-key:0000", "Content-Type": "application/json" },
      body: JSON.stringify(body)
    })
    const text = await response.text()
    return { status: response.status, text, json: response.headers.get("content-type")?.includes("json") ? JSON.parse(text) : undefined }
  })

describe("npm run simulator", () => {
  it.live("--port 0, --seed, --chats, --messages, --latency and --notify reach the simulator; SIGINT stops it cleanly", () =>
    Effect.gen(function*() {
      const sink = yield* notificationSink
      const sim = yield* start(["--port", "0", "--seed", "5", "--chats", "7", "--messages", "30", "--latency", "25", "--notify", sink.url])
      const output = sim.output()
      expect(output).toContain("business id:   12345")
      expect(output).toContain("data:          27 chats, 230 messages over both businesses (seed 5)") // 7 + 20, 30 + 200
      expect(output).toContain(`faults:        [{"kind":"latency","millis":25}]`)
      expect(output).toContain(`notifications: ${sink.url}`)
      const page = yield* request(sim.url, "/chats?limit=20")
      expect(page.status).toBe(200)
      expect(page.json.result.chats).toHaveLength(7)

      const created = yield* request(sim.url, "/chats/new", { context: { type: "ORDER", id: 424_242 } })
      const chatId = created.json.result.chatId
      expect((yield* request(sim.url, `/chats/message?chatId=${chatId}`, { message: "Добрый день" })).status).toBe(200)
      yield* waitUntil(Effect.sync(() => sink.bodies.length >= 2))
      expect(sink.bodies.map((b) => [b.notificationType, b.chatId])).toEqual([["CHAT_CREATED", chatId], ["CHAT_MESSAGE_SENT", chatId]])

      const exit = yield* Effect.async<number | null>((resume) => {
        sim.child.once("exit", (code) => resume(Effect.succeed(code)))
        sim.child.kill("SIGINT")
      })
      expect(exit).toBe(0) // a clean stop
    }).pipe(Effect.scoped), 120_000)

  it.live("--fault KIND[:PROBABILITY]: each rule in force, with its probability", () =>
    Effect.gen(function*() {
      const sim = yield* start(["--fault", "html502:0", "--fault", "error503"])
      expect(sim.output()).toContain(`faults:        [{"kind":"html502","probability":0},{"kind":"error503"}]`)
      for (let i = 0; i < 5; i++) {
        const reply = yield* request(sim.url, "/chats")
        expect({ status: reply.status, code: reply.json?.errors?.[0]?.code }).toEqual({ status: 503, code: "SERVICE_UNAVAILABLE" })
      }
    }).pipe(Effect.scoped), 120_000)

  it.live("a taken --port, or an unknown fault kind, ends it with a message and a non-zero exit code", () =>
    Effect.gen(function*() {
      const port = yield* holdPort
      const taken = yield* runTsx("bin/simulator.ts", ["--port", String(port)])
      expect(taken.code).not.toBe(0)
      expect(taken.stdout + taken.stderr).toContain("EADDRINUSE")

      const unknown = yield* runTsx("bin/simulator.ts", ["--fault", "sometimes"])
      expect(unknown.code).toBe(2)
      expect(unknown.stderr).toContain("unknown fault kind sometimes")
    }).pipe(Effect.scoped), 120_000)
})
