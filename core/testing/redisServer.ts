/**
 * A real `redis-server` (from PATH) for both editions' tests: on a free loopback port, in a temporary
 * folder, no persistence unless asked. Every server this module starts is killed, and its folder
 * removed, when it is stopped, and at the latest when the test process exits (however it exits).
 *
 * Under `CI=true` a missing `redis-server` fails the suites that need it; elsewhere they skip, with
 * one line that says how to install it.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"

/** How to install the server, as the skip line says it. */
export const installHint =
  "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends redis-server"

/** The path of `redis-server` on PATH, if any. */
export const redisServerPath: string | undefined = (() => {
  try {
    return execFileSync("sh", ["-c", "command -v redis-server"], { encoding: "utf8" }).trim() || undefined
  } catch {
    return undefined
  }
})()

/**
 * Whether the Redis suites run: true when `redis-server` is on PATH. Without it, under `CI=true`
 * this throws (the run fails); elsewhere it prints one line and the suites skip.
 */
export const redisAvailable = (suite: string): boolean => {
  if (redisServerPath !== undefined) return true
  if (process.env["CI"] === "true") throw new Error(`${suite}: redis-server is not on PATH (CI needs it: ${installHint})`)
  console.warn(`${suite}: skipped, redis-server is not on PATH (install it: ${installHint})`)
  return false
}

/** Settings of a test server. */
export interface ServerOptions {
  /** `"none"` (default): nothing written; `"aof"`: append-only file, fsync on every write; `"rdb"`: snapshots on shutdown. */
  readonly persistence?: "none" | "aof" | "rdb"
  /** Allow `DEBUG` (e.g. `DEBUG SLEEP`) from loopback. */
  readonly debugCommand?: boolean
  /** More `redis-server` arguments. */
  readonly args?: ReadonlyArray<string>
}

/** A running test server. */
export interface RedisServer {
  readonly port: number
  readonly url: string
  /** The folder of its files (removed when it is stopped for good). */
  readonly dir: string
  /** The process id of the current server process. */
  readonly pid: () => number
  /** Kills the server (SIGKILL: nothing saved) and starts it again on the same port and folder. */
  readonly restart: () => Promise<void>
  /** Kills the server process, keeping port and folder for {@link RedisServer.start}. */
  readonly kill: () => Promise<void>
  /** Starts it again after {@link RedisServer.kill}. */
  readonly start: () => Promise<void>
  /** Sends SIGSTOP (frozen) or SIGCONT (going on) to the server. */
  readonly signal: (signal: "SIGSTOP" | "SIGCONT") => void
  /** Kills it and removes its folder. */
  readonly stop: () => Promise<void>
}

const running = new Set<ChildProcess>()
const folders = new Set<string>()
const cleanUp = () => {
  for (const child of running) child.kill("SIGKILL")
  for (const dir of folders) rmSync(dir, { recursive: true, force: true })
}
process.on("exit", cleanUp)
// a process stopped by a signal runs no "exit" handler: clean up, then stop as the signal would
for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) {
  process.once(signal, () => {
    cleanUp()
    process.kill(process.pid, signal)
  })
}

/**
 * A process killed outright (SIGKILL, or a test runner ending a worker that hangs) runs no handler at
 * all. A small reaper process, told every server's pid and folder, sees its stdin close when this
 * process goes, however it goes, and kills what is left.
 */
const reaperScript = `
const { rmSync } = require("node:fs")
const pids = new Set(), dirs = new Set()
let buffer = ""
process.stdin.on("data", (chunk) => {
  buffer += chunk
  const lines = buffer.split("\\n")
  buffer = lines.pop()
  for (const line of lines) {
    const [op, arg] = [line.slice(0, line.indexOf(" ")), line.slice(line.indexOf(" ") + 1)]
    if (op === "pid") pids.add(Number(arg)); else if (op === "unpid") pids.delete(Number(arg))
    else if (op === "dir") dirs.add(arg); else if (op === "undir") dirs.delete(arg)
  }
})
process.stdin.on("end", () => {
  for (const pid of pids) { try { process.kill(pid, "SIGKILL") } catch {} }
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
  process.exit(0)
})
`
let reaper: ChildProcess | undefined
const tellReaper = (line: string) => {
  if (reaper === undefined) {
    reaper = spawn(process.execPath, ["-e", reaperScript], { stdio: ["pipe", "ignore", "ignore"] })
    reaper.unref()
    ;(reaper.stdin as unknown as { unref?: () => void }).unref?.()
  }
  reaper.stdin!.write(line + "\n")
}

/** A port free on loopback at the time of asking. */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      server.close(() => typeof address === "object" && address !== null ? resolve(address.port) : reject(new Error("no port")))
    })
  })

/** Spawns the server and waits until it accepts connections. */
const spawnServer = (args: ReadonlyArray<string>): Promise<ChildProcess> =>
  new Promise((resolve, reject) => {
    const child = spawn(redisServerPath ?? "redis-server", args, { stdio: ["ignore", "pipe", "pipe"] })
    running.add(child)
    if (child.pid !== undefined) tellReaper(`pid ${child.pid}`)
    let out = ""
    const timer = setTimeout(() => {
      child.kill("SIGKILL")
      reject(new Error(`redis-server did not start within 10 s:\n${out}`))
    }, 10_000)
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString()
      if (out.includes("Ready to accept connections")) {
        clearTimeout(timer)
        child.stdout!.removeAllListeners("data")
        child.stdout!.resume()
        resolve(child)
      }
    })
    child.stderr!.on("data", (chunk: Buffer) => (out += chunk.toString()))
    child.once("exit", (code) => {
      running.delete(child)
      if (child.pid !== undefined) tellReaper(`unpid ${child.pid}`)
      clearTimeout(timer)
      reject(new Error(`redis-server exited with ${code}:\n${out}`))
    })
  })

const killChild = (child: ChildProcess): Promise<void> =>
  new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    child.once("exit", () => resolve())
    child.kill("SIGCONT")
    child.kill("SIGKILL")
  })

/** Starts a server on a free loopback port. */
export const startRedis = async (options: ServerOptions = {}): Promise<RedisServer> => {
  const dir = mkdtempSync(join(tmpdir(), "ymc-redis-"))
  folders.add(dir)
  tellReaper(`dir ${dir}`)
  const persistence = options.persistence ?? "none"
  const argsFor = (port: number) => [
    "--port", String(port),
    "--bind", "127.0.0.1",
    "--dir", dir,
    "--save", persistence === "rdb" ? "3600 1" : "",
    "--appendonly", persistence === "aof" ? "yes" : "no",
    ...(persistence === "aof" ? ["--appendfsync", "always"] : []),
    ...(options.debugCommand === true ? ["--enable-debug-command", "local"] : []),
    ...(options.args ?? [])
  ]
  let port = 0
  let child: ChildProcess | undefined
  for (let attempt = 0; child === undefined; attempt++) {
    port = await freePort()
    try {
      child = await spawnServer(argsFor(port))
    } catch (error) {
      if (attempt >= 3) throw error
    }
  }
  const kill = async () => {
    if (child !== undefined) await killChild(child)
  }
  const start = async () => {
    child = await spawnServer(argsFor(port))
  }
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    pid: () => child?.pid ?? -1,
    kill,
    start,
    restart: async () => {
      await kill()
      await start()
    },
    signal: (signal) => {
      child?.kill(signal)
    },
    stop: async () => {
      await kill()
      rmSync(dir, { recursive: true, force: true })
      folders.delete(dir)
      tellReaper(`undir ${dir}`)
    }
  }
}

/**
 * How long after a server starts the gate grants (`lease` ms): it grants nothing on a server younger
 * than a lease (its grace after a restart), and knows a server's age to the second only, so it takes
 * a server to be one second younger than it says.
 */
export const graceAfterStart = (lease: number): number => lease + 1100

/** Starts a server and waits until the gate grants on it (see {@link graceAfterStart}). */
export const startGrantingRedis = async (lease: number, options: ServerOptions = {}): Promise<RedisServer> => {
  const server = await startRedis(options)
  await new Promise((resolve) => setTimeout(resolve, graceAfterStart(lease)))
  return server
}
