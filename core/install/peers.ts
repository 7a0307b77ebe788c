/**
 * The optional peer dependencies, without Effect: the command that installs some beside the package,
 * the npx command that runs `ym-chats` with them, the error of a part started without one, and which
 * of them cannot be imported. Each edition binds these to its own ranges and its own `import`
 * (`<edition>/src/internal/peers.ts`): a package is found from the module that imports it, so the
 * import must be the edition's.
 */

/** The package's name on npm. */
export const packageName = "effect-yandex-market-chats"

/** Peer dependencies by name, with the range to install (an edition's package.json `peerDependencies`). */
export type Ranges = Readonly<Record<string, string>>

/** `name@range` for each package. */
const withRanges = (ranges: Ranges, packages: ReadonlyArray<string>): Array<string> =>
  packages.map((name) => `${name}@${ranges[name] ?? "latest"}`)

/** The command that installs these packages beside this one. */
export const installCommand = (ranges: Ranges, packages: ReadonlyArray<string>): string =>
  `npm install ${withRanges(ranges, packages).join(" ")}`

/**
 * The command that runs `ym-chats` through npx with these packages beside the package (npx installs
 * the required peers by itself; the optional ones only when named). `spec` is the package as npx
 * should fetch it (`effect-yandex-market-chats@^1.0.0-next.0`).
 */
export const npxCommand = (ranges: Ranges, packages: ReadonlyArray<string>, spec: string = packageName): string =>
  `npx -p ${spec} ${withRanges(ranges, packages).map((p) => `-p ${p}`).join(" ")} ym-chats`

/** Whether a module at this URL was installed by npx (`npx <package>`) into its cache, not into a project. */
export const installedByNpx = (url: string): boolean => /\/_npx\//.test(url)

/** A part of this package was started without packages that it needs; the message says how to install them. */
export class MissingPackageError extends Error {
  constructor(readonly part: string, readonly packages: ReadonlyArray<string>, install: string) {
    const one = packages.length === 1
    super(
      `${part} needs ${packages.join(" and ")}, which ${one ? "is" : "are"} not installed; ` +
        `install ${one ? "it" : "them"} beside ${packageName}: ${install}`
    )
    this.name = "MissingPackageError"
  }
}

/** What npx must be told when it ran `ym-chats` without these packages (an `npm install` would not reach npx's folder). */
export const npxMissingMessage = (packages: ReadonlyArray<string>, npx: string): string =>
  `ym-chats needs ${packages.join(" and ")}, which npx did not install; ` +
  `name ${packages.length === 1 ? "it" : "them"} to npx: ${npx} <command>`

const quoted = (name: string) => new RegExp(`["'\`]${name.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}(/[^"'\`]*)?["'\`]`)

/** Whether an import failed because the package itself cannot be found (not one of its files or its own dependencies). */
export const isMissing = (error: unknown, name: string): boolean =>
  error instanceof Error && /can ?not (find|resolve)|could not (find|resolve)/i.test(error.message) &&
  quoted(name).test(error.message)

/** Runs `load` (the edition's `import` of `name`); when the package itself is missing, fails with `onMissing()` instead. */
export const importPackage = <A>(name: string, load: () => Promise<A>, onMissing: () => Error): Promise<A> =>
  load().catch((error: unknown) => Promise.reject(isMissing(error, name) ? onMissing() : error))

/** The packages among these that `load` (the edition's `import`) cannot find; any other failure of an import is thrown. */
export const missingPackages = async <P extends string>(
  names: ReadonlyArray<P>,
  load: (name: P) => Promise<unknown>
): Promise<Array<P>> => {
  const missing: Array<P> = []
  for (const name of names) {
    await load(name).catch((error: unknown) => {
      if (!isMissing(error, name)) throw error
      missing.push(name)
    })
  }
  return missing
}
