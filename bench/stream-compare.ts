/**
 * `tsx bench/stream-compare.ts <libA> <libB>`: `Users.stream({})` over the
 * same served fake tenant (5000 users, its own process) with two copies of
 * the library, e.g. this tree's `src/index.ts` and an older commit's
 * (`git archive <commit> | tar -x -C /tmp/old`). Each run is a fresh process
 * that drains the stream once to warm up and then three times timed; the runs
 * alternate between the libraries. Prints users per second, medians and B/A.
 */
import { NodeHttpClient } from "@effect/platform-node"
import { spawn } from "node:child_process"
import * as Path from "node:path"
import { Layer, ManagedRuntime, Redacted, Stream } from "effect"
import { BENCH_DIR, median, type ServerInfo, startServer } from "./lib.js"

const USERS = Number(process.env.COMPARE_USERS ?? 5000)
const RUNS = Number(process.env.COMPARE_RUNS ?? 5)

const child = async (lib: string, server: ServerInfo) => {
  const { Auth0Http, Users } = (await import(lib)) as typeof import("../src/index.js")
  const layer = Auth0Http.layer({
    domain: server.domain,
    baseUrl: server.url,
    clientId: server.clientId,
    clientSecret: Redacted.make(server.clientSecret)
  }).pipe(Layer.provide(NodeHttpClient.layerUndici))
  const runtime = ManagedRuntime.make(layer)
  const drain = () => runtime.runPromise(Stream.runCount(Users.stream({})))
  await drain()
  const rates: Array<number> = []
  for (let i = 0; i < 3; i++) {
    const start = performance.now()
    const count = await drain()
    if (count !== USERS) throw new Error(`${count} users instead of ${USERS}`)
    rates.push(count / ((performance.now() - start) / 1000))
  }
  await runtime.dispose()
  process.stdout.write(`${JSON.stringify(median(rates))}\n`)
}

const run = (lib: string, server: ServerInfo): Promise<number> =>
  new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ["--import", "tsx", Path.join(BENCH_DIR, "stream-compare.ts")], {
      env: { ...process.env, COMPARE_LIB: lib, COMPARE_SERVER: JSON.stringify(server) },
      stdio: ["ignore", "pipe", "inherit"]
    })
    let out = ""
    proc.stdout.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")))
    proc.on("exit", (code) => (code === 0 ? resolve(Number(out.trim())) : reject(new Error(`${lib}: exit ${code}`))))
  })

const main = async () => {
  const [a, b] = process.argv.slice(2).map((lib) => Path.resolve(lib))
  if (a === undefined || b === undefined) throw new Error("usage: stream-compare.ts <libA> <libB>")
  const server = await startServer({ users: USERS, ids: 1, shape: "username" })
  try {
    const rates: Record<string, Array<number>> = { [a]: [], [b]: [] }
    for (let i = 0; i < RUNS; i++) {
      for (const lib of i % 2 === 0 ? [a, b] : [b, a]) rates[lib]!.push(await run(lib, server))
    }
    const ma = median(rates[a]!)
    const mb = median(rates[b]!)
    const show = (xs: ReadonlyArray<number>) => xs.map((x) => Math.round(x)).join(", ")
    process.stdout.write(`A ${a}: ${show(rates[a]!)} users/s, median ${Math.round(ma)}\n`)
    process.stdout.write(`B ${b}: ${show(rates[b]!)} users/s, median ${Math.round(mb)}\n`)
    process.stdout.write(`B/A ${(mb / ma).toFixed(3)}\n`)
  } finally {
    await server.stop()
  }
}

if (process.env.COMPARE_LIB !== undefined) {
  child(process.env.COMPARE_LIB, JSON.parse(process.env.COMPARE_SERVER!) as ServerInfo).catch((error: unknown) => {
    process.stderr.write(`${String(error)}\n`)
    process.exit(1)
  })
} else {
  main().catch((error: unknown) => {
    process.stderr.write(`${String(error)}\n`)
    process.exit(1)
  })
}
