/**
 * Runs examples/redis-workers.ts as a user would (its own simulator, and its own redis-server from
 * PATH) and checks what it printed: no parallel-limit 420, at most 4 requests in flight.
 */
import { execFile } from "node:child_process"
import { describe, expect, it } from "vitest"
import { redisAvailable } from "./server.js"

const available = redisAvailable("test/redis/example")

describe.skipIf(!available)("examples/redis-workers.ts", () => {
  it("4 workers share the business through Redis: 0 parallel-limit 420s, at most 4 in flight", async () => {
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const env = { ...process.env }
      delete env["REDIS_URL"]
      execFile(process.execPath, ["--import", "tsx", "examples/redis-workers.ts", "--workers", "4", "--calls", "40"], { env, timeout: 100_000, killSignal: "SIGTERM" }, (error, stdout, stderr) =>
        resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : 1, stdout, stderr }))
    })
    expect(stderr).toBe("")
    expect(code).toBe(0)
    expect(stdout).toContain("workers' exit codes: 0 0 0 0")
    expect(stdout).toContain("parallel-limit 420s served: 0;")
    const most = Number(/most requests in flight for the business: (\d+)/.exec(stdout)?.[1])
    expect(most).toBeGreaterThan(0)
    expect(most).toBeLessThanOrEqual(4)
  }, 120_000)
})
