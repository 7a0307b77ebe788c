/**
 * `ym-chats` in-process against the simulator over loopback: each command through `Command.run` with
 * the arguments, stdin and the terminal flags of `Stdio.layerTest`, a captured console, the environment
 * as a `ConfigProvider`.
 */
import { afterAll, describe, expect, layer } from "@effect/vitest"
import { Effect, Option, Schema, type Scope } from "effect"
import * as Os from "node:os"
import * as Fs from "node:fs/promises"
import * as Path from "node:path"
import * as ChatsSchema from "../../src/ChatsSchema.js"
import * as Simulator from "../../src/Simulator.js"
import { lines, runCli, scriptedTerminal, transcript } from "./harness.js"

const normalizeChat = (dto: unknown) =>
  Schema.encodeSync(ChatsSchema.Chat)(Schema.decodeUnknownSync(ChatsSchema.Chat)(dto))
const normalizeMessage = (dto: unknown) =>
  Schema.encodeSync(ChatsSchema.ChatMessage)(Schema.decodeUnknownSync(ChatsSchema.ChatMessage)(dto))

/** A new temporary folder, removed with everything in it when the scope closes. */
const tempDir = (prefix: string): Effect.Effect<string, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.promise(() => Fs.mkdtemp(Path.join(Os.tmpdir(), prefix))),
    (dir) => Effect.promise(() => Fs.rm(dir, { recursive: true, force: true }))
  )

/** What a run printed through the console, and its exit code (without the progress line). */
const printed = ({ code, stderr, stdout }: { code: number; stdout: string; stderr: string }) => ({ code, stdout, stderr })

/** A progress line as written on stderr: the line erased, then the text. */
const progressLine = (text: string) => `\r\x1b[K${text}`

/** The keys handed to the CLI. */
const keys = new Set<string>()
afterAll(() => {
  // every key handed to the CLI above: none may appear in anything it printed
  if (keys.size > 0) expect(transcript.length).toBeGreaterThan(0)
  for (const key of keys) {
    for (const output of transcript) expect(output).not.toContain(key)
  }
})

/** The environment of a user who set everything up. */
const envOf = (sim: Simulator.Service, extra: Record<string, string> = {}) => {
  keys.add(sim.apiKey).add(sim.oauthToken)
  return {
    YANDEX_MARKET_BASE_URL: sim.url,
    YANDEX_MARKET_API_KEY: sim.apiKey,
    YANDEX_MARKET_BUSINESS_ID: String(sim.businessId),
    ...extra
  }
}

/** Runs the CLI as that user. */
const cli = (args: ReadonlyArray<string>, options: Parameters<typeof runCli>[1] = {}) =>
  Effect.flatMap(Simulator.Simulator, (sim) => runCli(args, { ...options, env: options.env ?? envOf(sim) }))

layer(Simulator.layer({ seed: 5, chats: 60, messages: 1_500 }), { timeout: 60_000, excludeTestServices: true })(
  "ym-chats in-process",
  (it) => {
    describe("list", () => {
      it.effect("prints a table of every chat, newest first", () =>
        Effect.gen(function*() {
          const sim = yield* Simulator.Simulator
          const result = yield* cli(["list"])
          expect(result.code).toBe(0)
          expect(result.stderr).toBe("")
          const [header, ...rows] = lines(result.stdout)
          expect(header).toMatch(/^CHAT\s+TYPE\s+STATUS\s+CONTEXT\s+UPDATED \(UTC\)\s+CUSTOMER$/)
          const expected = yield* sim.chats()
          expect(rows.map((row) => Number(row.split(/\s+/)[0]))).toEqual(expected.map((chat) => chat.chatId))
          const first = expected[0]!
          expect(rows[0]).toContain(first.status)
          expect(rows[0]).toContain(first.type)
          if (first.context.customer) expect(rows[0]).toContain(first.context.customer.name)
        }))

      it.effect("--json prints one chat a line, in the API's shape, across pages", () =>
        Effect.gen(function*() {
          const sim = yield* Simulator.Simulator
          yield* sim.resetStats
          const result = yield* cli(["list", "--json"])
          expect(result.code).toBe(0)
          const printed = lines(result.stdout).map((line) => JSON.parse(line) as unknown)
          expect(printed).toEqual((yield* sim.chats()).map(normalizeChat))
          expect((yield* sim.stats).requests.getChats).toBe(Math.ceil(printed.length / 20))
        }))

      it.effect("filters by status and type (repeatable), as JSON", () =>
        Effect.gen(function*() {
          const sim = yield* Simulator.Simulator
          const statuses = ["WAITING_FOR_PARTNER", "NEW"]
          const result = yield* cli([
            "list",
            "--status",
            "WAITING_FOR_PARTNER",
            "--status",
            "NEW",
            "--status",
            "NEW",
            "--type",
            "CHAT",
            "--json"
          ])
          expect(result.code).toBe(0)
          const printed = lines(result.stdout).map((line) => JSON.parse(line) as { chatId: number })
          const expected = (yield* sim.chats()).filter((chat) => statuses.includes(chat.status) && chat.type === "CHAT")
          expect(expected.length).toBeGreaterThan(0)
          expect(printed.map((chat) => chat.chatId)).toEqual(expected.map((chat) => chat.chatId))
        }))

      it.effect("filters by context type and by order, and --limit caps the count", () =>
        Effect.gen(function*() {
          const sim = yield* Simulator.Simulator
          const all = yield* sim.chats()
          const byType = yield* cli(["list", "--context-type", "RETURN", "--context-type", "DIRECT", "--json"])
          const types = lines(byType.stdout).map((line) => (JSON.parse(line) as { context: { type: string } }).context.type)
          expect(types.length).toBe(all.filter((chat) => chat.context.type !== "ORDER").length)
          expect(new Set(types)).toEqual(new Set(["RETURN", "DIRECT"].filter((t) => types.includes(t))))
          expect(types.every((type) => type !== "ORDER")).toBe(true)

          const onOrder = all.find((chat) => chat.context.type === "ORDER" && chat.context.orderId !== undefined)!
          const byOrder = yield* cli(["list", "--order", String(onOrder.context.orderId)])
          expect(byOrder.code).toBe(0)
          expect(lines(byOrder.stdout).slice(1).map((row) => Number(row.split(/\s+/)[0]))).toEqual([onOrder.chatId])

          const limited = yield* cli(["list", "--limit", "3"])
          expect(lines(limited.stdout).slice(1).map((row) => Number(row.split(/\s+/)[0]))).toEqual(
            all.slice(0, 3).map((chat) => chat.chatId)
          )
          const none = yield* cli(["list", "--order", "999999999"])
          expect(printed(none)).toEqual({ code: 0, stdout: "No chats.\n", stderr: "" })
        }))

      it.effect("shows progress on stderr only when it is a terminal, and clears it", () =>
        Effect.gen(function*() {
          const quiet = yield* cli(["list"], { streams: { stderrIsTerminal: false } })
          expect(quiet.code).toBe(0)
          expect(quiet.progress).toEqual([])
          const table = yield* cli(["list"], { streams: { stderrIsTerminal: true } })
          expect(table.progress).toContain(progressLine(`fetched ${lines(table.stdout).length - 1} chats...`))
          expect(table.progress.at(-1)).toBe(progressLine(""))
          const shown = yield* cli(["list", "--json"], { streams: { stderrIsTerminal: true } })
          expect(shown.code).toBe(0)
          expect(shown.progress.some((text) => /^\r\x1b\[Kfetched \d+ chats\.\.\.$/.test(text))).toBe(true)
          expect(shown.progress.at(-1)).toBe(progressLine(""))
          // the data on stdout holds no progress
          expect(shown.stdout).not.toContain("fetched")
        }))
    })

    describe("history", () => {
      it.effect("--json prints every message of a chat (several pages), equal to the simulator's", () =>
        Effect.gen(function*() {
          const sim = yield* Simulator.Simulator
          const chat = (yield* sim.chats())[7]!
          // more than one page of 100
          while ((yield* sim.messages(chat.chatId)).length <= 230) {
            yield* sim.customerWrites(chat.chatId, `question ${Math.random()}`)
          }
          yield* sim.resetStats
          const result = yield* cli(["history", String(chat.chatId), "--json"], { streams: { stderrIsTerminal: true } })
          expect(result.code).toBe(0)
          const expected = (yield* sim.messages(chat.chatId)).map(normalizeMessage)
          expect(lines(result.stdout).map((line) => JSON.parse(line) as unknown)).toEqual(expected)
          expect((yield* sim.stats).requests.getChatHistory).toBe(Math.ceil(expected.length / 100))
          expect(result.progress).toContain(progressLine(`fetched ${expected.length} messages...`))
          expect(result.progress.at(-1)).toBe(progressLine(""))
        }))

      it.effect("prints readable lines, with control characters of a message escaped", () =>
        Effect.gen(function*() {
          const sim = yield* Simulator.Simulator
          const chat = (yield* sim.chats())[11]!
          yield* sim.customerWrites(chat.chatId, "line one\n\u001b[31mred\u001b[0m line two")
          const messages = yield* sim.messages(chat.chatId)
          const result = yield* cli(["history", String(chat.chatId)])
          expect(result.code).toBe(0)
          expect(result.stdout).not.toContain("\u001b")
          const out = lines(result.stdout)
          const heads = out.filter((line) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z  #\d+  /.test(line))
          expect(heads.map((line) => Number(/#(\d+)/.exec(line)![1]))).toEqual(messages.map((m) => m.messageId))
          const last = messages.at(-1)!
          expect(out.at(-2)).toMatch(new RegExp(`#${last.messageId}  CUSTOMER  line one$`))
          expect(out.at(-1)).toMatch(/^ +\\x1b\[31mred\\x1b\[0m line two$/)
        }))

      it.effect("--from starts at a message id", () =>
        Effect.gen(function*() {
          const sim = yield* Simulator.Simulator
          const chat = (yield* sim.chats())[7]!
          const messages = yield* sim.messages(chat.chatId)
          const from = messages[150]!.messageId
          const result = yield* cli(["history", String(chat.chatId), "--from", String(from), "--json"])
          expect(lines(result.stdout).map((line) => (JSON.parse(line) as { messageId: number }).messageId)).toEqual(
            messages.slice(150).map((m) => m.messageId)
          )
        }))
    })

    describe("send and send-file", () => {
      it.effect("send posts the text, and the simulator stores it", () =>
        Effect.gen(function*() {
          const sim = yield* Simulator.Simulator
          const chat = (yield* sim.chats())[2]!
          const text = "Здравствуйте! Ваш заказ отправлен. «Трек»: RA123 — спасибо 👍"
          const result = yield* cli(["send", String(chat.chatId), text])
          expect(printed(result)).toEqual({ code: 0, stdout: `Message sent to chat ${chat.chatId}.\n`, stderr: "" })
          const stored = (yield* sim.messages(chat.chatId)).at(-1)!
          expect(stored).toMatchObject({ sender: "PARTNER", message: text })
          expect((yield* sim.stats).sent.at(-1)).toMatchObject({ chatId: chat.chatId, text, answer: "OK" })
        }))

      it.effect("send-file posts the file with its name, size, bytes and guessed type", () =>
        Effect.gen(function*() {
          const sim = yield* Simulator.Simulator
          const chat = (yield* sim.chats())[3]!
          const dir = yield* tempDir("ym-chats-")
          const file = Path.join(dir, "накладная 42.PDF")
          const bytes = new Uint8Array(12_345).map((_, i) => (i * 31) % 256)
          yield* Effect.promise(() => Fs.writeFile(file, bytes))
          const result = yield* cli(["send-file", String(chat.chatId), file])
          expect(printed(result)).toEqual({
            code: 0,
            stdout: `File накладная 42.PDF (12345 bytes, application/pdf) sent to chat ${chat.chatId}.\n`,
            stderr: ""
          })
          const payload = (yield* sim.messages(chat.chatId)).at(-1)!.payload!
          expect(payload).toHaveLength(1)
          expect(payload[0]).toMatchObject({ name: "накладная 42.PDF", size: 12_345 })
          const download = yield* Effect.promise(() => fetch(payload[0]!.url))
          expect(download.headers.get("content-type")).toBe("application/pdf")
          expect(new Uint8Array(yield* Effect.promise(() => download.arrayBuffer()))).toEqual(bytes)

          const other = Path.join(dir, "notes.bin")
          yield* Effect.promise(() => Fs.writeFile(other, "plain words"))
          const typed = yield* cli(["send-file", String(chat.chatId), other, "--content-type", "text/plain; charset=utf-8"])
          expect(typed.code).toBe(0)
          const second = (yield* sim.messages(chat.chatId)).at(-1)!.payload![0]!
          expect(second).toMatchObject({ name: "notes.bin", size: 11 })
          const got = yield* Effect.promise(() => fetch(second.url))
          expect(got.headers.get("content-type")).toBe("text/plain; charset=utf-8")
        }).pipe(Effect.scoped))

      it.effect("send-file refuses a missing path, a bad --content-type and a file over 5 MB before sending", () =>
        Effect.gen(function*() {
          const sim = yield* Simulator.Simulator
          const chat = (yield* sim.chats())[3]!
          const before = (yield* sim.stats).requests.sendFileToChat
          const dir = yield* tempDir("ym-chats-")
          const missing = yield* cli(["send-file", String(chat.chatId), Path.join(dir, "nope.pdf")])
          expect(missing.code).toBe(2)
          const small = Path.join(dir, "a.txt")
          yield* Effect.promise(() => Fs.writeFile(small, "x"))
          const badType = yield* cli(["send-file", String(chat.chatId), small, "--content-type", "not a type"])
          expect(badType.code).toBe(2)
          expect(lines(badType.stderr)).toEqual([
            `ym-chats: --content-type must be a media type such as application/pdf, got "not a type"`
          ])
          const big = Path.join(dir, "big.zip")
          yield* Effect.promise(() => Fs.writeFile(big, new Uint8Array(ChatsSchema.maxFileBytes + 1)))
          const tooBig = yield* cli(["send-file", String(chat.chatId), big])
          expect(tooBig.code).toBe(1)
          expect(lines(tooBig.stderr)).toEqual([
            `ym-chats: ${big} is ${ChatsSchema.maxFileBytes + 1} bytes; the market accepts files of at most ${ChatsSchema.maxFileBytes} bytes (5 MB)`
          ])
          expect((yield* sim.stats).requests.sendFileToChat).toBe(before)
        }).pipe(Effect.scoped))
    })

    describe("open and get", () => {
      it.effect("open --order prints the chat id, and the same id again (idempotent)", () =>
        Effect.gen(function*() {
          const sim = yield* Simulator.Simulator
          yield* sim.resetStats
          const first = yield* cli(["open", "--order", "71234567"])
          expect(first.code).toBe(0)
          expect(first.stdout).toMatch(/^\d+\n$/)
          const second = yield* cli(["open", "--order", "71234567"])
          expect(second).toEqual(first)
          expect((yield* sim.stats).chatsCreated).toBe(1)
          const chatId = Number(first.stdout.trim())
          const chat = Option.getOrThrow(yield* sim.chat(chatId))
          expect(chat.context).toMatchObject({ type: "ORDER", orderId: 71234567 })

          const onReturn = yield* cli(["open", "--return", "5550001"])
          expect(onReturn.code).toBe(0)
          const returnChat = Option.getOrThrow(yield* sim.chat(Number(onReturn.stdout.trim())))
          expect(returnChat.context).toMatchObject({ type: "RETURN", returnId: 5550001 })
        }))

      it.effect("open needs exactly one of --order and --return", () =>
        Effect.gen(function*() {
          expect((yield* cli(["open"])).code).toBe(2)
          expect((yield* cli(["open", "--order", "1", "--return", "2"])).code).toBe(2)
          expect((yield* cli(["open", "--order", "0"])).code).toBe(2)
        }))

      it.effect("get prints one chat, as fields or as JSON", () =>
        Effect.gen(function*() {
          const sim = yield* Simulator.Simulator
          const chat = (yield* sim.chats())[5]!
          const json = yield* cli(["get", String(chat.chatId), "--json"])
          expect(json.code).toBe(0)
          expect(lines(json.stdout).map((line) => JSON.parse(line) as unknown)).toEqual([normalizeChat(chat)])
          const text = yield* cli(["get", String(chat.chatId)])
          expect(text.code).toBe(0)
          const fields = new Map(lines(text.stdout).map((line) => {
            const [key, value] = line.split(/ {2,}/)
            return [key, value]
          }))
          expect(fields.get("chat")).toBe(String(chat.chatId))
          expect(fields.get("status")).toBe(chat.status)
          expect(fields.get("type")).toBe(chat.type)
        }))
    })

    describe("global options and credentials", () => {
      it.effect("global flags go before or after the command's name, and win over the environment", () =>
        Effect.gen(function*() {
          const sim = yield* Simulator.Simulator
          const chat = (yield* sim.chats())[0]!
          const env = { YANDEX_MARKET_API_KEY: sim.apiKey }
          const before = yield* runCli(["--business", String(sim.businessId), "--base-url", sim.url, "get", "--json", String(chat.chatId)], { env })
          const after = yield* runCli(["get", String(chat.chatId), "--json", "--business", String(sim.businessId), "--base-url", sim.url], { env })
          const mixed = yield* runCli(["--base-url", sim.url, "get", String(chat.chatId), "--business", String(sim.businessId), "--json"], { env })
          expect(before.code).toBe(0)
          expect(lines(before.stdout)).toHaveLength(1)
          expect(after).toEqual(before)
          expect(mixed).toEqual(before)
          // the flag wins over the environment, before the command's name or after it
          for (const args of [["--business", String(sim.businessId), "get", String(chat.chatId)], ["get", String(chat.chatId), "--business", String(sim.businessId)]]) {
            const overridden = yield* runCli(args, { env: envOf(sim, { YANDEX_MARKET_BUSINESS_ID: String(sim.otherBusinessId) }) })
            expect(overridden.code, args.join(" ")).toBe(0)
          }
          const fromEnv = yield* runCli(["get", String(chat.chatId)], { env: envOf(sim, { YANDEX_MARKET_BUSINESS_ID: String(sim.otherBusinessId) }) })
          expect(fromEnv.code).toBe(1)
          expect(fromEnv.stderr).toMatch(/HTTP 403/)
        }))

      it.effect("a global flag given twice (before and after the command's name) is a usage error", () =>
        Effect.gen(function*() {
          const sim = yield* Simulator.Simulator
          yield* sim.resetStats
          const result = yield* runCli(["--business", "1", "get", "5", "--business", String(sim.businessId)], { env: envOf(sim) })
          expect(printed(result)).toEqual({
            code: 2,
            stdout: "",
            stderr: `ym-chats: Invalid value for flag --business: "2 occurrences". Expected: at most 1 value (see ym-chats get --help)\n`
          })
          expect((yield* sim.stats).totalRequests).toBe(0)
        }))

      it.effect("an OAuth token from the environment works when there is no API key", () =>
        Effect.gen(function*() {
          const sim = yield* Simulator.Simulator
          const chat = (yield* sim.chats())[0]!
          const { YANDEX_MARKET_API_KEY: _, ...rest } = envOf(sim)
          const result = yield* runCli(["get", String(chat.chatId), "--json"], {
            env: { ...rest, YANDEX_MARKET_OAUTH_TOKEN: sim.oauthToken }
          })
          expect(result.code).toBe(0)
        }))

      it.effect("--api-key-prompt reads the key from a prompt that does not draw it", () =>
        Effect.gen(function*() {
          const sim = yield* Simulator.Simulator
          const chat = (yield* sim.chats())[0]!
          const drawn: Array<string> = []
          const { YANDEX_MARKET_API_KEY: _, ...env } = envOf(sim)
          const result = yield* runCli(["--api-key-prompt", "get", String(chat.chatId), "--json"], {
            env,
            streams: { stdinIsTerminal: true },
            terminal: scriptedTerminal(sim.apiKey, drawn)
          })
          expect(result.code).toBe(0)
          expect(drawn.join("")).toContain("Yandex Market API key")
          expect(drawn.join("")).not.toContain(sim.apiKey)
          expect(drawn.join("")).not.toContain("*".repeat(sim.apiKey.length))
          transcript.push(...drawn)
        }))

      it.effect("--api-key-prompt left without a key (Escape): one line on its own, exit code 2, nothing sent", () =>
        Effect.gen(function*() {
          const sim = yield* Simulator.Simulator
          yield* sim.resetStats
          const drawn: Array<string> = []
          const { YANDEX_MARKET_API_KEY: _, ...env } = envOf(sim)
          const result = yield* runCli(["--api-key-prompt", "list"], {
            env,
            streams: { stdinIsTerminal: true },
            terminal: scriptedTerminal("ACMA:half", drawn, { quit: true })
          })
          expect(printed(result)).toEqual({ code: 2, stdout: "", stderr: "ym-chats: --api-key-prompt: no key entered\n" })
          expect(drawn.join("")).toContain("Yandex Market API key")
          expect(drawn.join("")).not.toContain("ACMA:half")
          // the prompt's line is ended before the error is printed
          expect(drawn.at(-1)).toBe("\n")
          expect((yield* sim.stats).totalRequests).toBe(0)
        }))

      it.effect("--api-key-prompt takes the first line of stdin when stdin is not a terminal", () =>
        Effect.gen(function*() {
          const sim = yield* Simulator.Simulator
          const chat = (yield* sim.chats())[0]!
          const { YANDEX_MARKET_API_KEY: _, ...env } = envOf(sim)
          const ok = yield* runCli(["get", String(chat.chatId), "--api-key-prompt"], {
            env,
            streams: { stdin: `  ${sim.apiKey}  \nrest` }
          })
          expect(ok.code).toBe(0)
          const empty = yield* runCli(["get", String(chat.chatId), "--api-key-prompt"], { env, streams: { stdin: "\n" } })
          expect(empty.code).toBe(2)
          expect(lines(empty.stderr)).toEqual([
            "ym-chats: --api-key-prompt: stdin is not a terminal and its first line holds no key"
          ])
        }))

      it.effect("no key: one line that says how to give one, exit code 2, nothing sent", () =>
        Effect.gen(function*() {
          const sim = yield* Simulator.Simulator
          yield* sim.resetStats
          const { YANDEX_MARKET_API_KEY: _, ...env } = envOf(sim)
          const result = yield* runCli(["list"], { env: { ...env, YANDEX_MARKET_API_KEY: "   " } })
          expect(printed(result)).toEqual({
            code: 2,
            stdout: "",
            stderr:
              "ym-chats: no API key: set YANDEX_MARKET_API_KEY (or YANDEX_MARKET_OAUTH_TOKEN), or pass --api-key-prompt\n"
          })
          expect((yield* sim.stats).totalRequests).toBe(0)
        }))

      it.effect("no business: one line, exit code 2", () =>
        Effect.gen(function*() {
          const sim = yield* Simulator.Simulator
          const { YANDEX_MARKET_BUSINESS_ID: _, ...env } = envOf(sim)
          const result = yield* runCli(["list"], { env })
          expect(printed(result)).toEqual({
            code: 2,
            stdout: "",
            stderr: "ym-chats: no business: pass --business <id> or set YANDEX_MARKET_BUSINESS_ID\n"
          })
        }))

      it.effect("a plain http base URL off loopback is refused before the key is sent", () =>
        Effect.gen(function*() {
          const result = yield* cli(["--base-url", "http://example.com", "list"])
          expect(result.code).toBe(2)
          expect(lines(result.stderr)).toEqual([
            "ym-chats: --base-url: baseUrl http://example.com is plain http and not on loopback: credentials would travel in the clear; use https"
          ])
        }))
    })

    describe("errors", () => {
      it.effect("a missing chat: one line naming the operation and the 404, exit code 1", () =>
        Effect.gen(function*() {
          const result = yield* cli(["get", "987654321"])
          expect(result.code).toBe(1)
          expect(result.stdout).toBe("")
          expect(lines(result.stderr)).toEqual([
            "ym-chats: getChat (GET /v2/businesses/12345/chat) failed with HTTP 404: NOT_FOUND: Chat 987654321 not found"
          ])
          const history = yield* cli(["history", "987654321"])
          expect(history.code).toBe(1)
          expect(lines(history.stderr)).toHaveLength(1)
          expect(history.stderr).toMatch(/^ym-chats: getChatHistory \(POST \/v2\/businesses\/12345\/chats\/history\) failed with HTTP 404/)
          const send = yield* cli(["send", "987654321", "hi"])
          expect(send.code).toBe(1)
          expect(lines(send.stderr)).toHaveLength(1)
        }))

      it.effect("a wrong key or another business: 403 in one line, with a hint, exit code 1", () =>
        Effect.gen(function*() {
          const sim = yield* Simulator.Simulator
          const wrongKey = "ACMA:not-a-real-key:1234"
          keys.add(wrongKey)
          const result = yield* runCli(["list"], { env: envOf(sim, { YANDEX_MARKET_API_KEY: wrongKey }) })
          expect(result.code).toBe(1)
          expect(lines(result.stderr)).toHaveLength(1)
          expect(result.stderr).toMatch(/^ym-chats: getChats \(POST .*\) failed with HTTP 403: .*\(check the API key and --business\)\n$/)
          const other = yield* cli(["list", "--business", String(sim.otherBusinessId)])
          expect(other.code).toBe(1)
          expect(other.stderr).toMatch(/HTTP 403/)
        }))

      it.effect("a message the API would refuse: one line, exit code 1, nothing sent", () =>
        Effect.gen(function*() {
          const sim = yield* Simulator.Simulator
          const chat = (yield* sim.chats())[2]!
          yield* sim.resetStats
          const result = yield* cli(["send", String(chat.chatId), "x".repeat(ChatsSchema.maxMessageLength + 1)])
          expect(result.code).toBe(1)
          expect(lines(result.stderr)).toEqual([
            "ym-chats: sendMessageToChat: invalid request, nothing was sent: message: a message must be at most 4096 characters"
          ])
          expect((yield* sim.stats).totalRequests).toBe(0)
        }))

      it.effect("a server that does not answer: the transport's reason in one line, exit code 1", () =>
        Effect.gen(function*() {
          const result = yield* cli(["--base-url", "http://127.0.0.1:1", "get", "1"])
          expect(result.code).toBe(1)
          expect(lines(result.stderr)).toHaveLength(1)
          expect(result.stderr).toMatch(/^ym-chats: getChat \(GET \/v2\/businesses\/12345\/chat\) failed in transit: Transport: .*ECONNREFUSED/)
        }))

      it.effect("usage errors exit with code 2", () =>
        Effect.gen(function*() {
          for (
            const args of [
              ["list", "--status", "SOMETIMES"],
              ["list", "--limit", "0"],
              ["get"],
              ["get", "abc"],
              ["get", "0"],
              ["send", "1"],
              ["frobnicate"],
              ["history", "1", "--from", "-5"],
              ["get", "1", "--business", "x"],
              ["list", "--order", "1.5"],
              ["open"],
              ["open", "--order", "1", "--return", "2"],
              ["send-file", "1", "/no/such/file.pdf"]
            ]
          ) {
            const result = yield* cli(args)
            expect(result.code, args.join(" ")).toBe(2)
            expect(result.stdout, args.join(" ")).toBe("")
            // one line that says what is wrong, not the whole help
            expect(lines(result.stderr), args.join(" ")).toHaveLength(1)
            expect(result.stderr, args.join(" ")).toMatch(/^ym-chats: \S/)
          }
          const status = yield* cli(["list", "--status", "SOMETIMES"])
          expect(status.stderr).toBe(
            `ym-chats: Invalid value for flag --status: "SOMETIMES". Expected: "NEW" | "WAITING_FOR_CUSTOMER" | "WAITING_FOR_PARTNER" | "WAITING_FOR_ARBITER" | "WAITING_FOR_MARKET" | "FINISHED" (see ym-chats list --help)\n`
          )
          expect((yield* cli(["frobnicate"])).stderr).toBe(`ym-chats: Unknown subcommand "frobnicate" for "ym-chats" (see ym-chats --help)\n`)
        }))

      it.effect("--help (or no command) and --version print to stdout and exit with 0", () =>
        Effect.gen(function*() {
          for (const args of [["--help"], ["-h"], []]) {
            const help = yield* cli(args)
            expect(help.code, args.join(" ")).toBe(0)
            expect(help.stderr).toBe("")
            for (const name of ["list", "history", "send", "send-file", "open", "get", "--business", "--base-url", "--api-key-prompt"]) {
              expect(help.stdout, args.join(" ")).toContain(name)
            }
            expect(help.stdout).not.toContain("--wizard")
          }
          const listHelp = yield* cli(["list", "--help"])
          expect(listHelp.code).toBe(0)
          expect(listHelp.stdout).toContain("--context-type")
          expect(listHelp.stdout).toContain("--business ID")
          for (const args of [["--version"], ["-v"]]) {
            expect(printed(yield* cli(args))).toEqual({ code: 0, stdout: "9.9.9\n", stderr: "" })
          }
          const completions = yield* cli(["--completions", "bash"])
          expect(completions.code).toBe(0)
          expect(completions.stdout).toContain("ym-chats")
          expect(completions.stdout).toContain("send-file")
        }))

      it.effect("help is in colour on a terminal only, and never with NO_COLOR", () =>
        Effect.gen(function*() {
          const sim = yield* Simulator.Simulator
          const onTerminal = yield* cli(["list", "--help"], { streams: { stdoutIsTerminal: true } })
          expect(onTerminal.stdout).toContain("\x1b[")
          const piped = yield* cli(["list", "--help"], { streams: { stdoutIsTerminal: false } })
          expect(piped.stdout).not.toContain("\x1b")
          const noColor = yield* cli(["list", "--help"], { env: envOf(sim, { NO_COLOR: "1" }), streams: { stdoutIsTerminal: true } })
          expect(noColor.stdout).not.toContain("\x1b")
          // without the escapes, the same text
          expect(onTerminal.stdout.replace(/\x1b\[[0-9;]*m/g, "")).toBe(piped.stdout)
          // error lines are plain text even on a terminal
          const refused = yield* cli(["list", "--status", "SOMETIMES"], { streams: { stdoutIsTerminal: true, stderrIsTerminal: true } })
          expect(refused.stderr).not.toContain("\x1b")
        }))

      it.effect("--log-level debug logs the client's retries on stderr, without the key", () =>
        Effect.gen(function*() {
          const sim = yield* Simulator.Simulator
          const chat = (yield* sim.chats())[0]!
          yield* sim.setFaults([{ kind: "error503", operations: ["getChatHistory"], nth: 1 }])
          const result = yield* Effect.ensuring(
            cli(["--log-level", "debug", "history", String(chat.chatId), "--json"]),
            sim.clearFaults
          )
          expect(result.code).toBe(0)
          expect(result.stderr).toMatch(/level=DEBUG .*ChatsClient: /)
          expect(lines(result.stdout).map((line) => JSON.parse(line) as unknown)).toEqual(
            (yield* sim.messages(chat.chatId)).map(normalizeMessage)
          )
        }))
    })
  }
)
