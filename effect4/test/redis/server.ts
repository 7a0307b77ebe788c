/**
 * The Redis servers of the Effect 4 edition's tests (see `core/testing/redisServer.ts`), with the
 * Effect wrappers: a server for the life of a scope, and a plain client to look at Redis.
 */
import { Effect, type Scope } from "effect"
import { createClient } from "redis"
import { type RedisServer, type ServerOptions, startGrantingRedis, startRedis } from "../../../core/testing/redisServer.js"

export { graceAfterStart, type RedisServer, redisAvailable, startRedis } from "../../../core/testing/redisServer.js"

/** A server on which the gate grants (one grace after its start, see `startGrantingRedis`), for the life of a scope. */
export const scopedGrantingRedis = (lease: number, options: ServerOptions = {}): Effect.Effect<RedisServer, never, Scope.Scope> =>
  Effect.acquireRelease(Effect.promise(() => startGrantingRedis(lease, options)), (server) => Effect.promise(() => server.stop()))

/** A plain client for looking at Redis (closed with the scope; a dropped connection's errors ignored). */
export const adminClient = (url: string) =>
  Effect.acquireRelease(
    Effect.promise(async () => {
      const client = createClient({ url })
      client.on("error", () => {})
      await client.connect()
      return client
    }),
    (client) => Effect.sync(() => client.destroy())
  )

/** A plain server (see `startRedis`) for the life of a scope. */
export const scopedRedis = (options: ServerOptions = {}): Effect.Effect<RedisServer, never, Scope.Scope> =>
  Effect.acquireRelease(Effect.promise(() => startRedis(options)), (server) => Effect.promise(() => server.stop()))
