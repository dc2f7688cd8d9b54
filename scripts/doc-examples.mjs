// Extract every ```ts block from the JSDoc in src/ and from README.md into
// doc-examples/, so `npm run check` type-checks them as a user would write
// them (importing "effect-auth0" and "effect-auth0/testing").
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs"
import { join, relative } from "node:path"

const root = new URL("..", import.meta.url).pathname
const out = join(root, "doc-examples")
rmSync(out, { recursive: true, force: true })
mkdirSync(out)

const files = (dir) =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? files(path) : path.endsWith(".ts") ? [path] : []
  })

let count = 0
const emit = (source, code) => {
  count++
  const name = `${relative(root, source).replace(/[/.]/g, "_")}_${count}.ts`
  writeFileSync(join(out, name), `// from ${relative(root, source)}\n${code}\nexport {}\n`)
}

for (const file of files(join(root, "src"))) {
  const text = readFileSync(file, "utf8")
  for (const match of text.matchAll(/^\s*\* ```ts\n([\s\S]*?)^\s*\* ```/gm)) {
    emit(file, match[1].split("\n").map((line) => line.replace(/^\s*\* ?/, "")).join("\n"))
  }
}
const readme = join(root, "README.md")
for (const match of readFileSync(readme, "utf8").matchAll(/^```ts\n([\s\S]*?)^```/gm)) emit(readme, match[1])
console.log(`${count} examples written to doc-examples/`)
