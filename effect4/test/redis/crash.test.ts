/**
 * Processes of the durable notification queue killed with SIGKILL, and Redis stopped or paused under
 * a receiver process: the shared cases of `core/testing/crashCases.ts`, run with this edition's programs.
 */
import { afterAll, afterEach, beforeAll, describe, it } from "vitest"
import { crashSuite } from "../../../core/testing/crashCases.js"
import { programs } from "./programs.js"
import { redisAvailable } from "./server.js"

const available = redisAvailable("test/redis/crash")
const suite = crashSuite(programs)

describe.skipIf(!available)("processes of the durable queue killed with SIGKILL, Redis stopped or paused", () => {
  beforeAll(suite.setUp, 60_000)
  afterEach(suite.cleanUp, 30_000)
  afterAll(suite.tearDown, 30_000)
  for (const c of suite.cases) it(c.name, c.run, c.timeout)
})
