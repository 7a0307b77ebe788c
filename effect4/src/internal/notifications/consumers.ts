/**
 * The consumers' side of the receiver's queue: the plain stream of events (each acknowledged when
 * the next one is pulled) and `process` (each acknowledged when its handler succeeds).
 */
import { Array as Arr, Cause, Effect, Exit, Stream } from "effect"
import { notificationTypeOf, recordHandlerFailure, recordRedelivery } from "../../ChatsMetrics.js"

/** An event handed out by a queue, to be acknowledged once handled. */
export interface Settleable<E> {
  readonly event: E
  readonly id: string
  readonly attempt: number
  readonly ack: Effect.Effect<void>
  readonly fail: (reason: string) => Effect.Effect<void>
}

/**
 * Lets the event loop run (a macrotask, not a microtask) before each event is handed over, so
 * that a consumer doing synchronous work between events cannot hold back the answers to the
 * market (a PING must be answered within 1 s). Independent of the Clock, so TestClock is unaffected.
 */
export const yieldToEventLoop: Effect.Effect<void> = Effect.callback<void>((resume) => {
  const handle = setImmediate(() => resume(Effect.void))
  return Effect.sync(() => clearImmediate(handle))
})

/** A failure of a handler as a short text for the logs and the dead letters. */
const describeFailure = (cause: Cause.Cause<unknown>): string => {
  const error = Cause.squash(cause)
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
  return text.length > 500 ? `${text.slice(0, 500)}…` : text
}

/** Runs the handler on one delivery: acknowledged on success, failed otherwise, left alone when interrupted. */
const settle = <E extends { readonly _tag: string }, X, R>(
  delivery: Settleable<E>,
  handler: (event: E) => Effect.Effect<void, X, R>
) =>
  Effect.flatMap(Effect.exit(Effect.suspend(() => handler(delivery.event))), (exit) => {
    if (Exit.isSuccess(exit)) return delivery.ack
    if (Cause.hasInterruptsOnly(exit.cause)) return Effect.void
    const reason = describeFailure(exit.cause)
    return Effect.andThen(
      Effect.andThen(recordHandlerFailure(notificationTypeOf(delivery.event)), Effect.logWarning("notification handler failed", delivery.event._tag, reason).pipe(
        Effect.annotateLogs({ module: "ChatsNotifications", id: delivery.id, attempt: delivery.attempt })
      )),
      delivery.fail(reason)
    )
  })

/** Counts the deliveries that are not the first of their event. */
const countRedeliveries = <E extends { readonly _tag: string }>(delivery: Settleable<E>): Effect.Effect<void> =>
  delivery.attempt > 1 ? recordRedelivery(notificationTypeOf(delivery.event)) : Effect.void

/** Consumes deliveries with a handler, `concurrency` at once, acknowledging each event it handles. */
export const processDeliveries =
  <E extends { readonly _tag: string }>(deliveries: Stream.Stream<Settleable<E>>) =>
  <X, R>(
    handler: (event: E) => Effect.Effect<void, X, R>,
    options: { readonly concurrency?: number | undefined } = {}
  ): Effect.Effect<void, never, R> =>
    deliveries.pipe(
      Stream.tap((delivery) => Effect.andThen(countRedeliveries(delivery), yieldToEventLoop)),
      Stream.mapEffect((delivery) => settle(delivery, handler), { concurrency: options.concurrency ?? 1, unordered: true }),
      Stream.runDrain
    )

/**
 * The plain stream of deliveries: one event at a time, each acknowledged when the next one is
 * pulled (that is, once the consumer of the stream is done with it).
 */
export const eventsOf = <E extends { readonly _tag: string }>(deliveries: Stream.Stream<Settleable<E>>): Stream.Stream<E> =>
  Stream.transformPull(Stream.rechunk(Stream.tap(deliveries, countRedeliveries), 1), (pull) =>
    Effect.sync(() => {
      let previous: ReadonlyArray<Settleable<E>> = []
      const ackPrevious = Effect.suspend(() => {
        const done = previous
        previous = []
        return Effect.forEach(done, (delivery) => delivery.ack, { discard: true })
      })
      return ackPrevious.pipe(
        Effect.andThen(pull),
        Effect.map((chunk) => {
          previous = chunk
          return Arr.map(chunk, (delivery) => delivery.event)
        })
      )
    })).pipe(Stream.tap(() => yieldToEventLoop))
