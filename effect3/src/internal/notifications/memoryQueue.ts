/**
 * The receiver's default queue: bounded, in memory, with the duplicate window of the process. An
 * event is "stored" once it is in the queue; it is handed to the consumer once and never again.
 */
import { Clock, Effect, Option, Queue, type Scope, Stream } from "effect"
import type { SeenWindow } from "../../../../core/notifications/seen.js"
import { memoryQueueName, setPending } from "../../ChatsMetrics.js"

/** An event handed to the consumer of the in-memory queue: acknowledging it does nothing. */
export interface MemoryDelivery<E> {
  readonly event: E
  readonly id: string
  readonly attempt: number
  readonly ack: Effect.Effect<void>
  readonly fail: (reason: string) => Effect.Effect<void>
}

/** The in-memory queue, generic over the event and the error a full queue is reported with. */
export interface MemoryQueue<E, Full> {
  readonly offer: (event: E) => Effect.Effect<"stored" | "duplicate", Full>
  readonly deliveries: Stream.Stream<MemoryDelivery<E>>
  readonly pending: Effect.Effect<number>
}

/** Settings of the in-memory queue. */
export interface MemoryQueueSettings<E, Full> {
  readonly capacity: number
  readonly seen: SeenWindow
  readonly keyOf: (event: E) => string
  readonly full: () => Full
}

/** Makes the queue; it is shut down, and its stream ends, when the scope closes. */
export const makeMemoryQueue = <E, Full>(
  settings: MemoryQueueSettings<E, Full>
): Effect.Effect<MemoryQueue<E, Full>, never, Scope.Scope> =>
  Effect.map(Effect.acquireRelease(Queue.dropping<E>(settings.capacity), Queue.shutdown), (queue) => {
    let sequence = 0
    /** Sets the pending gauge to what the queue holds now. */
    const notePending = Effect.suspend(() => setPending(memoryQueueName, queue.unsafeSize().pipe(Option.getOrElse(() => 0))))
    // the window is checked and the queue offered to in one synchronous step, so two copies cannot both pass
    const accept = (event: E, now: number): "stored" | "duplicate" | "full" => {
      const key = settings.keyOf(event)
      if (settings.seen.has(key, now)) return "duplicate"
      if (!queue.unsafeOffer(event)) return "full"
      settings.seen.add(key, now)
      return "stored"
    }
    return {
      offer: (event) =>
        Effect.flatMap(Clock.currentTimeMillis, (now) => {
          const outcome = accept(event, now)
          return outcome === "full"
            ? Effect.fail(settings.full())
            : outcome === "stored"
            ? Effect.as(notePending, outcome)
            : Effect.succeed(outcome)
        }),
      deliveries: Stream.fromQueue(queue, { maxChunkSize: 1 }).pipe(
        Stream.tap(() => notePending),
        Stream.map((event): MemoryDelivery<E> => ({
          event,
          id: `memory:${++sequence}`,
          attempt: 1,
          ack: Effect.void,
          fail: () => Effect.void
        }))
      ),
      pending: Effect.tap(Queue.size(queue), (size) => setPending(memoryQueueName, size))
    }
  })
