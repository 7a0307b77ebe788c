/**
 * Where the Effect 4 edition's cost per call goes: the rows of `bench/rows.ts` (the bound, the client,
 * the client with one part turned off through its public options and layers, the bound with one part
 * of the client added) over an in-memory transport, so that the differences between rows are not lost
 * in the noise of loopback I/O.
 *
 *   node --import tsx bench/parts.ts [--rounds 9] [--pages 500] [--warmup 1000] [--only ROW[,ROW]] [--kind history|chats]
 *
 * The transport is `HttpClient.make` (so `effect/http`'s own span, URL handling and abort signal are
 * in, as with `layerUndici`) answering each request on the next turn of the event loop
 * (`setImmediate`: the call suspends once, as over a socket) with the bench server's fixed page, its
 * bytes and headers as served, in a web `Response` (`HttpClientResponse.fromWeb`). The first row is
 * the bound; the runner takes each part as a difference between two rows within each round.
 */
import { Effect, Layer } from "effect"
import { HttpClient, HttpClientResponse } from "effect/http"
import type { ServerInfo } from "../../bench/lib.js"
import { type Kind, pagesMain, pageUrl, plainHeaders } from "../../bench/pageRounds.js"
import { effectRows } from "./rows.js"

export type { PagesResult, RowResult } from "../../bench/pageRounds.js"

/** A page as the bench server serves it: its bytes and headers. */
interface Served {
  readonly body: Uint8Array<ArrayBuffer>
  readonly headers: Array<[string, string]>
}

/** Fetches a page once from the bench server. */
const served = async (info: ServerInfo, kind: Kind): Promise<Served> => {
  const response = await fetch(pageUrl(info, kind), { method: "POST", headers: plainHeaders(info), body: "{}" })
  if (response.status !== 200) throw new Error(`HTTP ${response.status}`)
  return { body: new Uint8Array(await response.arrayBuffer()), headers: [...response.headers] }
}

/**
 * An `HttpClient` that answers every request with the fixed page its path names, on the next turn of
 * the event loop.
 */
const memoryTransport = (info: ServerInfo): Layer.Layer<HttpClient.HttpClient> =>
  Layer.effect(
    HttpClient.HttpClient,
    Effect.map(
      Effect.promise(() => Promise.all([served(info, "history"), served(info, "chats")])),
      ([history, chats]) =>
        HttpClient.make((request) =>
          Effect.callback<HttpClientResponse.HttpClientResponse>((resume) => {
            const page = request.url.includes("/chats/history") ? history : chats
            const timer = setImmediate(() =>
              resume(Effect.succeed(HttpClientResponse.fromWeb(request, new Response(page.body, { status: 200, headers: page.headers }))))
            )
            return Effect.sync(() => clearImmediate(timer))
          })
        )
    )
  )

if (import.meta.url === `file://${process.argv[1]}`) await pagesMain(effectRows(memoryTransport, "in-memory transport"))
