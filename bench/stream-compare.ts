/**
 * `tsx bench/stream-compare.ts <libA> <libB>`: `Users.stream({})` over the
 * same served fake tenant (5000 users, its own process) with two copies of
 * the library, e.g. this tree's `src/index.ts` and an older commit's
 * (`git archive <commit> src | tar -x -C bench/results/old`, inside the
 * repository so that its imports of `effect` resolve to this checkout's
 * node_modules). Each run is a fresh process that drains the stream once to
 * warm up and then three times timed; the runs alternate between the
 * libraries. Prints users per second, medians and B/A.
 *
 * `bench/run.ts` runs the same comparison through `compareStreams` when
 * `BENCH_BASELINE` is set.
 */
import { NodeHttpClient } from "@effect/platform-node"
import * as Path from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { Layer, ManagedRuntime, Redacted, Stream } from "effect"
import { median, type ServerInfo, spawnTsx, startServer } from "./lib.js"

export const COMPARE_USERS = Number(process.env.COMPARE_USERS ?? 5000)
export const COMPARE_RUNS = Number(process.env.COMPARE_RUNS ?? 5)
/** Timed drains per process, after one to warm up. */
export const COMPARE_DRAINS = 3

const child = async (lib: string, server: ServerInfo) => {
  const { Auth0Http, Users } = (await import(pathToFileURL(lib).href)) as typeof import("../src/index.js")
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
  for (let i = 0; i < COMPARE_DRAINS; i++) {
    const start = performance.now()
    const count = await drain()
    if (count !== server.users) throw new Error(`${count} users instead of ${server.users}`)
    rates.push(count / ((performance.now() - start) / 1000))
  }
  await runtime.dispose()
  process.stdout.write(`${JSON.stringify(median(rates))}\n`)
}

/** One fresh process draining `Users.stream({})` of `lib`: the median users per second of its timed drains. */
export const runOnce = (lib: string, server: ServerInfo): Promise<number> =>
  new Promise((resolve, reject) => {
    const proc = spawnTsx("stream-compare.ts", { COMPARE_LIB: lib, COMPARE_SERVER: JSON.stringify(server) }, "pipe")
    proc.stdin!.end()
    let out = ""
    proc.stdout!.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")))
    proc.once("error", reject)
    proc.once("exit", (code, signal) =>
      code === 0 ? resolve(Number(out.trim())) : reject(new Error(`${lib}: exit ${code ?? signal}`))
    )
  })

export interface StreamComparison {
  /** Users per second of each run of A and of B; run i of A and run i of B are a pair. */
  readonly a: ReadonlyArray<number>
  readonly b: ReadonlyArray<number>
  readonly medianA: number
  readonly medianB: number
  /** B / A of each pair. */
  readonly ratios: ReadonlyArray<number>
  readonly medianRatio: number
}

/**
 * `runs` pairs over one tenant, alternating which library goes first (A B, B A,
 * A B, ...), so neither always runs on a machine the other just warmed.
 */
export const compareStreams = async (
  a: string,
  b: string,
  server: ServerInfo,
  runs: number = COMPARE_RUNS,
  onRun: (lib: "A" | "B", run: number, rate: number) => void = () => {}
): Promise<StreamComparison> => {
  const rates = { A: [] as Array<number>, B: [] as Array<number> }
  for (let i = 0; i < runs; i++) {
    for (const which of i % 2 === 0 ? (["A", "B"] as const) : (["B", "A"] as const)) {
      const rate = await runOnce(which === "A" ? a : b, server)
      rates[which].push(rate)
      onRun(which, i, rate)
    }
  }
  const ratios = rates.B.map((rb, i) => rb / rates.A[i]!)
  return {
    a: rates.A,
    b: rates.B,
    medianA: median(rates.A),
    medianB: median(rates.B),
    ratios,
    medianRatio: median(ratios)
  }
}

const main = async () => {
  const [a, b] = process.argv.slice(2).map((lib) => Path.resolve(lib))
  if (a === undefined || b === undefined) throw new Error("usage: stream-compare.ts <libA> <libB>")
  const server = await startServer({ users: COMPARE_USERS, ids: 1, shape: "username" })
  try {
    const c = await compareStreams(a, b, server)
    const show = (xs: ReadonlyArray<number>) => xs.map((x) => Math.round(x)).join(", ")
    process.stdout.write(`A ${a}: ${show(c.a)} users/s, median ${Math.round(c.medianA)}\n`)
    process.stdout.write(`B ${b}: ${show(c.b)} users/s, median ${Math.round(c.medianB)}\n`)
    process.stdout.write(
      `B/A per pair ${c.ratios.map((r) => r.toFixed(3)).join(", ")}; median ${c.medianRatio.toFixed(3)}, of medians ${(c.medianB / c.medianA).toFixed(3)}\n`
    )
  } finally {
    await server.stop()
  }
}

const fail = (error: unknown) => {
  process.stderr.write(`${String(error)}\n`)
  process.exit(1)
}

// Imported by bench/run.ts: run nothing. Started as a script: a measuring child, or the comparison.
const isEntry = process.argv[1] !== undefined && Path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)
if (isEntry) {
  if (process.env.COMPARE_LIB !== undefined) {
    child(process.env.COMPARE_LIB, JSON.parse(process.env.COMPARE_SERVER!) as ServerInfo).catch(fail)
  } else {
    main().catch(fail)
  }
}
