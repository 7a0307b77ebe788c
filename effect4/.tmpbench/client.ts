import { NodeHttpClient } from "@effect/platform-node"
import { Effect, Layer, ManagedRuntime, Redacted } from "effect"
import { request } from "undici"
import { ChatsClient, ChatsLimiter } from "../src/index.js"
import { spawn } from "node:child_process"

const child = spawn(process.execPath, ["--import", "tsx", "server.ts"], { stdio: ["ignore", "pipe", "inherit"] })
const info: { url: string; apiKey: string; businessId: number } = await new Promise((resolve) =>
  child.stdout.once("data", (d) => resolve(JSON.parse(String(d)))))
const N = Number(process.argv[2] ?? 300)
const chats: Array<{ chatId: number }> = await (await fetch(`${info.url}/v2/businesses/${info.businessId}/chats?limit=20`, { method: "POST", headers: { "Api-Key": info.apiKey, "content-type": "application/json" }, body: "{}" })).json().then((b: any) => b.result.chats)
const chatId = chats[0]!.chatId
const measure = async (name: string, f: () => Promise<unknown>) => {
  for (let i = 0; i < 50; i++) await f()
  const start = process.cpuUsage()
  const t = performance.now()
  for (let i = 0; i < N; i++) await f()
  const cpu = process.cpuUsage(start)
  console.log(`${name}: ${((cpu.user + cpu.system) / N).toFixed(0)} µs CPU/call, ${((performance.now() - t) / N * 1000).toFixed(0)} µs wall/call`)
}
const runtime = ManagedRuntime.make(Layer.merge(NodeHttpClient.layerUndici, ChatsLimiter.layerMemory()) as Layer.Layer<any, never>)
const run = <A>(e: Effect.Effect<A, any, any>) => runtime.runPromise(e)
const client = await run(ChatsClient.make({ baseUrl: info.url, apiKey: Redacted.make(info.apiKey) }).pipe(Effect.provide(ChatsLimiter.layerMemory()))) as ChatsClient.Service
const unvalidated = () => request(`${info.url}/v2/businesses/${info.businessId}/chats/history?chatId=${chatId}&limit=100`, { method: "POST", headers: { "api-key": info.apiKey, "content-type": "application/json" }, body: "{}" }).then((r) => r.body.json())
const page = await unvalidated() as any
console.log("messages per page:", page.result.messages.length)
for (let round = 0; round < 2; round++) {
  await measure("undici + JSON.parse", unvalidated)
  await measure("v4 client getChatHistory", () => run(client.getChatHistory({ businessId: info.businessId, chatId, limit: 100 })))
  await measure("v4 client getChat", () => run(client.getChat({ businessId: info.businessId, chatId })))
  await measure("undici getChat", () => request(`${info.url}/v2/businesses/${info.businessId}/chat?chatId=${chatId}`, { headers: { "api-key": info.apiKey } }).then((r) => r.body.json()))
}
child.kill()
