/**
 * The core's Redis connection (`core/redis/connection.ts`) over a real redis-server, with this
 * edition's node-redis (the shared cases of `core/testing/connectionCases.ts`): a dedicated connection
 * reset while its duplicate is still connecting leaves no connection open once it is closed.
 */
import { describe, expect, it } from "@effect/vitest"
import { createClient } from "redis"
import { resetWhileConnecting } from "../../../core/testing/connectionCases.js"
import { redisAvailable, startRedis } from "./server.js"

const available = redisAvailable("effect4 test/redis/connection")

describe.skipIf(!available)("the core's Redis connection (Effect 4 suite)", () => {
  it("a reset while a dedicated duplicate is still connecting leaves no connection open once closed", async () => {
    const server = await startRedis()
    try {
      const { before, after } = await resetWhileConnecting(async () => {
        const client = createClient({ url: server.url })
        client.on("error", () => {})
        await client.connect()
        return client
      })
      expect(after).toBe(before)
    } finally {
      await server.stop()
    }
  })
})
