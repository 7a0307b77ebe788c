/**
 * Every rule of `effect/chat`'s `ChatTest.conformance`, from the installed effect, against the
 * `yandex-market` adapter backed by the simulator over real loopback HTTP: the rules come from the
 * suite's own list, each must pass, and the run prints how many ran and passed, which ones the
 * adapter answered as `Unsupported` probes, and which rules the suite did not build and why.
 */
import { expect, layer } from "@effect/vitest"
import { Duration, Effect, Exit } from "effect"
import { ChatTest } from "effect/chat"
import * as YandexMarketChat from "../../src/Chat.js"
import * as Simulator from "../../src/Simulator.js"
import { ChatLive, failNext, Inbox, freshThread, parseMention, Probes, refuseFiles, userPosts } from "./harness.js"

/** How long one rule may take (the retry rules wait out a 420's reset, up to two seconds). */
const ruleTimeout = Duration.seconds(60)

/** The rules the suite builds only with hooks the market cannot have: no API clicks or types commands. */
const withoutHooks = "needs `interactions` (a click or a command through the platform), which the market has no API for"

layer(ChatLive, { timeout: 600_000, excludeTestServices: true })("ChatTest.conformance against yandex-market", (it) => {
  it.effect("every rule of the installed suite passes", () =>
    Effect.gen(function*() {
      const thread = yield* freshThread(990_001)
      const context = yield* Effect.context<Simulator.Simulator | Inbox>()
      const provide = <A, E>(effect: Effect.Effect<A, E, Simulator.Simulator | Inbox>) => Effect.provideContext(effect, context)
      const options = {
        platform: YandexMarketChat.platform,
        thread,
        userPosts: (t: typeof thread, text: string) => provide(userPosts(t, text)),
        parseMention,
        refuseFiles: () => provide(refuseFiles()),
        failNext: (op: string, reason: Parameters<typeof failNext>[1], o?: Parameters<typeof failNext>[2]) =>
          provide(Effect.orDie(failNext(op, reason, o)))
      }
      const rules = ChatTest.conformance(options)
      // the same suite with every hook, only to name the rules that the market's missing hooks leave out
      const hooks = {
        click: () => Effect.void,
        submit: () => Effect.void,
        command: () => Effect.void
      }
      const full = ChatTest.conformance({ ...options, interactions: hooks })
      const absent = Object.keys(full).filter((name) => !(name in rules))

      const probes = yield* Probes
      const results: Array<{ readonly rule: string; readonly passed: boolean; readonly note: string }> = []
      for (const [rule, body] of Object.entries(rules)) {
        probes.seen.clear()
        const exit = yield* Effect.exit(body.pipe(
          Effect.timeoutOrElse({ duration: ruleTimeout, orElse: () => Effect.die(new Error(`${rule} timed out`)) })
        ))
        const unsupported = [...probes.seen].map((capability) => `Unsupported(${capability})`).join(", ")
        results.push({
          rule,
          passed: Exit.isSuccess(exit),
          note: Exit.isSuccess(exit)
            ? unsupported === "" ? "" : `probe: ${unsupported}, as the descriptor lacks it`
            : String(Exit.isFailure(exit) ? exit.cause : "")
        })
      }

      const passed = results.filter((r) => r.passed)
      const probed = results.filter((r) => r.passed && r.note !== "")
      const lines = [
        `ChatTest.conformance (effect/chat): ${results.length} rules run, ${passed.length} passed, ` +
        `${probed.length} of them as Unsupported probes; ${absent.length} not built`,
        ...results.map((r) => `  ${r.passed ? "pass" : "FAIL"} ${r.rule}${r.note === "" ? "" : ` (${r.note})`}`),
        ...absent.map((name) => `  n/a  ${name} (${withoutHooks})`)
      ]
      console.log(lines.join("\n"))
      expect(results.length).toBeGreaterThan(0)
      expect(results.filter((r) => !r.passed)).toEqual([])
    }))
})
