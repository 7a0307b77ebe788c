/**
 * The Effect 3 edition's `npm run bench`: the repository's runner (`../bench/main.ts`, which measures
 * both editions side by side with `npm run bench` at the root), for the Effect 3 edition alone.
 *
 *   npm run bench [-- --quick] [-- --only pages,decode,memory,throughput,redis,limit] [-- --save] [-- --json FILE] [-- --skip-check]
 *
 * The output goes to the root's `.bench/latest.md`, and with `--save` to the root's `bench/results/<date>.md`.
 */
import { spawn } from "node:child_process"

const runner = new URL("../../bench/run.mjs", import.meta.url).pathname
const child = spawn(process.execPath, [runner, "--editions", "3", ...process.argv.slice(2)], { stdio: "inherit" })
child.on("exit", (code) => process.exit(code ?? 1))
