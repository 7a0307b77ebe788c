/**
 * The library's metrics, exported two ways with Effect's own exporters (`effect/observability`): pushed
 * over OTLP/HTTP (JSON) to an OpenTelemetry collector, and served as Prometheus text on `/metrics`,
 * beside a notification receiver on `/notification`.
 *
 *   OTEL_METRICS_EXPORTER=otlp OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318 \
 *   YANDEX_MARKET_API_KEY=... YANDEX_MARKET_BUSINESS_ID=... PORT=8080 node --import tsx examples/metrics-export.ts
 *
 * The OTLP exporter reads the standard OpenTelemetry variables (`OTEL_METRICS_EXPORTER=otlp` turns it
 * on; `OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_METRICS_ENDPOINT`; `OTEL_METRIC_EXPORT_INTERVAL`
 * in milliseconds, default 10 s); without them only `/metrics` serves the metrics. With
 * `YANDEX_MARKET_BUSINESS_ID` it lists the business's chats once a minute (the client's metrics carry the
 * business id, as it is the only one); each notification is logged.
 */
import { NodeHttpServer, NodeRuntime } from "@effect/platform-node"
import { Config, Console, Effect, Layer, Option, Schedule } from "effect"
import { FetchHttpClient, HttpRouter } from "effect/http"
import { OtlpMetrics, OtlpSerialization, PrometheusMetrics } from "effect/observability"
import { createServer } from "node:http"
import { ChatsClient, ChatsMetrics } from "effect-yandex-market-chats"
import * as ChatsNotifications from "effect-yandex-market-chats/notifications"

/** The receiver's route and the Prometheus text, on one server. */
const Routes = Layer.mergeAll(ChatsNotifications.layerRoutes, PrometheusMetrics.layerHttp({ path: "/metrics" }))

/** Handles each notification: here, a line per event. */
const Consumer = Layer.effectDiscard(Effect.gen(function*() {
  const receiver = yield* ChatsNotifications.ChatsNotifications
  yield* receiver.process((event) => Console.log(`notification ${event._tag}`)).pipe(Effect.forkScoped)
}))

/** With `YANDEX_MARKET_BUSINESS_ID`, lists the business's chats once a minute. */
const Calls = Layer.unwrap(Effect.map(Config.option(Config.Int("YANDEX_MARKET_BUSINESS_ID")), (businessId) =>
  Option.match(businessId, {
    onNone: () => Layer.empty,
    onSome: (businessId) =>
      Layer.effectDiscard(Effect.gen(function*() {
        const chats = yield* ChatsClient.ChatsClient
        yield* chats.getChats({ businessId, limit: 20 }).pipe(
          Effect.flatMap((page) => Console.log(`listed ${page.chats.length} chats`)),
          Effect.catch((error) => Console.error(`could not list the chats: ${error._tag}`)),
          Effect.repeat(Schedule.spaced("1 minute")),
          Effect.forkScoped
        )
      })).pipe(
        Layer.provide(ChatsClient.layerConfig().pipe(Layer.provide(FetchHttpClient.layer))),
        Layer.provide(ChatsMetrics.layerBusinessIdAttribute([businessId]))
      )
  })))

/** The OTLP exporter from the OpenTelemetry variables (nothing without `OTEL_METRICS_EXPORTER=otlp`). */
const Otlp = OtlpMetrics.layerFromConfig({ resource: { serviceName: "metrics-export" } }).pipe(
  Layer.provide([FetchHttpClient.layer, OtlpSerialization.layerJson])
)

/** The server on `PORT` (default or 0: a free port), on loopback. */
const Server = Layer.unwrap(Effect.map(Config.Int("PORT").pipe(Config.withDefault(0)), (port) =>
  NodeHttpServer.layer(createServer, { port, host: "127.0.0.1" })))

// `serve` logs where it listens
HttpRouter.serve(Routes).pipe(
  Layer.provide(Server),
  Layer.merge(Consumer),
  Layer.merge(Calls),
  // outside `serve`, so that the route and the consumer share one receiver
  Layer.provide(ChatsNotifications.layer({ name: "metrics-export", version: "1.0.0" })),
  // last to stop: its final export includes what happened until then
  Layer.merge(Otlp),
  Layer.launch,
  NodeRuntime.runMain
)
