/**
 * The settings of a receiver without Effect: the defaults, the checks of the options (each refusal
 * names its option), the route the handler is served on, and the endpoint the market is given.
 */
import { type AddressSource, type AllowList, makeAllowList, secretSegmentPattern } from "./guards.js"

/** The library's name, the default `name` of the success body. */
export const defaultName = "effect-yandex-market-chats"

/** The path of `sendNotification` in the market's description, the default route. */
export const defaultPath = "/notification"

/**
 * The source ranges the market's documentation page on API notifications lists
 * (https://yandex.ru/dev/market/partner-api/doc/en/push-notifications/; they are not in the
 * OpenAPI description).
 */
export const marketSourceRanges: ReadonlyArray<string> = ["5.45.207.0/25", "141.8.142.0/25", "5.255.253.0/25"]

/** The defaults of the options that have one. */
export const receiverDefaults = {
  capacity: 1000,
  maxRemembered: 100_000,
  maxBodyBytes: 1024 * 1024,
  duplicateWindowMillis: 60 * 60 * 1000,
  addressSource: "socket" as AddressSource
} as const

/** The options of a receiver as the checks read them (the secret unwrapped). */
export interface ReceiverInput {
  readonly name?: string | undefined
  readonly version: string
  readonly path?: string | undefined
  readonly secret?: string | undefined
  readonly allowedSources?: ReadonlyArray<string> | undefined
  readonly addressSource?: AddressSource | undefined
  readonly capacity?: number | undefined
  readonly maxRemembered?: number | undefined
  readonly maxBodyBytes?: number | undefined
  /** The duplicate window as the edition read it: its milliseconds (NaN when it is no duration) and the input. */
  readonly duplicateWindow?: { readonly millis: number; readonly input: unknown } | undefined
}

/** The checked settings of a receiver. */
export interface ReceiverSettings {
  readonly name: string
  readonly version: string
  readonly path: `/${string}`
  /** The route to serve the handler on: `/:secret<path>` when a secret is set, else `path`. */
  readonly route: `/${string}`
  readonly secret: string | undefined
  readonly allowList: AllowList | undefined
  readonly addressSource: AddressSource
  readonly capacity: number
  readonly maxRemembered: number
  readonly maxBodyBytes: number
  /** How long an accepted notification is remembered, in milliseconds (0: not at all). */
  readonly duplicateWindowMillis: number
}

/** A checked value, or the option that is wrong and why. */
export type Checked<A> =
  | { readonly ok: true; readonly value: A }
  | { readonly ok: false; readonly option: string; readonly message: string }

const refuse = (option: string, message: string) => ({ ok: false, option, message }) as const

/** The messages of the option checks, the same in both editions. */
export const optionMessages = {
  label: (key: string) => `${key} must be 1 to 100 characters`,
  positiveInt: (key: string) => `${key} must be a positive integer`,
  path: "path must start with /",
  secret: "secret must be a non-empty path segment of letters, digits and -._~",
  allowedSources: (entry: string) => `not an IP address or CIDR range: ${JSON.stringify(entry)}`,
  duration: (key: string, shown: string) => `${key} must be a finite duration of at least 1 millisecond, got ${shown}`,
  window: (shown: string) => `duplicateWindow must be a duration of 0 or more, got ${shown}`
} as const

/** Whether a number is a positive safe integer. */
const isPositiveInt = (n: number) => Number.isSafeInteger(n) && n > 0

/** The route of the handler: the secret segment first (as the `secret` path parameter), then `path`. */
export const routeOf = (path: `/${string}`, hasSecret: boolean): `/${string}` =>
  !hasSecret ? path : path === "/" ? "/:secret" : `/:secret${path}`

/** The full URL notifications are POSTed to: the server's origin, the secret segment, the path. */
export const endpointOf = (origin: string, path: string, secret: string | undefined): string =>
  secret === undefined ? `${origin}${path}` : `${origin}/${secret}${path === "/" ? "" : path}`

/**
 * Checks the options of a receiver, in a fixed order (labels, bounds, path, secret, window, sources), and
 * fills in the defaults. A refusal never holds the secret.
 */
export const checkReceiver = (input: ReceiverInput): Checked<ReceiverSettings> => {
  const name = input.name ?? defaultName
  const path = input.path ?? defaultPath
  const capacity = input.capacity ?? receiverDefaults.capacity
  const maxRemembered = input.maxRemembered ?? receiverDefaults.maxRemembered
  const maxBodyBytes = input.maxBodyBytes ?? receiverDefaults.maxBodyBytes
  for (const [key, value] of [["name", name], ["version", input.version]] as const) {
    if (value.length < 1 || value.length > 100) return refuse(key, optionMessages.label(key))
  }
  for (const [key, value] of [["capacity", capacity], ["maxRemembered", maxRemembered], ["maxBodyBytes", maxBodyBytes]] as const) {
    if (!isPositiveInt(value)) return refuse(key, optionMessages.positiveInt(key))
  }
  if (!path.startsWith("/")) return refuse("path", optionMessages.path)
  if (input.secret !== undefined && !secretSegmentPattern.test(input.secret)) return refuse("secret", optionMessages.secret)
  const duplicateWindowMillis = input.duplicateWindow?.millis ?? receiverDefaults.duplicateWindowMillis
  if (!(duplicateWindowMillis >= 0)) {
    return refuse("duplicateWindow", optionMessages.window(JSON.stringify(String(input.duplicateWindow?.input))))
  }
  let allowList: AllowList | undefined
  if (input.allowedSources !== undefined) {
    const made = makeAllowList(input.allowedSources)
    if (!made.ok) return refuse("allowedSources", optionMessages.allowedSources(made.entry))
    allowList = made.list
  }
  const checkedPath = path as `/${string}`
  return {
    ok: true,
    value: {
      name,
      version: input.version,
      path: checkedPath,
      route: routeOf(checkedPath, input.secret !== undefined),
      secret: input.secret,
      allowList,
      addressSource: input.addressSource ?? receiverDefaults.addressSource,
      capacity,
      maxRemembered,
      maxBodyBytes,
      duplicateWindowMillis
    }
  }
}
