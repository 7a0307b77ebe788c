/**
 * Redis out of reach: paused (`CLIENT PAUSE`), frozen (SIGSTOP) or stopped. The gate fails with
 * `LimiterUnavailableError` within the configured timeout (never hangs), or waits at the process's own
 * gate with `fallback: "memory"`; the quota store fails open (the call is sent); no error or log shows
 * the URL's password; the calls go through again once Redis is back.
 */
import { NodeHttpClient } from "@effect/platform-node"
import { Effect, Either, Layer, Logger, Redacted, Scope } from "effect"
import { createClient } from "redis"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { ChatsClient, ChatsLimiter } from "../../src/index.js"
import * as Redis from "../../src/Redis.js"
import * as Simulator from "../../src/Simulator.js"
import { graceAfterStart, type RedisServer, redisAvailable, startRedis } from "./server.js"

const available = redisAvailable("test/redis/unavailable")
const password = "s3cret-Pa55"
const timeout = 500
const lease = 2000
/** The bound of a hang: the configured timeout and a generous margin for a loaded machine. */
const bound = timeout + 2000
const key: ChatsLimiter.LimitKey = { api: "https://api.test", businessId: 1 }

let redis: RedisServer
let scope: Scope.CloseableScope
let sim: Simulator.Service
const url = () => `redis://:${password}@127.0.0.1:${redis.port}`

/** Runs `use` with the Redis layers (and a client to the simulator), collecting the log lines. */
const withLayers = <A, E>(
  options: Partial<Redis.Options>,
  use: Effect.Effect<A, E, ChatsLimiter.ChatsGate | ChatsLimiter.ChatsQuotaStore | ChatsClient.ChatsClient>
) => {
  const logs: Array<string> = []
  const logger = Logger.make(({ message }) => logs.push(Array.isArray(message) ? message.join(" ") : String(message)))
  const limiters = Redis.layer({ url: Redacted.make(url()), timeout, lease, ...options })
  const client = ChatsClient.layer({ apiKey: Redacted.make(sim.apiKey), baseUrl: sim.url, retrySchedule: false }).pipe(
    Layer.provide(Layer.merge(limiters, NodeHttpClient.layerUndici))
  )
  return Effect.runPromise(
    use.pipe(Effect.provide(Layer.merge(limiters, client)), Effect.provide(Logger.replace(Logger.defaultLogger, logger)), Effect.either)
  ).then((result) => ({ result, logs }))
}

/** Time taken by `f`, in ms. */
const timed = async <A>(f: () => Promise<A>) => {
  const start = Date.now()
  const value = await f()
  return { value, millis: Date.now() - start }
}

const permit = Effect.flatMap(ChatsLimiter.ChatsGate, (gate) => gate.withPermit(key)(Effect.succeed("went")))

describe.skipIf(!available)("Redis out of reach", () => {
  beforeAll(async () => {
    redis = await startRedis({ args: ["--requirepass", password] })
    scope = Effect.runSync(Scope.make())
    sim = await Effect.runPromise(Scope.extend(Simulator.make({ seed: 5, chats: 5, messages: 20 }), scope))
    await new Promise((resolve) => setTimeout(resolve, graceAfterStart(lease)))
  })
  afterAll(async () => {
    if (scope !== undefined) await Effect.runPromise(Scope.close(scope, Effect.runSync(Effect.exit(Effect.void))))
    await redis?.stop()
  })

  it("reachable: a permit is granted", async () => {
    const { result } = await withLayers({}, permit)
    expect(result).toEqual(Either.right("went"))
  })

  it("paused (CLIENT PAUSE): the typed error, within the timeout and a margin, without the password", async () => {
    const { result } = await withLayers({}, Effect.gen(function*() {
      const admin = createClient({ url: url() })
      yield* Effect.promise(() => admin.connect())
      yield* Effect.promise(() => admin.sendCommand(["CLIENT", "PAUSE", String(bound + 500), "ALL"]))
      admin.destroy()
      const start = Date.now()
      const error = yield* Effect.flip(permit)
      return { error, millis: Date.now() - start }
    }))
    const { error, millis } = Either.getOrThrow(result)
    expect(error).toMatchObject({ _tag: "LimiterUnavailableError", limiter: "gate" })
    expect(error.message).toContain(`${timeout} ms`)
    expect(error.message).not.toContain(password)
    expect(millis).toBeLessThan(bound)
  })

  it("frozen (SIGSTOP): the typed error within the timeout and a margin; with fallback \"memory\", the call goes through", async () => {
    redis.signal("SIGSTOP")
    try {
      // the layer waits at most `timeout` for its first connection, the permit at most `timeout` more
      const failed = await timed(() => withLayers({}, permit))
      expect(Either.getLeft(failed.value.result)).toMatchObject({ value: { _tag: "LimiterUnavailableError" } })
      expect(failed.millis).toBeLessThan(3 * timeout + bound)
      const fallback = await withLayers({ fallback: "memory" }, permit)
      expect(fallback.result).toEqual(Either.right("went"))
      expect(fallback.logs.some((l) => l.includes("own gate"))).toBe(true)
    } finally {
      redis.signal("SIGCONT")
    }
  })

  it("stopped: the gate fails with the typed error; the quota store fails open; no log shows the password", async () => {
    await redis.kill()
    try {
      const failed = await timed(() =>
        withLayers({}, Effect.flatMap(ChatsClient.ChatsClient, (client) => client.getChat({ businessId: sim.businessId, chatId: 1 })))
      )
      expect(Either.getLeft(failed.value.result)).toMatchObject({ value: { _tag: "LimiterUnavailableError", limiter: "gate" } })
      expect(failed.millis).toBeLessThan(3 * timeout + bound)

      const chatId = (await Effect.runPromise(sim.chats()))[0]!.chatId
      const fallback = await withLayers(
        { fallback: "memory" },
        Effect.flatMap(ChatsClient.ChatsClient, (client) => client.getChat({ businessId: sim.businessId, chatId }))
      )
      expect(Either.isRight(fallback.result)).toBe(true)
      expect(fallback.logs.some((l) => l.includes("quota store could not answer"))).toBe(true)
      expect(fallback.logs.join("\n")).not.toContain(password)

      // calls one after another: after a failure Redis is not tried again for one timeout, so the
      // calls that follow go through the process's own gate at once instead of each waiting it out
      const calls = 10
      const many = await withLayers(
        { fallback: "memory", timeout: 2000 },
        Effect.flatMap(ChatsClient.ChatsClient, (client) =>
          Effect.forEach(Array.from({ length: calls }), () => client.getChat({ businessId: sim.businessId, chatId })))
      )
      expect(Either.map(many.result, (chats) => chats.length)).toEqual(Either.right(calls))
      const gateWarnings = many.logs.filter((l) => l.includes("own gate"))
      expect(gateWarnings).toHaveLength(calls)
      const skipped = gateWarnings.filter((l) => l.includes("not tried again")).length
      expect(skipped).toBeGreaterThanOrEqual(calls - 3)
      expect(many.logs.join("\n")).not.toContain(password)
    } finally {
      await redis.start()
    }
    // back: after the grace of a restarted server, permits are granted again
    await new Promise((resolve) => setTimeout(resolve, graceAfterStart(lease)))
    const { result } = await withLayers({}, permit)
    expect(result).toEqual(Either.right("went"))
  })
})
