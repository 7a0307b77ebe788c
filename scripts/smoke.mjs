// The runtime smoke of one edition: its bare client (the packed tarball with its required peers, nothing
// else, in a fresh consumer folder) streams the chats, sends a message and reads it back over
// FetchHttpClient, on each runtime the edition supports, against the edition's simulator (bin/simulator.ts,
// in a Node child) on a free loopback port.
//   node scripts/smoke.mjs effect4|effect3 [runtime ...]     (after `npm run build` in that edition)
// Runtimes: node (the running one: Node 24 under npm scripts), machine-node (the machine's own Node,
// the first `node` on PATH outside any node_modules: Node 20 here; the Effect 3 edition only, while its
// engines allow 20), bun and deno (the edition's devDependencies).
import { execFile, execFileSync, spawn } from "node:child_process"
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { delimiter, dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const repository = join(dirname(fileURLToPath(import.meta.url)), "..")
const [edition, ...asked] = process.argv.slice(2)
const editions = { effect4: ["node", "bun", "deno"], effect3: ["node", "machine-node", "bun", "deno"] }
if (!(edition in editions)) {
  console.error(`usage: node scripts/smoke.mjs ${Object.keys(editions).join("|")} [runtime ...]`)
  process.exit(2)
}
const root = join(repository, edition)
const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"))
const machineNode = (process.env.PATH ?? "").split(delimiter)
  .filter((dir) => dir !== "" && !dir.includes("node_modules"))
  .map((dir) => join(dir, "node"))
  .find((file) => existsSync(file)) ?? process.execPath
const runtimes = {
  node: (script) => ({ command: process.execPath, args: script }),
  "machine-node": (script) => ({ command: machineNode, args: script }),
  bun: (script) => ({ command: join(root, "node_modules", ".bin", "bun"), args: script }),
  deno: (script) => ({
    command: join(root, "node_modules", ".bin", "deno"),
    args: ["run", "--no-prompt", "--allow-net=127.0.0.1", "--allow-read", "--allow-env", ...script]
  })
}
const chosen = asked.length > 0 ? asked : editions[edition]
const unknown = chosen.filter((name) => !editions[edition].includes(name))
if (unknown.length > 0) {
  console.error(`smoke: ${edition} has no runtime ${unknown.join(", ")} (it has: ${editions[edition].join(", ")})`)
  process.exit(2)
}
if (!existsSync(join(root, manifest.exports["."].default))) {
  console.error(`smoke: no ${manifest.exports["."].default} to pack: run \`npm run build\` in ${edition} first`)
  process.exit(2)
}

/** Runs a command to its end, killed after `timeout` ms. */
const run = (command, args, options) =>
  new Promise((done) => {
    execFile(command, args, { ...options, killSignal: "SIGKILL", maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
      done({ code: error === null ? 0 : typeof error.code === "number" ? error.code : null, stdout, stderr }))
  })

/** Starts the simulator in a Node child process on a free loopback port; resolves with where it serves. */
const startSimulator = (child) =>
  new Promise((resolve, reject) => {
    let out = ""
    const timer = setTimeout(() => reject(new Error(`the simulator did not start within 60 s:\n${out}`)), 60_000)
    child.stdout.on("data", (chunk) => {
      out += chunk.toString()
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1]
      const businessId = /business id:\s+(\d+)/.exec(out)?.[1]
      const apiKey = /Api-Key:\s+(\S+)/.exec(out)?.[1]
      if (url && businessId && apiKey) {
        clearTimeout(timer)
        resolve({ url, businessId, apiKey })
      }
    })
    child.stderr.on("data", (chunk) => (out += chunk.toString()))
    child.on("exit", (code) => reject(new Error(`the simulator exited (${code}):\n${out}`)))
  })

const work = mkdtempSync(join(tmpdir(), `ymc-smoke-${edition}-`))
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
  // the bare install: the tarball unpacked into node_modules, and the required peers linked from this edition
  const packed = JSON.parse(execFileSync("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", work], { cwd: root, encoding: "utf8" }))
  const consumer = join(work, "consumer")
  const installed = join(consumer, "node_modules", manifest.name)
  mkdirSync(installed, { recursive: true })
  execFileSync("tar", ["-xzf", join(work, packed[0].filename), "-C", installed, "--strip-components=1"])
  const required = Object.keys(manifest.peerDependencies).filter((name) => manifest.peerDependenciesMeta?.[name]?.optional !== true)
  for (const name of required) {
    mkdirSync(dirname(join(consumer, "node_modules", name)), { recursive: true })
    symlinkSync(join(root, "node_modules", name), join(consumer, "node_modules", name), "dir")
  }
  writeFileSync(join(consumer, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }))
  copyFileSync(join(root, "scripts", "smoke-client.mjs"), join(consumer, "smoke-client.mjs"))
  const sim = await startSimulator(simulator)
  for (const name of chosen) {
    const { command, args } = runtimes[name](["smoke-client.mjs", sim.url, sim.businessId, sim.apiKey])
    const started = Date.now()
    const outcome = await run(command, args, {
      cwd: consumer,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", DENO_NO_UPDATE_CHECK: "1", DO_NOT_TRACK: "1" },
      timeout: 90_000
    })
    const seconds = ((Date.now() - started) / 1000).toFixed(1)
    let result
    try {
      result = JSON.parse(outcome.stdout.trim().split("\n").at(-1) ?? "")
    } catch {
      result = undefined
    }
    if (outcome.code === 0 && result?.readBack === true && result.chats > 0) {
      console.log(`smoke (${edition}): ${result.runtime}: streamed ${result.chats} chats, sent a message to chat ${result.chatId} and read it back (${seconds} s)`)
    } else {
      failed++
      console.error(`smoke (${edition}): ${name} failed (exit ${outcome.code}, ${seconds} s)\n${outcome.stdout}\n${outcome.stderr}`)
    }
  }
} catch (error) {
  failed++
  console.error(`smoke (${edition}): ${error instanceof Error ? error.message : String(error)}`)
} finally {
  cleanUp()
}
process.exit(failed === 0 ? 0 : 1)
