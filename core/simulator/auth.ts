/**
 * Credentials: which Api-Key tokens and OAuth tokens may reach which businesses.
 */
import type { IncomingHttpHeaders } from "node:http"

/** A credential as sent by a client. */
export interface Credential {
  readonly kind: "apiKey" | "oauth"
  readonly token: string
}

/** A header's value, repeated values joined with commas. */
const headerValue = (value: string | ReadonlyArray<string> | undefined): string | undefined =>
  typeof value === "string" || value === undefined ? value : value.join(", ")

/** Reads the `Api-Key` header, else `Authorization: Bearer <token>` (or the older `OAuth <token>`). */
export const readCredential = (headers: IncomingHttpHeaders): Credential | undefined => {
  const apiKey = headerValue(headers["api-key"])?.trim()
  if (apiKey) return { kind: "apiKey", token: apiKey }
  const match = /^\s*(?:bearer|oauth)\s+(\S+)/i.exec(headers["authorization"] ?? "")
  return match?.[1] ? { kind: "oauth", token: match[1] } : undefined
}

const keyOf = (credential: Credential) => `${credential.kind}:${credential.token}`

/** The credentials a simulator accepts, each with the businesses it may reach. */
export class Credentials {
  private readonly grants = new Map<string, Set<number>>()

  /** Lets the credential reach these businesses (added to what it had). */
  grant(credential: Credential, businessIds: ReadonlyArray<number>): void {
    const key = keyOf(credential)
    const set = this.grants.get(key) ?? new Set<number>()
    for (const id of businessIds) set.add(id)
    this.grants.set(key, set)
  }

  /** Forgets the credential (it gets 403 from then on). */
  revoke(credential: Credential): void {
    this.grants.delete(keyOf(credential))
  }

  /** The businesses the credential may reach, or `undefined` for an unknown credential. */
  businessesOf(credential: Credential): ReadonlySet<number> | undefined {
    return this.grants.get(keyOf(credential))
  }
}
