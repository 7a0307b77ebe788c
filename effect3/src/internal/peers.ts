/**
 * The peer dependencies, and the loading of the optional ones, bound to the Effect-free helpers of
 * `core/install/peers.ts`: the parts that need Node or Redis import them when they start, and their
 * absence is an error that names the package and the command that installs it.
 *
 * @internal
 */
import * as Peers from "../../../core/install/peers.js"

/** Every peer dependency with the range to install (package.json's `peerDependencies`, checked by test/package). */
export const peerRanges = {
  "effect": "^3.22.2",
  "@effect/platform": "^0.97.2",
  "@effect/platform-node": "^0.108.2",
  "redis": "^6.0.0"
} as const

/** The name of a peer dependency. */
export type Peer = keyof typeof peerRanges

/** The command that installs these packages beside this one. */
export const installCommand = (packages: ReadonlyArray<Peer>): string => Peers.installCommand(peerRanges, packages)

/** Imports an optional peer for a part of this package; fails with `MissingPackageError` when it is not installed. */
export const importPeer = <A>(part: string, name: Peer, load: () => Promise<A>): Promise<A> =>
  Peers.importPackage(name, load, () => new Peers.MissingPackageError(part, [name], installCommand([name])))

/** `@effect/platform-node`'s HTTP server, loaded when one of this package's servers starts. */
export const nodeHttpServer = (part: string) =>
  importPeer(part, "@effect/platform-node", () => import("@effect/platform-node/NodeHttpServer"))

/** node-redis, loaded when a layer of `effect-yandex-market-chats/redis` opens a connection of its own. */
export const nodeRedis = (part: string) => importPeer(part, "redis", () => import("redis"))
