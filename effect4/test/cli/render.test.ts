/**
 * The CLI's pure parts: rendering (the core's text over the edition's decoded values, and JSON in the
 * API's shape), content types, the package's version, and the line and exit code of each failure.
 */
import { describe, expect, it } from "@effect/vitest"
import { DateTime, Schema } from "effect"
import { CliError } from "effect/cli"
import { guessContentType } from "../../../core/cli/contentType.js"
import { hintFor, oneLine } from "../../../core/cli/failure.js"
import { packageVersion } from "../../../core/cli/packageVersion.js"
import * as Text from "../../../core/cli/render.js"
import { describeFailure, ExitCode } from "../../src/cli/app.js"
import { CommandError, UsageError } from "../../src/cli/errors.js"
import * as Render from "../../src/cli/render.js"
import * as ChatsError from "../../src/ChatsError.js"
import * as ChatsSchema from "../../src/ChatsSchema.js"

const chat = (overrides: Record<string, unknown> = {}) =>
  Schema.decodeUnknownSync(ChatsSchema.Chat)({
    chatId: 42,
    context: { type: "ORDER", orderId: 777, campaignId: 5, customer: { name: "Анна\u001b[2J", publicId: "p1" } },
    type: "CHAT",
    status: "NEW",
    createdAt: "2025-06-01T12:00:00+03:00",
    updatedAt: "2025-06-01T12:30:15.250+03:00",
    ...overrides
  })

const http = { method: "GET", path: "/v2/businesses/1/chat", errors: [] }

describe("render", () => {
  it("escapes control characters; keeps line breaks only when asked", () => {
    expect(Text.sanitize("a\u001b[31mb\u0007\u009b\tc\r\nd")).toBe("a\\x1b[31mb\\x07\\x9b c d")
    expect(Text.sanitize("a\r\nb\rc\n", true)).toBe("a\nb\nc\n")
  })

  it("describes contexts", () => {
    expect(Text.formatContext(chat().context)).toBe("ORDER 777")
    expect(Text.formatContext(chat({ context: { type: "RETURN", returnId: 9, orderId: 777 } }).context)).toBe(
      "RETURN 9 (order 777)"
    )
    expect(Text.formatContext(chat({ context: { type: "DIRECT" } }).context)).toBe("DIRECT")
    expect(Text.formatContext(chat({ context: { type: "SOMETHING_NEW\u0007" } }).context)).toBe("SOMETHING_NEW\\x07")
  })

  it("prints dates in UTC to the second, and sizes as people read them", () => {
    expect(Text.formatDate(DateTime.toEpochMillis(DateTime.makeUnsafe("2025-06-01T12:30:15.250+03:00")))).toBe(
      "2025-06-01T09:30:15Z"
    )
    expect([0, 1023, 1024, 1536, 1024 * 1024 * 1.5].map(Text.formatSize)).toEqual(["0 B", "1023 B", "1.0 KB", "1.5 KB", "1.5 MB"])
  })

  it("lays a table out in columns, with the customer's name escaped", () => {
    const table = Render.chatTable([chat(), chat({ chatId: 1234567, status: "WAITING_FOR_PARTNER", context: { type: "DIRECT" } })])
    expect(table).toEqual([
      "CHAT     TYPE  STATUS               CONTEXT    UPDATED (UTC)         CUSTOMER",
      "42       CHAT  NEW                  ORDER 777  2025-06-01T09:30:15Z  Анна\\x1b[2J",
      "1234567  CHAT  WAITING_FOR_PARTNER  DIRECT     2025-06-01T09:30:15Z  -"
    ])
  })

  it("prints one chat as fields", () => {
    expect(Render.chatDetails(chat())).toEqual([
      "chat         42",
      "type         CHAT",
      "status       NEW",
      "context      ORDER 777",
      "campaign     5",
      "customer     Анна\\x1b[2J",
      "customer id  p1",
      "created      2025-06-01T09:00:00Z",
      "updated      2025-06-01T09:30:15Z"
    ])
  })

  it("prints a message with its files, continuation lines under the text", () => {
    const message = Schema.decodeUnknownSync(ChatsSchema.ChatMessage)({
      messageId: 7,
      createdAt: "2025-06-01T00:00:00Z",
      sender: "PARTNER",
      message: "one\ntwo",
      payload: [{ name: "a.pdf", url: "https://x/a.pdf", size: 2048 }]
    })
    const head = "2025-06-01T00:00:00Z  #7  PARTNER   "
    const pad = " ".repeat(head.length)
    expect(Render.messageText(message)).toBe(`${head}one\n${pad}two\n${pad}[file] a.pdf (2.0 KB) https://x/a.pdf`)
    const empty = Schema.decodeUnknownSync(ChatsSchema.ChatMessage)({
      messageId: 8,
      createdAt: "2025-06-01T00:00:00Z",
      sender: "MARKET",
      payload: null
    })
    expect(Render.messageText(empty)).toBe("2025-06-01T00:00:00Z  #8  MARKET    (empty)")
  })

  it("prints JSON in the API's shape", () => {
    expect(JSON.parse(Render.chatJson(chat()))).toEqual({
      chatId: 42,
      context: { type: "ORDER", orderId: 777, campaignId: 5, customer: { name: "Анна\u001b[2J", publicId: "p1" } },
      type: "CHAT",
      status: "NEW",
      createdAt: "2025-06-01T09:00:00.000Z",
      updatedAt: "2025-06-01T09:30:15.250Z"
    })
    expect(Render.chatJson(chat())).not.toContain("\u001b")
  })
})

describe("content types", () => {
  it("guesses from the extension, case-insensitively", () => {
    expect(guessContentType("a.pdf")).toBe("application/pdf")
    expect(guessContentType("PHOTO.JPEG")).toBe("image/jpeg")
    expect(guessContentType("archive.tar.gz")).toBe("application/gzip")
    expect(guessContentType("x.docx")).toBe("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
  })

  it("knows nothing of files without a known extension", () => {
    for (const name of ["README", ".pdf", "a.", "a.unknown"]) expect(guessContentType(name)).toBeUndefined()
  })

  it("every guess is a media type the client accepts", () => {
    for (const ext of ["pdf", "txt", "csv", "json", "png", "jpg", "gif", "webp", "heic", "zip", "7z", "mp4", "xlsx"]) {
      expect(Schema.is(ChatsSchema.MediaType)(guessContentType(`f.${ext}`))).toBe(true)
    }
  })
})

describe("the package's version", () => {
  it("is the one of the nearest package.json named effect-yandex-market-chats", () => {
    expect(packageVersion(import.meta.url)).toMatch(/^1\.\d+\.\d+/)
    expect(packageVersion(new URL("../../src/cli/main.ts", import.meta.url).href)).toBe(packageVersion(import.meta.url))
    expect(packageVersion("file:///")).toBe("0.0.0")
  })
})

describe("failures", () => {
  it("usage errors exit with 2; effect/cli's own are printed by the presenter, not twice", () => {
    expect(describeFailure(new UsageError({ message: "no key" }))).toEqual({ line: "ym-chats: no key", code: ExitCode.usage })
    const refused = new CliError.ShowHelp({ commandPath: ["ym-chats", "get"], errors: [new CliError.MissingArgument({ argument: "chatId" })] })
    expect(describeFailure(refused)).toEqual({ line: undefined, code: 2 })
    // the help asked for (or shown for no command) is not a failure
    expect(describeFailure(new CliError.ShowHelp({ commandPath: ["ym-chats"], errors: [] }))).toEqual({ line: undefined, code: 0 })
  })

  it("client errors exit with 1, on one line, with hints", () => {
    expect(describeFailure(new ChatsError.NotFoundError({ ...http, operation: "getChat", status: 404 }))).toEqual({
      line: "ym-chats: getChat (GET /v2/businesses/1/chat) failed with HTTP 404",
      code: ExitCode.failure
    })
    expect(describeFailure(new ChatsError.ForbiddenError({ ...http, operation: "getChat", status: 403 })).line).toBe(
      "ym-chats: getChat (GET /v2/businesses/1/chat) failed with HTTP 403 (check the API key and --business)"
    )
    const limited = new ChatsError.RateLimitError({
      ...http,
      operation: "getChat",
      status: 420,
      kind: "quota",
      rateLimit: new ChatsError.RateLimitInfo({ limit: 1000, remaining: 0, resetsAt: DateTime.makeUnsafe("2025-06-01T10:00:00Z") })
    })
    expect(describeFailure(limited).line).toMatch(
      /^ym-chats: getChat \(GET \/v2\/businesses\/1\/chat\) failed with HTTP 420 .*; the quota resets at 2025-06-01T10:00:00\.000Z$/
    )
    const unknown = new ChatsError.DeliveryUnknownError({
      operation: "sendMessageToChat",
      method: "POST",
      path: "/v2/businesses/1/chats/message",
      cause: new Error("socket hang up")
    })
    expect(describeFailure(unknown).line).toMatch(/socket hang up.*; check the chat's history before sending again$/)
    const invalid = new ChatsError.InvalidRequestError({ operation: "getChat", description: "a: wrong\nb: wrong too" })
    expect(describeFailure(invalid).line).toBe("ym-chats: getChat: invalid request, nothing was sent: a: wrong b: wrong too")
  })

  it("the CLI's own command errors exit with 1", () => {
    expect(describeFailure(new CommandError({ message: "cannot read x" }))).toEqual({
      line: "ym-chats: cannot read x",
      code: ExitCode.failure
    })
  })

  it("a line is one line, and only the errors a user can act on get a hint", () => {
    expect(oneLine("  a\r\n   b\n\nc  ")).toBe("a b c")
    expect(hintFor("RateLimitError")).toBe("")
    expect(hintFor("NotFoundError")).toBe("")
    expect(hintFor("UnauthorizedError")).toBe(hintFor("ForbiddenError"))
  })
})
