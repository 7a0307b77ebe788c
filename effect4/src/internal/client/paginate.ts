/**
 * Lazy page-by-page streams over the market's forward-only page tokens, with `Stream.paginate` (the
 * loop check is `core/client/pageTokens.ts`).
 */
import { Effect, Option, Stream } from "effect"
import { firstPage, nextPage, type PageCursor } from "../../../../core/client/pageTokens.js"
import { type Operation, PageTokenLoopError } from "../../ChatsError.js"

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
    Stream.paginate(firstPage(), (cursor): Effect.Effect<
      readonly [ReadonlyArray<Item>, Option.Option<PageCursor>],
      E | PageTokenLoopError,
      R
    > => {
      if (cursor.repeated !== undefined) {
        return Effect.fail(
          new PageTokenLoopError({ operation, pageToken: cursor.repeated, pagesRead: cursor.pagesRead })
        )
      }
      return Effect.map(
        fetchPage(cursor.pageToken),
        (page) => [page.items, Option.fromUndefinedOr(nextPage(cursor, page.nextPageToken))] as const
      )
    })
  )
