/**
 * The Effect 4 edition's peer dependencies, bound to the Effect-free helpers of `core/install/peers.ts`:
 * the parts that need an optional peer (the command line, `@effect/platform-node`; the Redis layers,
 * `redis`) check for it or import it when they start, and its absence is an error that names the
 * package and the command that installs it. No `effect` import here: the `ym-chats` entry checks with
 * it before anything else is loaded.
 *
 * @internal
 */
import * as Peers from "../../../core/install/peers.js"

/** Every peer dependency with the range to install (package.json's `peerDependencies`, checked by test/cli). */
export const peerRanges = {
  "effect": "^4.1.5",
  "@effect/platform-node": "^4.1.5",
  "redis": "^6.0.0"
} as const

/** The name of a peer dependency. */
export type Peer = keyof typeof peerRanges

/** The package as npx fetches it for this edition: the 1.x line. */
export const npxSpec = `${Peers.packageName}@^1.0.0-next.0`

/** The command that installs these packages beside this one. */
export const installCommand = (packages: ReadonlyArray<Peer>): string => Peers.installCommand(peerRanges, packages)

/** The command that runs this edition's `ym-chats` through npx with these packages beside it. */
export const npxCommand = (packages: ReadonlyArray<Peer>): string => Peers.npxCommand(peerRanges, packages, npxSpec)

/** A part of this package was started without a package that it needs. */
export const missingPackageError = (part: string, packages: ReadonlyArray<Peer>): Peers.MissingPackageError =>
  new Peers.MissingPackageError(part, packages, installCommand(packages))

/** Imports an optional peer for a part of this package; fails with `MissingPackageError` when it is not installed. */
export const importPeer = <A>(part: string, name: Peer, load: () => Promise<A>): Promise<A> =>
  Peers.importPackage(name, load, () => missingPackageError(part, [name]))

/** The packages among these that cannot be found from here (resolved, not loaded: the check costs no start-up time). */
export const missingPeers = (names: ReadonlyArray<Peer>): Promise<Array<Peer>> =>
  Peers.missingPackages(names, async (name) => import.meta.resolve(name))

export {
  /** Whether a module at this URL was installed by npx into its cache. */
  installedByNpx,
  /** The error of a part started without a package that it needs. */
  MissingPackageError,
  /** What npx must be told when it ran `ym-chats` without these packages. */
  npxMissingMessage
} from "../../../core/install/peers.js"
