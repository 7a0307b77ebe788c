/**
 * The real entry point: `node --import tsx src/cli/main.ts ...` as a child process, configured through
 * environment variables, against the simulator running in this process on loopback. Every child is
 * bounded in time and killed after its test if still running.
 */
import { afterAll, afterEach, expect, layer } from "@effect/vitest"
import { Effect, Schedule, Schema } from "effect"
import { spawn } from "node:child_process"
import { readFileSync } from "node:fs"
import * as Fs from "node:fs/promises"
import * as Os from "node:os"
import * as Path from "node:path"
import * as ChatsSchema from "../../src/ChatsSchema.js"
import * as Simulator from "../../src/Simulator.js"
import { edition, killChildren, lines, spawnCli, transcript } from "./harness.js"

// a test that fails or times out leaves no process behind
afterEach(() => killChildren())

/** The keys handed to the CLI. */
const keys = new Set<string>()
afterAll(() => {
  // every key handed to the CLI above: none may appear in anything it printed
  if (keys.size > 0) expect(transcript.length).toBeGreaterThan(0)
  for (const key of keys) {
    for (const output of transcript) expect(output).not.toContain(key)
  }
})

const envOf = (sim: Simulator.Service) => {
  keys.add(sim.apiKey)
  return {
    YANDEX_MARKET_BASE_URL: sim.url,
    YANDEX_MARKET_API_KEY: sim.apiKey,
    YANDEX_MARKET_BUSINESS_ID: String(sim.businessId)
  }
}

const cli = (args: ReadonlyArray<string>) => Simulator.Simulator.use((sim) => spawnCli(args, { env: envOf(sim) }))

const normalizeMessage = (dto: unknown) =>
  Schema.encodeSync(ChatsSchema.ChatMessage)(Schema.decodeUnknownSync(ChatsSchema.ChatMessage)(dto))

/** Waits (at most `millis`) until `condition` holds. */
const waitUntil = (condition: Effect.Effect<boolean>, millis: number): Effect.Effect<void> =>
  Effect.flatMap(condition, (ok) => ok ? Effect.void : Effect.fail("not yet" as const)).pipe(
    Effect.retry(Schedule.spaced("20 millis")),
    Effect.timeout(millis),
    Effect.orDie
  )

layer(Simulator.layer({ seed: 8, chats: 40, messages: 800 }), { timeout: 120_000, excludeTestServices: true })(
  "ym-chats as a child process",
  (it) => {
    it.effect("list --json with a filter and a limit", () =>
      Effect.gen(function*() {
        const sim = yield* Simulator.Simulator
        const result = yield* cli(["list", "--type", "CHAT", "--limit", "3", "--json"])
        expect(result.stderr).toBe("")
        expect(result.code).toBe(0)
        const expected = (yield* sim.chats()).filter((chat) => chat.type === "CHAT").slice(0, 3)
        expect(lines(result.stdout).map((line) => (JSON.parse(line) as { chatId: number }).chatId)).toEqual(
          expected.map((chat) => chat.chatId)
        )
      }))

    it.effect("history --json equals the simulator's messages, without progress when stderr is a pipe", () =>
      Effect.gen(function*() {
        const sim = yield* Simulator.Simulator
        const chat = (yield* sim.chats())[4]!
        const result = yield* cli(["history", String(chat.chatId), "--json"])
        expect(result).toMatchObject({ code: 0, stderr: "" })
        expect(lines(result.stdout).map((line) => JSON.parse(line) as unknown)).toEqual(
          (yield* sim.messages(chat.chatId)).map(normalizeMessage)
        )
      }))

    it.effect("send and send-file are stored by the simulator", () =>
      Effect.gen(function*() {
        const sim = yield* Simulator.Simulator
        const chat = (yield* sim.chats())[1]!
        const sent = yield* cli(["send", String(chat.chatId), "Добрый день!"])
        expect(sent).toEqual({ code: 0, stdout: `Message sent to chat ${chat.chatId}.\n`, stderr: "" })
        expect((yield* sim.messages(chat.chatId)).at(-1)).toMatchObject({ sender: "PARTNER", message: "Добрый день!" })

        const dir = yield* Effect.acquireRelease(
          Effect.promise(() => Fs.mkdtemp(Path.join(Os.tmpdir(), "ym-chats-"))),
          (dir) => Effect.promise(() => Fs.rm(dir, { recursive: true, force: true }))
        )
        const file = Path.join(dir, "photo.jpg")
        yield* Effect.promise(() => Fs.writeFile(file, new Uint8Array(4_321).fill(7)))
        const filed = yield* cli(["send-file", String(chat.chatId), file])
        expect(filed.code).toBe(0)
        expect(filed.stdout).toBe(`File photo.jpg (4321 bytes, image/jpeg) sent to chat ${chat.chatId}.\n`)
        expect((yield* sim.messages(chat.chatId)).at(-1)!.payload).toEqual([
          expect.objectContaining({ name: "photo.jpg", size: 4_321 })
        ])
      }).pipe(Effect.scoped))

    it.effect("open --order prints the same chat id twice", () =>
      Effect.gen(function*() {
        const first = yield* cli(["open", "--order", "80000001"])
        const second = yield* cli(["open", "--order", "80000001"])
        expect(first.code).toBe(0)
        expect(first.stdout).toMatch(/^\d+\n$/)
        expect(second).toEqual(first)
      }))

    it.effect("a missing chat: one line on stderr, exit code 1", () =>
      Effect.gen(function*() {
        const result = yield* cli(["get", "99999999"])
        expect(result).toEqual({
          code: 1,
          stdout: "",
          stderr: "ym-chats: getChat (GET /v2/businesses/12345/chat) failed with HTTP 404: NOT_FOUND: Chat 99999999 not found\n"
        })
      }))

    it.effect("no key: one line on stderr, exit code 2", () =>
      Effect.gen(function*() {
        const sim = yield* Simulator.Simulator
        const result = yield* spawnCli(["get", "1"], {
          env: { YANDEX_MARKET_BASE_URL: sim.url, YANDEX_MARKET_BUSINESS_ID: String(sim.businessId) }
        })
        expect(result).toEqual({
          code: 2,
          stdout: "",
          stderr: "ym-chats: no API key: set YANDEX_MARKET_API_KEY (or YANDEX_MARKET_OAUTH_TOKEN), or pass --api-key-prompt\n"
        })
      }))

    it.effect("--api-key-prompt reads the key from stdin when it is a pipe", () =>
      Effect.gen(function*() {
        const sim = yield* Simulator.Simulator
        const chat = (yield* sim.chats())[0]!
        keys.add(sim.apiKey)
        const result = yield* spawnCli(
          ["--business", String(sim.businessId), "--base-url", sim.url, "--api-key-prompt", "get", String(chat.chatId)],
          { stdin: `${sim.apiKey}\nnot read\n` }
        )
        expect(result.stderr).toBe("")
        expect(result.code).toBe(0)
        expect(result.stdout).toMatch(new RegExp(`^chat +${chat.chatId}$`, "m"))
      }))

    it.effect("a usage error: one line on stderr, exit code 2", () =>
      Effect.gen(function*() {
        const result = yield* cli(["list", "--status", "SOMETIMES"])
        expect(result.code).toBe(2)
        expect(result.stdout).toBe("")
        expect(lines(result.stderr)).toHaveLength(1)
        expect(result.stderr).toContain(`"NEW" | "WAITING_FOR_CUSTOMER"`)
      }))

    it.effect("help and the version on a pipe: no colours; the version is the package's", () =>
      Effect.gen(function*() {
        const help = yield* cli(["--help"])
        expect(help.code).toBe(0)
        expect(help.stdout).toContain("SUBCOMMANDS")
        expect(help.stdout).not.toContain("\u001b")
        // FORCE_COLOR asks for colours even on a pipe: the same help, in colour
        const forced = yield* Simulator.Simulator.use((sim) => spawnCli(["--help"], { env: { ...envOf(sim), FORCE_COLOR: "1" } }))
        expect(forced.stdout).toContain("\u001b[")
        expect(forced.stdout.replace(/\u001b\[[0-9;]*m/g, "")).toBe(help.stdout)
        const version = yield* cli(["--version"])
        const pkg = JSON.parse(readFileSync(Path.join(edition, "package.json"), "utf8")) as { version: string }
        expect(version).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: "" })
      }))

    it.effect("a reader that goes away ends the command quietly", () =>
      Effect.gen(function*() {
        const sim = yield* Simulator.Simulator
        const chat = (yield* sim.chats())[6]!
        for (let i = 0; i < 1_500; i++) yield* sim.customerWrites(chat.chatId, `question number ${i} `.repeat(8))
        const pages = Math.ceil((yield* sim.messages(chat.chatId)).length / 100)
        yield* sim.resetStats
        const result = yield* Effect.callback<{ code: number | null; stderr: string }>((resume) => {
          const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "history", String(chat.chatId)], {
            cwd: edition,
            env: { PATH: process.env["PATH"] ?? "", ...envOf(sim) }
          })
          const timer = setTimeout(() => child.kill("SIGKILL"), 60_000)
          let stderr = ""
          child.stderr!.on("data", (chunk: Buffer) => void (stderr += chunk.toString()))
          // like `| head -1`: read the first chunk, then close the pipe
          child.stdout!.once("data", () => child.stdout!.destroy())
          child.on("close", (code) => {
            clearTimeout(timer)
            resume(Effect.succeed({ code, stderr }))
          })
          return Effect.sync(() => {
            clearTimeout(timer)
            child.kill("SIGKILL")
          })
        })
        expect(result).toEqual({ code: 0, stderr: "" })
        // it stopped fetching instead of reading the whole history into a closed pipe
        expect((yield* sim.stats).requests.getChatHistory).toBeLessThan(pages / 2)
      }))

    it.effect("interrupted by SIGINT while waiting for an answer: exit code 130, nothing on stdout", () =>
      Effect.gen(function*() {
        const sim = yield* Simulator.Simulator
        const chat = (yield* sim.chats())[3]!
        yield* sim.resetStats
        // the answer is held long enough for the signal to arrive while the request is in flight
        yield* sim.setFaults([{ kind: "latency", millis: 30_000, operations: ["getChat"] }])
        const started = Date.now()
        const result = yield* spawnCli(["get", String(chat.chatId)], {
          env: envOf(sim),
          started: (child) =>
            void Effect.runFork(
              Effect.andThen(
                waitUntil(Effect.map(sim.stats, (s) => s.requests.getChat === 1), 20_000),
                Effect.sync(() => child.kill("SIGINT"))
              )
            )
        }).pipe(Effect.ensuring(sim.clearFaults))
        expect({ code: result.code, stdout: result.stdout }).toEqual({ code: 130, stdout: "" })
        // it ended on the signal, not when the held answer came
        expect(Date.now() - started).toBeLessThan(25_000)
        expect((yield* sim.stats).requests.getChat).toBe(1)
      }))
  }
)
