/**
 * Cases of the core's Redis connection (`core/redis/connection.ts`) that both editions' suites run
 * against a real redis-server, each with its own node-redis: Promise-level, Effect-free.
 */
import { makeConnection, type RedisClient } from "../redis/connection.js"

/** A connected node-redis client, as an edition's tests make one. */
export interface TestClient extends RedisClient {
  readonly sendCommand: (args: Array<string>) => Promise<unknown>
  readonly destroy: () => void
}

const sleep = (millis: number) => new Promise((resolve) => setTimeout(resolve, millis))

/**
 * A dedicated connection reset while its duplicate is still connecting (Redis paused holds every
 * handshake), with more calls coming at once, then closed: returns the clients `CLIENT LIST` shows
 * before and after (the same when nothing leaked).
 */
export const resetWhileConnecting = async (connect: () => Promise<TestClient>): Promise<{ before: number; after: number }> => {
  const admin = await connect()
  const client = await connect()
  const clientCount = async () => String(await admin.sendCommand(["CLIENT", "LIST"])).trim().split("\n").length
  try {
    const before = await clientCount()
    const connection = makeConnection(client, { timeoutMillis: 200, secrets: [] })
    const dedicated = connection.dedicated()
    await admin.sendCommand(["CLIENT", "PAUSE", "1500", "ALL"])
    const failed = await dedicated.command("k", ["PING"], 0).then(() => undefined, (error: Error) => error)
    if (failed?.name !== "RedisCallError") throw new Error(`the first call should time out, got ${String(failed)}`)
    // the first call timed out and reset its duplicate (still connecting); more calls come at once
    const later = [dedicated.command("k", ["PING"], 0).catch(() => undefined)]
    await new Promise((resolve) => setImmediate(resolve))
    later.push(dedicated.command("k", ["PING"], 0).catch(() => undefined))
    await Promise.all(later)
    // past the pause every handshake completes; then the dedicated connection is closed
    await sleep(2000)
    dedicated.close()
    connection.close()
    let after = await clientCount()
    for (let i = 0; i < 50 && after > before; i++) {
      await sleep(50)
      after = await clientCount()
    }
    return { before, after }
  } finally {
    client.destroy()
    admin.destroy()
  }
}
