/**
 * Section 4: decoding alone, in microseconds per message (history page) and per chat (chats page):
 * `JSON.parse` alone, against `JSON.parse` and a generic `Schema.decodeUnknownEither` of the same
 * schemas (what a generated Effect client runs), and against the library's own decoding of a body
 * (`decodeResultText` with the decoders the client uses: the fast path of `fastDecode.ts`).
 *
 *   node --import tsx bench/decode.ts [--rounds 7] [--millis 300]
 *
 * The bodies are the fixed pages of the bench server. Each variant decodes the body over and over
 * for about `--millis` of CPU time per round; variants run interleaved, round after round.
 */
import { Either, ParseResult, Schema } from "effect"
import { ChatsSchema } from "../src/index.js"
import { fast } from "../src/internal/client/fastDecode.js"
import { type DecodeFailure, decodeResultText } from "../src/internal/client/response.js"
import { args, connectServer, gc, progress, report, spread } from "./lib.js"

interface Variant {
  readonly name: string
  readonly label: string
  readonly run: (text: string) => number
}

const HistoryBody = Schema.Struct({ result: ChatsSchema.ChatHistoryPage })
const ChatsBody = Schema.Struct({ result: ChatsSchema.ChatsPage })

const variants = (kind: "history" | "chats"): ReadonlyArray<Variant> => {
  const generic: (u: unknown) => Either.Either<{ readonly result: ChatsSchema.ChatHistoryPage | ChatsSchema.ChatsPage }, ParseResult.ParseIssue> =
    kind === "history"
      ? ParseResult.decodeUnknownEither(HistoryBody, { onExcessProperty: "ignore" })
      : ParseResult.decodeUnknownEither(ChatsBody, { onExcessProperty: "ignore" })
  const library: (text: string) => Either.Either<ChatsSchema.ChatHistoryPage | ChatsSchema.ChatsPage, DecodeFailure> =
    kind === "history"
      ? decodeResultText(ChatsSchema.ChatHistoryPage, fast?.historyPage)
      : decodeResultText(ChatsSchema.ChatsPage, fast?.chatsPage)
  const count = (result: ChatsSchema.ChatHistoryPage | ChatsSchema.ChatsPage) =>
    "messages" in result ? result.messages.length : result.chats.length
  return [
    {
      name: "json",
      label: "JSON.parse alone",
      run: (text) => {
        const json = JSON.parse(text) as { result: { messages?: Array<unknown>; chats?: Array<unknown> } }
        return (json.result.messages ?? json.result.chats)!.length
      }
    },
    {
      name: "schema",
      label: "JSON.parse + Schema.decodeUnknownEither (generic)",
      run: (text) => {
        const decoded = generic(JSON.parse(text))
        if (Either.isLeft(decoded)) throw new Error(String(decoded.left))
        return count(decoded.right.result)
      }
    },
    {
      name: "library",
      label: "JSON.parse + this library's decoder",
      run: (text) => {
        const decoded = library(text)
        if (Either.isLeft(decoded)) throw new Error(decoded.left.description)
        return count(decoded.right)
      }
    }
  ]
}

export interface DecodeResult {
  readonly kind: "history" | "chats"
  readonly items: number
  readonly bytes: number
  readonly rows: ReadonlyArray<{ readonly name: string; readonly label: string; readonly usPerItem: ReadonlyArray<number>; readonly ratio: ReadonlyArray<number> }>
}

/** Runs `run` repeatedly for about `millis` of CPU time; returns CPU microseconds per call. */
const timeIt = (run: (text: string) => number, text: string, iterations: number): number => {
  gc()
  const t0 = process.cpuUsage()
  let sink = 0
  for (let i = 0; i < iterations; i++) sink += run(text)
  const t = process.cpuUsage(t0)
  if (sink < 0) console.log(sink)
  return (t.user + t.system) / iterations
}

const main = async () => {
  const options = args()
  const rounds = Number(options.get("rounds") ?? 7)
  const millis = Number(options.get("millis") ?? 300)
  const server = await connectServer()
  const results: Array<DecodeResult> = []
  try {
    for (const kind of ["history", "chats"] as const) {
      const path = kind === "history" ? server.info.fixed.historyPath : server.info.fixed.chatsPath
      const response = await fetch(`${server.info.fixedUrl}${path}`, { method: "POST", body: "{}" })
      const text = await response.text()
      const vs = variants(kind)
      const items = vs[0]!.run(text)
      // warm-up, and the number of iterations that takes about `millis` for each variant
      const iterations = vs.map((v) => {
        for (let i = 0; i < 200; i++) v.run(text)
        const us = timeIt(v.run, text, 200)
        return Math.max(50, Math.round(millis * 1000 / us))
      })
      const perItem = vs.map(() => [] as Array<number>)
      for (let round = 0; round < rounds; round++) {
        for (let k = 0; k < vs.length; k++) {
          const i = (k + round) % vs.length
          perItem[i]!.push(timeIt(vs[i]!.run, text, iterations[i]!) / items)
        }
        progress(`  decode ${kind} round ${round + 1}/${rounds}: ` + vs.map((v, i) => `${v.name} ${perItem[i]!.at(-1)!.toFixed(2)}µs`).join(", "))
      }
      results.push({
        kind,
        items,
        bytes: Buffer.byteLength(text),
        rows: vs.map((v, i) => ({
          name: v.name,
          label: v.label,
          usPerItem: perItem[i]!,
          ratio: perItem[i]!.map((us, r) => us / perItem[0]![r]!)
        }))
      })
    }
  } finally {
    await server.close()
  }
  report(results)
  if (process.env["BENCH_SERVER"] === undefined) {
    for (const r of results) {
      console.log(`\n${r.kind}: ${r.items} items, ${r.bytes} bytes`)
      for (const row of r.rows) {
        const s = spread(row.usPerItem)
        console.log(`  ${row.label.padEnd(50)} ${s.median.toFixed(2)}µs (${s.min.toFixed(2)}–${s.max.toFixed(2)})  ×${spread(row.ratio).median.toFixed(2)}`)
      }
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main()
