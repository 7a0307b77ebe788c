/**
 * What the child programs of the multi-process tests are told and what they print, the same for both
 * editions (each edition writes its own `worker.ts`, `consumer.ts` and `receiver.ts`, as the Effect
 * APIs force): the job they get as their first argument (JSON), and the JSON lines they print on
 * stdout. The child side's helpers (`childJob`, `print`) are here too; they need no Effect.
 */

/** A business a worker calls, and how. */
export interface WorkerBusiness {
  readonly businessId: number
  readonly apiKey: string
  readonly chatIds: ReadonlyArray<number>
  readonly concurrency: number
  /** How many calls in all (default: until the worker stops). */
  readonly calls?: number
  /** `getChat` (default) or `getChatMessage` (to give it its own latency in the simulator). */
  readonly operation?: "getChat" | "getChatMessage"
}

/**
 * What a worker is told to do: call the simulator with `ChatsClient` through the Redis gate and quota
 * store, each business with its own concurrency. A call that fails with `LimiterUnavailableError` is
 * counted and tried again after 50 ms, as an application would. It stops after `calls` calls per
 * business, or at `untilMs` (epoch ms), or `forMs` after it is ready; it exits by itself after `maxMs`.
 */
export interface WorkerJob {
  readonly redisUrl: string
  readonly simulatorUrl: string
  /** The gate's lease (ms). */
  readonly lease?: number
  /** The bound of every call to Redis (ms). */
  readonly timeout?: number
  readonly fallback?: "fail" | "memory"
  /** Print a `call` line after each call. */
  readonly verbose?: boolean
  readonly maxMs?: number
  readonly untilMs?: number
  /** Stop this long after `ready` (a slow start on a loaded machine does not eat into the run). */
  readonly forMs?: number
  readonly businesses: ReadonlyArray<WorkerBusiness>
}

/** What a worker reports per business: calls answered, failures by tag, and calls that waited at the gate. */
export interface WorkerResult {
  readonly ok: number
  readonly errors: Record<string, number>
  readonly queued: number
}

/** What a consumer of the durable queue is told to do. */
export interface ConsumerJob {
  readonly redisUrl: string
  /** The queue's name. */
  readonly name: string
  /** The queue's `claimIdle` (ms). */
  readonly claimIdle: number
  /** The message id whose handler never ends (the process is meant to be killed meanwhile). */
  readonly hangOn?: string
  readonly maxMs?: number
}

/** What a receiver process (a standalone receiver over the durable queue, no consumer) is told to do. */
export interface ReceiverJob {
  readonly redisUrl: string
  /** The queue's name. */
  readonly name: string
  /** The bound of every call to Redis (ms; the queue's default when not given). */
  readonly timeout?: number
  readonly maxMs?: number
}

/**
 * One JSON line a program prints:
 *
 * - every program: `{"event":"ready"}` once its layers are built (a receiver adds `"endpoint"`);
 * - a worker: `{"event":"call","businessId","ok","tag"?,"startedAt","at","took"}` after each call when
 *   verbose (`startedAt`/`at`: epoch ms; `took`: ms on the monotonic clock), and
 *   `{"event":"done","results":{<businessId>: WorkerResult}}` at the end;
 * - a consumer: `{"event":"handling","messageId","at"}` when a handler starts, and
 *   `{"event":"handled","messageId"}` when it is done (never for `hangOn`).
 */
export interface ProgramEvent {
  readonly event: string
  readonly [field: string]: unknown
}

/** The job given as the first argument (JSON); the process exits with code 3 after its `maxMs` (default 60 s). */
export const childJob = <J extends { readonly maxMs?: number | undefined }>(): J => {
  const job = JSON.parse(process.argv[2] ?? "{}") as J
  setTimeout(() => process.exit(3), job.maxMs ?? 60_000).unref()
  return job
}

/** Prints one JSON line on stdout. */
export const print = (value: ProgramEvent): void => {
  process.stdout.write(JSON.stringify(value) + "\n")
}

/** The text of a log message, however the edition's logger hands it over (one value or an array of them). */
export const logText = (message: unknown): string => Array.isArray(message) ? message.map(String).join(" ") : String(message)

/** Whether a log message is the gate's note that a call waits for a slot. */
export const isQueuedNote = (message: unknown): boolean => logText(message).includes("waiting for a slot")

/**
 * A worker's bookkeeping, the same in both editions: its results per business, when it stops, which
 * chat each business calls next, and the `call` lines it prints.
 */
export interface WorkerBook {
  readonly results: Record<number, WorkerResult>
  /** Whether the worker has reached its end time (`untilMs`, or `forMs` after {@link WorkerBook.start}). */
  readonly done: () => boolean
  /** Sets the end time from now (call it when ready). */
  readonly start: () => void
  /** The chat of the business's next call, or `undefined` when it has made its calls or the worker is done. */
  readonly nextChat: (business: WorkerBusiness) => number | undefined
  /** Records a call that started at `started` (a {@link callStart}): answered, or failed with `tag`. */
  readonly record: (business: WorkerBusiness, started: CallStart, tag?: string) => void
  /** Counts a gate note that a call of the business waits for a slot. */
  readonly queued: (businessId: unknown) => void
  /** Prints the `done` line. */
  readonly finish: () => void
}

/** When a call started: epoch ms and monotonic ms. */
export interface CallStart {
  readonly at: number
  readonly mono: number
}

/** Now, as a call's start. */
export const callStart = (): CallStart => ({ at: Date.now(), mono: performance.now() })

/** The bookkeeping of a worker given `job`. */
export const workerBook = (job: WorkerJob): WorkerBook => {
  const results: Record<number, { ok: number; errors: Record<string, number>; queued: number }> = {}
  for (const b of job.businesses) results[b.businessId] = { ok: 0, errors: {}, queued: 0 }
  const made = new Map<number, number>()
  let until = job.untilMs ?? Infinity
  const done = () => Date.now() >= until
  return {
    results,
    done,
    start: () => {
      if (job.forMs !== undefined) until = Math.min(until, Date.now() + job.forMs)
    },
    nextChat: (b) => {
      const next = made.get(b.businessId) ?? 0
      if (done() || (b.calls !== undefined && next >= b.calls)) return undefined
      made.set(b.businessId, next + 1)
      return b.chatIds[next % b.chatIds.length]!
    },
    record: (b, started, tag) => {
      const result = results[b.businessId]!
      if (tag === undefined) result.ok++
      else result.errors[tag] = (result.errors[tag] ?? 0) + 1
      if (job.verbose === true) {
        print({
          event: "call",
          businessId: b.businessId,
          ok: tag === undefined,
          ...(tag === undefined ? {} : { tag }),
          startedAt: started.at,
          at: Date.now(),
          took: performance.now() - started.mono
        })
      }
    },
    queued: (businessId) => {
      const result = results[Number(businessId)]
      if (result !== undefined) result.queued++
    },
    finish: () => print({ event: "done", results })
  }
}
