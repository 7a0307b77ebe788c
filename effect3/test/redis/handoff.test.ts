/**
 * The Redis gate's local hand-offs (`core/testing/handoffCases.ts`) for the Effect 3 edition, against
 * a real redis-server.
 */
import { describe, it } from "@effect/vitest"
import { Effect, Exit, Logger, LogLevel, Scope } from "effect"
import { createClient } from "redis"
import { type HandoffEdition, handoffCases } from "../../../core/testing/handoffCases.js"
import { redisAvailable } from "../../../core/testing/redisServer.js"
import * as Redis from "../../src/Redis.js"

/** The gate of a process over a client of its own, Promise-level (its logs silenced). */
const edition: HandoffEdition = {
  gate: async (url, options) => {
    const client = createClient({ url })
    client.on("error", () => {})
    await client.connect()
    const scope = Effect.runSync(Scope.make())
    const { gate } = await Effect.runPromise(Scope.extend(Effect.orDie(Redis.make(client, options)), scope))
    return {
      withPermit: (key, body) => Effect.runPromise(gate.withPermit(key)(Effect.promise(body)).pipe(Logger.withMinimumLogLevel(LogLevel.None))),
      close: async () => {
        await Effect.runPromise(Scope.close(scope, Exit.void))
        client.destroy()
      }
    }
  }
}

describe.skipIf(!redisAvailable("Redis gate hand-offs"))("Redis gate: local hand-offs (Effect 3)", () => {
  for (const c of handoffCases) it(c.name, () => c.run(edition), c.timeout)
})
