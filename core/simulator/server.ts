/**
 * The simulator as a running `node:http` server on loopback: seeded data, credentials, limits,
 * faults and notifications, with synchronous hooks to read its state and counters and to change
 * them, and `close()`. Its clock is the real one (`Date.now`, timers), whatever clock runs the caller.
 */
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import { maxFileBytes as marketMaxFileBytes, maxMessageLength } from "../client/limits.js"
import { type Credential as WireCredential, Credentials } from "./auth.js"
import { type FaultKind, type FaultRule, Faults } from "./faults.js"
import { type ChatDto, chatToDto, type MessageDto, messageToDto } from "./model.js"
import { type NextFailure, NextFailures } from "./nextFailures.js"
import { Notifier } from "./notifier.js"
import type { Operation } from "./operations.js"
import { deriveSeed, makeRandom } from "./random.js"
import { type LimitsConfig, makeLimitsConfig, RateLimits } from "./rateLimits.js"
import { makeListener } from "./routes.js"
import { seedBusiness } from "./seed.js"
import { type SentRecord, StatsState } from "./stats.js"
import { Store } from "./store.js"

/** The Api-Key the simulator accepts by default (for `defaultBusinessId`). */
export const defaultApiKey = "ACMA:simulator-default-api-key:0000"

/** The OAuth token (`Authorization: Bearer ...`) the simulator accepts by default (for `defaultBusinessId`). */
export const defaultOAuthToken = "y0_simulator-default-oauth-token"

/** The business the default credentials can reach. */
export const defaultBusinessId = 12345

/** A second business, which the default credentials cannot reach (403). */
export const otherBusinessId = 67890

/** The Api-Key of the second business. */
export const otherApiKey = "ACMA:simulator-other-api-key:0000"

/** The seed used when none is given. */
export const defaultSeed = 1

/** The "now" of the seeded history when none is given: 2025-06-01T12:00:00+03:00. */
export const defaultEpoch = Date.parse("2025-06-01T12:00:00+03:00")

/** The limits of a simulator, as given at start or at run time; unset fields take the market's values. */
export interface SimulatorLimits {
  /** Requests in flight per business before a 420 (default 4, as the market). */
  readonly parallelLimit?: number
  /** Quotas per operation and window, overriding the market's (getChats 5000, getChatHistory 10000, others 1000). */
  readonly quotas?: Partial<Record<Operation, number>>
  /** A factor applied to the market's quotas (default 1), for operations not in `quotas`. */
  readonly quotaScale?: number
  /** The length of a quota window in milliseconds (default one hour). */
  readonly quotaWindowMillis?: number
}

/** How to start a simulator. Every option has a default. */
export interface SimulatorOptions extends SimulatorLimits {
  /** The loopback port to listen on (default 0: a random free port on 127.0.0.1). */
  readonly port?: number
  /** The seed of the data and of probabilistic faults (default `defaultSeed`). */
  readonly seed?: number
  /** Chats of the default business (default 300). */
  readonly chats?: number
  /** Messages over all chats of the default business (default 3000; 100,000 seeds in well under a second). */
  readonly messages?: number
  /** The "now" of the seeded history, epoch millis or a Date (default `defaultEpoch`). */
  readonly epoch?: number | Date
  /** The id of the default business (default `defaultBusinessId`). */
  readonly businessId?: number
  /** The Api-Key of the default business (default `defaultApiKey`). */
  readonly apiKey?: string
  /** The OAuth token of the default business (default `defaultOAuthToken`). */
  readonly oauthToken?: string
  /** Fault rules in force from the start (default none). */
  readonly faults?: ReadonlyArray<FaultRule>
  /** The largest file `sendFileToChat` accepts, in bytes (default 5 MB). */
  readonly maxFileBytes?: number
  /**
   * Where to POST the market's API notifications (`CHAT_CREATED`, `CHAT_MESSAGE_SENT`, ...) when chats
   * are opened and messages appear, e.g. a `ChatsNotifications` receiver's URL (default: none).
   */
  readonly notificationUrl?: string
}

/** What a customer posts with `userPosts`: text, a file, or both. */
export interface UserMessage {
  readonly text?: string
  readonly file?: { readonly name: string; readonly contentType?: string; readonly data: Uint8Array }
}

export type { NextFailure } from "./nextFailures.js"

/** Credentials to grant or revoke: an Api-Key, or an OAuth token. */
export type Credential = { readonly apiKey: string } | { readonly oauthToken: string }

/** A message or file posted through the API, with what the client was answered. */
export type SentMessage = Readonly<SentRecord>

/** Counters of what reached the simulator since start (or the last `resetStats`). */
export interface Stats {
  /** Requests that reached each operation (refused ones included). */
  readonly requests: Readonly<Record<Operation, number>>
  /** The sum of `requests`. */
  readonly totalRequests: number
  /** Responses by HTTP status (`"200"`, `"420"`, ...); dropped connections are not counted. */
  readonly responses: Readonly<Record<string, number>>
  /** Chats created by `createChat` (not the ones it found). */
  readonly chatsCreated: number
  /** Messages stored by `sendMessageToChat`. */
  readonly messagesSent: number
  /** Files stored by `sendFileToChat`. */
  readonly filesSent: number
  /** Sends stored whose answer was replaced by a fault (the client could not know they arrived). */
  readonly deliveredButFailed: number
  /** 420 refusals by kind. */
  readonly rateLimited: { readonly parallel: number; readonly quota: number }
  /** Injections per fault kind. */
  readonly faults: Readonly<Record<FaultKind, number>>
  /** Requests in flight now. */
  readonly inFlight: number
  /** The most requests seen in flight at once for one business. */
  readonly maxInFlight: number
  /** Every message and file posted through the API, in order. */
  readonly sent: ReadonlyArray<SentMessage>
  /** Notifications POSTed to `notificationUrl`: accepted with 200, given up, and tries (retries included). */
  readonly notifications: { readonly delivered: number; readonly failed: number; readonly attempts: number }
}

/** What `addBusiness` seeds: the id (default: the next free one from 100001), chats, messages, and the key. */
export interface NewBusiness {
  readonly businessId?: number
  readonly chats?: number
  readonly messages?: number
  readonly apiKey?: string
}

/** Where a simulator serves and the credentials to use. */
export interface SimulatorInfo {
  /** The base URL, e.g. `http://127.0.0.1:54321` (the API paths start with `/v2/businesses/...`). */
  readonly url: string
  /** The port it listens on. */
  readonly port: number
  /** The default business. */
  readonly businessId: number
  /** The Api-Key of the default business. */
  readonly apiKey: string
  /** The OAuth token of the default business. */
  readonly oauthToken: string
  /** A second business the default credentials cannot reach. */
  readonly otherBusinessId: number
  /** The Api-Key of the second business. */
  readonly otherApiKey: string
}

/** A running simulator: where it listens, the credentials to use, test hooks, and `close`. */
export interface SimulatorServer extends SimulatorInfo {
  /** A snapshot of the counters. */
  readonly stats: () => Stats
  /** Sets the counters back to zero. */
  readonly resetStats: () => void
  /** The chats of a business (default: the default business), newest first, as the API renders them. */
  readonly chats: (businessId?: number) => ReadonlyArray<ChatDto>
  /** One chat by id, whatever its business. */
  readonly chat: (chatId: number) => ChatDto | undefined
  /** The messages of a chat, oldest first (empty for an unknown chat). */
  readonly messages: (chatId: number) => ReadonlyArray<MessageDto>
  /** The number of chats and messages stored, over all businesses. */
  readonly size: () => { readonly chats: number; readonly messages: number }
  /**
   * Makes the customer of a chat post a message: text, a file (served for download at its payload's
   * URL), or both in one message; notified like any live message. `undefined` for an unknown chat.
   */
  readonly userPosts: (chatId: number, message: UserMessage) => MessageDto | undefined
  /**
   * Answers the next `times` calls (default 1) of `operation` with `failure` instead of carrying them
   * out; throws on an invalid failure.
   */
  readonly failNext: (operation: Operation, failure: NextFailure, times?: number) => void
  /** Makes the customer of a chat write a message (status becomes WAITING_FOR_PARTNER); `undefined` for an unknown chat. */
  readonly customerWrites: (chatId: number, text: string) => MessageDto | undefined
  /** Starts a dispute on a chat (status WAITING_FOR_ARBITER), notifying `CHAT_ARBITRAGE_STARTED`; false for an unknown chat. */
  readonly startArbitrage: (chatId: number) => boolean
  /** Ends the dispute of a chat (status FINISHED), notifying `CHAT_ARBITRAGE_FINISHED`; false for an unknown chat. */
  readonly finishArbitrage: (chatId: number) => boolean
  /** Where notifications go from now on; `undefined` stops them. */
  readonly setNotificationUrl: (url: string | undefined) => void
  /** Sends a `PING` notification, as the market does to check an endpoint. */
  readonly ping: () => void
  /**
   * Adds a business seeded with `chats` and `messages` (default 10 and 100) and a credential for it
   * (`apiKey`, default generated); returns its id and key.
   */
  readonly addBusiness: (options?: NewBusiness) => { readonly businessId: number; readonly apiKey: string }
  /** Lets a credential (new or known) reach these businesses. */
  readonly grantAccess: (credential: Credential, businessIds: ReadonlyArray<number>) => void
  /** Forgets a credential: it gets 403 from then on. */
  readonly revokeAccess: (credential: Credential) => void
  /** Replaces the fault rules (their Nth counts start again); throws on an invalid rule. */
  readonly setFaults: (rules: ReadonlyArray<FaultRule>) => void
  /** Adds one fault rule; throws on an invalid rule. */
  readonly addFault: (rule: FaultRule) => void
  /** Removes every fault rule. */
  readonly clearFaults: () => void
  /** Makes every quota full again. */
  readonly resetQuotas: () => void
  /** Changes the limits at run time (unset fields keep the market's defaults, not the previous values). */
  readonly setLimits: (limits: SimulatorLimits) => void
  /** Stops listening and sending notifications; resolves once requests under way are answered. */
  readonly close: () => Promise<void>
}

/** The simulator could not listen (the port is taken, say); `cause` is the server's error. */
export class SimulatorListenError extends Error {
  override readonly name = "SimulatorListenError"

  constructor(override readonly cause: unknown) {
    super(`The simulator could not listen: ${cause instanceof Error ? cause.message : String(cause)}`)
  }
}

const toWireCredential = (credential: Credential): WireCredential =>
  "apiKey" in credential ? { kind: "apiKey", token: credential.apiKey } : { kind: "oauth", token: credential.oauthToken }

const limitsOf = (limits: SimulatorLimits): LimitsConfig =>
  makeLimitsConfig({
    parallel: limits.parallelLimit,
    quotas: limits.quotas,
    quotaScale: limits.quotaScale,
    windowMillis: limits.quotaWindowMillis
  })

/** Starts listening on 127.0.0.1; rejects with `SimulatorListenError`. */
const listen = (server: Http.Server, port: number): Promise<number> =>
  new Promise((resolve, reject) => {
    const onError = (cause: Error) => reject(new SimulatorListenError(cause))
    server.once("error", onError)
    server.listen({ port, host: "127.0.0.1" }, () => {
      server.off("error", onError)
      resolve((server.address() as AddressInfo).port)
    })
  })

/** Stops listening; resolves once the open connections are done. */
const closeServer = (server: Http.Server): Promise<void> =>
  new Promise((resolve, reject) => {
    if (!server.listening) return resolve()
    server.close((error) => (error ? reject(error) : resolve()))
  })

/**
 * Seeds a simulator and starts it on loopback. Invalid options (a bad fault rule) throw at once;
 * a failure to listen rejects with `SimulatorListenError`.
 */
export const startSimulator = async (options: SimulatorOptions = {}): Promise<SimulatorServer> => {
  const seed = options.seed ?? defaultSeed
  const epoch = options.epoch instanceof Date ? options.epoch.getTime() : options.epoch ?? defaultEpoch
  const businessId = options.businessId ?? defaultBusinessId
  const apiKey = options.apiKey ?? defaultApiKey
  const oauthToken = options.oauthToken ?? defaultOAuthToken

  const store = new Store()
  const seedOne = (id: number, chats: number, messages: number) =>
    seedBusiness(store, makeRandom(deriveSeed(seed, `business:${id}`)), { businessId: id, chats, messages, epoch })
  seedOne(businessId, options.chats ?? 300, options.messages ?? 3000)
  seedOne(otherBusinessId, 20, 200)

  const credentials = new Credentials()
  credentials.grant({ kind: "apiKey", token: apiKey }, [businessId])
  credentials.grant({ kind: "oauth", token: oauthToken }, [businessId])
  credentials.grant({ kind: "apiKey", token: otherApiKey }, [otherBusinessId])

  const limits = new RateLimits(limitsOf(options))
  const faultState = new Faults(makeRandom(deriveSeed(seed, "faults")), options.faults ?? [])
  const stats = new StatsState()

  const server = Http.createServer()
  const port = await listen(server, options.port ?? 0)
  const url = `http://127.0.0.1:${port}`
  const nextFailures = new NextFailures()
  const notifier = new Notifier(options.notificationUrl)
  store.onLive = notifier.publish
  server.on("request", makeListener({
    store,
    limits,
    faults: faultState,
    credentials,
    stats,
    baseUrl: url,
    maxFileBytes: options.maxFileBytes ?? marketMaxFileBytes,
    maxMessageLength,
    nextFailures
  }))

  /** Moves a chat into or out of a dispute and notifies it; false for an unknown chat. */
  const dispute = (chatId: number, status: "WAITING_FOR_ARBITER" | "FINISHED", kind: "arbitrageStarted" | "arbitrageFinished") => {
    const chat = store.chats.get(chatId)
    if (!chat) return false
    chat.status = status
    chat.updatedAt = Date.now()
    notifier.publish({ kind, chat, at: chat.updatedAt })
    return true
  }

  let closing: Promise<void> | undefined
  return {
    url,
    port,
    businessId,
    apiKey,
    oauthToken,
    otherBusinessId,
    otherApiKey,
    stats: () => {
      const requests = { ...stats.requests }
      return {
        requests,
        totalRequests: Object.values(requests).reduce((a, b) => a + b, 0),
        responses: { ...stats.responses },
        chatsCreated: stats.chatsCreated,
        messagesSent: stats.messagesSent,
        filesSent: stats.filesSent,
        deliveredButFailed: stats.deliveredButFailed,
        rateLimited: { parallel: stats.rateLimitedParallel, quota: stats.rateLimitedQuota },
        faults: { ...faultState.injected },
        inFlight: limits.totalInFlight(),
        maxInFlight: limits.maxInFlight,
        sent: stats.sent.map((record) => ({ ...record })),
        notifications: { ...notifier.stats }
      }
    },
    resetStats: () => {
      stats.reset()
      faultState.resetCounts()
      limits.maxInFlight = 0
    },
    chats: (id = businessId) => (store.businesses.get(id)?.chats ?? []).map(chatToDto).reverse(),
    chat: (chatId) => {
      const chat = store.chats.get(chatId)
      return chat && chatToDto(chat)
    },
    messages: (chatId) => (store.chats.get(chatId)?.messages ?? []).map((message) => messageToDto(message, url)),
    size: () => ({ chats: store.chats.size, messages: store.messageCount() }),
    customerWrites: (chatId, text) => {
      const chat = store.chats.get(chatId)
      return chat && messageToDto(store.addMessage(chat, { sender: "CUSTOMER", createdAt: Date.now(), text }, true), url)
    },
    userPosts: (chatId, message) => {
      const chat = store.chats.get(chatId)
      const { file, text } = message
      return chat && messageToDto(
        store.addMessage(chat, {
          sender: "CUSTOMER",
          createdAt: Date.now(),
          ...(text !== undefined ? { text } : {}),
          ...(file !== undefined ?
            {
              files: [{
                name: file.name,
                contentType: file.contentType ?? "application/octet-stream",
                size: file.data.byteLength,
                data: file.data
              }]
            } :
            {})
        }, true),
        url
      )
    },
    failNext: (operation, failure, times) => nextFailures.add(operation, failure, times),
    startArbitrage: (chatId) => dispute(chatId, "WAITING_FOR_ARBITER", "arbitrageStarted"),
    finishArbitrage: (chatId) => dispute(chatId, "FINISHED", "arbitrageFinished"),
    setNotificationUrl: (notificationUrl) => void (notifier.url = notificationUrl),
    ping: () => notifier.ping(Date.now()),
    addBusiness: (added = {}) => {
      let id = added.businessId ?? 100_001
      while (added.businessId === undefined && store.businesses.has(id)) id++
      if (!store.businesses.has(id)) seedOne(id, added.chats ?? 10, added.messages ?? 100)
      const key = added.apiKey ?? `ACMA:simulator-business-${id}-api-key:0000`
      credentials.grant({ kind: "apiKey", token: key }, [id])
      return { businessId: id, apiKey: key }
    },
    grantAccess: (credential, ids) => credentials.grant(toWireCredential(credential), ids),
    revokeAccess: (credential) => credentials.revoke(toWireCredential(credential)),
    setFaults: (rules) => faultState.set(rules),
    addFault: (rule) => faultState.add(rule),
    clearFaults: () => faultState.set([]),
    resetQuotas: () => limits.resetQuotas(),
    setLimits: (changed) => void (limits.config = limitsOf(changed)),
    close: () => closing ??= closeServer(server).finally(() => notifier.close())
  }
}
