/**
 * The page-token loop check of the paginated streams: the market's tokens only move forward, so a
 * token handed out twice would make a stream loop forever.
 */

/** What a stream knows between two pages. */
export interface PageCursor {
  /** The token of the page to fetch next; undefined for the first page. */
  readonly pageToken: string | undefined
  /** Every token handed out so far in this run of the stream. */
  readonly seen: Set<string>
  /** How many pages were read. */
  readonly pagesRead: number
  /** Set when the last page handed back a token already seen: the stream must stop with a loop error. */
  readonly repeated: string | undefined
}

/** The cursor before the first page of a run (each run has its own set of seen tokens). */
export const firstPage = (): PageCursor => ({ pageToken: undefined, seen: new Set(), pagesRead: 0, repeated: undefined })

/** The cursor after a page that handed out `nextPageToken`; undefined when it was the last page. */
export const nextPage = (cursor: PageCursor, nextPageToken: string | undefined): PageCursor | undefined => {
  if (nextPageToken === undefined) return undefined
  const repeated = cursor.seen.has(nextPageToken) ? nextPageToken : undefined
  cursor.seen.add(nextPageToken)
  return { pageToken: nextPageToken, seen: cursor.seen, pagesRead: cursor.pagesRead + 1, repeated }
}
