/**
 * The durable notification queue over Redis Streams: `offer` stores an event (duplicate check, bound
 * and append in one script) before the receiver answers 200; consumers read through one consumer
 * group, keep the entries they hold claimed while they handle them, acknowledge (and delete) each on
 * success, take over the entries idle past `claimIdle`, and move an entry delivered `maxDeliveries`
 * times to the dead letters. See `core/redis/queueScripts.ts` for what runs on the server.
 */
import { hostname } from "node:os"
import { randomUUID } from "node:crypto"
import { Array as Arr, Chunk, Deferred, Duration, Effect, Either, Option, Schedule, type Scope, Stream } from "effect"
import {
  type Delivery,
  decodeNotification,
  duplicateKey,
  encodeNotification,
  type Event,
  type EventQueue,
  NotificationQueueFullError,
  NotificationQueueUnavailableError
} from "../../ChatsNotifications.js"
import type { DeadLetter, NotificationQueue } from "../../Redis.js"
import { recordDeadLettered, recordRedisUnavailable, setDeadLetters, setPending } from "../../ChatsMetrics.js"
import { monotonicMillis } from "../../../../core/redis/connection.js"
import { queueKeys, seenKey } from "../../../../core/redis/keys.js"
import * as Scripts from "../../../../core/redis/queueScripts.js"
import type { Connection, Dedicated, RedisFailure } from "./connection.js"
import {
  claimedEntries,
  type Entry,
  fieldsOf,
  isNoGroupDescription,
  type QueueSettings,
  readEntries,
  statusOf
} from "../../../../core/redis/queueReplies.js"
export type { QueueSettings } from "../../../../core/redis/queueReplies.js"

/** Settings of the queue (times in milliseconds). */
const unavailable = (failure: RedisFailure) => new NotificationQueueUnavailableError({ description: failure.description })
/** A call's failure as the queue's typed error, counted (`yandex_market.redis.unavailable`). */
const typed = <A>(call: Effect.Effect<A, RedisFailure>): Effect.Effect<A, NotificationQueueUnavailableError> =>
  call.pipe(Effect.tapError(() => recordRedisUnavailable("notificationQueue")), Effect.mapError(unavailable))
/** How often the queue's gauges (events pending, dead letters) are read from Redis. */
const gaugeRefreshMillis = 5_000
const decodeBody = (body: string): Either.Either<Event, string> => {
  let json: unknown
  try {
    json = JSON.parse(body)
  } catch {
    return Either.left("the stored body is not JSON")
  }
  return Either.flatMap(
    Either.mapLeft(decodeNotification(json), (error) => error.message),
    (notification) => notification._tag === "Ping" ? Either.left("a stored PING") : Either.right(notification)
  )
}

const isNoGroup = (failure: RedisFailure) => isNoGroupDescription(failure.description)

/** Makes the queue. Its consumers' streams end when the scope closes. */
export const make = (connection: Connection, settings: QueueSettings): Effect.Effect<NotificationQueue, never, Scope.Scope> =>
  Effect.gen(function*() {
    const keys = queueKeys(settings.prefix, settings.name)
    const { group } = settings
    const closed = yield* Deferred.make<void>()
    yield* Effect.addFinalizer(() => Deferred.succeed(closed, undefined))
    const consumerBase = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`
    let consumers = 0

    const full = () =>
      new NotificationQueueFullError({
        description: `the durable queue ${JSON.stringify(settings.name)} holds its maximum of ${settings.maxLength} events`
      })

    const offer: EventQueue["offer"] = (event) =>
      Effect.suspend(() => {
        const identity = duplicateKey(event)
        return connection.run(Scripts.offer, [keys.stream, seenKey(keys, identity)], [
          settings.duplicateWindow,
          settings.maxLength,
          JSON.stringify(encodeNotification(event)),
          identity
        ])
      }).pipe(
        typed,
        Effect.flatMap((reply): Effect.Effect<"stored" | "duplicate", NotificationQueueFullError | NotificationQueueUnavailableError> => {
          switch (statusOf(reply)) {
            case 1:
              return Effect.succeed("stored" as const)
            case 0:
              return Effect.succeed("duplicate" as const)
            case 2:
              return Effect.fail(full())
            default:
              return Effect.fail(new NotificationQueueUnavailableError({ description: "unexpected reply of the offer script" }))
          }
        })
      )

    /** Sets the dead-letters gauge to the length of the dead-letter stream (left as it was if Redis cannot answer). */
    const refreshDeadLetters = Effect.ignore(
      Effect.flatMap(connection.command(keys.dead, ["XLEN", keys.dead]), (n) => setDeadLetters(settings.name, Number(n)))
    )
    // the gauges of every process that has the queue follow Redis, whichever process changed it
    yield* Effect.ignore(
      Effect.flatMap(connection.command(keys.stream, ["XLEN", keys.stream]), (n) => setPending(settings.name, Number(n)))
    ).pipe(
      Effect.zipRight(refreshDeadLetters),
      Effect.repeat(Schedule.spaced(Duration.millis(gaugeRefreshMillis))),
      Effect.forkScoped
    )

    /** Creates the consumer group (reading from the start of the stream) unless it exists. */
    const ensureGroup = connection.command(keys.stream, ["XGROUP", "CREATE", keys.stream, group, "0", "MKSTREAM"]).pipe(
      Effect.catchIf((failure) => failure.description.includes("BUSYGROUP"), () => Effect.void),
      Effect.asVoid
    )
    /** Runs a call, creating the group first when Redis says it has none (a new stream, or a Redis that restarted empty). */
    const withGroup = <A>(call: Effect.Effect<A, RedisFailure>) =>
      Effect.catchIf(call, isNoGroup, () => Effect.zipRight(ensureGroup, call))

    /** One consumer: a stream of deliveries, on a connection of its own for the blocking reads. */
    const consume = (dedicated: Dedicated, consumer: string): Effect.Effect<Stream.Stream<Delivery>, never, Scope.Scope> =>
      Effect.gen(function*() {
        const annotate = Effect.annotateLogs({ module: "ChatsNotifications", queue: settings.name, consumer })
        const held = new Set<string>()
        const blockMillis = Math.max(50, Math.min(Math.floor(settings.claimIdle / 2), 2000))
        let nextClaimAt = 0
        // after a read or a claim failed, its reply may be lost with entries Redis delivered to this consumer
        let mayHaveLost = false

        const bury = (id: string, reason: string) =>
          connection.run(Scripts.bury, [keys.stream, keys.dead], [group, consumer, id, reason]).pipe(
            Effect.tap((moved) => Number(moved) === 1 ? Effect.zipRight(recordDeadLettered(settings.name), refreshDeadLetters) : Effect.void)
          )

        const toDelivery = (entry: Entry): Effect.Effect<Option.Option<Delivery>> => {
          const decoded = decodeBody(entry.fields["body"] ?? "")
          if (Either.isLeft(decoded)) {
            return bury(entry.id, `not an event: ${decoded.left}`).pipe(
              Effect.zipRight(Effect.logWarning("a stored notification is not an event: moved to the dead letters", entry.id)),
              Effect.catchAll((failure) => Effect.logWarning("could not move an entry to the dead letters", failure.description)),
              Effect.as(Option.none())
            )
          }
          held.add(entry.id)
          const release = Effect.sync(() => held.delete(entry.id))
          return Effect.succeed(Option.some<Delivery>({
            event: decoded.right,
            id: entry.id,
            attempt: entry.attempt,
            ack: release.pipe(
              Effect.zipRight(connection.run(Scripts.ack, [keys.stream], [group, entry.id])),
              Effect.catchAll((failure) =>
                Effect.logWarning("could not acknowledge a notification; it will be delivered again", entry.id, failure.description)
              ),
              Effect.asVoid,
              annotate
            ),
            fail: (reason) =>
              entry.attempt < settings.maxDeliveries
                ? release.pipe(
                  // parked, it is no longer this consumer's: only a claim (counting a delivery) brings it back
                  Effect.zipRight(connection.run(Scripts.park, [keys.stream], [group, consumer, Scripts.parkedConsumer, entry.id])),
                  Effect.ignore
                )
                : release.pipe(
                  Effect.zipRight(bury(entry.id, reason)),
                  Effect.tap((moved) =>
                    Number(moved) === 1
                      ? Effect.logWarning(`notification moved to the dead letters after ${entry.attempt} deliveries`, entry.id)
                      : Effect.void
                  ),
                  Effect.catchAll((failure) =>
                    Effect.logWarning("could not move a notification to the dead letters; it will be delivered again", failure.description)
                  ),
                  Effect.asVoid,
                  annotate
                )
          }))
        }

        /** Entries idle past `claimIdle` (at most every half of it), else new ones (waiting up to `blockMillis`). */
        const nextEntries: Effect.Effect<ReadonlyArray<Entry>, RedisFailure> = Effect.gen(function*() {
          if (mayHaveLost) {
            const recovered = claimedEntries(
              yield* withGroup(connection.run(Scripts.recover, [keys.stream], [group, consumer, held.size + settings.batchSize, ...held]))
            )
            mayHaveLost = false
            if (recovered.length > 0) return recovered
          }
          const now = monotonicMillis()
          if (now >= nextClaimAt) {
            nextClaimAt = now + Math.max(10, Math.floor(settings.claimIdle / 2))
            const claimed = claimedEntries(
              yield* withGroup(connection.run(Scripts.claim, [keys.stream, keys.dead], [
                group,
                consumer,
                settings.claimIdle,
                settings.batchSize,
                settings.maxDeliveries
              ]))
            )
            if (claimed.length > 0) return claimed
          }
          return readEntries(
            yield* withGroup(dedicated.command(keys.stream, [
              "XREADGROUP", "GROUP", group, consumer, "COUNT", settings.batchSize, "BLOCK", blockMillis,
              "STREAMS", keys.stream, ">"
            ], blockMillis))
          )
        })

        const batch: Effect.Effect<Chunk.Chunk<Delivery>> = nextEntries.pipe(
          Effect.flatMap((entries) => Effect.forEach(entries, toDelivery)),
          Effect.map((deliveries) => Chunk.fromIterable(Arr.getSomes(deliveries))),
          Effect.catchAll((failure) =>
            Effect.logWarning("could not read notifications from Redis; trying again", failure.description).pipe(
              Effect.zipRight(Effect.sync(() => {
                mayHaveLost = true
              })),
              Effect.zipRight(Effect.sleep(Duration.millis(Math.min(1000, settings.claimIdle)))),
              Effect.as(Chunk.empty<Delivery>())
            )
          ),
          annotate
        )

        // the heartbeat: the entries held are claimed again (idle time reset, no delivery counted) every third of claimIdle
        yield* Effect.suspend(() =>
          held.size === 0
            ? Effect.void
            : Effect.ignore(connection.run(Scripts.touch, [keys.stream], [group, consumer, ...held]))
        ).pipe(
          Effect.repeat(Schedule.spaced(Duration.millis(Math.max(10, Math.floor(settings.claimIdle / 3))))),
          Effect.forkScoped
        )
        // a consumer that holds nothing when it stops is removed from the group
        yield* Effect.addFinalizer(() =>
          Effect.ignore(connection.run(Scripts.retire, [keys.stream], [group, consumer]))
        )
        yield* Effect.ignore(ensureGroup)
        return Stream.repeatEffectChunk(batch)
      })

    const deliveries: Stream.Stream<Delivery> = Stream.unwrapScoped(
      Effect.flatMap(connection.dedicated, (dedicated) => consume(dedicated, `${consumerBase}:${++consumers}`))
    ).pipe(Stream.interruptWhen(Deferred.await(closed)))

    const pending = connection.command(keys.stream, ["XLEN", keys.stream]).pipe(
      typed,
      Effect.map(Number),
      Effect.tap((n) => setPending(settings.name, n))
    )

    const deadLetters: NotificationQueue["deadLetters"] = (count = 100) =>
      connection.command(keys.dead, ["XRANGE", keys.dead, "-", "+", "COUNT", count]).pipe(
        typed,
        Effect.map((reply) =>
          (Array.isArray(reply) ? reply : []).map(([id, raw]): DeadLetter => {
            const fields = fieldsOf(raw)
            const body = fields["body"] ?? ""
            return {
              id: String(id),
              originalId: fields["id"] ?? "",
              body,
              event: Either.getRight(decodeBody(body)),
              deliveries: Number(fields["deliveries"] ?? 0),
              reason: fields["reason"] ?? ""
            }
          })
        )
      )

    // an id that is not a stream id names no dead letter: false without asking Redis (which would
    // answer it with an error)
    const replay: NotificationQueue["replay"] = (id) =>
      !/^\d{1,19}-\d{1,19}$/.test(id)
        ? Effect.succeed(false)
        : connection.run(Scripts.replay, [keys.dead, keys.stream], [id, settings.maxLength]).pipe(
          typed,
          Effect.flatMap((reply) => {
            const status = statusOf(reply)
            return status === 2 ? Effect.fail(full()) : Effect.succeed(status === 1)
          })
        )

    return { offer, deliveries, pending, deadLetters, replay }
  })
