/**
 * A slot at the gate is held for the exchange only: the input is validated and the call's span started
 * before the slot is asked for, and the answer is decoded after the slot is given back.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Layer, Option } from "effect"
import { ChatsClient, ChatsLimiter } from "../../src/index.js"
import { ok } from "./fakeHttp.js"
import { chatJson } from "../../../core/cases/answers.js"
import { clientWithLimiter } from "./limiterClient.js"

const businessId = 12345

/** A gate that records what happens at it: the span seen inside, and how the work under the slot ended. */
const recordingGate = () => {
  const inner = ChatsLimiter.makeMemoryGate()
  const seen: Array<{ readonly span: string | undefined; exit?: string }> = []
  const gate: ChatsLimiter.Gate = {
    withPermit: (key) => (effect) =>
      inner.withPermit(key)(Effect.gen(function*() {
        const span = yield* Effect.option(Effect.currentSpan)
        const entry: { span: string | undefined; exit?: string } = { span: Option.getOrUndefined(Option.map(span, (s) => s.name)) }
        seen.push(entry)
        return yield* Effect.onExit(effect, (exit) =>
          Effect.sync(() => {
            entry.exit = Exit.isSuccess(exit) ? "success" : "failure"
          }))
      }))
  }
  return { seen, layer: Layer.merge(Layer.succeed(ChatsLimiter.ChatsGate, gate), ChatsLimiter.layerMemoryQuotaStore) }
}

describe("the slot is held for the exchange only", () => {
  it.effect("input rejected before sending never asks the gate for a slot", () => {
    const { layer, seen } = recordingGate()
    const { requests, layer: client } = clientWithLimiter(layer, () => ok(chatJson(1)))
    return Effect.gen(function*() {
      const error = yield* Effect.flip((yield* ChatsClient.ChatsClient).getChat({ businessId: -5, chatId: 1 }))
      expect(error._tag).toBe("InvalidRequestError")
      expect(seen).toEqual([])
      expect(requests).toHaveLength(0)
    }).pipe(Effect.provide(client))
  })

  it.effect("the call's span is started before the slot: the work at the gate runs under it", () => {
    const { layer, seen } = recordingGate()
    const { layer: client } = clientWithLimiter(layer, () => ok(chatJson(1)))
    return Effect.gen(function*() {
      yield* (yield* ChatsClient.ChatsClient).getChat({ businessId, chatId: 1 })
      expect(seen).toEqual([{ span: "ChatsClient.getChat", exit: "success" }])
    }).pipe(Effect.provide(client))
  })

  it.effect("the answer is decoded after the slot is given back: a body that does not decode leaves the exchange a success", () => {
    const { layer, seen } = recordingGate()
    const { requests, layer: client } = clientWithLimiter(layer, () => ok({ chatId: "not a number" }))
    return Effect.gen(function*() {
      const error = yield* Effect.flip((yield* ChatsClient.ChatsClient).getChat({ businessId, chatId: 1 }))
      expect(error._tag).toBe("ResponseDecodeError")
      expect(requests).toHaveLength(1)
      // the slot was released with the exchange done; the decoding failed after it
      expect(seen).toEqual([{ span: "ChatsClient.getChat", exit: "success" }])
    }).pipe(Effect.provide(client))
  })
})
