/**
 * Section 1 for the Effect 4 edition: the cost of one decoded page, history (100 messages) and chats
 * (20 chats), per client, over loopback to the bench server, in the shared rounds of the repository's
 * `bench/pageRounds.ts`: the floor (`undici`), the unvalidated peer (`fetch`), and the rows of
 * `bench/rows.ts` on `NodeHttpClient.layerUndici` (`bound`, `client`, and the rows that take the client
 * apart, which `bench/parts.ts` runs with less noise over an in-memory transport).
 *
 *   node --import tsx bench/pages.ts [--rounds 7] [--pages 300] [--warmup 600] [--only ROW[,ROW]] [--skip-floor] [--kind history|chats]
 */
import { NodeHttpClient } from "@effect/platform-node"
import Undici from "@effect/platform-node/Undici"
import { createRequire } from "node:module"
import { fetchRow, pagesMain, type Row, undiciRow } from "../../bench/pageRounds.js"
import { effectRows } from "./rows.js"

export type { Kind, PagesResult, RowResult } from "../../bench/pageRounds.js"

/** The version of the undici that `NodeHttpClient.layerUndici` uses. */
const undiciVersion = (createRequire(import.meta.url)("undici/package.json") as { version: string }).version

/** Every row, the floor first. */
export const rows: ReadonlyArray<Row> = [
  undiciRow(Undici.request, undiciVersion),
  fetchRow,
  ...effectRows(() => NodeHttpClient.layerUndici, "layerUndici")
]

if (import.meta.url === `file://${process.argv[1]}`) await pagesMain(rows)
