/**
 * Runs each program of examples/ as a user would (a child process, configured by the environment)
 * against the simulator, and checks what it did there; and `npm start` (the demo) as package.json
 * runs it. Every child is killed after its test if still running, every temporary folder removed.
 */
import { afterEach, describe, expect, it, layer } from "@effect/vitest"
import { Effect, Schedule } from "effect"
import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import * as Simulator from "../../src/Simulator.js"
import { killChildren, repoRoot, runChild, runTsx, spawnChild, tempDir } from "../fixtures/system.js"
import { createClient } from "redis"
import { redisAvailable, scopedRedis } from "../redis/server.js"
import { waitUntil } from "../simulator/http.js"

// a test that fails or times out leaves no process behind
afterEach(() => killChildren())

/** Whether redis-server is on PATH, for the bot over Redis (skipped with a warning without it; CI needs it). */
const withRedis = redisAvailable("test/examples (the bot over Redis)")

/** Runs `examples/<name>.ts` with the simulator's URL and key in the environment. */
const runExample = (name: string, args: ReadonlyArray<string> = []) =>
  Effect.flatMap(Simulator.Simulator, (sim) =>
    runTsx(`examples/${name}.ts`, args, {
      env: {
        ...process.env,
        YANDEX_MARKET_BASE_URL: sim.url,
        YANDEX_MARKET_API_KEY: sim.apiKey,
        YANDEX_MARKET_BUSINESS_ID: String(sim.businessId)
      }
    }))

describe("npm start", () => {
  it.live("runs the demo against its own simulator: every step, exit code 0", () =>
    Effect.gen(function*() {
      const pkg = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { scripts: Record<string, string> }
      const [command, ...args] = pkg.scripts["start"]!.split(" ")
      expect(command).toBe("node")
      const { code, stderr, stdout } = yield* runChild(process.execPath, args)
      expect({ code, stderr }).toEqual({ code: 0, stderr: "" })
      const lines = stdout.split("\n")
      expect(lines[0]).toMatch(/^Simulator of the Yandex Market chats API at http:\/\/127\.0\.0\.1:\d+ \(business 12345\)$/)
      expect(stdout).toMatch(/^1\. \d+ chats wait for the seller's answer; the first five:$/m)
      expect(stdout).toMatch(/^3\. Replied to #\d+: its status is now WAITING_FOR_CUSTOMER$/m)
      expect(stdout).toMatch(/^4\. Sent a file: PARTNER +\[file счёт-42\.txt, \d+ bytes\]$/m)
      const opened = /^5\. Opened chat #(\d+) on order 77000001; opening it again gives #(\d+)$/m.exec(stdout)
      expect(opened?.[2]).toBe(opened?.[1])
      expect(stdout).toMatch(/through the client's gate: [1-4] in flight at most, 0 refusals \(420\)/)
      expect(stdout).toContain("all absorbed by retries: 40/40 answered")
      expect(stdout).toMatch(/^7\. 12 reads against a quota of 5 per second: all answered/m)
      expect(lines.filter((l) => l !== "").at(-1)).toBe("Done: every call went over real HTTP on loopback, none left this machine.")
    }), 120_000)
})

layer(Simulator.layer({ seed: 3, chats: 120, messages: 2_400 }), { timeout: 120_000, excludeTestServices: true })(
  "examples against the simulator",
  (it) => {
    it.effect("auto-responder answers every chat waiting for the seller", () =>
      Effect.gen(function*() {
        const sim = yield* Simulator.Simulator
        const waiting = (yield* sim.chats()).filter((c) => c.status === "WAITING_FOR_PARTNER" && c.type === "CHAT")
        expect(waiting.length).toBeGreaterThan(0)
        const { code, stderr, stdout } = yield* runExample("auto-responder")
        expect(stderr).toBe("")
        expect(code).toBe(0)
        expect(stdout).toContain(`answered ${waiting.length} chats`)
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
        const out = join(yield* tempDir("ymc-"), "history.jsonl")
        const { code, stderr } = yield* runExample("export-history", [String(chat.chatId), out])
        expect(code).toBe(0)
        const lines = readFileSync(out, "utf8").trim().split("\n").map((l) => JSON.parse(l))
        const stored = yield* sim.messages(chat.chatId)
        expect(lines.map((l) => l.messageId)).toEqual(stored.map((m) => m.messageId))
        expect(stderr).toContain(`exported ${stored.length} messages`)
      }).pipe(Effect.scoped))

    it.effect("send-file sends a file that keeps its name and size", () =>
      Effect.gen(function*() {
        const sim = yield* Simulator.Simulator
        const chat = (yield* sim.chats())[4]!
        const file = join(yield* tempDir("ymc-"), "накладная.pdf")
        writeFileSync(file, Buffer.from("%PDF-1.4\n% пример\n"))
        const { code, stdout } = yield* runExample("send-file", [String(chat.chatId), file])
        expect(code).toBe(0)
        expect(stdout).toContain("sent накладная.pdf")
        const last = (yield* sim.messages(chat.chatId)).at(-1)!
        expect(last.payload?.[0]).toMatchObject({ name: "накладная.pdf", size: readFileSync(file).byteLength })
      }).pipe(Effect.scoped))

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
    it.effect.skipIf(queue === "redis" && !withRedis)(`the simulator notifies a customer's message; the bot fetches it and answers, end to end (queue: ${queue})`, () =>
      Effect.gen(function*() {
        const sim = yield* Simulator.Simulator
        const redis = queue === "redis" ? yield* scopedRedis() : undefined
        const redisUrl = redis === undefined ? {} : { REDIS_URL: redis.url }
        const bot = spawnChild(process.execPath, ["--import", "tsx", "examples/notification-bot.ts"], {
          env: { ...process.env, ...redisUrl, YANDEX_MARKET_BASE_URL: sim.url, YANDEX_MARKET_API_KEY: sim.apiKey, NOTIFICATIONS_PORT: "0" },
          stdio: ["ignore", "pipe", "pipe"]
        })
        yield* Effect.addFinalizer(() => Effect.sync(() => bot.kill()))
        let output = ""
        bot.stdout!.on("data", (chunk) => void (output += String(chunk)))
        bot.stderr!.on("data", (chunk) => void (output += String(chunk)))
        /** Waits (60 s at most) for the bot to print a line that matches. */
        const waitFor = (pattern: RegExp) =>
          Effect.suspend(() => {
            const match = pattern.exec(output)
            return match === null ? Effect.fail("not yet" as const) : Effect.succeed(match)
          }).pipe(
            Effect.retry(Schedule.intersect(Schedule.spaced("50 millis"), Schedule.recurs(1_200))),
            Effect.orElse(() => Effect.dieMessage(`the bot never printed ${pattern}; it printed:\n${output}`))
          )
        const endpoint = (yield* waitFor(/listening for notifications on (\S+)/))[1]
        expect(endpoint).toBeDefined()
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
        if (redis !== undefined) {
          // the events went through the Redis queue: each left its duplicate key there
          const seen = yield* Effect.acquireUseRelease(
            Effect.promise(() => createClient({ url: redis.url }).connect()),
            (client) => Effect.promise(() => client.keys("ymc:{notifications:notification-bot}:seen:*")),
            (client) => Effect.sync(() => client.destroy())
          )
          expect(seen.length).toBeGreaterThanOrEqual(3)
        }
      }).pipe(Effect.scoped))
    }
  }
)
