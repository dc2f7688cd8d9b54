// Pack the package as npm would publish it, install the tarball into a scratch project in a temp
// dir, and use it as a consumer would: import both entries from ESM and from CommonJS (one real
// call against the fake tenant from each), type-check a consumer under NodeNext with skipLibCheck
// off, and check what the tarball holds. Needs `npm run build` first.
//
// Offline by design: the tarball has no dependencies of its own, so `npm install --offline` of the
// tarball alone needs nothing from the registry; the peers (effect, @effect/platform) and the type
// checker are linked from this project's node_modules, which `npm ci` has filled.
import { execFileSync } from "node:child_process"
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"

const root = new URL("..", import.meta.url).pathname
const fixtures = join(root, "scripts/pack-test")
const npm = process.platform === "win32" ? "npm.cmd" : "npm"
const started = Date.now()
const step = (name) => console.log(`pack-test: ${name} (${((Date.now() - started) / 1000).toFixed(1)}s)`)
const fail = (message) => {
  console.error(`pack-test: FAILED: ${message}`)
  process.exit(1)
}
const run = (command, args, cwd, extra = {}) => {
  try {
    return execFileSync(command, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], ...extra })
  } catch (error) {
    fail(`${command} ${args.join(" ")}\n${error.stdout ?? ""}${error.stderr ?? ""}`)
  }
}

const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"))
for (const file of ["dist/esm/index.js", "dist/cjs/index.js", "dist/cjs/package.json"]) {
  if (!existsSync(join(root, file))) fail(`${file} is missing: run \`npm run build\` first`)
}

const scratch = mkdtempSync(join(tmpdir(), "effect-auth0-pack-"))
const keep = process.env.PACK_TEST_KEEP === "1"
try {
  // 1. The tarball and what it holds.
  const packed = JSON.parse(
    run(npm, ["pack", "--json", "--ignore-scripts", "--pack-destination", scratch], root, {
      env: { ...process.env, npm_config_loglevel: "error" }
    })
  )[0]
  const tarball = join(scratch, packed.filename)
  const files = new Set(packed.files.map((file) => file.path))
  step(`packed ${packed.filename}: ${files.size} files, ${(packed.size / 1024).toFixed(0)} kB`)
  const required = ["LICENSE", "README.md", "package.json", "dist/cjs/package.json"]
  for (const entry of ["", "testing/"]) {
    for (const format of ["esm", "cjs"]) {
      required.push(`dist/${format}/${entry}index.js`, `dist/${format}/${entry}index.d.ts`)
    }
  }
  for (const file of required) if (!files.has(file)) fail(`the tarball lacks ${file}`)
  const unwanted = [...files].filter(
    (file) =>
      /(^|\/)(test|tests|bench|examples|doc-examples|scripts|node_modules|coverage)\//.test(file) ||
      /\.test\.[cm]?[jt]s$/.test(file) ||
      /^(\.ci|\.git)/.test(file)
  )
  if (unwanted.length > 0) fail(`the tarball holds what it should not: ${unwanted.slice(0, 5).join(", ")}`)
  // Every target of the exports map is in the tarball.
  const targets = (value) =>
    typeof value === "string" ? [value] : Object.values(value ?? {}).flatMap((inner) => targets(inner))
  for (const target of targets(manifest.exports)) {
    if (!files.has(target.replace(/^\.\//, ""))) fail(`the exports map names ${target}, which the tarball lacks`)
  }

  // 2. Install it into a scratch project, offline.
  const consumer = join(scratch, "consumer")
  mkdirSync(consumer)
  writeFileSync(join(consumer, "package.json"), JSON.stringify({ name: "consumer", private: true }) + "\n")
  run(
    npm,
    [
      "install",
      "--offline",
      "--ignore-scripts",
      "--legacy-peer-deps",
      "--no-audit",
      "--no-fund",
      "--no-package-lock",
      "--loglevel=error",
      tarball
    ],
    consumer
  )
  const installed = join(consumer, "node_modules/effect-auth0/package.json")
  if (!existsSync(installed)) fail("npm install did not install effect-auth0")
  const require = createRequire(join(root, "package.json"))
  const link = (name) => {
    const target = dirname(require.resolve(`${name}/package.json`))
    const at = join(consumer, "node_modules", name)
    mkdirSync(dirname(at), { recursive: true })
    symlinkSync(target, at, "dir")
  }
  for (const name of [...Object.keys(manifest.peerDependencies), "@types/node"]) link(name)
  step("installed the tarball offline; peers linked from this project")

  // 3. Import it from ESM and from CommonJS, each with a call against the fake tenant.
  for (const file of ["esm.mjs", "cjs.cjs", "consumer.mts", "consumer.cts", "consumer-node10.ts"]) {
    writeFileSync(join(consumer, file), readFileSync(join(fixtures, file)))
  }
  console.log(run(process.execPath, ["esm.mjs"], consumer).trim())
  console.log(run(process.execPath, ["--no-experimental-require-module", "cjs.cjs"], consumer).trim())
  step("imported from ESM and CommonJS")

  // 4. Type-check a consumer of both entries, as ESM and as CommonJS, with the libraries' own
  //    declarations checked too.
  writeFileSync(
    join(consumer, "tsconfig.json"),
    JSON.stringify(
      {
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          lib: ["ES2022"],
          types: ["node"],
          strict: true,
          exactOptionalPropertyTypes: true,
          skipLibCheck: false,
          noEmit: true
        },
        files: ["consumer.mts", "consumer.cts"]
      },
      null,
      2
    )
  )
  run(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.json"], consumer)
  step("type-checked consumer.mts and consumer.cts (NodeNext, skipLibCheck: false)")

  // 5. A consumer on the older resolution, which reads "types" and typesVersions instead of the
  //    exports map; only the resolution is in question here, so the libraries are not checked again.
  writeFileSync(
    join(consumer, "tsconfig.node10.json"),
    JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        module: "CommonJS",
        moduleResolution: "Node10",
        lib: ["ES2022"],
        types: ["node"],
        strict: true,
        skipLibCheck: true,
        noEmit: true
      },
      files: ["consumer-node10.ts"]
    })
  )
  run(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.node10.json"], consumer)
  step("type-checked consumer-node10.ts (moduleResolution node10)")
  console.log("pack-test: ok")
} finally {
  if (keep) console.log(`pack-test: kept ${scratch}`)
  else rmSync(scratch, { recursive: true, force: true })
}
