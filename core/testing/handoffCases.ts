/**
 * The Redis gate's local hand-offs, as a table both editions' suites run against a real redis-server
 * (each through its own {@link HandoffEdition}): a slot freed in a process goes to that process's own
 * waiter past another process's at most `handoffs` times in a row (a busy process and a quiet one
 * sharing a business), no more than `maxInFlight` are in flight across processes, and a slot handed
 * over by a message while its process was starved past the claim is renewed before use, not used.
 */
import assert from "node:assert/strict"
import { createServer, type Server, type Socket, connect as tcpConnect } from "node:net"
import { gateKeys, type LimitKey } from "../redis/keys.js"
import { connectAdmin, type RedisCase, sleep, until } from "./redisCasesKit.js"
import { startGrantingRedis } from "./redisServer.js"

/** Settings of a gate (times in milliseconds). */
export interface HandoffGateOptions {
  readonly maxInFlight: number
  readonly lease: number
  readonly timeout: number
  readonly handoffs: number
}

/** The gate of one process over a connection of its own. */
export interface HandoffProcess {
  /** Runs `body` while holding a slot of `key`'s gate; rejects if the gate fails. */
  readonly withPermit: <A>(key: LimitKey, body: () => Promise<A>) => Promise<A>
  /** Closes the gate and its connection. */
  readonly close: () => Promise<void>
}

/** What a suite gives the hand-off cases: the edition's Redis gate, Promise-level. */
export interface HandoffEdition {
  /** The gate of a new process at `url` (`Redis.make` over a client of its own). */
  readonly gate: (url: string, options: HandoffGateOptions) => Promise<HandoffProcess>
}

let businessCounter = 0
/** A business of its own for each case. */
const nextKey = (): LimitKey => ({ api: "https://handoff.test", businessId: ++businessCounter })

const lease = 1000
const starvedLease = 4000

/** Counts the bodies in flight at once, and the most seen. */
const inFlight = () => {
  let now = 0
  let most = 0
  return {
    most: () => most,
    /** Runs `body` counted. */
    run: async <A>(body: () => Promise<A>): Promise<A> => {
      most = Math.max(most, ++now)
      try {
        return await body()
      } finally {
        now--
      }
    }
  }
}

/**
 * A TCP proxy to a Redis at `url` that can hold back everything both ways (a process starved: what
 * Redis sends it waits, and so does what it sends).
 */
const startProxy = async (url: string) => {
  const target = new URL(url)
  let paused = false
  const held: Array<() => void> = []
  const sockets = new Set<Socket>()
  const forward = (from: Socket, to: Socket) =>
    from.on("data", (chunk) => {
      if (paused) held.push(() => to.write(chunk))
      else to.write(chunk)
    })
  const server: Server = createServer((client) => {
    const upstream = tcpConnect(Number(target.port), target.hostname)
    for (const s of [client, upstream]) {
      sockets.add(s)
      s.on("error", () => {})
      s.on("close", () => {
        client.destroy()
        upstream.destroy()
      })
    }
    forward(client, upstream)
    forward(upstream, client)
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const port = (server.address() as { readonly port: number }).port
  return {
    url: `redis://127.0.0.1:${port}`,
    pause: () => {
      paused = true
    },
    resume: () => {
      paused = false
      for (const send of held.splice(0)) send()
    },
    close: async () => {
      for (const s of sockets) s.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}

/** Runs `use` with a redis-server that grants at once to gates of lease `leaseMillis`, stopped afterwards. */
const withRedis = async <A>(use: (url: string) => Promise<A>, leaseMillis = lease): Promise<A> => {
  const server = await startGrantingRedis(leaseMillis)
  try {
    return await use(server.url)
  } finally {
    await server.stop()
  }
}

/** Runs `use` with the gates made by `make`, closed afterwards. */
const withGates = async <A>(make: ReadonlyArray<() => Promise<HandoffProcess>>, use: (gates: ReadonlyArray<HandoffProcess>) => Promise<A>): Promise<A> => {
  const gates: Array<HandoffProcess> = []
  try {
    for (const m of make) gates.push(await m())
    return await use(gates)
  } finally {
    for (const gate of gates.reverse()) await gate.close()
  }
}

/**
 * A busy process (6 callers in a loop) and a quiet one (one call) share a business with one slot:
 * how many of the busy process's calls asked after the quiet call was in line went before it.
 */
const passesOverQuiet = (edition: HandoffEdition, handoffs: number) =>
  withRedis((url) => {
    const options = { maxInFlight: 1, lease, timeout: 5000, handoffs }
    return withGates([() => edition.gate(url, options), () => edition.gate(url, options)], async ([busy, quiet]) => {
      const key = nextKey()
      const counter = inFlight()
      const started: Array<"busy-before" | "busy-after" | "quiet"> = []
      let quietQueued = false
      let stop = false
      const busyCaller = async () => {
        while (!stop) {
          const asked = quietQueued ? "busy-after" : "busy-before"
          await busy!.withPermit(key, () =>
            counter.run(async () => {
              started.push(asked)
              // a hold far longer than the check below takes to see the quiet call in line, so that a busy
              // call is labelled by whether it asked before or after the quiet call joined the line
              await sleep(50)
            }))
        }
      }
      const callers = Array.from({ length: 6 }, busyCaller)
      await until("the busy process's callers in line", () => started.length >= 6)
      const admin = await connectAdmin(url)
      try {
        const queueKey = gateKeys("ymc", key).queue
        const busyQueued = new Set(await admin.zRange(queueKey, 0, -1))
        const quietCall = quiet!.withPermit(key, () => counter.run(async () => void started.push("quiet")))
        // the quiet call is in line once a token of another process is (checked every 2 ms)
        const busyProcess = [...busyQueued][0]!.split(":")[0]
        const giveUpAt = performance.now() + 10_000
        while (!(await admin.zRange(queueKey, 0, -1)).some((t) => t.split(":")[0] !== busyProcess)) {
          if (performance.now() > giveUpAt) throw new Error("timed out waiting for: the quiet call in line")
          await sleep(2)
        }
        quietQueued = true
        await quietCall
      } finally {
        stop = true
        admin.destroy()
      }
      await Promise.all(callers)
      assert.equal(counter.most(), 1, "more than one call in flight with one slot")
      const quietAt = started.indexOf("quiet")
      return started.slice(0, quietAt).filter((s) => s === "busy-after").length
    })
  })

/** The cases. */
export const handoffCases: ReadonlyArray<RedisCase<HandoffEdition>> = [
  {
    name: "a busy process and a quiet one share one slot: the quiet waiter is passed over at most `handoffs` times",
    timeout: 150_000,
    run: async (edition) => {
      // the bound holds in every run; that hand-offs happen at all is timing (the quiet call must be
      // seen in line while the busy process still has waiters), so up to three runs may show it
      const runs: Array<number> = []
      while (runs.length < 3 && !runs.some((passes) => passes >= 1)) {
        const passes = await passesOverQuiet(edition, 3)
        assert.ok(passes <= 3, `the quiet waiter was passed over ${passes} times (at most 3)`)
        runs.push(passes)
      }
      assert.ok(runs.some((passes) => passes >= 1), `no local hand-off happened while the busy process had waiters (${runs.length} runs)`)
    }
  },
  {
    name: "with `handoffs: 0` it is first come, first served: the quiet waiter is never passed over",
    timeout: 60_000,
    run: async (edition) => {
      assert.equal(await passesOverQuiet(edition, 0), 0)
    }
  },
  {
    name: "8 processes sharing a business with local hand-offs: never more than `maxInFlight` in flight, every call served",
    timeout: 60_000,
    run: (edition) =>
      withRedis((url) => {
        const options = { maxInFlight: 3, lease, timeout: 5000, handoffs: 4 }
        return withGates(Array.from({ length: 8 }, () => () => edition.gate(url, options)), async (gates) => {
          const key = nextKey()
          const counter = inFlight()
          let served = 0
          await Promise.all(gates.flatMap((gate) =>
            Array.from({ length: 4 }, async () => {
              for (let i = 0; i < 8; i++) {
                await gate.withPermit(key, () =>
                  counter.run(async () => {
                    await sleep(2)
                    served++
                  }))
              }
            })
          ))
          assert.equal(served, 8 * 4 * 8)
          assert.ok(counter.most() <= 3, `${counter.most()} in flight (at most 3)`)
        })
      })
  },
  {
    name: "a slot handed over by a message while its process was starved past the claim is renewed first: it went to another, so the waiter waits again",
    timeout: 60_000,
    run: (edition) =>
      withRedis(async (url) => {
        const proxy = await startProxy(url)
        try {
          // a long lease: the holder's renewals must not be late on a loaded machine
          const options = { maxInFlight: 1, lease: starvedLease, timeout: 10_000, handoffs: 4 }
          const claim = starvedLease / 2
          await withGates([() => edition.gate(proxy.url, options), () => edition.gate(url, options), () => edition.gate(url, options)], async ([starved, holder, other]) => {
            const key = nextKey()
            const counter = inFlight()
            const order: Array<string> = []
            let release!: () => void
            const released = new Promise<void>((resolve) => (release = resolve))
            let held!: () => void
            const holding = new Promise<void>((resolve) => (held = resolve))
            const holderCall = holder!.withPermit(key, () =>
              counter.run(async () => {
                order.push("holder")
                held()
                await released
              }))
            await holding
            const starvedCall = starved!.withPermit(key, () => counter.run(async () => void order.push("starved")))
            const admin = await connectAdmin(url)
            try {
              const queue = gateKeys("ymc", key).queue
              await until("the starved process's call in line", async () => (await admin.zCard(queue)) === 1, 10_000)
              proxy.pause()
              release()
              await holderCall // the slot goes to the starved process's waiter, for a claim it cannot hear of
              await sleep(claim + 500)
              await other!.withPermit(key, () =>
                counter.run(async () => {
                  order.push("other") // the claim ran out: the slot is this process's now
                  proxy.resume()
                  await sleep(500)
                }))
              await starvedCall
            } finally {
              proxy.resume()
              admin.destroy()
            }
            assert.deepEqual(order, ["holder", "other", "starved"])
            assert.equal(counter.most(), 1, "the starved waiter used a slot that had gone to another")
          })
        } finally {
          await proxy.close()
        }
      }, starvedLease)
  }
]
