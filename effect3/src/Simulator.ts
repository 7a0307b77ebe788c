/**
 * An embedded simulator of the Yandex Market chats API: a real HTTP server on
 * loopback that serves the seven chat operations with the market's bodies,
 * errors, rate limits and headers, over deterministic seeded data, with test
 * hooks to read its state and counters and to inject faults.
 *
 * ```ts
 * import { Effect } from "effect"
 * import * as Simulator from "effect-yandex-market-chats/simulator"
 *
 * const program = Effect.gen(function*() {
 *   const sim = yield* Simulator.Simulator
 *   const response = yield* Effect.promise(() =>
 *     fetch(`${sim.url}/v2/businesses/${sim.businessId}/chats`, {
 *       method: "POST",
 *       headers: { "Api-Key": sim.apiKey, "Content-Type": "application/json" },
 *       body: "{}"
 *     })
 *   )
 *   // ...
 * }).pipe(Effect.provide(Simulator.layer({ seed: 7 })))
 * ```
 *
 * @since 0.1.0
 */
import * as Http from "node:http"
import type { ServeError } from "@effect/platform/HttpServerError"
import { Context, Data, Duration, Effect, Layer, Option, type Scope } from "effect"
import { maxFileBytes as marketMaxFileBytes, maxMessageLength } from "./ChatsSchema.js"
import { type Credential as WireCredential, Credentials } from "./internal/simulator/auth.js"
import { type FaultKind, type FaultRule, Faults, faultKinds } from "./internal/simulator/faults.js"
import { type ChatDto, chatToDto, type MessageDto, messageToDto } from "./internal/simulator/model.js"
import { type Operation, operationNames } from "./internal/simulator/operations.js"
import { nodeHttpServer } from "./internal/peers.js"
import { deriveSeed, makeRandom } from "./internal/simulator/random.js"
import { type LimitsConfig, makeLimitsConfig, RateLimits } from "./internal/simulator/rateLimits.js"
import { Notifier } from "./internal/simulator/notifier.js"
import { makeApp } from "./internal/simulator/routes.js"
import { seedBusiness } from "./internal/simulator/seed.js"
import { type SentRecord, StatsState } from "./internal/simulator/stats.js"
import { Store } from "./internal/simulator/store.js"

export type {
  /**
   * A chat as the simulator answers it (`GetChatInfoDTO`).
   *
   * @since 0.1.0
   * @category models
   */
  ChatDto,
  /**
   * A kind of fault: `latency`, `error500`, `error503`, `html502`, `nonJson200`,
   * `malformedJson`, `truncatedJson`, `dropAfterHeaders`, `dropMidBody`, `deliveredThen500`.
   *
   * @since 0.1.0
   * @category faults
   */
  FaultKind,
  /**
   * A fault rule: `kind`, and optionally `millis` (latency), `operations`, `probability`, `nth`, `times`.
   *
   * @since 0.1.0
   * @category faults
   */
  FaultRule,
  /**
   * A message as the simulator answers it (`ChatMessageDTO`).
   *
   * @since 0.1.0
   * @category models
   */
  MessageDto,
  /**
   * One of the seven chat operations, named by its operationId.
   *
   * @since 0.1.0
   * @category models
   */
  Operation
}

/**
 * Every kind of fault the simulator can inject.
 *
 * @since 0.1.0
 * @category faults
 */
export const faults: ReadonlyArray<FaultKind> = faultKinds

/**
 * The operationIds of the seven chat operations.
 *
 * @since 0.1.0
 * @category models
 */
export const operations: ReadonlyArray<Operation> = operationNames

/**
 * The Api-Key the simulator accepts by default (for `defaultBusinessId`).
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultApiKey = "ACMA:simulator-default-api-key:0000"

/**
 * The OAuth token (`Authorization: Bearer ...`) the simulator accepts by default (for `defaultBusinessId`).
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultOAuthToken = "y0_simulator-default-oauth-token"

/**
 * The business the default credentials can reach.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultBusinessId = 12345

/**
 * A second business, which the default credentials cannot reach (403).
 *
 * @since 0.1.0
 * @category constants
 */
export const otherBusinessId = 67890

/**
 * The Api-Key of the second business.
 *
 * @since 0.1.0
 * @category constants
 */
export const otherApiKey = "ACMA:simulator-other-api-key:0000"

/**
 * The seed used when none is given.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultSeed = 1

/**
 * The "now" of the seeded history when none is given: 2025-06-01T12:00:00+03:00.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultEpoch = Date.parse("2025-06-01T12:00:00+03:00")

/**
 * How to start a simulator. Every option has a default.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
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
  /** Requests in flight per business before a 420 (default 4, as the market). */
  readonly parallelLimit?: number
  /** Quotas per operation and window, overriding the market's (getChats 5000, getChatHistory 10000, others 1000). */
  readonly quotas?: Partial<Record<Operation, number>>
  /** A factor applied to the market's quotas (default 1), for operations not in `quotas`. */
  readonly quotaScale?: number
  /** The length of a quota window (default one hour). */
  readonly quotaWindow?: Duration.DurationInput
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

/**
 * Credentials to grant or revoke: an Api-Key, or an OAuth token.
 *
 * @since 0.1.0
 * @category models
 */
export type Credential = { readonly apiKey: string } | { readonly oauthToken: string }

/**
 * A message or file posted through the API, with what the client was answered.
 *
 * @since 0.1.0
 * @category models
 */
export type SentMessage = Readonly<SentRecord>

/**
 * Counters of what reached the simulator since start (or the last `resetStats`).
 *
 * @since 0.1.0
 * @category models
 */
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

/**
 * A running simulator: where it listens, the credentials to use, and test hooks.
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
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
  /** A snapshot of the counters. */
  readonly stats: Effect.Effect<Stats>
  /** Sets the counters back to zero. */
  readonly resetStats: Effect.Effect<void>
  /** The chats of a business (default: the default business), newest first, as the API renders them. */
  readonly chats: (businessId?: number) => Effect.Effect<ReadonlyArray<ChatDto>>
  /** One chat by id, whatever its business. */
  readonly chat: (chatId: number) => Effect.Effect<Option.Option<ChatDto>>
  /** The messages of a chat, oldest first (empty for an unknown chat). */
  readonly messages: (chatId: number) => Effect.Effect<ReadonlyArray<MessageDto>>
  /** The number of chats and messages stored, over all businesses. */
  readonly size: Effect.Effect<{ readonly chats: number; readonly messages: number }>
  /** Makes the customer of a chat write a message (status becomes WAITING_FOR_PARTNER). */
  readonly customerWrites: (chatId: number, text: string) => Effect.Effect<MessageDto, NoSuchChat>
  /** Starts a dispute on a chat (status WAITING_FOR_ARBITER), notifying `CHAT_ARBITRAGE_STARTED`. */
  readonly startArbitrage: (chatId: number) => Effect.Effect<void, NoSuchChat>
  /** Ends the dispute of a chat (status FINISHED), notifying `CHAT_ARBITRAGE_FINISHED`. */
  readonly finishArbitrage: (chatId: number) => Effect.Effect<void, NoSuchChat>
  /** Where notifications go from now on; `undefined` stops them. */
  readonly setNotificationUrl: (url: string | undefined) => Effect.Effect<void>
  /** Sends a `PING` notification, as the market does to check an endpoint. */
  readonly ping: Effect.Effect<void>
  /**
   * Adds a business seeded with `chats` and `messages` (default 10 and 100) and a credential for it
   * (`apiKey`, default generated); returns its id and key.
   */
  readonly addBusiness: (options?: {
    readonly businessId?: number
    readonly chats?: number
    readonly messages?: number
    readonly apiKey?: string
  }) => Effect.Effect<{ readonly businessId: number; readonly apiKey: string }>
  /** Lets a credential (new or known) reach these businesses. */
  readonly grantAccess: (credential: Credential, businessIds: ReadonlyArray<number>) => Effect.Effect<void>
  /** Forgets a credential: it gets 403 from then on. */
  readonly revokeAccess: (credential: Credential) => Effect.Effect<void>
  /** Replaces the fault rules (their Nth counts start again); an invalid rule is a defect. */
  readonly setFaults: (rules: ReadonlyArray<FaultRule>) => Effect.Effect<void>
  /** Adds one fault rule. */
  readonly addFault: (rule: FaultRule) => Effect.Effect<void>
  /** Removes every fault rule. */
  readonly clearFaults: Effect.Effect<void>
  /** Makes every quota full again. */
  readonly resetQuotas: Effect.Effect<void>
  /** Changes the limits at run time (unset fields keep the market's defaults, not the previous values). */
  readonly setLimits: (limits: {
    readonly parallelLimit?: number
    readonly quotas?: Partial<Record<Operation, number>>
    readonly quotaScale?: number
    readonly quotaWindow?: Duration.DurationInput
  }) => Effect.Effect<void>
}

/**
 * The chat asked for does not exist.
 *
 * @since 0.1.0
 * @category errors
 */
export class NoSuchChat extends Data.TaggedError("NoSuchChat")<{ readonly chatId: number }> {
  /** Says which chat is missing. */
  override get message(): string {
    return `No chat ${this.chatId} in the simulator`
  }
}

/**
 * The simulator service.
 *
 * @since 0.1.0
 * @category tags
 */
export class Simulator extends Context.Tag("effect-yandex-market-chats/Simulator")<Simulator, Service>() {}

const toWireCredential = (credential: Credential): WireCredential =>
  "apiKey" in credential ? { kind: "apiKey", token: credential.apiKey } : { kind: "oauth", token: credential.oauthToken }

const limitsOf = (options: {
  readonly parallelLimit?: number | undefined
  readonly quotas?: Partial<Record<Operation, number>> | undefined
  readonly quotaScale?: number | undefined
  readonly quotaWindow?: Duration.DurationInput | undefined
}): LimitsConfig =>
  makeLimitsConfig({
    parallel: options.parallelLimit,
    quotas: options.quotas,
    quotaScale: options.quotaScale,
    windowMillis: options.quotaWindow === undefined ? undefined : Duration.toMillis(options.quotaWindow)
  })

/**
 * Seeds a simulator and starts it on loopback; it stops when the scope closes.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options = {}): Effect.Effect<Service, ServeError, Scope.Scope> =>
  Effect.gen(function*() {
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
    const notifier = new Notifier(options.notificationUrl)
    store.onLive = notifier.publish
    yield* Effect.forkScoped(notifier.run)
    const faultState = new Faults(makeRandom(deriveSeed(seed, "faults")), options.faults ?? [])
    const stats = new StatsState()

    const NodeHttpServer = yield* Effect.promise(() => nodeHttpServer("effect-yandex-market-chats/simulator"))
    const server = yield* NodeHttpServer.make(() => Http.createServer(), { port: options.port ?? 0, host: "127.0.0.1" })
    const port = server.address._tag === "TcpAddress" ? server.address.port : 0
    const url = `http://127.0.0.1:${port}`
    yield* server.serve(makeApp({
      store,
      limits,
      faults: faultState,
      credentials,
      stats,
      baseUrl: url,
      maxFileBytes: options.maxFileBytes ?? marketMaxFileBytes,
      maxMessageLength
    }))

    /** Moves a chat into or out of a dispute and notifies it. */
    const dispute = (chatId: number, status: "WAITING_FOR_ARBITER" | "FINISHED", kind: "arbitrageStarted" | "arbitrageFinished") =>
      Effect.suspend(() => {
        const chat = store.chats.get(chatId)
        if (!chat) return Effect.fail(new NoSuchChat({ chatId }))
        chat.status = status
        chat.updatedAt = Date.now()
        notifier.publish({ kind, chat, at: chat.updatedAt })
        return Effect.void
      })

    const service: Service = {
      url,
      port,
      businessId,
      apiKey,
      oauthToken,
      otherBusinessId,
      otherApiKey,
      stats: Effect.sync((): Stats => {
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
      }),
      resetStats: Effect.sync(() => {
        stats.reset()
        faultState.resetCounts()
        limits.maxInFlight = 0
      }),
      chats: (id = businessId) =>
        Effect.sync(() => (store.businesses.get(id)?.chats ?? []).map(chatToDto).reverse()),
      chat: (chatId) => Effect.sync(() => Option.map(Option.fromNullable(store.chats.get(chatId)), chatToDto)),
      messages: (chatId) =>
        Effect.sync(() => (store.chats.get(chatId)?.messages ?? []).map((message) => messageToDto(message, url))),
      size: Effect.sync(() => ({ chats: store.chats.size, messages: store.messageCount() })),
      customerWrites: (chatId, text) =>
        Effect.suspend(() => {
          const chat = store.chats.get(chatId)
          if (!chat) return Effect.fail(new NoSuchChat({ chatId }))
          const message = store.addMessage(chat, { sender: "CUSTOMER", createdAt: Date.now(), text }, true)
          return Effect.succeed(messageToDto(message, url))
        }),
      startArbitrage: (chatId) => dispute(chatId, "WAITING_FOR_ARBITER", "arbitrageStarted"),
      finishArbitrage: (chatId) => dispute(chatId, "FINISHED", "arbitrageFinished"),
      setNotificationUrl: (notificationUrl) => Effect.sync(() => void (notifier.url = notificationUrl)),
      ping: Effect.sync(() => notifier.ping(Date.now())),
      addBusiness: (added = {}) =>
        Effect.sync(() => {
          let id = added.businessId ?? 100_001
          while (added.businessId === undefined && store.businesses.has(id)) id++
          if (!store.businesses.has(id)) seedOne(id, added.chats ?? 10, added.messages ?? 100)
          const key = added.apiKey ?? `ACMA:simulator-business-${id}-api-key:0000`
          credentials.grant({ kind: "apiKey", token: key }, [id])
          return { businessId: id, apiKey: key }
        }),
      grantAccess: (credential, ids) => Effect.sync(() => credentials.grant(toWireCredential(credential), ids)),
      revokeAccess: (credential) => Effect.sync(() => credentials.revoke(toWireCredential(credential))),
      setFaults: (rules) => Effect.sync(() => faultState.set(rules)),
      addFault: (rule) => Effect.sync(() => faultState.add(rule)),
      clearFaults: Effect.sync(() => faultState.set([])),
      resetQuotas: Effect.sync(() => limits.resetQuotas()),
      setLimits: (changed) => Effect.sync(() => {
        limits.config = limitsOf(changed)
      })
    }
    return service
  })

/**
 * A layer that starts a simulator for as long as it is in use.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<Simulator, ServeError> =>
  Layer.scoped(Simulator, make(options))
