/**
 * Runs each program of examples/ as a user would (a child process, configured by the environment)
 * against the simulator, and checks what it did there.
 */
import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { execFile, spawn } from "node:child_process"
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as Simulator from "../../src/Simulator.js"

/** Runs `examples/<name>.ts` with the simulator's URL and key in the environment. */
const runExample = (name: string, args: ReadonlyArray<string> = []) =>
  Effect.flatMap(Simulator.Simulator, (sim) =>
    Effect.async<{ code: number; stdout: string; stderr: string }>((resume) => {
      execFile(
        process.execPath,
        ["--import", "tsx", `examples/${name}.ts`, ...args],
        {
          env: {
            ...process.env,
            YANDEX_MARKET_BASE_URL: sim.url,
            YANDEX_MARKET_API_KEY: sim.apiKey,
            YANDEX_MARKET_BUSINESS_ID: String(sim.businessId)
          },
          timeout: 60_000
        },
        (error, stdout, stderr) => resume(Effect.succeed({ code: error === null ? 0 : (error.code as number) ?? 1, stdout, stderr }))
      )
    }))

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
        const out = join(mkdtempSync(join(tmpdir(), "ymc-")), "history.jsonl")
        const { code, stderr } = yield* runExample("export-history", [String(chat.chatId), out])
        expect(code).toBe(0)
        const lines = readFileSync(out, "utf8").trim().split("\n").map((l) => JSON.parse(l))
        const stored = yield* sim.messages(chat.chatId)
        expect(lines.map((l) => l.messageId)).toEqual(stored.map((m) => m.messageId))
        expect(stderr).toContain(`exported ${stored.length} messages`)
      }))

    it.effect("send-file sends a file that keeps its name and size", () =>
      Effect.gen(function*() {
        const sim = yield* Simulator.Simulator
        const chat = (yield* sim.chats())[4]!
        const file = join(mkdtempSync(join(tmpdir(), "ymc-")), "накладная.pdf")
        writeFileSync(file, Buffer.from("%PDF-1.4\n% пример\n"))
        const { code, stdout } = yield* runExample("send-file", [String(chat.chatId), file])
        expect(code).toBe(0)
        expect(stdout).toContain("sent накладная.pdf")
        const last = (yield* sim.messages(chat.chatId)).at(-1)!
        expect(last.payload?.[0]).toMatchObject({ name: "накладная.pdf", size: readFileSync(file).byteLength })
      }))

    it.effect("an example with a wrong key says so and exits non-zero, without printing the key", () =>
      Effect.gen(function*() {
        const sim = yield* Simulator.Simulator
        yield* sim.revokeAccess({ apiKey: sim.apiKey })
        const result = yield* runExample("auto-responder")
        yield* sim.grantAccess({ apiKey: sim.apiKey }, [sim.businessId])
        expect(result.code).not.toBe(0)
        expect(result.stderr).toContain("no access")
        expect(result.stdout + result.stderr).not.toContain(sim.apiKey)
      }))
  }
)

layer(Simulator.layer({ seed: 5, chats: 20, messages: 100 }), { timeout: 120_000, excludeTestServices: true })(
  "the notification loop",
  (it) => {
    it.effect("the simulator notifies a customer's message; the bot fetches it and answers, end to end", () =>
      Effect.gen(function*() {
        const sim = yield* Simulator.Simulator
        const bot = spawn(process.execPath, ["--import", "tsx", "examples/notification-bot.ts"], {
          env: { ...process.env, YANDEX_MARKET_BASE_URL: sim.url, YANDEX_MARKET_API_KEY: sim.apiKey, NOTIFICATIONS_PORT: "0" },
          stdio: ["ignore", "pipe", "pipe"]
        })
        yield* Effect.addFinalizer(() => Effect.sync(() => bot.kill()))
        let output = ""
        bot.stdout.on("data", (chunk) => void (output += String(chunk)))
        bot.stderr.on("data", (chunk) => void (output += String(chunk)))
        /** Waits (30 s at most) for the bot to print a line that matches. */
        const waitFor = (pattern: RegExp) =>
          Effect.gen(function*() {
            for (let i = 0; i < 600; i++) {
              const match = pattern.exec(output)
              if (match !== null) return match
              yield* Effect.sleep("50 millis")
            }
            return yield* Effect.dieMessage(`the bot never printed ${pattern}; it printed:\n${output}`)
          })
        const endpoint = (yield* waitFor(/listening for notifications on (\S+)/))[1]
        expect(endpoint).toBeDefined()
        yield* sim.setNotificationUrl(endpoint)
        yield* sim.ping

        const chat = (yield* sim.chats())[0]!
        const message = yield* sim.customerWrites(chat.chatId, "Хочу оформить возврат, как это сделать?")
        yield* waitFor(new RegExp(`answered chat ${chat.chatId} \\(message ${message.messageId}\\)`))
        const last = (yield* sim.messages(chat.chatId)).at(-1)!
        expect(last.sender).toBe("PARTNER")
        expect(last.message).toContain("возврат")
        // the bot's own answer is notified too, and it does not answer itself
        yield* Effect.sleep("500 millis")
        expect((yield* sim.messages(chat.chatId)).filter((m) => m.sender === "PARTNER" && m.messageId > message.messageId))
          .toHaveLength(1)
        const { notifications } = yield* sim.stats
        expect(notifications.delivered).toBeGreaterThanOrEqual(3) // PING, the customer's message, the answer
        expect(notifications.failed).toBe(0)
      }).pipe(Effect.scoped))
  }
)
