/**
 * What the shared Redis case tables (`gateCases.ts`, `durableCases.ts`) use, written once with no
 * Effect: a plain client to look at Redis, waits, a wall clock stepped back, and a case's shape. Each
 * edition runs a table with its own `it`, through a small Promise-level adapter of its own.
 */
import { createClient } from "redis"

/** One case of a shared table: a name, a bound, and the body, given the edition's adapter. */
export interface RedisCase<Edition> {
  readonly name: string
  /** The bound of the case (ms), for the edition's `it`. */
  readonly timeout: number
  readonly run: (edition: Edition) => Promise<void>
}

/** A plain client of `url`, not yet connected. */
const plainClient = (url: string) => createClient({ url })

/** A plain client to look at Redis. */
export type AdminClient = ReturnType<typeof plainClient>

/** Connects a plain client to `url` (a dropped connection's errors ignored); destroy it when done. */
export const connectAdmin = async (url: string): Promise<AdminClient> => {
  const client = plainClient(url)
  client.on("error", () => {})
  await client.connect()
  return client
}

/** Runs `use` with a plain client of `url`, destroyed afterwards. */
export const withAdmin = async <A>(url: string, use: (admin: AdminClient) => Promise<A>): Promise<A> => {
  const admin = await connectAdmin(url)
  try {
    return await use(admin)
  } finally {
    admin.destroy()
  }
}

/** Waits `millis`. */
export const sleep = (millis: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, millis))

/** Waits until `check` holds (every 20 ms, at most `withinMillis`), else fails naming what it waited for. */
export const until = async (what: string, check: () => boolean | Promise<boolean>, withinMillis = 20_000): Promise<void> => {
  const giveUpAt = performance.now() + withinMillis
  while (!(await check())) {
    if (performance.now() > giveUpAt) throw new Error(`timed out waiting for: ${what}`)
    await sleep(20)
  }
}

/** Milliseconds on the monotonic clock since `start` (a `performance.now()`). */
export const elapsedSince = (start: number): number => performance.now() - start

/**
 * Makes `Date.now()` answer `millis` earlier than the real time (a wall clock stepped back) until
 * the returned function is called.
 */
export const stepClockBack = (millis: number): (() => void) => {
  const real = Date.now
  Date.now = () => real.call(Date) - millis
  return () => {
    Date.now = real
  }
}

/** Pauses every client of the server at `url` for `millis` (`CLIENT PAUSE ... ALL`). */
export const pauseRedis = (url: string, millis: number): Promise<unknown> =>
  withAdmin(url, (admin) => admin.sendCommand(["CLIENT", "PAUSE", String(millis), "ALL"]))

/** Runs `use` with a server from `start`, stopped afterwards. */
export const withServer = async <S extends { readonly stop: () => Promise<void> }, A>(
  start: () => Promise<S>,
  use: (server: S) => Promise<A>
): Promise<A> => {
  const server = await start()
  try {
    return await use(server)
  } finally {
    await server.stop()
  }
}
