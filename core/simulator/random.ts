/**
 * A small deterministic pseudo-random generator (mulberry32) for the simulator:
 * the same seed always yields the same data and the same fault decisions.
 */

/** A deterministic source of random numbers. */
export interface Random {
  /** A float in [0, 1). */
  readonly next: () => number
  /** An integer in [min, max], both included. */
  readonly int: (min: number, max: number) => number
  /** One element of a non-empty array. */
  readonly pick: <A>(items: ReadonlyArray<A>) => A
  /** True with the given probability (0..1). */
  readonly chance: (probability: number) => boolean
}

/** Makes a mulberry32 generator from a 32-bit seed. */
export const makeRandom = (seed: number): Random => {
  let state = seed >>> 0
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1))
  const pick = <A>(items: ReadonlyArray<A>): A => items[Math.floor(next() * items.length)] as A
  const chance = (probability: number): boolean => probability >= 1 || (probability > 0 && next() < probability)
  return { next, int, pick, chance }
}

/** Derives an independent seed for a named stream (seeding, faults) from the main seed. */
export const deriveSeed = (seed: number, stream: string): number => {
  let hash = (seed ^ 0x9e3779b9) >>> 0
  for (let i = 0; i < stream.length; i++) {
    hash = Math.imul(hash ^ stream.charCodeAt(i), 0x01000193) >>> 0
  }
  return hash
}
