/**
 * The helpers of the benchmark scripts: the repository's `bench/lib.ts`, shared by both editions.
 */
export * from "../../bench/lib.js"
