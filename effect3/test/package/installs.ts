/**
 * The supported installs of the package, one entry each, and the consumer folders they are tried in.
 *
 * An install is the package with its required peers (`effect`, `@effect/platform`) plus the optional
 * peers it `adds`. Its program uses what those peers enable. test/package/pack.test.ts runs every
 * program in every install: where the install has the peers the program must work; where one is
 * missing it must fail with the package's own error, which names each missing package and the
 * command that installs it. scripts/install-size.ts measures every install from the registry, and
 * scripts/smoke.mjs (at the repository root) runs the bare client's program on Node, Bun and Deno.
 *
 * A new optional part is one more entry here (and its peer in package.json and src/internal/peers.ts).
 */
import { execFile, execFileSync } from "node:child_process"
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs"
import { basename, dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

/** The repository. */
export const root = fileURLToPath(new URL("../..", import.meta.url)).replace(/\/$/, "")

/** The package's own package.json. */
export const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
  readonly name: string
  readonly bin?: Record<string, string>
  readonly peerDependencies: Record<string, string>
  readonly peerDependenciesMeta?: Record<string, { optional?: boolean }>
}

/** The peers every install has. */
export const requiredPeers: ReadonlyArray<string> = Object.keys(manifest.peerDependencies)
  .filter((name) => manifest.peerDependenciesMeta?.[name]?.optional !== true)

/** Where a simulator serves, for the programs that talk to one run by the caller. */
export interface SimulatorAddress {
  readonly url: string
  readonly businessId: number
  readonly apiKey: string
  /** A redis-server run by the caller, for the installs that say they need one (`redis: true`). */
  readonly redisUrl?: string | undefined
}

/** One supported install. */
export interface Install {
  readonly name: string
  /** the optional peers this install adds to the bare one */
  readonly adds: ReadonlyArray<string>
  /** files of the repository that its program needs, copied into the consumer folder */
  readonly files: ReadonlyArray<string>
  /** the program: `node` with these arguments and environment, in the consumer folder */
  readonly run: (sim: SimulatorAddress) => { readonly args: ReadonlyArray<string>; readonly env?: Record<string, string> }
  /** what the program prints when it works */
  readonly works: RegExp
  /** whether the program needs a redis-server (its URL comes as `redisUrl`) */
  readonly redis?: boolean
}

/** The supported installs. */
export const installs: ReadonlyArray<Install> = [
  {
    name: "the bare client",
    adds: [],
    files: ["scripts/smoke-client.mjs"],
    run: (sim) => ({ args: ["smoke-client.mjs", sim.url, String(sim.businessId), sim.apiKey] }),
    works: /"readBack":true/
  },
  {
    name: "the Node transports and servers",
    adds: ["@effect/platform-node"],
    files: ["test/package/programs/node-transports.mjs"],
    run: () => ({ args: ["node-transports.mjs"] }),
    works: /\{"chats":45,"ping":200\}/
  },
  {
    name: "the Redis gate, quota store and durable notification queue",
    adds: ["redis"],
    files: ["test/package/programs/redis.mjs"],
    run: (sim) => ({ args: ["redis.mjs", sim.url, String(sim.businessId), sim.apiKey, sim.redisUrl ?? ""] }),
    works: /\{"calls":12,"inFlight":[1-4],"redisKeys":true,"durable":true\}/,
    redis: true
  }
]

/** Packs the package into `destination` (building it first unless `build` is false); returns the tarball's path and files. */
export const pack = (destination: string, options: { readonly build: boolean; readonly from?: string }) => {
  const args = ["pack", "--json", "--pack-destination", destination, ...(options.build ? [] : ["--ignore-scripts"])]
  const out = execFileSync("npm", args, { cwd: options.from ?? root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 180_000 })
  const [packed] = JSON.parse(out) as Array<{ filename: string; files: Array<{ path: string }> }>
  return { tarball: join(destination, packed!.filename), files: packed!.files.map((f) => f.path) }
}

/**
 * Lays out a consumer folder: the tarball unpacked into its node_modules (a copy, so the package
 * resolves its imports from the consumer's node_modules only), and the peers it installs (with any
 * other packages named) linked from this repository's node_modules, so no network is needed.
 */
export const makeConsumer = (dir: string, tarball: string, packages: ReadonlyArray<string>) => {
  const installed = join(dir, "node_modules", manifest.name)
  mkdirSync(installed, { recursive: true })
  execFileSync("tar", ["-xzf", tarball, "-C", installed, "--strip-components=1"], { timeout: 60_000 })
  for (const name of packages) {
    mkdirSync(dirname(join(dir, "node_modules", name)), { recursive: true })
    symlinkSync(join(root, "node_modules", name), join(dir, "node_modules", name), "dir")
  }
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }))
}

/** Lays out the consumer folder of one install, with its program's files. */
export const makeInstall = (dir: string, tarball: string, install: Install, others: ReadonlyArray<string> = []) => {
  makeConsumer(dir, tarball, [...requiredPeers, ...install.adds, ...others])
  for (const file of install.files) cpSync(join(root, file), join(dir, basename(file)))
}

/** The outcome of a command run to its end. */
export interface Outcome {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Runs a command without blocking this process (a simulator in it keeps serving), killed after `timeout` ms. */
export const runCommand = (
  command: string,
  args: ReadonlyArray<string>,
  options: { readonly cwd: string; readonly env?: Record<string, string>; readonly timeout?: number }
): Promise<Outcome> =>
  new Promise((done) => {
    execFile(command, args, {
      cwd: options.cwd,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...options.env },
      timeout: options.timeout ?? 60_000,
      killSignal: "SIGKILL",
      maxBuffer: 16 * 1024 * 1024
    }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : null
      done({ code, stdout, stderr: error?.killed ? `${stderr}\n(killed after ${options.timeout ?? 60_000} ms)` : stderr })
    })
  })
