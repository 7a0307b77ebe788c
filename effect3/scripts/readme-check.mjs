// Type-checks every ```ts block of README.md: each block becomes a module under
// .readme-check/ and is compiled against the sources (the package name maps to src/).
import { execFileSync } from "node:child_process"
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const out = join(root, ".readme-check")
const readme = readFileSync(join(root, "..", "README.md"), "utf8")
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1])

rmSync(out, { recursive: true, force: true })
mkdirSync(out, { recursive: true })
blocks.forEach((code, i) => writeFileSync(join(out, `block${String(i + 1).padStart(2, "0")}.ts`), `${code}\nexport {}\n`))
writeFileSync(join(out, "tsconfig.json"), JSON.stringify({
  extends: "../tsconfig.json",
  compilerOptions: {
    rootDir: "../..",
    noUnusedLocals: false,
    paths: {
      "effect-yandex-market-chats": ["../src/index.ts"],
      "effect-yandex-market-chats/simulator": ["../src/Simulator.ts"],
      "effect-yandex-market-chats/notifications": ["../src/ChatsNotifications.ts"],
      "effect-yandex-market-chats/redis": ["../src/Redis.ts"]
    }
  },
  include: ["./*.ts"]
}, null, 2))
try {
  execFileSync(join(root, "node_modules/.bin/tsc"), ["-p", join(out, "tsconfig.json"), "--noEmit"], { stdio: "inherit" })
} catch {
  console.error(`README: a code block does not compile (see .readme-check/)`)
  process.exit(1)
}
console.log(`README: ${blocks.length} TypeScript blocks compile`)
