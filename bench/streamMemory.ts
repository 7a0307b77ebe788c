/**
 * Section 2, Effect-free: memory of a long stream. An edition's `streamChatHistory` over one chat of N
 * messages (pages of 100, served by the simulator in the bench server's process), consumed one message
 * at a time, over `NodeHttpClient.layerUndici`; each edition's `bench/memory.ts` brings the stream.
 *
 * One run per process (the runner starts a fresh process per run). Before the stream: a warm-up
 * stream of 10,000 messages, then a full GC and the baseline. During the stream: `heapUsed` and RSS
 * after every page (100 messages), and a full GC every 10,000 messages (at both lengths, so that
 * peaks are read over the same stretch) to read the heap that is actually retained. Reported: peak
 * heap growth (no forced GC), retained heap growth (after GC, the largest reading), peak RSS growth,
 * and the time taken (without the forced GCs).
 */
import { args, connectServer, gc, report } from "./lib.js"

export interface MemoryResult {
  readonly messages: number
  readonly peakHeapGrowthMB: number
  readonly retainedHeapGrowthMB: number
  readonly peakRssGrowthMB: number
  readonly baselineHeapMB: number
  /** Heap growth after a full GC every 10,000 messages. */
  readonly retainedReadingsMB: ReadonlyArray<number>
  /** Time of the stream, without the forced GCs. */
  readonly wallMs: number
  readonly cpuMs: number
}

/** A chat of the bench server to stream, with the key of its business. */
export interface LongChat {
  readonly businessId: number
  readonly apiKey: string
  readonly chatId: number
}

/** An edition's client for one business: its stream of a chat's history, and its disposal. */
export interface Streamer {
  /** Streams the chat's history, calling `onMessage` with the count so far; resolves with the count. */
  readonly drain: (chat: LongChat, onMessage: (i: number) => void) => Promise<number>
  /** Builds the client before the measurement. */
  readonly ready: () => Promise<void>
  readonly dispose: () => Promise<void>
}

const MB = 1024 * 1024

/**
 * The command line of an edition's `bench/memory.ts`: `--messages 100000`. `client` makes the
 * edition's client for a business of the simulator (`baseUrl`, `apiKey`).
 */
export const memoryMain = async (client: (baseUrl: string, apiKey: string) => Streamer): Promise<void> => {
  const options = args()
  const messages = Number(options.get("messages") ?? 10_000)
  const server = await connectServer()
  try {
    const long = server.info.longChats[String(messages)]
    const warm = server.info.longChats["10000"]
    if (long === undefined || warm === undefined) throw new Error(`no chat of ${messages} messages in the bench server`)
    const streamer = client(server.info.simulatorUrl, long.apiKey)
    // the warm-up business has its own key
    const warmStreamer = client(server.info.simulatorUrl, warm.apiKey)
    await warmStreamer.drain(warm, () => {})
    await warmStreamer.dispose()
    await streamer.ready()
    gc()
    gc()
    const base = process.memoryUsage()
    let peakHeap = base.heapUsed
    let peakRss = base.rss
    let retained = base.heapUsed
    const readings: Array<number> = []
    // a full GC every 10,000 messages, whatever the length, so that the peaks are read over the same stretch
    const every = Math.min(10_000, messages)
    const cpu0 = process.cpuUsage()
    const t0 = performance.now()
    let seen = 0
    // the forced GCs are the benchmark's, not the client's: their time is taken out
    let gcCpuMs = 0
    let gcWallMs = 0
    await streamer.drain(long, (i) => {
      seen = i
      if (i % 100 === 0) {
        const m = process.memoryUsage()
        if (m.heapUsed > peakHeap) peakHeap = m.heapUsed
        if (m.rss > peakRss) peakRss = m.rss
      }
      if (i % every === 0) {
        const g0 = process.cpuUsage()
        const w0 = performance.now()
        gc()
        const used = process.memoryUsage().heapUsed
        readings.push((used - base.heapUsed) / MB)
        const g = process.cpuUsage(g0)
        gcCpuMs += (g.user + g.system) / 1000
        gcWallMs += performance.now() - w0
        if (used > retained) retained = used
      }
    })
    const wallMs = performance.now() - t0 - gcWallMs
    const cpu = process.cpuUsage(cpu0)
    if (seen !== messages) throw new Error(`streamed ${seen} messages, expected ${messages}`)
    await streamer.dispose()
    const result: MemoryResult = {
      messages,
      peakHeapGrowthMB: (peakHeap - base.heapUsed) / MB,
      retainedHeapGrowthMB: (retained - base.heapUsed) / MB,
      peakRssGrowthMB: (peakRss - base.rss) / MB,
      baselineHeapMB: base.heapUsed / MB,
      retainedReadingsMB: readings,
      wallMs,
      cpuMs: (cpu.user + cpu.system) / 1000 - gcCpuMs
    }
    report(result)
    if (process.env["BENCH_SERVER"] === undefined) console.log(result)
  } finally {
    await server.close()
  }
}
