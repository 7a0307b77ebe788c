/**
 * Runs examples/redis-workers.ts as a user would (its own simulator, the Redis of REDIS_URL) and checks
 * what it printed: no parallel-limit 420, at most 4 requests in flight; without REDIS_URL it says so
 * and starts nothing. Every child is bounded in time and ended after its test if still running.
 */
import { fileURLToPath } from "node:url"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import { killChildren, runToEnd, spawnChild } from "../../../core/testing/childProcess.js"
import { type RedisServer, redisAvailable, startRedis } from "./server.js"

const available = redisAvailable("test/redis/example")
/** The edition's folder, where the example is run from. */
const edition = fileURLToPath(new URL("../..", import.meta.url))

/** Runs the example with `args` and the environment `env` (PATH added), bounded in time. */
const runExample = (args: ReadonlyArray<string>, env: Record<string, string>) =>
  runToEnd(
    spawnChild(process.execPath, ["--import", "tsx", "examples/redis-workers.ts", ...args], {
      cwd: edition,
      env: { PATH: process.env["PATH"] ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"]
    }),
    { timeoutMillis: 100_000 }
  )

afterEach(() => killChildren())

describe("examples/redis-workers.ts", () => {
  it("without REDIS_URL it says so, starts nothing and exits non-zero", async () => {
    const { code, stderr, stdout } = await runExample([], {})
    expect(code).not.toBe(0)
    expect(stderr).toContain("set REDIS_URL")
    expect(stdout).toBe("")
  }, 60_000)

  describe.skipIf(!available)("with a Redis", () => {
    let redis: RedisServer | undefined
    beforeAll(async () => {
      redis = await startRedis()
    })
    afterAll(async () => redis?.stop())

    it("4 workers share the business through Redis: 0 parallel-limit 420s, at most 4 in flight", async () => {
      const { code, stdout, stderr } = await runExample(["--workers", "4", "--calls", "40"], { REDIS_URL: redis!.url })
      expect(stderr).toBe("")
      expect(code).toBe(0)
      expect(stdout).toContain("workers' exit codes: 0 0 0 0")
      expect(stdout).toContain("parallel-limit 420s served: 0;")
      const most = Number(/most requests in flight for the business: (\d+)/.exec(stdout)?.[1])
      expect(most).toBeGreaterThan(0)
      expect(most).toBeLessThanOrEqual(4)
    }, 120_000)
  })
})
