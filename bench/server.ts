/**
 * The server side of the benchmarks of both editions, run in its own process so that a client process
 * is measured alone. Effect-free: the core's simulator (`core/simulator`), whichever edition's tsx runs it.
 *
 *   node --import tsx ../bench/server.ts      (from effect3/ or effect4/)
 *
 * It starts the simulator on loopback and, next to it, a plain `node:http` server that
 *
 * - answers every `POST .../chats/history` with one fixed page of 100 messages (Cyrillic texts, some files)
 *   and every `POST .../chats` with one fixed page of 20 chats, both captured from the simulator at start,
 *   with the simulator's headers, so that the cost on the server side is the same for every client;
 * - exposes the simulator's counters and fault rules to the client process:
 *   `GET /control/stats`, `POST /control/reset-stats`, `POST /control/latency?millis=N`.
 *
 * When both listen it prints one JSON line (`ServerInfo`) on stdout; it stops when stdin closes.
 */
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import { startSimulator } from "../core/simulator/index.js"
import type { ServerInfo } from "./lib.js"

/** The lengths of the long chats for the stream runs. */
export const longChatLengths = [1_000, 10_000, 100_000] as const

/** A captured answer: its headers and body bytes. */
interface Captured {
  readonly headers: Record<string, string>
  readonly body: Buffer
}

/** Asks the simulator for one page and keeps the answer as it came. */
const capture = async (url: string, apiKey: string): Promise<Captured> => {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Api-Key": apiKey, "content-type": "application/json", accept: "application/json" },
    body: "{}"
  })
  if (response.status !== 200) throw new Error(`capture ${url}: HTTP ${response.status}: ${await response.text()}`)
  const body = Buffer.from(await response.arrayBuffer())
  const headers: Record<string, string> = {}
  response.headers.forEach((value, name) => {
    if (name === "content-type" || name.startsWith("x-ratelimit-")) headers[name] = value
  })
  headers["content-length"] = String(body.byteLength)
  return { headers, body }
}

/** Reads the request body to its end, then answers. */
const answer = (req: Http.IncomingMessage, res: Http.ServerResponse, status: number, headers: Record<string, string>, body: Buffer | string) => {
  req.on("data", () => {})
  req.on("end", () => {
    res.writeHead(status, headers)
    res.end(body)
  })
}

/** A JSON body with its headers. */
const json = (value: unknown) => {
  const text = JSON.stringify(value)
  return { headers: { "content-type": "application/json", "content-length": String(Buffer.byteLength(text)) }, text }
}

const sim = await startSimulator({
  seed: 7,
  chats: 200,
  messages: 2_000,
  // the benchmarks send tens of thousands of requests an hour: keep the quotas out of the way
  quotaScale: 1_000
})
const longChats: Record<string, { businessId: number; apiKey: string; chatId: number }> = {}
for (const [i, n] of longChatLengths.entries()) {
  const added = sim.addBusiness({ businessId: 200_001 + i, chats: 1, messages: n })
  const [chat] = sim.chats(added.businessId)
  longChats[String(n)] = { ...added, chatId: chat!.chatId }
}
const chatIds = sim.chats().map((chat) => chat.chatId)

const long = longChats["10000"]!
const history = await capture(`${sim.url}/v2/businesses/${long.businessId}/chats/history?chatId=${long.chatId}&limit=100`, long.apiKey)
const chats = await capture(`${sim.url}/v2/businesses/${sim.businessId}/chats?limit=20`, sim.apiKey)
const historyJson = JSON.parse(history.body.toString("utf8")) as { result: { messages: Array<unknown> } }
const chatsJson = JSON.parse(chats.body.toString("utf8")) as { result: { chats: Array<unknown> } }

const fixed = Http.createServer((req, res) => {
  const path = (req.url ?? "/").split("?")[0]!
  if (req.method === "POST" && path.endsWith("/chats/history")) return answer(req, res, 200, history.headers, history.body)
  if (req.method === "POST" && path.endsWith("/chats")) return answer(req, res, 200, chats.headers, chats.body)
  if (path === "/control/stats") {
    const { sent: _sent, ...rest } = sim.stats()
    const out = json(rest)
    return answer(req, res, 200, out.headers, out.text)
  }
  if (req.method === "POST" && path === "/control/reset-stats") {
    sim.resetStats()
    return answer(req, res, 204, {}, "")
  }
  if (req.method === "POST" && path === "/control/latency") {
    const millis = Number(new URL(req.url ?? "/", "http://x").searchParams.get("millis") ?? "0")
    sim.setFaults(millis > 0 ? [{ kind: "latency", millis }] : [])
    return answer(req, res, 204, {}, "")
  }
  const out = json({ status: "ERROR", errors: [{ code: "NOT_FOUND", message: `no route ${req.method} ${path}` }] })
  return answer(req, res, 404, out.headers, out.text)
})
fixed.keepAliveTimeout = 60_000
await new Promise<void>((resolve) => fixed.listen(0, "127.0.0.1", resolve))
const port = (fixed.address() as AddressInfo).port

const info: ServerInfo = {
  simulatorUrl: sim.url,
  fixedUrl: `http://127.0.0.1:${port}`,
  businessId: sim.businessId,
  apiKey: sim.apiKey,
  chatIds,
  longChats,
  fixed: {
    historyPath: `/v2/businesses/${sim.businessId}/chats/history`,
    chatsPath: `/v2/businesses/${sim.businessId}/chats`,
    historyBytes: history.body.byteLength,
    chatsBytes: chats.body.byteLength,
    historyMessages: historyJson.result.messages.length,
    chatsChats: chatsJson.result.chats.length
  }
}
process.stdout.write(JSON.stringify(info) + "\n")

/** Stops both servers and exits. */
const stop = () => {
  fixed.closeAllConnections()
  fixed.close()
  // connections the clients left open must not keep it alive
  setTimeout(() => process.exit(0), 2_000).unref()
  sim.close().then(() => process.exit(0), () => process.exit(1))
}
// serve until the parent closes stdin or kills the process
process.stdin.on("end", stop)
process.stdin.on("close", stop)
process.stdin.resume()
process.on("SIGTERM", stop)
