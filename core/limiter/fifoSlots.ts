/**
 * The queue logic of the in-memory concurrency gates: a fair counting semaphore per business and API,
 * kept only while a request of that business is in flight or waiting. The editions wrap it in their
 * gate service (waiting with their own suspension, releasing in their own finalizers).
 */

/** A request waiting for a slot. */
export interface Waiter {
  /** Wakes the request: called once, when a slot is handed to it. */
  readonly wake: () => void
  /** Whether a slot was handed to it (it then holds that slot). */
  handed: boolean
}

/** A fair counting semaphore: a released slot goes straight to the longest waiter. */
export class FifoSlots {
  private inFlight = 0
  private readonly waiters: Array<Waiter> = []

  constructor(private readonly max: number, private readonly onIdle: () => void) {}

  /** Takes a slot at once when one is free and nobody waits; false when the request has to wait. */
  tryTake(): boolean {
    if (this.inFlight < this.max && this.waiters.length === 0) {
      this.inFlight++
      return true
    }
    return false
  }

  /** Queues a request; `wake` is called when a slot is handed to it. */
  wait(wake: () => void): Waiter {
    const waiter: Waiter = { wake, handed: false }
    this.waiters.push(waiter)
    return waiter
  }

  /** A waiter gives up: it leaves the line, or passes on the slot handed to it at that moment. */
  cancel(waiter: Waiter): void {
    if (waiter.handed) this.release()
    else {
      const index = this.waiters.indexOf(waiter)
      if (index >= 0) this.waiters.splice(index, 1)
    }
  }

  /** Hands the slot to the next waiter, or frees it (and tells when nothing is left in flight). */
  release(): void {
    const next = this.waiters.shift()
    if (next === undefined) {
      this.inFlight--
      if (this.inFlight === 0) this.onIdle()
    } else {
      next.handed = true
      next.wake()
    }
  }

  /** Whether a new request would have to wait. */
  get full(): boolean {
    return this.inFlight >= this.max || this.waiters.length > 0
  }
}

/** The semaphores of a gate, one per key (business and API), each dropped when nothing is in flight. */
export class SlotTable {
  private readonly slots = new Map<string, FifoSlots>()

  constructor(private readonly maxInFlight: number) {}

  /** The semaphore of a key, made when first needed. */
  slotsOf(key: string): FifoSlots {
    let slots = this.slots.get(key)
    if (slots === undefined) {
      slots = new FifoSlots(this.maxInFlight, () => this.slots.delete(key))
      this.slots.set(key, slots)
    }
    return slots
  }

  /** How many keys the table holds state for. */
  get size(): number {
    return this.slots.size
  }
}

/** The key of a business at an API in a gate's table. */
export const gateKey = (businessId: number, api: string): string => `${businessId} ${api}`
