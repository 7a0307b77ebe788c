/**
 * A change of meaning from Effect 3 that the client's retry tests rely on: `it.effect`'s `TestClock`
 * installs a scheduler that tracks forked work, so one `TestClock.adjust` also wakes sleeps that a fiber
 * registers after several scheduler hops following a woken sleep (as the client's retry does between attempts). A `TestClock`
 * made by hand installs no such scheduler, and the same adjust misses them.
 */
import { describe, expect, it } from "@effect/vitest"
import { Clock, Effect, Fiber, Ref } from "effect"
import { TestClock } from "effect/testing"

/**
 * A fiber that sleeps 5 ms, hops through the scheduler a few times (as the client does between an
 * attempt and its retry's backoff), sleeps 5 ms more, and records that it woke.
 */
const hopsThenSleeps = (woke: Ref.Ref<boolean>) =>
  Effect.sleep(5).pipe(
    Effect.andThen(Effect.yieldNow.pipe(Effect.repeat({ times: 3 }))),
    Effect.andThen(Effect.sleep(5)),
    Effect.andThen(Ref.set(woke, true))
  )

describe("TestClock installs a scheduler (Effect 4)", () => {
  it.effect("under it.effect, one adjust wakes a sleep registered after scheduler hops", () =>
    Effect.gen(function*() {
      const woke = yield* Ref.make(false)
      const fiber = yield* Effect.forkChild(hopsThenSleeps(woke))
      yield* Effect.yieldNow
      yield* TestClock.adjust(10)
      expect(yield* Ref.get(woke)).toBe(true)
      yield* Fiber.interrupt(fiber)
    }))

  it.live("a TestClock made by hand has no tracking scheduler: the same adjust runs before the sleep is registered", () =>
    Effect.gen(function*() {
      const clock = yield* TestClock.make()
      const woke = yield* Ref.make(false)
      const fiber = yield* Effect.forkChild(hopsThenSleeps(woke).pipe(Effect.provideService(Clock.Clock, clock)))
      yield* Effect.yieldNow
      yield* clock.adjust(10)
      expect(yield* Ref.get(woke)).toBe(false)
      yield* Fiber.interrupt(fiber)
    }))
})
