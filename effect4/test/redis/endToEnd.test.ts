/**
 * The durable notification queue end to end over real processes (the simulator, a splitter, two
 * receivers and consumers killed three times): the shared case of `core/testing/endToEndCases.ts`,
 * run with this edition's programs.
 */
import { afterAll, afterEach, beforeAll, describe, it } from "vitest"
import { endToEndSuite } from "../../../core/testing/endToEndCases.js"
import { programs } from "./programs.js"
import { redisAvailable } from "./server.js"

const available = redisAvailable("test/redis/endToEnd")
const suite = endToEndSuite(programs)

describe.skipIf(!available)("durable notifications end to end", () => {
  beforeAll(suite.setUp, 60_000)
  afterEach(suite.cleanUp, 30_000)
  afterAll(suite.tearDown, 30_000)
  for (const c of suite.cases) it(c.name, c.run, c.timeout)
})
