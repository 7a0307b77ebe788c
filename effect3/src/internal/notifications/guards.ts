/**
 * The optional guards of the receiver: an allow-list of source addresses
 * (checked against the request's remote address), and a secret path segment.
 */
import type { HttpServerRequest } from "@effect/platform"
import { BlockList, isIP } from "node:net"
import { Either, Option } from "effect"

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
 * fails with the first entry that is neither. IPv4-mapped IPv6 addresses (`::ffff:5.45.207.1`,
 * as a dual-stack socket reports them) match the IPv4 ranges.
 */
export const makeAllowList = (entries: ReadonlyArray<string>): Either.Either<AllowList, string> => {
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
      return Either.left(entry)
    }
    if (bits === undefined) list.addAddress(address, kind)
    else list.addSubnet(address, bits, kind)
  }
  return Either.right({
    allows: (address) => {
      if (address === undefined) return false
      const ip = bare(address)
      const kind = family(ip)
      return kind !== undefined && list.check(ip, kind)
    }
  })
}

/**
 * The address of the sender: the socket's peer, or the last entry of `X-Forwarded-For`
 * (the one the reverse proxy in front of the server appended; earlier entries are the
 * sender's own say and can be forged).
 */
export const senderAddress = (
  request: HttpServerRequest.HttpServerRequest,
  source: AddressSource
): string | undefined => {
  if (source === "socket") return Option.getOrUndefined(request.remoteAddress)
  const forwarded = request.headers["x-forwarded-for"]
  if (forwarded === undefined) return undefined
  return forwarded.split(",").at(-1)?.trim()
}

/** Compares two strings in time that depends only on their lengths. */
const constantTimeEqual = (a: string, b: string): boolean => {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return diff === 0
}

/**
 * Whether the path of the request, as it arrived (before any router prefix was cut off),
 * has the secret as one of its segments. Every segment is compared, in constant time each.
 */
export const hasSecretSegment = (request: HttpServerRequest.HttpServerRequest, secret: string): boolean => {
  let pathname: string
  try {
    pathname = new URL(request.originalUrl, "http://receiver.invalid").pathname
  } catch {
    return false
  }
  let found = false
  for (const segment of pathname.split("/")) found = constantTimeEqual(segment, secret) || found
  return found
}

/** The characters a secret path segment may use: URL-unreserved ones, so it travels unencoded. */
export const secretSegmentPattern = /^[A-Za-z0-9._~-]+$/
