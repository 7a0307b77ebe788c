/**
 * Lazy page-by-page streams over the market's forward-only page tokens.
 */
import { Chunk, Effect, Option, Stream } from "effect"
import { PageTokenLoopError } from "../../ChatsError.js"
import type { Operation } from "../../ChatsError.js"

/** What the stream knows between two pages. */
interface Cursor {
  /** The token of the page to fetch next; undefined for the first page. */
  readonly pageToken: string | undefined
  /** Every token handed out so far. */
  readonly seen: Set<string>
  /** How many pages were read. */
  readonly pagesRead: number
  /** Set when the last page handed back a token already seen. */
  readonly repeated: string | undefined
}

/** A page as the market shapes it: items and an optional next-page token. */
export interface Page<Item> {
  readonly items: ReadonlyArray<Item>
  readonly nextPageToken: string | undefined
}

/**
 * Streams every item, fetching each page only when the previous one is consumed.
 * Stops after a page without a next token; fails with `PageTokenLoopError` (after
 * emitting that page's items) when the server hands back a token it already gave.
 * Each page fetch carries its own retries, so a retried page is fetched again with
 * the same token: nothing is skipped and nothing repeated.
 */
export const paginate = <Item, E, R>(
  operation: Operation,
  fetchPage: (pageToken: string | undefined) => Effect.Effect<Page<Item>, E, R>
): Stream.Stream<Item, E | PageTokenLoopError, R> =>
  // suspended so that each run of the stream starts with its own set of seen tokens
  Stream.suspend(() =>
    Stream.paginateChunkEffect<Cursor, Item, E | PageTokenLoopError, R>(
    { pageToken: undefined, seen: new Set(), pagesRead: 0, repeated: undefined },
    (cursor) => {
      if (cursor.repeated !== undefined) {
        return Effect.fail(
          new PageTokenLoopError({ operation, pageToken: cursor.repeated, pagesRead: cursor.pagesRead })
        )
      }
      return Effect.map(fetchPage(cursor.pageToken), (page) => {
        const items = Chunk.unsafeFromArray(page.items)
        const token = page.nextPageToken
        if (token === undefined) return [items, Option.none()]
        const repeated = cursor.seen.has(token) ? token : undefined
        cursor.seen.add(token)
        return [
          items,
          Option.some({ pageToken: token, seen: cursor.seen, pagesRead: cursor.pagesRead + 1, repeated })
        ]
      })
    }
  )
  )
