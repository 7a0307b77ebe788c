/**
 * The receiver's guards, without Effect: an allow-list of source addresses, the sender's address
 * (the socket's peer or the last `X-Forwarded-For` entry), the secret path segment, and the screening
 * of a request before its body is read (403, 404, 405, or 400 for a declared length over the bound).
 */
import { BlockList, isIP } from "node:net"
import { type Answer, answers } from "./answers.js"

/** Where the address of the sender is read. */
export type AddressSource = "socket" | "x-forwarded-for"

/** An allow-list of networks and single addresses. */
export interface AllowList {
  readonly allows: (address: string | undefined) => boolean
}

/** The family `BlockList` wants for an address, or undefined when it is not an IP address. */
const family = (address: string): "ipv4" | "ipv6" | undefined => {
  const kind = isIP(address)
  return kind === 4 ? "ipv4" : kind === 6 ? "ipv6" : undefined
}

/** An IP address without an IPv6 zone (`fe80::1%eth0`) or brackets. */
const bare = (address: string): string => address.trim().replace(/^\[(.*)\]$/, "$1").replace(/%.*$/, "")

/**
 * Builds an allow-list from CIDR ranges (`5.45.207.0/25`, `2001:db8::/32`) and single addresses;
 * refuses the first entry that is neither. IPv4-mapped IPv6 addresses (`::ffff:5.45.207.1`,
 * as a dual-stack socket reports them) match the IPv4 ranges.
 */
export const makeAllowList = (
  entries: ReadonlyArray<string>
): { readonly ok: true; readonly list: AllowList } | { readonly ok: false; readonly entry: string } => {
  const list = new BlockList()
  for (const entry of entries) {
    const [address = "", prefix, ...rest] = entry.trim().split("/")
    const kind = family(address)
    const bits = prefix === undefined ? undefined : Number(prefix)
    const maxBits = kind === "ipv4" ? 32 : 128
    if (
      kind === undefined || rest.length > 0 ||
      (bits !== undefined && (!/^\d{1,3}$/.test(prefix ?? "") || bits > maxBits))
    ) {
      return { ok: false, entry }
    }
    if (bits === undefined) list.addAddress(address, kind)
    else list.addSubnet(address, bits, kind)
  }
  return {
    ok: true,
    list: {
      allows: (address) => {
        if (address === undefined) return false
        const ip = bare(address)
        const kind = family(ip)
        return kind !== undefined && list.check(ip, kind)
      }
    }
  }
}

/**
 * The address of the sender: the socket's peer, or the last entry of `X-Forwarded-For`
 * (the one the reverse proxy in front of the server appended; earlier entries are the
 * sender's own say and can be forged).
 */
export const senderAddress = (
  source: AddressSource,
  remoteAddress: string | undefined,
  forwardedFor: string | undefined
): string | undefined => {
  if (source === "socket") return remoteAddress
  if (forwardedFor === undefined) return undefined
  return forwardedFor.split(",").at(-1)?.trim()
}

/** Compares two strings in time that depends only on their lengths. */
const constantTimeEqual = (a: string, b: string): boolean => {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return diff === 0
}

/**
 * Whether a request path, as it arrived (before any router prefix was cut off), has the secret
 * as one of its segments. Every segment is compared, in constant time each.
 */
export const hasSecretSegment = (originalUrl: string, secret: string): boolean => {
  let pathname: string
  try {
    pathname = new URL(originalUrl, "http://receiver.invalid").pathname
  } catch {
    return false
  }
  let found = false
  for (const segment of pathname.split("/")) found = constantTimeEqual(segment, secret) || found
  return found
}

/** The characters a secret path segment may use: URL-unreserved ones, so it travels unencoded. */
export const secretSegmentPattern = /^[A-Za-z0-9._~-]+$/

/** What the screening reads of a request: nothing of its body. */
export interface RequestFacts {
  readonly method: string
  /** The URL as it arrived, before any router prefix was cut off. */
  readonly originalUrl: string
  /** The peer of the connection, when there is one. */
  readonly remoteAddress: string | undefined
  readonly headers: Readonly<Record<string, string | undefined>>
}

/** The guards of a receiver. */
export interface GuardRules {
  readonly allowList: AllowList | undefined
  readonly addressSource: AddressSource
  readonly secret: string | undefined
  readonly maxBodyBytes: number
}

/** Why a request was refused before its body was read: the answer, and whether to log it. */
export interface Refused {
  readonly answer: Answer
  /** What the debug log says of it (its parts), or undefined when the refusal is not worth a line. */
  readonly log: ReadonlyArray<string> | undefined
}

/**
 * Screens a request before its body is read, in this order: a sender outside the allow-list (403),
 * a path without the secret segment (404), a method other than POST (405), a declared
 * `Content-Length` over `maxBodyBytes` (400). `undefined` when the body is to be read.
 */
export const screen = (request: RequestFacts, rules: GuardRules): Refused | undefined => {
  if (
    rules.allowList !== undefined &&
    !rules.allowList.allows(senderAddress(rules.addressSource, request.remoteAddress, request.headers["x-forwarded-for"]))
  ) {
    return { answer: answers.sourceNotAllowed, log: ["notification refused: source address not allowed"] }
  }
  if (rules.secret !== undefined && !hasSecretSegment(request.originalUrl, rules.secret)) {
    return { answer: answers.notFound, log: undefined }
  }
  if (request.method !== "POST") return { answer: answers.methodNotAllowed, log: undefined }
  if (Number(request.headers["content-length"] ?? 0) > rules.maxBodyBytes) {
    const message = answers.tooLarge(rules.maxBodyBytes)
    return { answer: answers.malformed(message), log: ["notification refused as malformed", message] }
  }
  return undefined
}
