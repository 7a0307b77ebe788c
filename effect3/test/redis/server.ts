/**
 * The Redis servers of the Effect 3 edition's tests (see `core/testing/redisServer.ts`), with the
 * Effect wrappers: a server for the life of a scope, and a plain client to look at Redis.
 */
import { Effect, type Scope } from "effect"
import { createClient } from "redis"
import { type RedisServer, type ServerOptions, startRedis } from "../../../core/testing/redisServer.js"

export {
  freePort,
  graceAfterStart,
  installHint,
  type RedisServer,
  redisAvailable,
  redisServerPath,
  type ServerOptions,
  startGrantingRedis,
  startRedis
} from "../../../core/testing/redisServer.js"

/** A server for the life of a scope. */
export const scopedRedis = (options: ServerOptions = {}): Effect.Effect<RedisServer, never, Scope.Scope> =>
  Effect.acquireRelease(Effect.promise(() => startRedis(options)), (server) => Effect.promise(() => server.stop()))

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
