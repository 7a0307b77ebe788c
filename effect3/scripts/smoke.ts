/**
 * The runtime smoke: the bare client (this package with effect and @effect/platform, nothing else, in
 * a fresh consumer folder) streams the chats, sends a message and reads it back over FetchHttpClient,
 * on Node (the running one, and the machine's own Node when it is another: Node 20 here), on Bun and on
 * Deno (the runtimes of the `bun` and `deno` dev dependencies), against the
 * simulator on a free loopback port. The simulator's server needs Node: it runs in a Node child.
 *
 *   npm run build && npm run smoke [-- node machine-node bun deno]
 */
import { type ChildProcess, spawn } from "node:child_process"
import { existsSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { delimiter, join } from "node:path"
import { installs, makeInstall, pack, root, runCommand, type SimulatorAddress } from "../test/package/installs.js"

/**
 * The machine's own Node (the first `node` on PATH outside any node_modules): Node 20 here, which the
 * Effect 3 edition's `engines` still allows, while the npm scripts run on the repository's Node 24.
 */
const machineNode = (process.env["PATH"] ?? "").split(delimiter)
  .filter((dir) => dir !== "" && !dir.includes("node_modules"))
  .map((dir) => join(dir, "node"))
  .find((file) => existsSync(file)) ?? process.execPath

const runtimes: Record<string, (script: ReadonlyArray<string>) => { command: string; args: ReadonlyArray<string> }> = {
  node: (script) => ({ command: process.execPath, args: script }),
  "machine-node": (script) => ({ command: machineNode, args: script }),
  bun: (script) => ({ command: join(root, "node_modules", ".bin", "bun"), args: script }),
  deno: (script) => ({
    command: join(root, "node_modules", ".bin", "deno"),
    args: ["run", "--no-prompt", "--allow-net=127.0.0.1", "--allow-read", "--allow-env", ...script]
  })
}
const chosen = process.argv.slice(2).length > 0 ? process.argv.slice(2) : Object.keys(runtimes)
const unknown = chosen.filter((name) => !(name in runtimes))
if (unknown.length > 0) {
  console.error(`smoke: unknown runtime ${unknown.join(", ")} (known: ${Object.keys(runtimes).join(", ")})`)
  process.exit(2)
}
if (!existsSync(join(root, "dist", "effect3", "src", "index.js"))) {
  console.error("smoke: no dist/ to pack: run `npm run build` first")
  process.exit(2)
}

/** Starts the simulator in a Node child process on a free loopback port; resolves with where it serves. */
const startSimulator = (child: ChildProcess): Promise<SimulatorAddress> =>
  new Promise((resolve, reject) => {
    let out = ""
    const timer = setTimeout(() => reject(new Error(`the simulator did not start within 60 s:\n${out}`)), 60_000)
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString()
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1]
      const businessId = /business id:\s+(\d+)/.exec(out)?.[1]
      const apiKey = /Api-Key:\s+(\S+)/.exec(out)?.[1]
      if (url && businessId && apiKey) {
        clearTimeout(timer)
        resolve({ url, businessId: Number(businessId), apiKey })
      }
    })
    child.stderr!.on("data", (chunk: Buffer) => (out += chunk.toString()))
    child.on("exit", (code) => reject(new Error(`the simulator exited (${code}):\n${out}`)))
  })

const work = mkdtempSync(join(tmpdir(), "ymc-smoke-"))
const simulator = spawn(process.execPath, ["--import", "tsx", "bin/simulator.ts", "--chats", "40", "--messages", "200"], {
  cwd: root,
  stdio: ["ignore", "pipe", "pipe"]
})
const cleanUp = () => {
  simulator.kill("SIGKILL")
  rmSync(work, { recursive: true, force: true })
}
process.on("SIGINT", () => (cleanUp(), process.exit(130)))
process.on("SIGTERM", () => (cleanUp(), process.exit(143)))

let failed = 0
try {
  const bare = installs[0]!
  const { tarball } = pack(work, { build: false })
  const consumer = join(work, "consumer")
  makeInstall(consumer, tarball, bare)
  const sim = await startSimulator(simulator)
  for (const name of chosen) {
    const { command, args } = runtimes[name]!(bare.run(sim).args)
    const started = Date.now()
    const outcome = await runCommand(command, args, {
      cwd: consumer,
      env: { DENO_NO_UPDATE_CHECK: "1", DO_NOT_TRACK: "1" },
      timeout: 90_000
    })
    const seconds = ((Date.now() - started) / 1000).toFixed(1)
    const line = outcome.stdout.trim().split("\n").at(-1) ?? ""
    const result = (() => {
      try {
        return JSON.parse(line) as { runtime: string; chats: number; chatId: number; readBack: boolean }
      } catch {
        return undefined
      }
    })()
    if (outcome.code === 0 && result?.readBack === true && result.chats > 0) {
      console.log(`smoke: ${result.runtime}: streamed ${result.chats} chats, sent a message to chat ${result.chatId} and read it back (${seconds} s)`)
    } else {
      failed++
      console.error(`smoke: ${name} failed (exit ${outcome.code}, ${seconds} s)\n${outcome.stdout}\n${outcome.stderr}`)
    }
  }
} catch (error) {
  failed++
  console.error(`smoke: ${error instanceof Error ? error.message : String(error)}`)
} finally {
  cleanUp()
}
process.exit(failed === 0 ? 0 : 1)
