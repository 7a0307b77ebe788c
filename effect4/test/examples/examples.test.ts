/**
 * Runs each program of examples/ as a user would (a child process, configured by the environment)
 * against the simulator (redis-workers: its own simulator and the Redis of REDIS_URL), and checks what
 * it did there. Every child is bounded in time and ended (SIGTERM, then SIGKILL) after its test if still
 * running; every temporary folder and Redis server is removed with its test.
 */
import { afterEach, describe, expect, it, layer } from "@effect/vitest"
import { Effect, Schedule } from "effect"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { type ChildResult, endChild, killChildren, runToEnd, spawnChild, watchOutput } from "../../../core/testing/childProcess.js"
import * as Simulator from "../../src/Simulator.js"
import { adminClient, redisAvailable, startRedis } from "../redis/server.js"

/** The edition's folder, where the examples are run from (its tsconfig maps the package's name to src/). */
const edition = fileURLToPath(new URL("../..", import.meta.url))

/** How long an example may run. */
const childTimeoutMillis = 60_000

// a test that fails or times out leaves no process behind
afterEach(() => killChildren())

/** Whether redis-server is on PATH, for the examples over Redis (skipped with a warning without it; CI needs it). */
const withRedis = redisAvailable("test/examples (the bot and the workers over Redis)")

/** The environment of an example: PATH, and the simulator's URL, key and business. */
const environment = (sim: Simulator.Simulator["Service"], extra: Record<string, string> = {}) => ({
  PATH: process.env["PATH"] ?? "",
  YANDEX_MARKET_BASE_URL: sim.url,
  YANDEX_MARKET_API_KEY: sim.apiKey,
  YANDEX_MARKET_BUSINESS_ID: String(sim.businessId),
  ...extra
})

/** Starts `node --import tsx examples/<name>.ts ...args` with the environment `env`, its output piped. */
const startScript = (name: string, args: ReadonlyArray<string>, env: Record<string, string>) =>
  spawnChild(process.execPath, ["--import", "tsx", `examples/${name}.ts`, ...args], {
    cwd: edition,
    env,
    stdio: ["ignore", "pipe", "pipe"]
  })

/** Starts `examples/<name>.ts` against the simulator. */
const startExample = (sim: Simulator.Simulator["Service"], name: string, args: ReadonlyArray<string>, extra?: Record<string, string>) =>
  startScript(name, args, environment(sim, extra))

/** Runs `examples/<name>.ts` to its end with the environment `env`; interrupting it kills the child. */
const runScript = (name: string, args: ReadonlyArray<string>, env: Record<string, string>) =>
  Effect.callback<ChildResult>((resume) => {
    const child = startScript(name, args, env)
    void runToEnd(child, { timeoutMillis: childTimeoutMillis }).then((result) => resume(Effect.succeed(result)))
    return Effect.promise(() => endChild(child))
  })

/** Runs `examples/<name>.ts` to its end against the simulator. */
const runExample = (name: string, args: ReadonlyArray<string> = []) =>
  Effect.flatMap(Simulator.Simulator, (sim) => runScript(name, args, environment(sim)))

/** A new temporary folder, removed with everything in it when the scope closes. */
const tempDir = Effect.acquireRelease(
  Effect.sync(() => mkdtempSync(join(tmpdir(), "ymc-examples-"))),
  (dir) => Effect.sync(() => rmSync(dir, { recursive: true, force: true }))
)

/** Waits (60 s at most, looking every 50 ms) until `condition` holds. */
const waitUntil = (condition: Effect.Effect<boolean>) =>
  condition.pipe(
    Effect.repeat({ until: (ok) => ok, schedule: Schedule.spaced("50 millis") }),
    Effect.timeoutOrElse({ duration: "60 seconds", orElse: () => Effect.die("the condition never held") })
  )

layer(Simulator.layer({ seed: 3, chats: 120, messages: 2_400 }), { timeout: 120_000, excludeTestServices: true })(
  "examples against the simulator",
  (it) => {
    it.effect("auto-responder answers every chat waiting for the seller", () =>
      Effect.gen(function*() {
        const sim = yield* Simulator.Simulator
        const waiting = (yield* sim.chats()).filter((c) => c.status === "WAITING_FOR_PARTNER" && c.type === "CHAT")
        expect(waiting.length).toBeGreaterThan(0)
        const { code, stderr, stdout } = yield* runExample("auto-responder")
        expect({ code, stderr }).toEqual({ code: 0, stderr: "" })
        expect(stdout).toContain(`answered ${waiting.length} chats, skipped 0, outcome unknown for 0`)
        for (const chat of waiting) {
          const last = (yield* sim.messages(chat.chatId)).at(-1)!
          expect(last.sender).toBe("PARTNER")
          expect(last.message).toMatch(/^Здравствуйте/)
        }
        const still = (yield* sim.chats()).filter((c) => c.status === "WAITING_FOR_PARTNER" && c.type === "CHAT")
        expect(still).toEqual([])
      }))

    it.effect("export-history writes the whole history as JSON Lines", () =>
      Effect.gen(function*() {
        const sim = yield* Simulator.Simulator
        const chat = (yield* sim.chats())[2]!
        const out = join(yield* tempDir, "history.jsonl")
        const { code, stderr } = yield* runExample("export-history", [String(chat.chatId), out])
        expect(code).toBe(0)
        const lines = readFileSync(out, "utf8").trim().split("\n").map((l) => JSON.parse(l))
        const stored = yield* sim.messages(chat.chatId)
        expect(lines.map((l) => l.messageId)).toEqual(stored.map((m) => m.messageId))
        expect(lines.map((l) => l.sender)).toEqual(stored.map((m) => m.sender))
        expect(lines[0].createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/)
        expect(stderr).toContain(`exported ${stored.length} messages of chat ${chat.chatId} to ${out}`)
      }))

    it.effect("send-file sends a file that keeps its name and size", () =>
      Effect.gen(function*() {
        const sim = yield* Simulator.Simulator
        const chat = (yield* sim.chats())[4]!
        const file = join(yield* tempDir, "накладная.pdf")
        writeFileSync(file, Buffer.from("%PDF-1.4\n% пример\n"))
        const size = readFileSync(file).byteLength
        const { code, stdout } = yield* runExample("send-file", [String(chat.chatId), file])
        expect(code).toBe(0)
        expect(stdout).toContain(`sent накладная.pdf (${size} bytes) to chat ${chat.chatId}`)
        const last = (yield* sim.messages(chat.chatId)).at(-1)!
        expect(last.sender).toBe("PARTNER")
        expect(last.payload?.[0]).toMatchObject({ name: "накладная.pdf", size })
      }))

    it.effect("send-file without its arguments says how to call it and exits non-zero, sending nothing", () =>
      Effect.gen(function*() {
        const sim = yield* Simulator.Simulator
        const before = (yield* sim.stats).totalRequests
        const { code, stderr } = yield* runExample("send-file")
        expect(code).not.toBe(0)
        expect(stderr).toContain("usage: send-file.ts <chatId> <path>")
        expect((yield* sim.stats).totalRequests).toBe(before)
      }))

    it.effect("an example with a wrong key says so and exits non-zero, without printing the key", () =>
      Effect.gen(function*() {
        const sim = yield* Simulator.Simulator
        yield* sim.revokeAccess({ apiKey: sim.apiKey })
        const result = yield* runExample("auto-responder").pipe(
          Effect.ensuring(sim.grantAccess({ apiKey: sim.apiKey }, [sim.businessId]))
        )
        expect(result.code).not.toBe(0)
        expect(result.stderr).toContain("no access")
        expect(result.stdout + result.stderr).not.toContain(sim.apiKey)
      }))
  }
)

layer(Simulator.layer({ seed: 5, chats: 20, messages: 100 }), { timeout: 120_000, excludeTestServices: true })(
  "the notification loop",
  (it) => {
    for (const queue of ["memory", "redis"] as const) {
      it.effect.skipIf(queue === "redis" && !withRedis)(
        `the simulator notifies a customer's message; the bot fetches it and answers, end to end (queue: ${queue})`,
        () =>
        Effect.gen(function*() {
          const sim = yield* Simulator.Simulator
          const redis = queue === "redis"
            ? yield* Effect.acquireRelease(Effect.promise(() => startRedis()), (server) => Effect.promise(() => server.stop()))
            : undefined
          const redisUrl: Record<string, string> = redis === undefined ? {} : { REDIS_URL: redis.url }
          const bot = yield* Effect.acquireRelease(
            Effect.sync(() => startExample(sim, "notification-bot", [], { NOTIFICATIONS_PORT: "0", ...redisUrl })),
            (child) => Effect.promise(() => endChild(child))
          )
          const output = watchOutput(bot)
          const waitFor = (pattern: RegExp) => Effect.promise(() => output.waitFor(pattern, childTimeoutMillis))
          const endpoint = (yield* waitFor(/listening for notifications on (\S+)/))[1]!
          expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/notification$/)
          yield* sim.setNotificationUrl(endpoint)
          yield* sim.ping

          const chat = (yield* sim.chats())[0]!
          const first = yield* sim.customerWrites(chat.chatId, "Хочу оформить возврат, как это сделать?")
          yield* waitFor(new RegExp(`answered chat ${chat.chatId} \\(message ${first.messageId}\\)`))
          const answer = (yield* sim.messages(chat.chatId)).at(-1)!
          expect(answer.sender).toBe("PARTNER")
          expect(answer.message).toContain("возврат")
          // the bot's own answer is notified too, before the next message: once the bot has answered that
          // one, it has handled the notification of its own answer, and must not have answered it
          const second = yield* sim.customerWrites(chat.chatId, "Спасибо!")
          yield* waitFor(new RegExp(`answered chat ${chat.chatId} \\(message ${second.messageId}\\)`))
          const after = (yield* sim.messages(chat.chatId)).filter((m) => m.messageId >= first.messageId)
          expect(after.map((m) => m.sender)).toEqual(["CUSTOMER", "PARTNER", "CUSTOMER", "PARTNER"])
          // PING, the two customer messages and the first answer at least; none given up
          yield* waitUntil(Effect.map(sim.stats, (s) => s.notifications.delivered >= 4))
          expect((yield* sim.stats).notifications.failed).toBe(0)
          expect(output.text()).not.toContain(sim.apiKey)
          if (redis !== undefined) {
            // the events went through the Redis queue: each left its duplicate key there
            const client = yield* adminClient(redis.url)
            const seen = yield* Effect.promise(() => client.keys("ymc:{notifications:notification-bot}:seen:*"))
            expect(seen.length).toBeGreaterThanOrEqual(3)
          }
        }))
    }

    it.effect("chat-bot answers a buyer through effect/chat: the event in, the plain text out", () =>
      Effect.gen(function*() {
        const sim = yield* Simulator.Simulator
        const bot = yield* Effect.acquireRelease(
          Effect.sync(() => startExample(sim, "chat-bot", [], { NOTIFICATIONS_PORT: "0" })),
          (child) => Effect.promise(() => endChild(child))
        )
        const output = watchOutput(bot)
        const waitFor = (pattern: RegExp) => Effect.promise(() => output.waitFor(pattern, childTimeoutMillis))
        const endpoint = (yield* waitFor(/listening for notifications on (\S+)/))[1]!
        yield* sim.setNotificationUrl(endpoint)
        const chat = (yield* sim.chats())[1]!
        const asked = yield* sim.customerWrites(chat.chatId, "Как оформить возврат?")
        yield* waitFor(new RegExp(`answered ${sim.businessId}:${chat.chatId} \\(message ${asked.messageId}\\)`))
        const after = (yield* sim.messages(chat.chatId)).filter((m) => m.messageId >= asked.messageId)
        expect(after.map((m) => m.sender)).toEqual(["CUSTOMER", "PARTNER"])
        // the Markdown's **bold** is gone: the market shows plain text
        expect(after[1]!.message).toBe("Здравствуйте! Оформите возврат в разделе «Заказы», мы примем его в течение дня.")
        expect(output.text()).not.toContain(sim.apiKey)
      }))
  }
)

describe("redis-workers", () => {
  it.live("without REDIS_URL it says so, starts nothing and exits non-zero", () =>
    Effect.gen(function*() {
      const { code, stderr, stdout } = yield* runScript("redis-workers", [], { PATH: process.env["PATH"] ?? "" })
      expect(code).not.toBe(0)
      expect(stderr).toContain("set REDIS_URL")
      expect(stdout).toBe("")
    }))

  it.live.skipIf(!withRedis)("its worker processes share the limit of 4 in flight through Redis: no parallel-limit 420", () =>
    Effect.gen(function*() {
      const redis = yield* Effect.acquireRelease(Effect.promise(() => startRedis()), (server) => Effect.promise(() => server.stop()))
      const { code, stderr, stdout } = yield* runScript("redis-workers", ["--workers", "3", "--calls", "20"], {
        PATH: process.env["PATH"] ?? "",
        REDIS_URL: redis.url
      })
      expect({ code, stderr }).toEqual({ code: 0, stderr: "" })
      const summary = /^3 processes × concurrency 8, (\d+) requests in [\d.]+ s \(workers' exit codes: 0 0 0\)$/m.exec(stdout)
      // each worker lists the chats once, then makes its 20 calls
      expect(Number(summary?.[1])).toBeGreaterThanOrEqual(3 * 21)
      expect(stdout).toMatch(/^parallel-limit 420s served: 0; most requests in flight for the business: [1-4]$/m)
    }), 120_000)
})
