/**
 * The Effect 4 edition's supported installs and programs, for the install matrix of
 * `core/testing/installMatrix.ts`.
 *
 * An install is the package with its required peer (`effect`) plus the optional peers it `adds`; a
 * program uses what the peers it `needs` enable. test/package/pack.test.ts runs every program in every
 * install: where the install has the peers the program must work; where one is missing it must fail
 * with the package's own error, which names each missing package and the command that installs it.
 * scripts/install-size.ts measures every install from the registry.
 *
 * A new optional part is one more install and program here (and its peer in package.json and
 * src/internal/peers.ts).
 */
import { fileURLToPath } from "node:url"
import { env } from "../../../core/cli/messages.js"
import { editionPackage, type Install, type Program } from "../../../core/testing/installMatrix.js"

/** The edition's folder. */
export const root = fileURLToPath(new URL("../..", import.meta.url)).replace(/\/$/, "")

/** The edition's package: its package.json and required peers. */
export const edition = editionPackage(root)

/** The supported installs. */
export const installs: ReadonlyArray<Install> = [
  { name: "the bare client", adds: [] },
  { name: "the Node transports, the receiver's server and ym-chats", adds: ["@effect/platform-node"] },
  { name: "the Redis gate, quota store and durable notification queue", adds: ["redis"] }
]

/** The programs: each must work where its peers are installed. */
export const programs: ReadonlyArray<Program> = [
  {
    name: "the bare client",
    needs: [],
    files: ["scripts/smoke-client.mjs"],
    run: (sim) => ({ args: ["smoke-client.mjs", sim.url, String(sim.businessId), sim.apiKey] }),
    works: /"readBack":true/
  },
  {
    name: "the Node transports and the receiver's layerServer",
    needs: ["@effect/platform-node"],
    files: ["test/package/programs/node-transports.mjs"],
    run: () => ({ args: ["node-transports.mjs"] }),
    works: /\{"chats":45,"ping":200\}/
  },
  {
    name: "ym-chats",
    needs: ["@effect/platform-node"],
    files: [],
    run: (sim) => ({
      args: [`node_modules/${edition.manifest.name}/${edition.manifest.bin!["ym-chats"]}`, "list", "--json", "--limit", "3"],
      env: { [env.baseUrl]: sim.url, [env.apiKey]: sim.apiKey, [env.businessId]: String(sim.businessId) }
    }),
    works: /^\{"chatId":\d+.*\n\{"chatId":\d+.*\n\{"chatId":\d+.*\n$/
  },
  {
    name: "the Redis gate, quota store and durable notification queue",
    needs: ["redis"],
    files: ["test/package/programs/redis.mjs"],
    run: (sim) => ({ args: ["redis.mjs", sim.url, String(sim.businessId), sim.apiKey, sim.redisUrl ?? ""] }),
    works: /\{"calls":12,"inFlight":[1-4],"redisKeys":true,"durable":true\}/,
    redis: true
  }
]
