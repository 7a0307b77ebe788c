/**
 * The Effect 3 edition behind the shared Redis case tables (`core/testing/gateCases.ts`,
 * `durableCases.ts`): its gate and its durable receiver, Promise-level (not a test file).
 */
import { Chunk, Effect, Either, Exit, Fiber, Logger, LogLevel, Scope, Stream } from "effect"
import type { DurableEdition, Running } from "../../../core/testing/durableCases.js"
import type { GateEdition } from "../../../core/testing/gateCases.js"
import type { Delivery } from "../../src/ChatsNotifications.js"
import * as Redis from "../../src/Redis.js"
import { isSuccessBody } from "../notifications/helpers.js"
import { durableReceiver } from "./durableHelpers.js"
import { adminClient } from "./server.js"

/** Runs `make` in a new scope; the scope is closed by the returned `close`. */
const inScope = async <A>(make: Effect.Effect<A, never, Scope.Scope>) => {
  const scope = Effect.runSync(Scope.make())
  const value = await Effect.runPromise(Scope.extend(make, scope))
  return { value, close: () => Effect.runPromise(Scope.close(scope, Exit.void)) }
}

/** Runs `effect`: its value, or a rejection with its failure as is. */
const settle = <A, E>(effect: Effect.Effect<A, E>): Promise<A> =>
  Effect.runPromise(Effect.either(effect)).then(Either.getOrThrowWith((error) => error))

/** Runs `effect` in the background until stopped. */
const inBackground = (effect: Effect.Effect<unknown, unknown>): Running => {
  const fiber = Effect.runFork(effect)
  return { stop: () => Effect.runPromise(Effect.asVoid(Fiber.interrupt(fiber))) }
}

/** The gate of a process over a client of its own (its logs silenced). */
export const gateEdition: GateEdition = {
  gate: async (url, options) => {
    const { value: { gate }, close } = await inScope(
      Effect.flatMap(adminClient(url), (client) => Effect.orDie(Redis.make(client, options)))
    )
    return {
      withPermit: (key, body, signal) =>
        Effect.runPromise(gate.withPermit(key)(Effect.promise(body)).pipe(
          Effect.either,
          Effect.map(Either.match({ onLeft: (error) => ({ ok: false, error }) as const, onRight: (value) => ({ ok: true, value }) as const })),
          Logger.withMinimumLogLevel(LogLevel.None)
        ), signal === undefined ? undefined : { signal }),
      close
    }
  }
}

/** A delivery, Promise-level. */
const caseDelivery = (delivery: Delivery) => ({
  event: delivery.event,
  attempt: delivery.attempt,
  ack: () => Effect.runPromise(delivery.ack),
  fail: (reason: string) => Effect.runPromise(delivery.fail(reason))
})

/** A standalone receiver over the Redis queue. */
export const durableEdition: DurableEdition = {
  isSuccessBody,
  receiver: async (url, options) => {
    const { value: { queue, receiver, send }, close } = await inScope(durableReceiver(url, options))
    return {
      send: (body) => Effect.runPromise(send(body)),
      pending: () => settle(receiver.pending),
      deadLetters: () => settle(queue.deadLetters()),
      process: (handler) => inBackground(receiver.process((event) => Effect.tryPromise({ try: () => handler(event), catch: (e) => e }))),
      consume: (handler) => inBackground(Stream.runForEach(queue.deliveries, (d) => Effect.promise(() => handler(caseDelivery(d))))),
      take: (count) =>
        Effect.runPromise(Effect.map(Stream.runCollect(Stream.take(queue.deliveries, count)), (c) => Chunk.toArray(c).map(caseDelivery))),
      close
    }
  }
}
