/**
 * What this package adds to a consumer's node_modules, measured from the registry: packs the package,
 * installs into fresh temporary consumer folders with npm (the required peers alone, then the
 * package with them, then each supported install of test/package/installs.ts), and prints the
 * packages and megabytes of each, and what each adds over the peers alone: MB of files (10^6 bytes,
 * the sum of the files' sizes) and MB on disk (`du -sk`, whole blocks, as a file manager shows it).
 *
 *   npm run install-size                 # the working tree
 *   npm run install-size -- --ref <rev>  # the package as it was at a commit (packed from `git archive`)
 *
 * Install scripts are not run (--ignore-scripts): the figures are the files that npm lays out.
 */
import { execFileSync } from "node:child_process"
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { parseArgs } from "node:util"
import { installs, manifest, pack, requiredPeers, root } from "../test/package/installs.js"

const { values } = parseArgs({ options: { ref: { type: "string" } } })

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

const work = mkdtempSync(join(tmpdir(), "ymc-size-"))
try {
  // the package to measure, and its manifest as packed
  let from = root
  if (values.ref !== undefined) {
    from = join(work, "source")
    mkdirSync(from)
    execFileSync("sh", ["-c", `git archive ${JSON.stringify(values.ref)} | tar -x -C ${JSON.stringify(from)}`], { cwd: root, timeout: 60_000 })
    symlinkSync(join(root, "node_modules"), join(from, "node_modules"), "dir")
  }
  const { tarball } = pack(work, { build: true, from })
  const packed = JSON.parse(readFileSync(join(from, "package.json"), "utf8")) as typeof manifest & { version: string }
  const range = (name: string) => `${name}@${packed.peerDependencies[name] ?? manifest.peerDependencies[name]}`
  const peers = requiredPeers.map(range)

  const mb = (bytes: number) => (bytes / 1e6).toFixed(1)
  const base = install(join(work, "peers"), peers)
  console.log(`${peers.join(" ")} alone: ${base.packages} packages, ${mb(base.bytes)} MB of files, ${mb(base.disk)} MB on disk`)
  const measured = values.ref === undefined ? installs : installs.slice(0, 1)
  console.log(`\n| install (${packed.name} ${packed.version}${values.ref ? ` at ${values.ref}` : ""}) | npm install | packages added | MB of files added | MB on disk added |`)
  console.log("|---|---|---:|---:|---:|")
  let ownBytes = 0
  measured.forEach((each, n) => {
    const specs = [tarball, ...peers, ...each.adds.map(range)]
    const size = install(join(work, `install-${n}`), specs)
    const line = ["npm install", packed.name, ...specs.slice(1)].join(" ")
    console.log(`| ${each.name} | \`${line}\` | ${size.packages - base.packages} | ${mb(size.bytes - base.bytes)} | ${mb(size.disk - base.disk)} |`)
    if (n === 0) ownBytes = bytesOf(join(work, `install-${n}`, "node_modules", packed.name))
  })
  console.log(`\n${packed.name}'s own files: ${mb(ownBytes)} MB`)
} finally {
  rmSync(work, { recursive: true, force: true })
}
