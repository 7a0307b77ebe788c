// `npm run bench` at the repository's root: runs `bench/main.ts` (both editions side by side) under the
// Effect 4 edition's tsx; each section script then runs in a fresh process under its own edition's tsx.
// Options: see `bench/main.ts` (`--quick`, `--only SECTIONS`, `--editions 3,4`, `--save`, `--json FILE`, `--skip-check`).
import { createRequire } from "node:module"

const require = createRequire(new URL("../effect4/package.json", import.meta.url))
const { register } = require(require.resolve("tsx/esm/api"))
register()
await import("./main.ts")
