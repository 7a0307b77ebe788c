/**
 * An edition's packed tarball installed into a fresh folder from the npm registry, as a user installs
 * it: only the packages named beside it, npm's normal strict peer resolution (no `--force`, no
 * `--legacy-peer-deps`). For the editions' package tests.
 */
import { execFile } from "node:child_process"
import { mkdirSync, writeFileSync } from "node:fs"

/** What an npm or node command printed, and how it ended. */
export interface CommandOutcome {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Runs a command to its end without blocking the caller's event loop, killed after `timeout` ms. */
export const runCommandIn = (
  cwd: string,
  command: string,
  args: ReadonlyArray<string>,
  options: { readonly timeout?: number; readonly env?: Readonly<Record<string, string>> } = {}
): Promise<CommandOutcome> =>
  new Promise((done) => {
    execFile(command, [...args], {
      cwd,
      env: { ...process.env, ...options.env },
      timeout: options.timeout ?? 300_000,
      killSignal: "SIGKILL",
      maxBuffer: 16 * 1024 * 1024
    }, (error, stdout, stderr) => {
      done({ code: error === null ? 0 : typeof error.code === "number" ? error.code : null, stdout, stderr })
    })
  })

/**
 * A fresh consumer folder (`type: module`) with the tarball and the named packages installed by
 * `npm install` from the registry; resolves with npm's outcome (a refused peer set is a non-zero code
 * and `ERESOLVE` in stderr).
 */
export const installFromRegistry = (dir: string, tarball: string, packages: ReadonlyArray<string>): Promise<CommandOutcome> => {
  mkdirSync(dir, { recursive: true })
  writeFileSync(`${dir}/package.json`, JSON.stringify({ name: "consumer", private: true, type: "module" }))
  return runCommandIn(dir, "npm", ["install", "--no-audit", "--no-fund", "--no-update-notifier", tarball, ...packages])
}

/** The version of a package in a lockfile (`package-lock.json`, v3) at the top of its node_modules. */
export const lockedVersion = (lockfile: { readonly packages: Readonly<Record<string, { readonly version?: string }>> }, name: string): string => {
  const version = lockfile.packages[`node_modules/${name}`]?.version
  if (version === undefined) throw new Error(`${name} is not in the lockfile`)
  return version
}
