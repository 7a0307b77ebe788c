/**
 * `npm start`: the demo (examples/demo.ts) against its own simulator, run as package.json runs it, in a
 * child process: every step, exit code 0, nothing on stderr.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { spawn } from "node:child_process"
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"

const edition = fileURLToPath(new URL("../..", import.meta.url))

/** Runs a command in the edition's folder; its exit code and output. */
const run = (args: ReadonlyArray<string>) =>
  Effect.callback<{ readonly code: number | null; readonly stdout: string; readonly stderr: string }>((resume) => {
    const child = spawn(process.execPath, args, { cwd: edition, stdio: ["ignore", "pipe", "pipe"] })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (chunk) => (stdout += String(chunk)))
    child.stderr.on("data", (chunk) => (stderr += String(chunk)))
    child.on("close", (code) => resume(Effect.succeed({ code, stdout, stderr })))
    return Effect.sync(() => child.kill())
  })

describe("npm start", () => {
  it.live("runs the demo against its own simulator: every step, exit code 0", () =>
    Effect.gen(function*() {
      const pkg = JSON.parse(readFileSync(`${edition}/package.json`, "utf8")) as { scripts: Record<string, string> }
      const [command, ...args] = pkg.scripts["start"]!.split(" ")
      expect(command).toBe("node")
      const { code, stderr, stdout } = yield* run(args)
      expect({ code, stderr }).toEqual({ code: 0, stderr: "" })
      expect(stdout.split("\n")[0]).toMatch(/^Simulator of the Yandex Market chats API at http:\/\/127\.0\.0\.1:\d+ \(business 12345\)$/)
      expect(stdout).toMatch(/^1\. \d+ chats wait for the seller's answer; the first five:$/m)
      expect(stdout).toMatch(/^2\. Chat #\d+ has \d+ messages; the last three:$/m)
      expect(stdout).toMatch(/^3\. Replied to #\d+: its status is now WAITING_FOR_CUSTOMER$/m)
      expect(stdout).toMatch(/^4\. Sent a file: PARTNER +\[file счёт-42\.txt, \d+ bytes\]$/m)
      const opened = /^5\. Opened chat #(\d+) on order 77000001; opening it again gives #(\d+)$/m.exec(stdout)
      expect(opened?.[2]).toBe(opened?.[1])
      expect(stdout).toMatch(/through the client's gate: [1-4] in flight at most, 0 refusals \(420\)/)
      expect(stdout).toContain("all absorbed by retries: 40/40 answered")
      expect(stdout).toMatch(/^7\. 12 reads against a quota of 5 per second: all answered in \d+ ms/m)
      expect(stdout).toContain("Done: every call went over real HTTP on loopback")
    }), 60_000)
})
