/**
 * Real worker processes of this edition sharing businesses of the simulator through the Redis gate
 * and quota store: the shared cases of `core/testing/processCases.ts`.
 */
import { afterAll, afterEach, beforeAll, describe, it } from "vitest"
import { processSuite } from "../../../core/testing/processCases.js"
import { programs } from "./programs.js"
import { redisAvailable } from "./server.js"

const available = redisAvailable("test/redis/processes")
const suite = processSuite(programs)

describe.skipIf(!available)("worker processes sharing a business through Redis", () => {
  beforeAll(suite.setUp, 60_000)
  afterEach(suite.cleanUp, 30_000)
  afterAll(suite.tearDown, 30_000)
  for (const c of suite.cases) it(c.name, c.run, c.timeout)
})
