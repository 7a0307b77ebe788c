/**
 * The shared Redis case tables (`core/testing/gateCases.ts`, `durableCases.ts`) run against the
 * Effect 3 edition over a real redis-server: the gate's regression cases (the grace after a restart,
 * a failed waiter's clean-up during the pause after a failure, a short lease under a long one, a wall
 * clock stepped back) and the durable queue's heavier cases. The Effect 4 edition runs the same tables.
 */
import { describe, it } from "vitest"
import { durableCases } from "../../../core/testing/durableCases.js"
import { gateCases } from "../../../core/testing/gateCases.js"
import { durableEdition, gateEdition } from "./editionAdapter.js"
import { redisAvailable } from "./server.js"

const available = redisAvailable("test/redis/cases")

describe.skipIf(!available)("shared cases: the Redis gate", () => {
  for (const { name, run, timeout } of gateCases) it(name, () => run(gateEdition), timeout)
})

describe.skipIf(!available)("shared cases: the durable notification queue", () => {
  for (const { name, run, timeout } of durableCases) it(name, () => run(durableEdition), timeout)
})
