/**
 * Keeping the client under the market's limits before it sends: a concurrency
 * gate (at most 4 requests in flight per business) and a quota store (the
 * `X-RateLimit-Resource-*` state per business and operation, with a unit reserved
 * before each request).
 *
 * Both are services (`Context.Reference`s with process-wide defaults). The limits belong to a
 * business at the API being called, not to a client value: every client of one process that calls
 * the same API for the same business shares the default in-memory gate and store (see {@link ChatsGate}
 * and {@link ChatsQuotaStore}). Several processes would share them through another layer.
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer, type Option } from "effect"
import * as QuotaStateRules from "../../core/limiter/quotaState.js"
import { InvalidOptionsError, type LimiterUnavailableError, type Operation } from "./ChatsError.js"
import { makeTrackedMemoryGate, noteQueued as internalNoteQueued } from "./internal/limiter/memoryGate.js"
import { makeTrackedMemoryQuotaStore } from "./internal/limiter/memoryQuotaStore.js"

/**
 * The market's limit of requests in flight at once for one business.
 *
 * @since 0.1.0
 * @category constants
 */
export const marketParallelLimit = 4

/**
 * Whose limit a request counts against: a business at one API (the client's base URL).
 *
 * @since 0.2.0
 * @category models
 */
export interface LimitKey {
  /** The API being called: the client's base URL, without trailing slashes. */
  readonly api: string
  /** The business whose limits apply. */
  readonly businessId: number
}

/**
 * Admits at most a fixed number of requests in flight per business, first come, first served.
 *
 * @since 0.1.0
 * @category models
 */
export interface Gate {
  /**
   * Runs `effect` while holding one of the business's slots, waiting in line for one if needed;
   * fails with `LimiterUnavailableError` when the gate cannot answer (a shared store out of reach).
   */
  readonly withPermit: (
    key: LimitKey
  ) => <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E | LimiterUnavailableError, R>
  /**
   * For a gate kept beside a quota store: takes a slot and a unit of that store's quota in one step,
   * and records the answer's quota as it frees the slot. The client uses it when its quota store is
   * `reserving.store`.
   */
  readonly reserving?: ReservingGate | undefined
}

/**
 * Takes a slot and a unit of an operation's quota in one step, and records the answer's quota when it
 * frees the slot, for a gate kept beside a quota store: two trips to a shared store per call instead of four.
 *
 * @since 0.2.0
 * @category models
 */
export interface ReservingGate {
  /** The quota store whose units the gate takes. */
  readonly store: QuotaStore
  /**
   * Runs `use` while holding one of the business's slots, as {@link Gate.withPermit} does. `use` is
   * given the reservation to run once the slot is taken: the unit taken with the slot (an effect that
   * has its answer already), or, when the gate could not take it, `store.reserve(key, operation)`.
   * The quota state that `use`'s result reports (`reported`) is recorded in `store` when the slot is
   * freed, in the same step where the gate can.
   */
  readonly withPermit: (
    key: LimitKey,
    operation: Operation
  ) => <A, E, R>(
    use: (reservation: Effect.Effect<Option.Option<QuotaState>, LimiterUnavailableError>) => Effect.Effect<A, E, R>,
    reported: (a: A) => QuotaState | undefined
  ) => Effect.Effect<A, E | LimiterUnavailableError, R>
}

/**
 * The concurrency gate the client uses. Default: one in-memory gate for the whole process,
 * 4 in flight per business and API.
 *
 * @since 0.2.0
 * @category services
 */
export class ChatsGate extends Context.Reference<Gate>("effect-yandex-market-chats/ChatsGate", {
  defaultValue: () => makeMemoryGate()
}) {}

/**
 * Notes on the current span (`yandex_market.gate_queued`) and in the debug log that a request waits
 * for a slot: for gates of other stores, so that they report waits as the in-memory one does.
 *
 * @since 0.2.0
 * @category utils
 */
export const noteQueued: (key: LimitKey) => Effect.Effect<void> = internalNoteQueued

/**
 * Settings of the in-memory gate.
 *
 * @since 0.2.0
 * @category models
 */
export interface MemoryGateOptions {
  /** Most requests in flight at once per business. Default 4, the market's limit. */
  readonly maxInFlight?: number | undefined
}

/**
 * An in-memory gate for one process: at most `maxInFlight` requests in flight per business and API.
 * It keeps state only for the businesses with a request in flight or waiting. `maxInFlight` is taken
 * as given; {@link layerMemoryGate} checks it.
 *
 * @since 0.2.0
 * @category constructors
 */
export const makeMemoryGate = (options: MemoryGateOptions = {}): Gate =>
  makeTrackedMemoryGate(options.maxInFlight ?? marketParallelLimit).gate

/** The gate options, checked: `maxInFlight` must be a positive integer. */
const checkedGateOptions = (options: MemoryGateOptions): Effect.Effect<MemoryGateOptions, InvalidOptionsError> =>
  options.maxInFlight === undefined || (Number.isSafeInteger(options.maxInFlight) && options.maxInFlight > 0)
    ? Effect.succeed(options)
    : Effect.fail(
      new InvalidOptionsError({
        option: "maxInFlight",
        reason: "invalid",
        description: `maxInFlight must be a positive integer, got ${options.maxInFlight}`
      })
    )

/**
 * A layer that gives the client its own in-memory gate (for instance with another `maxInFlight`),
 * instead of the one the process shares. A `maxInFlight` that is not a positive integer fails it
 * with an `InvalidOptionsError`. (A `Context.Reference`'s layer provides no new service: its type is
 * `Layer<never>`.)
 *
 * @since 0.2.0
 * @category layers
 */
export const layerMemoryGate = (options: MemoryGateOptions = {}): Layer.Layer<never, InvalidOptionsError> =>
  Layer.effect(ChatsGate, Effect.map(checkedGateOptions(options), makeMemoryGate))

/**
 * What an answer said about its operation's quota.
 *
 * @since 0.1.0
 * @category models
 */
export interface QuotaState extends QuotaStateRules.QuotaState {}

/**
 * The margin past an announced reset before the quota is sure to be back: the market announces
 * the reset to the second, and the real one may fall anywhere within that second.
 *
 * @since 0.2.0
 * @category constants
 */
export const resetMarginMillis: number = QuotaStateRules.resetMarginMillis

/**
 * The first moment a request may be sent after a reset announced for `resetsAt` (epoch millis).
 *
 * @since 0.2.0
 * @category utils
 */
export const quotaBackAt: (resetsAt: number) => number = QuotaStateRules.quotaBackAt

/**
 * The state to keep when an answer reports `next` and the store holds `current`: a later reset
 * replaces the state, the same reset keeps the smaller `remaining`, an earlier one is stale.
 *
 * @since 0.2.0
 * @category utils
 */
export const mergeQuotaState: (current: QuotaState | undefined, next: QuotaState) => QuotaState =
  QuotaStateRules.mergeQuotaState

/**
 * Keeps the quota state per business, API and operation, and hands out units of it.
 *
 * @since 0.1.0
 * @category models
 */
export interface QuotaStore {
  /**
   * Takes one unit of the operation's quota before a request: `None` when the request may go
   * (a unit was reserved, or nothing is known), `Some(state)` when the quota is spent until
   * `state.resetsAt`. Atomic: with one unit left, one of several concurrent callers gets it.
   */
  readonly reserve: (key: LimitKey, operation: Operation) => Effect.Effect<Option.Option<QuotaState>, LimiterUnavailableError>
  /** Records the state an answer reported (see {@link mergeQuotaState}). */
  readonly record: (key: LimitKey, operation: Operation, state: QuotaState) => Effect.Effect<void, LimiterUnavailableError>
}

/**
 * The quota store the client uses. Default: one in-memory store for the whole process.
 *
 * @since 0.2.0
 * @category services
 */
export class ChatsQuotaStore extends Context.Reference<QuotaStore>("effect-yandex-market-chats/ChatsQuotaStore", {
  defaultValue: () => makeMemoryQuotaStore()
}) {}

/**
 * An in-memory quota store for one process; a state is dropped once its reset has passed (when it is
 * next asked for, or by a sweep when the store has grown to twice its size after the last sweep).
 *
 * @since 0.2.0
 * @category constructors
 */
export const makeMemoryQuotaStore = (): QuotaStore => makeTrackedMemoryQuotaStore().store

/**
 * A layer that gives the client its own in-memory quota store, instead of the one the process shares.
 *
 * @since 0.2.0
 * @category layers
 */
export const layerMemoryQuotaStore: Layer.Layer<never> = Layer.sync(ChatsQuotaStore, makeMemoryQuotaStore)

/**
 * A layer that gives the client its own in-memory gate and quota store, apart from the ones the
 * process shares (for tests, or a client that must not wait behind others).
 *
 * @since 0.2.0
 * @category layers
 */
export const layerMemory = (options: MemoryGateOptions = {}): Layer.Layer<never, InvalidOptionsError> =>
  Layer.merge(layerMemoryGate(options), layerMemoryQuotaStore)
