/**
 * An embedded simulator of the Yandex Market chats API: a real HTTP server on
 * loopback that serves the seven chat operations with the market's bodies,
 * errors, rate limits and headers, over deterministic seeded data, with test
 * hooks to read its state and counters and to inject faults. The server is the
 * Effect-free core's (`core/simulator`); this module is its Effect 4 layer.
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
import { Context, Duration, Effect, Layer, Option, Schema, type Scope } from "effect"
import { ServeError } from "effect/http/HttpServerError"
import * as Core from "../../core/simulator/index.js"

export {
  /** The Api-Key the simulator accepts by default (for `defaultBusinessId`). @since 0.1.0 */
  defaultApiKey,
  /** The business the default credentials can reach. @since 0.1.0 */
  defaultBusinessId,
  /** The "now" of the seeded history when none is given: 2025-06-01T12:00:00+03:00. @since 0.1.0 */
  defaultEpoch,
  /** The OAuth token the simulator accepts by default (for `defaultBusinessId`). @since 0.1.0 */
  defaultOAuthToken,
  /** The seed used when none is given. @since 0.1.0 */
  defaultSeed,
  /** The Api-Key of the second business. @since 0.1.0 */
  otherApiKey,
  /** A second business, which the default credentials cannot reach (403). @since 0.1.0 */
  otherBusinessId
} from "../../core/simulator/index.js"

export type {
  /** A chat as the simulator answers it (`GetChatInfoDTO`). @since 0.1.0 */
  ChatDto,
  /** Credentials to grant or revoke: an Api-Key, or an OAuth token. @since 0.1.0 */
  Credential,
  /** A kind of fault: `latency`, `error500`, `error503`, `html502`, `nonJson200`, `malformedJson`, ... @since 0.1.0 */
  FaultKind,
  /** A fault rule: `kind`, and optionally `millis` (latency), `operations`, `probability`, `nth`, `times`. @since 0.1.0 */
  FaultRule,
  /** A message as the simulator answers it (`ChatMessageDTO`). @since 0.1.0 */
  MessageDto,
  /** One of the seven chat operations, named by its operationId. @since 0.1.0 */
  Operation,
  /** A message or file posted through the API, with what the client was answered. @since 0.1.0 */
  SentMessage,
  /** Counters of what reached the simulator since start (or the last `resetStats`). @since 0.1.0 */
  Stats,
  /** A one-shot failure for `failNext`: a 420 with a quota reset, or an error status. @since 1.0.0 */
  NextFailure,
  /** What a customer posts with `userPosts`: text, a file, or both. @since 1.0.0 */
  UserMessage
} from "../../core/simulator/index.js"

/**
 * Every kind of fault the simulator can inject.
 *
 * @since 0.1.0
 * @category faults
 */
export const faults: ReadonlyArray<Core.FaultKind> = Core.faultKinds

/**
 * The operationIds of the seven chat operations.
 *
 * @since 0.1.0
 * @category models
 */
export const operations: ReadonlyArray<Core.Operation> = Core.operationNames

/**
 * Limits to change at run time; unset fields take the market's values (`quotaWindow` is a duration).
 *
 * @since 0.1.0
 * @category models
 */
export interface Limits extends Omit<Core.SimulatorLimits, "quotaWindowMillis"> {
  /** The length of a quota window (default one hour). */
  readonly quotaWindow?: Duration.Input
}

/**
 * How to start a simulator. Every option has a default.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options extends Omit<Core.SimulatorOptions, "quotaWindowMillis">, Limits {}

/**
 * A running simulator: where it listens, the credentials to use, and test hooks.
 *
 * @since 0.1.0
 * @category models
 */
export interface Service extends Core.SimulatorInfo {
  /** A snapshot of the counters. */
  readonly stats: Effect.Effect<Core.Stats>
  /** Sets the counters back to zero. */
  readonly resetStats: Effect.Effect<void>
  /** The chats of a business (default: the default business), newest first, as the API renders them. */
  readonly chats: (businessId?: number) => Effect.Effect<ReadonlyArray<Core.ChatDto>>
  /** One chat by id, whatever its business. */
  readonly chat: (chatId: number) => Effect.Effect<Option.Option<Core.ChatDto>>
  /** The messages of a chat, oldest first (empty for an unknown chat). */
  readonly messages: (chatId: number) => Effect.Effect<ReadonlyArray<Core.MessageDto>>
  /** The number of chats and messages stored, over all businesses. */
  readonly size: Effect.Effect<{ readonly chats: number; readonly messages: number }>
  /** Makes the customer of a chat write a message (status becomes WAITING_FOR_PARTNER). */
  readonly customerWrites: (chatId: number, text: string) => Effect.Effect<Core.MessageDto, NoSuchChat>
  /**
   * Makes the customer of a chat post text, a file (served for download at its payload's URL) or both,
   * notified like any live message.
   */
  readonly userPosts: (chatId: number, message: Core.UserMessage) => Effect.Effect<Core.MessageDto, NoSuchChat>
  /** Answers the next `times` calls (default 1) of `operation` with `failure`, instead of carrying them out. */
  readonly failNext: (operation: Core.Operation, failure: Core.NextFailure, times?: number) => Effect.Effect<void>
  /** Starts a dispute on a chat (status WAITING_FOR_ARBITER), notifying `CHAT_ARBITRAGE_STARTED`. */
  readonly startArbitrage: (chatId: number) => Effect.Effect<void, NoSuchChat>
  /** Ends the dispute of a chat (status FINISHED), notifying `CHAT_ARBITRAGE_FINISHED`. */
  readonly finishArbitrage: (chatId: number) => Effect.Effect<void, NoSuchChat>
  /** Where notifications go from now on; `undefined` stops them. */
  readonly setNotificationUrl: (url: string | undefined) => Effect.Effect<void>
  /** Sends a `PING` notification, as the market does to check an endpoint. */
  readonly ping: Effect.Effect<void>
  /** Adds a business seeded with `chats` and `messages` (default 10 and 100) and a credential for it; its id and key. */
  readonly addBusiness: (options?: Core.NewBusiness) => Effect.Effect<{ readonly businessId: number; readonly apiKey: string }>
  /** Lets a credential (new or known) reach these businesses. */
  readonly grantAccess: (credential: Core.Credential, businessIds: ReadonlyArray<number>) => Effect.Effect<void>
  /** Forgets a credential: it gets 403 from then on. */
  readonly revokeAccess: (credential: Core.Credential) => Effect.Effect<void>
  /** Replaces the fault rules (their Nth counts start again); an invalid rule is a defect. */
  readonly setFaults: (rules: ReadonlyArray<Core.FaultRule>) => Effect.Effect<void>
  /** Adds one fault rule. */
  readonly addFault: (rule: Core.FaultRule) => Effect.Effect<void>
  /** Removes every fault rule. */
  readonly clearFaults: Effect.Effect<void>
  /** Makes every quota full again. */
  readonly resetQuotas: Effect.Effect<void>
  /** Changes the limits at run time (unset fields keep the market's defaults, not the previous values). */
  readonly setLimits: (limits: Limits) => Effect.Effect<void>
}

/**
 * The chat asked for does not exist.
 *
 * @since 0.1.0
 * @category errors
 */
export class NoSuchChat extends Schema.TaggedError<NoSuchChat>()("NoSuchChat", { chatId: Schema.Number }) {
  /** Says which chat is missing. */
  override get message(): string {
    return `No chat ${this.chatId} in the simulator`
  }
}

/**
 * The simulator service.
 *
 * @since 0.1.0
 * @category services
 */
export class Simulator extends Context.Service<Simulator, Service>()("effect-yandex-market-chats/Simulator") {}

/** The core's limits: the quota window in millis. */
const inMillis = <A extends Limits>({ quotaWindow, ...rest }: A) => ({
  ...rest,
  ...(quotaWindow === undefined ? {} : { quotaWindowMillis: Duration.toMillis(quotaWindow) })
})

/** The core's hooks as Effects. */
const toService = (sim: Core.SimulatorServer): Service => {
  const orNoSuchChat = (chatId: number, found: boolean) => found ? Effect.void : Effect.fail(new NoSuchChat({ chatId }))
  return Simulator.of({
    url: sim.url,
    port: sim.port,
    businessId: sim.businessId,
    apiKey: sim.apiKey,
    oauthToken: sim.oauthToken,
    otherBusinessId: sim.otherBusinessId,
    otherApiKey: sim.otherApiKey,
    stats: Effect.sync(sim.stats),
    resetStats: Effect.sync(sim.resetStats),
    chats: (businessId) => Effect.sync(() => sim.chats(businessId)),
    chat: (chatId) => Effect.sync(() => Option.fromNullishOr(sim.chat(chatId))),
    messages: (chatId) => Effect.sync(() => sim.messages(chatId)),
    size: Effect.sync(sim.size),
    userPosts: (chatId, message) =>
      Effect.suspend(() => {
        const posted = sim.userPosts(chatId, message)
        return posted === undefined ? Effect.fail(new NoSuchChat({ chatId })) : Effect.succeed(posted)
      }),
    failNext: (operation, failure, times) => Effect.sync(() => sim.failNext(operation, failure, times)),
    customerWrites: (chatId, text) =>
      Effect.suspend(() => {
        const message = sim.customerWrites(chatId, text)
        return message === undefined ? Effect.fail(new NoSuchChat({ chatId })) : Effect.succeed(message)
      }),
    startArbitrage: (chatId) => Effect.suspend(() => orNoSuchChat(chatId, sim.startArbitrage(chatId))),
    finishArbitrage: (chatId) => Effect.suspend(() => orNoSuchChat(chatId, sim.finishArbitrage(chatId))),
    setNotificationUrl: (url) => Effect.sync(() => sim.setNotificationUrl(url)),
    ping: Effect.sync(sim.ping),
    addBusiness: (options) => Effect.sync(() => sim.addBusiness(options)),
    grantAccess: (credential, businessIds) => Effect.sync(() => sim.grantAccess(credential, businessIds)),
    revokeAccess: (credential) => Effect.sync(() => sim.revokeAccess(credential)),
    setFaults: (rules) => Effect.sync(() => sim.setFaults(rules)),
    addFault: (rule) => Effect.sync(() => sim.addFault(rule)),
    clearFaults: Effect.sync(sim.clearFaults),
    resetQuotas: Effect.sync(sim.resetQuotas),
    setLimits: (limits) => Effect.sync(() => sim.setLimits(inMillis(limits)))
  })
}

/**
 * Seeds a simulator and starts it on loopback; it stops when the scope closes.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options = {}): Effect.Effect<Service, ServeError, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.tryPromise({ try: () => Core.startSimulator(inMillis(options)), catch: (error) => error }).pipe(
      Effect.catch((error) =>
        error instanceof Core.SimulatorListenError ? Effect.fail(new ServeError({ cause: error.cause })) : Effect.die(error)
      )
    ),
    (sim) => Effect.promise(sim.close)
  ).pipe(Effect.map(toService))

/**
 * A layer that starts a simulator for as long as it is in use.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<Simulator, ServeError> => Layer.effect(Simulator, make(options))
