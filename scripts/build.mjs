// Build the ESM (dist/esm) and CommonJS (dist/cjs) outputs with their declarations. The CommonJS
// build exists so that `require("effect-auth0")` works on every Node 20 (require(esm) is unflagged
// only from 20.19) and loads the CommonJS build of `effect` that the caller's own `require("effect")`
// loads, instead of a second copy of Effect in the same process.
import { spawn } from "node:child_process"
import { mkdirSync, rmSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { join } from "node:path"

const root = new URL("..", import.meta.url).pathname
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc")

const compile = (project) =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [tsc, "-p", join(root, project)], { stdio: "inherit" })
    child.on("error", reject)
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`tsc -p ${project} exited with ${code}`))))
  })

rmSync(join(root, "dist"), { recursive: true, force: true })
try {
  await Promise.all([compile("tsconfig.build.json"), compile("tsconfig.build.cjs.json")])
} catch (error) {
  console.error(error.message)
  process.exit(1)
}
// Without this marker the root package.json's "type": "module" would make Node and TypeScript read
// dist/cjs/*.js and *.d.ts as ES modules.
mkdirSync(join(root, "dist/cjs"), { recursive: true })
writeFileSync(join(root, "dist/cjs/package.json"), JSON.stringify({ type: "commonjs" }) + "\n")
