/**
 * The install matrix of an edition's package, without Effect: the packed tarball unpacked into one
 * fresh consumer folder per supported install (the required peers plus the optional ones the install
 * adds, linked from the edition's node_modules: no network), and every program of the edition run in
 * every install. Where the install has the peers a program needs, the program must work; where one
 * is missing it must fail with the package's own error (`MissingPackageError`), which names each
 * missing package and the command that installs it. Each edition gives its folder, its installs and
 * its programs (`<edition>/test/package/installs.ts`) and runs the cells from a thin test file;
 * `scripts/install-size.ts` measures the same installs from the registry.
 */
import assert from "node:assert/strict"
import { execFile, execFileSync } from "node:child_process"
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs"
import { basename, dirname, join } from "node:path"
import { type SimulatorServer, startSimulator } from "../simulator/server.js"
import { redisAvailable, type RedisServer, startRedis } from "./redisServer.js"

/** The fields of an edition's package.json that the matrix reads. */
export interface Manifest {
  readonly name: string
  readonly version: string
  readonly bin?: Record<string, string>
  readonly peerDependencies: Record<string, string>
  readonly peerDependenciesMeta?: Record<string, { optional?: boolean }>
}

/** An edition's package: its folder, its package.json, and the peers every install has. */
export interface EditionPackage {
  /** The edition's folder (`effect3/`, `effect4/`), where its package.json and node_modules are. */
  readonly root: string
  readonly manifest: Manifest
  /** The peers that are not optional. */
  readonly requiredPeers: ReadonlyArray<string>
}

/** The edition's package at `root`, read from its package.json. */
export const editionPackage = (root: string): EditionPackage => {
  const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as Manifest
  const requiredPeers = Object.keys(manifest.peerDependencies)
    .filter((name) => manifest.peerDependenciesMeta?.[name]?.optional !== true)
  return { root, manifest, requiredPeers }
}

/** Where a simulator serves, for the programs that talk to one run by the matrix. */
export interface SimulatorAddress {
  readonly url: string
  readonly businessId: number
  readonly apiKey: string
  /** A redis-server run by the matrix, for the programs that say they need one (`redis: true`). */
  readonly redisUrl?: string | undefined
}

/** One supported install: the package with its required peers and the optional peers it `adds`. */
export interface Install {
  readonly name: string
  /** The optional peers this install adds to the bare one. */
  readonly adds: ReadonlyArray<string>
}

/** One program of an edition: what a part of the package does when the peers it `needs` are installed. */
export interface Program {
  readonly name: string
  /** The optional peers it needs (it must fail, naming each one missing, without them). */
  readonly needs: ReadonlyArray<string>
  /** Files of the edition (paths from its folder) that it needs, copied into every consumer folder. */
  readonly files: ReadonlyArray<string>
  /** The program: `node` with these arguments and environment, in the consumer folder. */
  readonly run: (sim: SimulatorAddress) => { readonly args: ReadonlyArray<string>; readonly env?: Record<string, string> }
  /** What it prints (stdout) when it works. */
  readonly works: RegExp
  /** Whether it needs a redis-server (its URL comes as `redisUrl`). */
  readonly redis?: boolean
}

/** Packs the edition into `destination` (building it first unless `build` is false); returns the tarball's path and files. */
export const pack = (root: string, destination: string, options: { readonly build: boolean; readonly from?: string }) => {
  const args = ["pack", "--json", "--pack-destination", destination, ...(options.build ? [] : ["--ignore-scripts"])]
  const out = execFileSync("npm", args, { cwd: options.from ?? root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 180_000 })
  const [packed] = JSON.parse(out) as Array<{ filename: string; files: Array<{ path: string }> }>
  return { tarball: join(destination, packed!.filename), files: packed!.files.map((f) => f.path) }
}

/**
 * Lays out a consumer folder: the tarball unpacked into its node_modules (a copy, so the package
 * resolves its imports from the consumer's node_modules only), and the packages named linked from the
 * edition's node_modules, so no network is needed.
 */
export const makeConsumer = (edition: EditionPackage, dir: string, tarball: string, packages: ReadonlyArray<string>) => {
  const installed = join(dir, "node_modules", edition.manifest.name)
  mkdirSync(installed, { recursive: true })
  execFileSync("tar", ["-xzf", tarball, "-C", installed, "--strip-components=1"], { timeout: 60_000 })
  for (const name of packages) {
    mkdirSync(dirname(join(dir, "node_modules", name)), { recursive: true })
    symlinkSync(join(edition.root, "node_modules", name), join(dir, "node_modules", name), "dir")
  }
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }))
}

/** Lays out the consumer folder of one install, with these program files (paths from the edition's folder). */
export const makeInstall = (
  edition: EditionPackage,
  dir: string,
  tarball: string,
  install: Install,
  files: ReadonlyArray<string>
) => {
  makeConsumer(edition, dir, tarball, [...edition.requiredPeers, ...install.adds])
  for (const file of files) cpSync(join(edition.root, file), join(dir, basename(file)))
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
    execFile(command, [...args], {
      cwd: options.cwd,
      env: { PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "", ...options.env },
      timeout: options.timeout ?? 60_000,
      killSignal: "SIGKILL",
      maxBuffer: 16 * 1024 * 1024
    }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : null
      done({ code, stdout, stderr: error?.killed ? `${stderr}\n(killed after ${options.timeout ?? 60_000} ms)` : stderr })
    })
  })

/** One cell of the matrix: a program tried in an install, and the peers it needs that the install lacks. */
export interface Cell {
  readonly install: Install
  readonly program: Program
  readonly missing: ReadonlyArray<string>
}

/** Every program in every install, install by install. */
export const cellsOf = (installs: ReadonlyArray<Install>, programs: ReadonlyArray<Program>): Array<Cell> =>
  installs.flatMap((install) =>
    programs.map((program) => ({ install, program, missing: program.needs.filter((name) => !install.adds.includes(name)) }))
  )

/** The title of a cell's test. */
export const cellTitle = ({ missing, program }: Cell): string =>
  missing.length === 0
    ? `runs the program of ${program.name}`
    : `refuses the program of ${program.name}, naming ${missing.join(" and ")} and how to install it`

/** Checks a program that had its peers: it ran to its end, printed what it prints when it works, and named no missing package. */
export const assertWorks = (outcome: Outcome, program: Program): void => {
  assert.doesNotMatch(outcome.stderr, /MissingPackageError|not installed/)
  assert.equal(outcome.code, 0, outcome.stderr)
  assert.match(outcome.stdout, program.works)
}

/**
 * Checks a program that lacked peers: it failed, with the package's own error, which names each
 * missing package with the range to install and the command that installs it, and no other peer.
 */
export const assertRefused = (outcome: Outcome, cell: Cell, manifest: Manifest): void => {
  assert.notEqual(outcome.code, 0, `the program exited 0: ${outcome.stdout}`)
  assert.doesNotMatch(outcome.stdout, cell.program.works)
  assert.ok(outcome.stderr.includes("npm install "), outcome.stderr)
  assert.ok(outcome.stderr.includes(`beside ${manifest.name}: npm install `), `not the package's own error: ${outcome.stderr}`)
  for (const name of cell.program.needs) {
    if (cell.missing.includes(name)) assert.ok(outcome.stderr.includes(`${name}@${manifest.peerDependencies[name]}`), outcome.stderr)
    else assert.ok(!outcome.stderr.includes(`${name}@`), outcome.stderr)
  }
}

/** One test of the matrix: a name, a bound (ms) for the edition's `it`, whether it skips, and its body. */
export interface MatrixCase {
  readonly name: string
  readonly timeout: number
  /** Only a program that needs a redis-server skips, when there is none (outside CI). */
  readonly skip: boolean
  readonly run: () => Promise<void>
}

/** An edition's matrix, laid out: its cells by install, and the simulator and redis-server its programs run against. */
export interface InstallMatrix {
  /** Every install, with the tests of every program in it (its `describe` and `it`s in the edition's suite). */
  readonly groups: ReadonlyArray<{ readonly install: Install; readonly cases: ReadonlyArray<MatrixCase> }>
  /** Starts the simulator (and the redis-server, when a program needs one): the suite's `beforeAll`. */
  readonly start: () => Promise<void>
  /** Stops what `start` started: the suite's `afterAll`. */
  readonly stop: () => Promise<void>
}

/**
 * Lays out one consumer folder per install under `work` (each with every program's files, so that each
 * program can be tried in each install) from the edition's packed tarball.
 */
export const installMatrix = (
  edition: EditionPackage,
  options: {
    readonly work: string
    readonly tarball: string
    readonly installs: ReadonlyArray<Install>
    readonly programs: ReadonlyArray<Program>
    /** How the skip line names the suite when there is no redis-server. */
    readonly suite: string
  }
): InstallMatrix => {
  const files = options.programs.flatMap((p) => p.files)
  const folders = new Map(options.installs.map((install, n) => {
    const dir = join(options.work, `install-${n}`)
    makeInstall(edition, dir, options.tarball, install, files)
    return [install, dir] as const
  }))
  const withRedis = options.programs.some((p) => p.redis === true) && redisAvailable(options.suite)
  let sim: SimulatorServer | undefined
  let redis: RedisServer | undefined
  /** Runs a cell's program in its install's folder and checks its outcome. */
  const check = async (cell: Cell) => {
    if (sim === undefined) throw new Error("the matrix is not started")
    const { args, env } = cell.program.run({ url: sim.url, businessId: sim.businessId, apiKey: sim.apiKey, redisUrl: redis?.url })
    const outcome = await runCommand(process.execPath, args, { cwd: folders.get(cell.install)!, timeout: 90_000, ...(env ? { env } : {}) })
    if (cell.missing.length === 0) assertWorks(outcome, cell.program)
    else assertRefused(outcome, cell, edition.manifest)
  }
  const cells = cellsOf(options.installs, options.programs)
  return {
    groups: options.installs.map((install) => ({
      install,
      cases: cells.filter((cell) => cell.install === install).map((cell) => ({
        name: cellTitle(cell),
        timeout: 120_000,
        skip: cell.missing.length === 0 && cell.program.redis === true && !withRedis,
        run: () => check(cell)
      }))
    })),
    start: async () => {
      sim = await startSimulator({ chats: 30, messages: 120 })
      if (withRedis) redis = await startRedis()
    },
    stop: async () => {
      await redis?.stop()
      await sim?.close()
    }
  }
}
