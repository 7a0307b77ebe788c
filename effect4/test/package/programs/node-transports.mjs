// The "client + Node transports" install at work (Effect 4): the notification receiver's standalone
// server starts (ChatsNotifications.layerServer loads @effect/platform-node), and the client reaches the
// simulator (served by node:http, no peer) over NodeHttpClient.layerUndici. Prints one JSON line.
import { Effect, Layer, Redacted, Stream } from "effect"
import { ChatsClient } from "effect-yandex-market-chats"
import * as ChatsNotifications from "effect-yandex-market-chats/notifications"
import * as Simulator from "effect-yandex-market-chats/simulator"

const program = Effect.gen(function*() {
  const sim = yield* Simulator.Simulator
  const receiver = yield* ChatsNotifications.NotificationsServer
  const ping = yield* Effect.promise(() =>
    fetch(Redacted.value(receiver.endpoint), { method: "POST", body: JSON.stringify({ notificationType: "PING", time: new Date().toISOString() }) })
  )
  // the user's own import of the Node transports, after the server (the bare install fails before, in it)
  const { NodeHttpClient } = yield* Effect.promise(() => import("@effect/platform-node"))
  const n = yield* Effect.gen(function*() {
    const chats = yield* ChatsClient.make({ baseUrl: sim.url, apiKey: Redacted.make(sim.apiKey) })
    return yield* Stream.runCount(chats.streamChats({ businessId: sim.businessId, limit: 20 }))
  }).pipe(Effect.provide(NodeHttpClient.layerUndici))
  console.log(JSON.stringify({ chats: n, ping: ping.status }))
}).pipe(Effect.provide(Layer.merge(Simulator.layer({ chats: 45, messages: 90 }), ChatsNotifications.layerServer())))

Effect.runPromise(program).then(() => process.exit(0), (e) => { console.error(String(e)); process.exit(1) })
