// Type-checks the README's code blocks of one edition: ```ts blocks are the Effect 4 edition's,
// ```ts effect3 blocks the Effect 3 edition's, ```ts both blocks are compiled against each edition. Each block becomes a module under <edition>/.readme-check/
// and is compiled against that edition's sources (the package name maps to its src/).
//   node scripts/readme-check.mjs effect4|effect3
import { execFileSync } from "node:child_process"
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const repository = join(dirname(fileURLToPath(import.meta.url)), "..")
const edition = process.argv[2]
const entries = {
  effect4: { "": "index.ts", "/simulator": "Simulator.ts", "/notifications": "ChatsNotifications.ts", "/redis": "Redis.ts", "/chat": "Chat.ts" },
  effect3: { "": "index.ts", "/simulator": "Simulator.ts", "/notifications": "ChatsNotifications.ts", "/redis": "Redis.ts" }
}
if (!(edition in entries)) {
  console.error(`usage: node scripts/readme-check.mjs ${Object.keys(entries).join("|")}`)
  process.exit(2)
}
const root = join(repository, edition)
const out = join(root, ".readme-check")
const readme = readFileSync(join(repository, "README.md"), "utf8")
const fence = edition === "effect4" ? /```ts(?: both)?\n([\s\S]*?)```/g : /```ts (?:effect3|both)\n([\s\S]*?)```/g
const blocks = [...readme.matchAll(fence)].map((m) => m[1])

rmSync(out, { recursive: true, force: true })
mkdirSync(out, { recursive: true })
blocks.forEach((code, i) => writeFileSync(join(out, `block${String(i + 1).padStart(2, "0")}.ts`), `${code}\nexport {}\n`))
writeFileSync(join(out, "tsconfig.json"), JSON.stringify({
  extends: "../tsconfig.json",
  compilerOptions: {
    rootDir: "../..",
    noUnusedLocals: false,
    paths: Object.fromEntries(Object.entries(entries[edition]).map(([sub, file]) => [`effect-yandex-market-chats${sub}`, [`../src/${file}`]]))
  },
  include: ["./*.ts"]
}, null, 2))
try {
  execFileSync(join(root, "node_modules/.bin/tsc"), ["-p", join(out, "tsconfig.json"), "--noEmit"], { stdio: "inherit" })
} catch {
  console.error(`README: a code block of ${edition} does not compile (see ${edition}/.readme-check/)`)
  process.exit(1)
}
console.log(`README: ${blocks.length} TypeScript blocks of ${edition} compile`)
