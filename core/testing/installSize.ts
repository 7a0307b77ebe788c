/**
 * What an edition's package adds to a consumer's node_modules, measured from the registry: packs the
 * package, installs into fresh temporary consumer folders with npm (the required peers alone, then the
 * package with them, then each supported install of `<edition>/test/package/installs.ts`), and prints
 * the packages and megabytes of each, and what each adds over the peers alone: MB of files (10^6
 * bytes, the sum of the files' sizes) and MB on disk (`du -sk`, whole blocks, as a file manager shows
 * it), with the npm and Node versions and the versions the registry resolved. Each edition's
 * `scripts/install-size.ts` runs it with its installs:
 *
 *   npm run install-size --prefix effect4                 # the working tree
 *   npm run install-size --prefix effect3 -- --ref <rev>  # the package as it was at a commit (packed from `git archive`)
 *
 * Install scripts are not run (--ignore-scripts): the figures are the files that npm lays out.
 */
import { execFileSync } from "node:child_process"
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { parseArgs } from "node:util"
import { type EditionPackage, type Install, type Manifest, pack } from "./installMatrix.js"

/** The bytes of the files under a folder. */
const bytesOf = (dir: string): number =>
  readdirSync(dir, { withFileTypes: true }).reduce((sum, entry) => {
    const path = join(dir, entry.name)
    return sum + (entry.isDirectory() ? bytesOf(path) : lstatSync(path).size)
  }, 0)

/** The packages (folders right under a node_modules, or under a scope in one) and the bytes of their files. */
const measure = (nodeModules: string) => {
  let packages = 0
  let bytes = 0
  const folder = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name.startsWith(".")) continue
      const path = join(dir, entry.name)
      if (entry.name.startsWith("@")) folder(path)
      else {
        packages++
        bytes += bytesOf(path)
      }
    }
  }
  folder(nodeModules)
  const disk = 1024 * Number(execFileSync("du", ["-sk", nodeModules], { encoding: "utf8" }).split("\t")[0])
  return { packages, bytes, disk }
}

/** Installs these specs into a fresh consumer folder and measures its node_modules. */
const install = (dir: string, specs: ReadonlyArray<string>) => {
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }))
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--ignore-scripts", "--prefer-offline", ...specs], {
    cwd: dir,
    stdio: ["ignore", "ignore", "inherit"],
    timeout: 300_000
  })
  return measure(join(dir, "node_modules"))
}

/** The version npm laid out for a package at the top of a consumer's node_modules. */
const installedVersion = (dir: string, name: string): string | undefined => {
  const file = join(dir, "node_modules", name, "package.json")
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version : undefined
}

/** Measures the edition's installs (`argv`: `--ref <rev>` for the package at a commit) and prints a table. */
export const printInstallSizes = (edition: EditionPackage, installs: ReadonlyArray<Install>, argv: ReadonlyArray<string>): void => {
  const { values } = parseArgs({ args: [...argv], options: { ref: { type: "string" } } })
  const work = mkdtempSync(join(tmpdir(), "ymc-size-"))
  try {
    // the package to measure, and its manifest as packed
    let from = edition.root
    if (values.ref !== undefined) {
      from = join(work, "source")
      mkdirSync(from)
      execFileSync("sh", ["-c", `git archive ${JSON.stringify(values.ref)} | tar -x -C ${JSON.stringify(from)}`], { cwd: edition.root, timeout: 60_000 })
      symlinkSync(join(edition.root, "node_modules"), join(from, "node_modules"), "dir")
    }
    const { tarball } = pack(edition.root, work, { build: true, from })
    const packed = JSON.parse(readFileSync(join(from, "package.json"), "utf8")) as Manifest
    const range = (name: string) => `${name}@${packed.peerDependencies[name] ?? edition.manifest.peerDependencies[name]}`
    const peers = edition.requiredPeers.map(range)
    const npm = execFileSync("npm", ["--version"], { encoding: "utf8" }).trim()
    console.log(`${packed.name} ${packed.version} (${edition.root}), measured ${new Date().toISOString().slice(0, 10)} with npm ${npm} and Node ${process.versions.node} on ${process.platform} ${process.arch}`)

    const mb = (bytes: number) => (bytes / 1e6).toFixed(1)
    const base = install(join(work, "peers"), peers)
    console.log(`${peers.join(" ")} alone: ${base.packages} packages, ${mb(base.bytes)} MB of files, ${mb(base.disk)} MB on disk`)
    const measured = values.ref === undefined ? installs : installs.slice(0, 1)
    console.log(`\n| install (${packed.name} ${packed.version}${values.ref ? ` at ${values.ref}` : ""}) | npm install | packages added | MB of files added | MB on disk added |`)
    console.log("|---|---|---:|---:|---:|")
    let ownBytes = 0
    const resolved = new Map<string, string | undefined>()
    measured.forEach((each, n) => {
      const specs = [tarball, ...peers, ...each.adds.map(range)]
      const dir = join(work, `install-${n}`)
      const size = install(dir, specs)
      const line = ["npm install", packed.name, ...specs.slice(1)].join(" ")
      console.log(`| ${each.name} | \`${line}\` | ${size.packages - base.packages} | ${mb(size.bytes - base.bytes)} | ${mb(size.disk - base.disk)} |`)
      if (n === 0) ownBytes = bytesOf(join(dir, "node_modules", packed.name))
      for (const name of [...edition.requiredPeers, ...each.adds]) if (!resolved.has(name)) resolved.set(name, installedVersion(dir, name))
    })
    console.log(`\n${packed.name}'s own files: ${mb(ownBytes)} MB`)
    console.log(`the registry resolved: ${[...resolved].map(([name, version]) => `${name} ${version ?? "(not installed)"}`).join(", ")}`)
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}
