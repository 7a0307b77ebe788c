/**
 * The peer dependencies, and the loading of the optional ones: the parts that need Node or the
 * command line import them when they start, and their absence is an error that names the package
 * and the command that installs it. No `effect` import here: the `ym-chats` entry checks with it
 * before anything else is loaded.
 *
 * @internal
 */

/** Every peer dependency with the range to install (package.json's `peerDependencies`, checked by test/package). */
export const peerRanges = {
  "effect": "^3.22.2",
  "@effect/platform": "^0.97.2",
  "@effect/platform-node": "^0.108.2",
  "@effect/cli": "^0.77.2",
  "redis": "^6.0.0"
} as const

/** The name of a peer dependency. */
export type Peer = keyof typeof peerRanges

/** The command that installs these packages beside this one. */
export const installCommand = (packages: ReadonlyArray<Peer>): string =>
  `npm install ${packages.map((name) => `${name}@${peerRanges[name]}`).join(" ")}`

/**
 * The command that runs `ym-chats` through npx with these packages, which npx installs beside it (npx
 * installs the required peers by itself; the optional ones only when named).
 */
export const npxCommand = (packages: ReadonlyArray<Peer>): string =>
  `npx -p effect-yandex-market-chats ${packages.map((name) => `-p ${name}@${peerRanges[name]}`).join(" ")} ym-chats`

/** Whether a module at this URL was installed by npx (`npx <package>`) into its cache, not into a project. */
export const installedByNpx = (url: string): boolean => /\/_npx\//.test(url)

/** A part of this package was started without a package that it needs. */
export class MissingPackageError extends Error {
  constructor(readonly part: string, readonly packages: ReadonlyArray<Peer>) {
    const one = packages.length === 1
    super(
      `${part} needs ${packages.join(" and ")}, which ${one ? "is" : "are"} not installed; ` +
        `install ${one ? "it" : "them"} beside effect-yandex-market-chats: ${installCommand(packages)}`
    )
    this.name = "MissingPackageError"
  }
}

const quoted = (name: string) => new RegExp(`["'\`]${name.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}(/[^"'\`]*)?["'\`]`)

/** Whether an import failed because the package itself cannot be found (not one of its files or its own dependencies). */
export const isMissing = (error: unknown, name: Peer): boolean =>
  error instanceof Error && /can ?not (find|resolve)|could not (find|resolve)/i.test(error.message) &&
  quoted(name).test(error.message)

/** Imports an optional peer for a part of this package; fails with `MissingPackageError` when it is not installed. */
export const importPeer = <A>(part: string, name: Peer, load: () => Promise<A>): Promise<A> =>
  load().catch((error: unknown) => Promise.reject(isMissing(error, name) ? new MissingPackageError(part, [name]) : error))

/** The packages among these that cannot be imported from here. */
export const missingPeers = async (names: ReadonlyArray<Peer>): Promise<Array<Peer>> => {
  const missing: Array<Peer> = []
  for (const name of names) {
    await import(name).catch((error: unknown) => {
      if (!isMissing(error, name)) throw error
      missing.push(name)
    })
  }
  return missing
}

/** `@effect/platform-node`'s HTTP server, loaded when one of this package's servers starts. */
export const nodeHttpServer = (part: string) =>
  importPeer(part, "@effect/platform-node", () => import("@effect/platform-node/NodeHttpServer"))

/** node-redis, loaded when a layer of `effect-yandex-market-chats/redis` opens a connection of its own. */
export const nodeRedis = (part: string) => importPeer(part, "redis", () => import("redis"))
