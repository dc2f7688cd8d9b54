/**
 * `npm run bench`: effect-auth0 against raw undici and node-auth0 v7, every
 * request over loopback to the fake tenant running in its own process
 * (`bench/server.ts`). Writes BENCHMARKS.md at the repository root.
 *
 * 1. GET /api/v2/users/{id}: latency sequential and at concurrency 16.
 * 2. Users.stream / Users.export: users per second and peak RSS growth.
 * 3. A rate-limited tenant (bucket 10, refill 50/s): 1000 Users.get at concurrency 16.
 * 4. The same bucket shared by four client processes.
 * 5. Buckets per endpoint class, in one and two processes (`bench/buckets.ts`;
 *    `BENCH_ONLY=buckets` runs them alone).
 * 6. A checkpoint stream over one user's sessions at 1,000 to 20,000 (`bench/userLists.ts`;
 *    `BENCH_ONLY=lists`).
 * 7. Users.import of 10,000 and 100,000 users into import jobs (`bench/userImport.ts`;
 *    `BENCH_ONLY=import`).
 *
 * `BENCH_BASELINE=<git rev>` also measures `Users.stream` of that revision's
 * `src/` against this tree's (`bench/stream-compare.ts`) and adds the figures
 * to section 2. `BENCH_ONLY=stream-compare` (with `BENCH_BASELINE`) runs that
 * comparison alone and prints it; BENCHMARKS.md is left as it is.
 */
import { NodeHttpClient } from "@effect/platform-node"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { Effect, ManagedRuntime } from "effect"
import { execFileSync } from "node:child_process"
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import * as Prettier from "prettier"
import { Users } from "../src/index.js"
import {
  effectRuntime,
  errorText,
  fetchToken,
  killChildren,
  medianStats,
  nodeAuth0Client,
  optionalOperation,
  pool,
  rawFetchGet,
  rawUndiciGet,
  BENCH_DIR,
  ROOT,
  runWorkers,
  type RunningServer,
  type ServerInfo,
  sleep,
  type Stats,
  stats,
  startServer,
  userPath
} from "./lib.js"
import { bucketsBudgetMs, bucketsMarkdown, type BucketsResult, scenarioBuckets } from "./buckets.js"
import { type ListRow, scenarioUserLists, userListsMarkdown } from "./userLists.js"
import { type ImportRow, importMismatches, scenarioUserImport, userImportMarkdown } from "./userImport.js"
import { COMPARE_DRAINS, COMPARE_RUNS, COMPARE_USERS, compareStreams, type StreamComparison } from "./stream-compare.js"
import type { BurstResult, Job, MemoryResult } from "./worker.js"

const GET_REQUESTS = 2000
const WARMUP = 200
const ROUNDS = 3
const CONCURRENCY = 16
const BURST = { burst: 10, perSecond: 50 }
const BURST_OPERATIONS = 1000
const DEADLINE_MS = 10 * 60_000

const log = (text: string) => process.stdout.write(`${text}\n`)

// ---------------------------------------------------------------------------
// 1. GET /users/{id}

type BatchRunner = (ids: ReadonlyArray<string>, concurrency: number, latencies: Array<number>) => Promise<void>

interface Contender {
  readonly name: string
  readonly note: string
  readonly run: BatchRunner
  readonly close: () => Promise<void>
}

const promiseRunner =
  (get: (id: string) => Promise<unknown>): BatchRunner =>
  (ids, concurrency, latencies) =>
    pool(ids, concurrency, async (id) => {
      const t0 = performance.now()
      await get(id)
      latencies.push(performance.now() - t0)
    })

const makeContenders = async (server: ServerInfo): Promise<ReadonlyArray<Contender>> => {
  const runtime = effectRuntime(server, { retry: false })
  const token = await fetchToken(server)
  const auth0 = nodeAuth0Client(server, { maxRetries: 0 })
  const platform = ManagedRuntime.make(NodeHttpClient.layerUndici)
  const timed = <A, E, R>(effect: Effect.Effect<A, E, R>, latencies: Array<number>) =>
    Effect.suspend(() => {
      const t0 = performance.now()
      return Effect.map(effect, () => {
        latencies.push(performance.now() - t0)
      })
    })
  return [
    {
      name: "effect-auth0",
      note: "`Users.get(id)`, `Auth0Http.layer({ retry: false })` over `NodeHttpClient.layerUndici`, one `ManagedRuntime`",
      run: (ids, concurrency, latencies) =>
        runtime.runPromise(
          Effect.forEach(ids, (id) => timed(Users.get(id), latencies), { concurrency, discard: true })
        ),
      close: () => runtime.dispose()
    },
    {
      name: "effect HttpClient",
      note: "reference: `HttpClient.execute` + `response.json` over the same `NodeHttpClient.layerUndici`, no effect-auth0 (no decoding, span, timeout or pacing)",
      run: (ids, concurrency, latencies) =>
        platform.runPromise(
          Effect.flatMap(HttpClient.HttpClient, (client) =>
            Effect.forEach(
              ids,
              (id) =>
                timed(
                  client
                    .execute(
                      HttpClientRequest.bearerToken(HttpClientRequest.get(`${server.url}${userPath(id)}`), token)
                    )
                    .pipe(
                      Effect.flatMap((response) =>
                        response.status === 200
                          ? response.json
                          : Effect.fail(new Error(`GET user answered ${response.status}`))
                      )
                    ),
                  latencies
                ),
              { concurrency, discard: true }
            )
          )
        ),
      close: () => platform.dispose()
    },
    {
      name: "raw undici",
      note: "`undici.request(url, { headers: { authorization } })` + `body.json()`, token fetched once",
      run: promiseRunner(rawUndiciGet(server, token)),
      close: async () => {}
    },
    {
      name: "raw fetch",
      note: "Node's global `fetch` + `response.json()` (reference: what node-auth0 sends through)",
      run: promiseRunner(rawFetchGet(server, token)),
      close: async () => {}
    },
    {
      name: "node-auth0",
      note: "`auth0@7` `client.users.get(id)`, `maxRetries: 0`, `fetch` rewriting `https://{domain}` to loopback",
      run: promiseRunner((id) => auth0.users.get(id)),
      close: async () => {}
    }
  ]
}

interface GetRow {
  readonly contender: string
  readonly concurrency: number
  readonly stats: Stats
}

const scenarioGet = async (): Promise<{ rows: ReadonlyArray<GetRow>; notes: ReadonlyArray<string> }> => {
  log(`\n[1] GET /users/{id}: ${GET_REQUESTS} requests, sequential and at concurrency ${CONCURRENCY}, ${ROUNDS} rounds`)
  const server = await startServer({ users: GET_REQUESTS, ids: GET_REQUESTS })
  try {
    const contenders = await makeContenders(server)
    const ids = server.userIds
    // Every contender must get the user, or the comparison means nothing.
    for (const c of contenders) {
      const seen: Array<number> = []
      await c.run([ids[0]!], 1, seen)
      if (seen.length !== 1) throw new Error(`${c.name}: the probe request did not complete`)
    }
    const runs = new Map<string, Array<Stats>>()
    for (let round = 0; round < ROUNDS; round++) {
      // Rotate the order each round, so no contender always runs first or right after another.
      const order = contenders.map((_, i) => contenders[(i + round) % contenders.length]!)
      for (const c of order) {
        for (const concurrency of [1, CONCURRENCY]) {
          await c.run(ids.slice(0, WARMUP), concurrency, [])
          const latencies: Array<number> = []
          const cpu = process.cpuUsage()
          const t0 = performance.now()
          await c.run(ids, concurrency, latencies)
          const s = stats(latencies, performance.now() - t0, process.cpuUsage(cpu))
          const key = `${c.name}@${concurrency}`
          runs.set(key, [...(runs.get(key) ?? []), s])
          log(
            `  round ${round + 1} ${c.name.padEnd(13)} c=${String(concurrency).padEnd(2)} mean ${s.meanMs.toFixed(3)} ms  p50 ${s.p50Ms.toFixed(3)}  p99 ${s.p99Ms.toFixed(3)}  ${s.perSecond.toFixed(0)} req/s  cpu ${s.cpuUs.toFixed(0)} µs/req`
          )
        }
      }
    }
    for (const c of contenders) await c.close()
    const rows: Array<GetRow> = []
    for (const concurrency of [1, CONCURRENCY]) {
      for (const c of contenders) {
        rows.push({ contender: c.name, concurrency, stats: medianStats(runs.get(`${c.name}@${concurrency}`)!) })
      }
    }
    return { rows, notes: contenders.map((c) => `- **${c.name}**: ${c.note}`) }
  } finally {
    await server.stop()
  }
}

// ---------------------------------------------------------------------------
// 2. Users.stream / Users.export

type Consumer = "forEachChunk" | "pull" | "raw" | undefined

/** What a memory case measures, for its row, its log line and the summary. */
const describe = (c: {
  readonly op: "stream" | "export"
  readonly heapCapMb?: number | undefined
  readonly consumer?: Consumer
  readonly warm?: boolean | undefined
}): string =>
  c.consumer === "raw"
    ? "the same export job with undici, `zlib.createGunzip` and `JSON.parse` (no library)"
    : `Users.${c.op}${c.heapCapMb === undefined ? "" : `, \`--max-old-space-size=${c.heapCapMb}\``}${c.consumer === "pull" ? ", drained with `Stream.toPull`" : ""}${c.warm === true ? ", the process's second export" : ""}`

interface MemoryRow {
  readonly op: "stream" | "export"
  readonly tenantUsers: number
  readonly heapCapMb?: number | undefined
  readonly consumer?: Consumer
  readonly warm?: boolean | undefined
  /** The run with the median RSS growth. */
  readonly result: MemoryResult | { readonly error: string }
  /** RSS growth of every run, MB. */
  readonly rssGrowths?: ReadonlyArray<number> | undefined
}

/** Fresh processes per case: one run's peak depends on when V8 happens to collect. */
const MEMORY_RUNS = 3

const rssGrowth = (r: MemoryResult) => (r.peakRss - r.baselineRss) / 1024 / 1024
const heapGrowth = (r: MemoryResult) => (r.peakHeap - r.baselineHeap) / 1024 / 1024

const MEMORY_CASES: ReadonlyArray<{
  readonly op: "stream" | "export"
  readonly users: number
  readonly params: Readonly<Record<string, unknown>>
  /** Run the process with V8's old space capped: it crashes if memory grows with the users. */
  readonly heapCapMb?: number | undefined
  readonly consumer?: Consumer
  /** Drain the same stream once first in the same process, as a service that exports more than once does. */
  readonly warm?: boolean | undefined
}> = [
  { op: "stream", users: 5_000, params: {} },
  { op: "stream", users: 10_000, params: {} },
  { op: "stream", users: 10_000, params: {}, heapCapMb: 96 },
  { op: "export", users: 10_000, params: {} },
  { op: "export", users: 100_000, params: {} },
  { op: "export", users: 100_000, params: {}, heapCapMb: 96 },
  { op: "export", users: 10_000, params: {}, consumer: "pull" },
  { op: "export", users: 100_000, params: {}, consumer: "pull" },
  { op: "export", users: 10_000, params: {}, warm: true },
  { op: "export", users: 100_000, params: {}, warm: true },
  { op: "export", users: 10_000, params: {}, consumer: "pull", warm: true },
  { op: "export", users: 100_000, params: {}, consumer: "pull", warm: true },
  { op: "export", users: 10_000, params: {}, consumer: "raw" },
  { op: "export", users: 100_000, params: {}, consumer: "raw" }
]

const heapCapArgs = (mb: number | undefined): ReadonlyArray<string> =>
  mb === undefined ? [] : [`--max-old-space-size=${mb}`, "--max-semi-space-size=2"]

const scenarioMemory = async (): Promise<ReadonlyArray<MemoryRow>> => {
  log(`\n[2] Users.stream / Users.export: users per second and peak RSS growth, one process per run`)
  const rows: Array<MemoryRow> = []
  // One tenant per size, shared by the runs over it.
  const servers = new Map<number, Promise<RunningServer>>()
  const serverFor = (users: number) => {
    const existing = servers.get(users)
    if (existing !== undefined) return existing
    const started = startServer({ users, ids: 1, shape: "username" })
    servers.set(users, started)
    return started
  }
  try {
    for (const c of MEMORY_CASES) {
      const name = `${describe(c)}, ${c.users} users`
      const row = { op: c.op, tenantUsers: c.users, heapCapMb: c.heapCapMb, consumer: c.consumer, warm: c.warm }
      if (c.consumer !== "raw" && optionalOperation(c.op) === undefined) {
        log(`  ${name}: not available yet`)
        rows.push({ ...row, result: { error: "not available yet" } })
        continue
      }
      try {
        const server = await serverFor(c.users)
        const runs: Array<MemoryResult> = []
        for (let run = 0; run < MEMORY_RUNS; run++) {
          const [result] = await runWorkers<MemoryResult>(
            [{ kind: "memory", op: c.op, server, params: c.params, consumer: c.consumer, warm: c.warm }],
            undefined,
            // --expose-gc: the baseline is taken after a full GC, so that garbage from the set-up (or the
            // warm-up export) is not counted as room the measured run may grow into for free.
            ["--expose-gc", ...heapCapArgs(c.heapCapMb)]
          )
          runs.push(result!)
          if (result!.error !== undefined) break
        }
        const failed = runs.find((r) => r.error !== undefined)
        const sorted = [...runs].sort((a, b) => rssGrowth(a) - rssGrowth(b))
        const result = failed ?? sorted[Math.floor(sorted.length / 2)]!
        rows.push({ ...row, result, rssGrowths: runs.map(rssGrowth) })
        log(
          `  ${name}: ${result.error ?? `${result.users} users in ${(result.elapsedMs / 1000).toFixed(2)} s, peak RSS +${runs.map((r) => mb(r.peakRss - r.baselineRss)).join(" / ")} MB, heap +${runs.map((r) => mb(r.peakHeap - r.baselineHeap)).join(" / ")} MB`}`
        )
      } catch (error) {
        rows.push({ ...row, result: { error: errorText(error) } })
        log(`  ${name}: ${errorText(error)}`)
      }
    }
  } finally {
    for (const server of servers.values())
      await server.then(
        (s) => s.stop(),
        () => {}
      )
  }
  return rows
}

// ---------------------------------------------------------------------------
// 2, before and after: Users.stream of a baseline revision against this tree's

interface Baseline {
  /** As given in BENCH_BASELINE. */
  readonly rev: string
  /** Its abbreviated commit hash. */
  readonly commit: string
}

interface StreamCompareResult extends StreamComparison {
  readonly baseline: Baseline
}

const git = (args: ReadonlyArray<string>, input?: Buffer): Buffer =>
  execFileSync("git", args, { cwd: ROOT, maxBuffer: 1024 ** 3, ...(input === undefined ? {} : { input }) })

const baselineFromEnv = (): Baseline | undefined => {
  const rev = process.env.BENCH_BASELINE?.trim()
  if (rev === undefined || rev === "") return undefined
  const commit = git(["rev-parse", "--short", "--verify", "--end-of-options", `${rev}^{commit}`])
    .toString("utf8")
    .trim()
  return { rev, commit }
}

/**
 * Extract the baseline's `src/` under bench/results/ (git-ignored), inside the
 * repository, so that its imports of `effect` and `@effect/platform` resolve
 * to this checkout's node_modules, then drain `Users.stream({})` with the old
 * copy (A) and this tree's (B) in alternating fresh processes over one tenant.
 */
const scenarioStreamCompare = async (baseline: Baseline): Promise<StreamCompareResult> => {
  log(
    `\n[2, before and after] Users.stream({}) of ${baseline.rev} (${baseline.commit}) and of this tree, ${COMPARE_USERS} users, ${COMPARE_RUNS} pairs of runs`
  )
  const dir = Path.join(BENCH_DIR, "results", `baseline-${baseline.commit}`)
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  try {
    execFileSync("tar", ["-x", "-C", dir], { input: git(["archive", "--format=tar", baseline.commit, "src"]) })
    const old = Path.join(dir, "src", "index.ts")
    const current = Path.join(ROOT, "src", "index.ts")
    const server = await startServer({ users: COMPARE_USERS, ids: 1, shape: "username" })
    try {
      const result = await compareStreams(old, current, server, COMPARE_RUNS, (lib, run, rate) =>
        log(
          `  pair ${run + 1} ${lib === "A" ? `${baseline.commit} (before)` : "this tree (after)"}: ${rate.toFixed(0)} users/s`
        )
      )
      log(
        `  before ${result.medianA.toFixed(0)} users/s, after ${result.medianB.toFixed(0)} users/s; after / before per pair ${result.ratios.map((r) => r.toFixed(3)).join(", ")}, median ${result.medianRatio.toFixed(3)}`
      )
      return { ...result, baseline }
    } finally {
      await server.stop()
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

// ---------------------------------------------------------------------------
// 3 and 4. The rate-limited tenant

interface BurstRow {
  readonly contender: string
  readonly processes: number
  readonly wallMs: number
  readonly operations: number
  readonly failed: number
  readonly failures: Readonly<Record<string, number>>
  readonly responses: number
  readonly tooMany: number
}

interface BurstContender {
  readonly label: string
  readonly contender: "effect-auth0" | "node-auth0"
  readonly extra?: Readonly<Record<string, unknown>> | undefined
}

const BURST_CONTENDERS: ReadonlyArray<BurstContender> = [
  { label: "effect-auth0", contender: "effect-auth0" },
  { label: "effect-auth0, `pacing: false`", contender: "effect-auth0", extra: { pacing: false } },
  { label: "node-auth0", contender: "node-auth0" }
]

/**
 * Every contender gets its own tenant (its own bucket) and all of them run at
 * the same time: at 50 requests per second the clients are mostly idle, so
 * they barely compete for the CPU, and the scenario takes as long as the
 * slowest contender instead of the sum.
 */
const scenarioBurst = async (processes: number): Promise<ReadonlyArray<BurstRow>> => {
  log(
    `\n[${processes === 1 ? 3 : 4}] bucket ${BURST.burst} / ${BURST.perSecond} per second: ${BURST_OPERATIONS} Users.get at concurrency ${CONCURRENCY}, ${processes} process(es) per contender`
  )
  const perProcess = BURST_OPERATIONS / processes
  return Promise.all(
    BURST_CONTENDERS.map(async ({ contender, extra, label }): Promise<BurstRow> => {
      const server = await startServer({ users: BURST_OPERATIONS, ids: BURST_OPERATIONS, rateLimit: BURST })
      try {
        const jobs: Array<Job> = Array.from({ length: processes }, (_, p) => ({
          kind: "burst",
          contender,
          server,
          ids: server.userIds.slice(p * perProcess, (p + 1) * perProcess),
          concurrency: CONCURRENCY,
          extra
        }))
        // Each worker's first request (token, connection) takes from the bucket: let it fill up again.
        const results = await runWorkers<BurstResult>(jobs, () => sleep(1000))
        const wallMs = Math.max(...results.map((r) => r.endedAt)) - Math.min(...results.map((r) => r.startedAt))
        const failures: Record<string, number> = {}
        for (const r of results) for (const [k, v] of Object.entries(r.failures)) failures[k] = (failures[k] ?? 0) + v
        const row: BurstRow = {
          contender: label,
          processes,
          wallMs,
          operations: results.reduce((a, r) => a + r.operations, 0),
          failed: results.reduce((a, r) => a + r.failed, 0),
          failures,
          responses: results.reduce((a, r) => a + r.responses, 0),
          tooMany: results.reduce((a, r) => a + r.tooMany, 0)
        }
        log(
          `  ${label.padEnd(29)} ${(wallMs / 1000).toFixed(2)} s (min ${(theoreticalMs() / 1000).toFixed(1)} s), ${row.tooMany} × 429 of ${row.responses} answers, ${row.failed} failed ${JSON.stringify(failures)}`
        )
        return row
      } finally {
        await server.stop()
      }
    })
  )
}

const theoreticalMs = () => ((BURST_OPERATIONS - BURST.burst) / BURST.perSecond) * 1000

// ---------------------------------------------------------------------------
// BENCHMARKS.md

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1)
const ms = (n: number) => n.toFixed(3)
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`

const version = (pkg: string): string => {
  try {
    return (
      JSON.parse(readFileSync(Path.join(ROOT, "node_modules", pkg, "package.json"), "utf8")) as { version: string }
    ).version
  } catch {
    return "?"
  }
}

/** The commit measured, and whether src/ had uncommitted changes. */
const revision = (): string => {
  try {
    const git = (...args: Array<string>) => execFileSync("git", args, { cwd: ROOT, encoding: "utf8" }).trim()
    const dirty = git("status", "--porcelain", "--", "src") !== ""
    return `commit ${git("rev-parse", "--short", "HEAD")}${dirty ? " with uncommitted changes in src/" : ""}`
  } catch {
    return "unknown (not a git checkout)"
  }
}

const markdown = (
  get: Awaited<ReturnType<typeof scenarioGet>>,
  memory: ReadonlyArray<MemoryRow>,
  burst: ReadonlyArray<BurstRow>,
  multi: ReadonlyArray<BurstRow>,
  compare: StreamCompareResult | undefined,
  buckets: BucketsResult,
  lists: ReadonlyArray<ListRow>,
  imports: ReadonlyArray<ImportRow>,
  totalMs: number
): string => {
  const cpus = Os.cpus()
  const lines: Array<string> = []
  const push = (...l: Array<string>) => lines.push(...l)
  push(
    "# Benchmarks",
    "",
    "effect-auth0 next to the two obvious alternatives: raw `undici` (the floor: no client library at all) and",
    "the official `auth0` SDK (node-auth0 v7). Every request goes over loopback to the fake tenant of",
    "`effect-auth0/testing`, served by `node:http` in a separate process (`bench/server.ts`), so the server does",
    "not share an event loop with the client being measured. Nothing reaches the internet.",
    "",
    "The figures are a property of the client on top of a fast, local server: on a real tenant the network",
    "and Auth0 itself add tens of milliseconds to every request and the differences below shrink accordingly.",
    "",
    "Generated by `bench/run.ts`; do not edit by hand.",
    "",
    "## Machine",
    "",
    `- CPU: ${cpus[0]?.model ?? "?"}, ${cpus.length} cores`,
    `- Memory: ${(Os.totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    `- OS: ${Os.type()} ${Os.release()} (${Os.arch()})`,
    `- Node ${process.version} (bundled undici ${process.versions.undici ?? "?"}, used by global \`fetch\`)`,
    `- effect ${version("effect")}, @effect/platform ${version("@effect/platform")}, @effect/platform-node ${version("@effect/platform-node")}, undici ${version("undici")}, auth0 ${version("auth0")}`,
    `- Code: ${revision()}`,
    `- Date: ${new Date().toISOString().slice(0, 10)}; whole run ${(totalMs / 1000).toFixed(0)} s`,
    "",
    "## Command",
    "",
    "```sh",
    "npm run bench   # tsx bench/run.ts",
    "BENCH_BASELINE=<git rev> npm run bench   # also Users.stream of <git rev>'s src/ against this tree's (section 2)",
    "BENCH_ONLY=buckets npm run bench   # section 5 alone, printed; BENCH_ROUNDS, BENCH_NODE_ROUNDS, BENCH_CONTENDERS=effect-auth0",
    "BENCH_ONLY=lists npm run bench   # section 6 alone, printed",
    "BENCH_ONLY=import npm run bench   # section 7 alone, printed",
    "```",
    "",
    `## 1. \`GET /api/v2/users/{id}\`: ${GET_REQUESTS} requests`,
    "",
    `Sequential (concurrency 1) and at concurrency ${CONCURRENCY}, against a tenant of ${GET_REQUESTS} users (about 500`,
    `bytes of JSON each). Each contender is built once and warmed up with ${WARMUP} requests before every`,
    `measurement; the ${ROUNDS} rounds rotate the order of the contenders, and each figure is the median over the`,
    `rounds. Latency is per request, from the call to the decoded user; req/s is ${GET_REQUESTS} over the wall time.`,
    "",
    ...get.notes,
    "",
    "Client CPU is `process.cpuUsage()` of the benchmark process over the batch, per request (the server runs",
    "elsewhere). `node --import tsx bench/breakdown.ts` splits effect-auth0's CPU per request into its layers;",
    "`bench/profile.ts` runs one contender alone under `node --cpu-prof`.",
    "",
    "| contender | concurrency | mean ms | p50 ms | p99 ms | req/s | client CPU µs/req | mean / raw undici | p50 / raw undici | p99 / raw undici | CPU / raw undici |",
    "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
  )
  for (const row of get.rows) {
    const raw = get.rows.find((r) => r.contender === "raw undici" && r.concurrency === row.concurrency)!.stats
    const s = row.stats
    push(
      `| ${row.contender} | ${row.concurrency} | ${ms(s.meanMs)} | ${ms(s.p50Ms)} | ${ms(s.p99Ms)} | ${s.perSecond.toFixed(0)} | ${s.cpuUs.toFixed(0)} | ${ratio(s.meanMs, raw.meanMs)} | ${ratio(s.p50Ms, raw.p50Ms)} | ${ratio(s.p99Ms, raw.p99Ms)} | ${ratio(s.cpuUs, raw.cpuUs)} |`
    )
  }
  push(
    "",
    "## 2. `Users.stream` and `Users.export`: throughput and memory",
    "",
    "`Users.stream({})` lists every user of the tenant past Auth0's 1000-result cap (keyset pages of 100,",
    "each page 0 of `created_at` at or past the last one seen); `Users.export({})` creates an export job, polls it on the library's default",
    "schedule (from 500 ms, doubling; the fake answers `pending` once, then `completed`) and streams the gzipped NDJSON file. Each run",
    "is a fresh process that drains the stream while sampling `process.memoryUsage().rss` every 50 ms; RSS",
    "growth is the peak minus the RSS after the layer was built, one request made and a full GC. Each case runs",
    `${MEMORY_RUNS} times; the row is the run with the median RSS growth, and the last column has every run's. These tenants are`,
    "seeded by `username` rather than `email` (see `bench/server.ts`: seeding by email checks uniqueness with",
    "a scan over every user, quadratic at 100,000). V8 grows its heap lazily while allocation is high, so the",
    "peak RSS of an uncapped process says little about what the stream retains; the rows run with",
    "`--max-old-space-size=96 --max-semi-space-size=2` show it: a process that kept the users would crash there.",
    "Part of the growth is how Effect runs a stream. Drained with `Stream.runForEachChunk` (or any sink), each chunk",
    "goes to the sink through `Channel.fromEffect`, which stores `op.effect = () => effect`. While that function runs",
    "unoptimized, V8 allocates a function literal assigned to a property straight into the old space; the dead closure",
    "still points at the chunk, so the chunk survives scavenges until the next full GC and is promoted, and V8 then",
    "pretenures the chunk's own objects too (Effect's array-backed `Chunk` node among them), a decision that outlives",
    'the warm-up: the rows marked "the process\'s second export" drain the same export once before the baseline, as a',
    "service that exports more than once does. `node --import tsx bench/retention.ts` shows the mechanism on a toy",
    "stream with no effect-auth0 code: old space +49 to +62 MB with the sink, +5 to +7 MB after 20,000 warm-up calls",
    "of `Channel.fromEffect`, +4 to +5 MB with a `Stream.toPull` loop. The rows drained with `Stream.toPull` measure",
    "the export without it. The last rows run the same export job with no library and no Effect (undici,",
    "`zlib.createGunzip`, lines split by hand, `JSON.parse`): the floor, how much V8 grows its heap for this much",
    "allocation.",
    "",
    "| operation | tenant users | users received | first user after s | total s | users/s | peak RSS growth MB | peak heap growth MB | RSS growth of each run MB |",
    "|---|--:|--:|--:|--:|--:|--:|--:|--:|"
  )
  for (const row of memory) {
    const r = row.result
    const op = describe(row)
    if ("kind" in r && r.available && r.error === undefined) {
      push(
        `| ${op} | ${row.tenantUsers} | ${r.users} | ${(r.firstMs / 1000).toFixed(2)} | ${(r.elapsedMs / 1000).toFixed(2)} | ${((r.users / r.elapsedMs) * 1000).toFixed(0)} | ${mb(r.peakRss - r.baselineRss)} | ${mb(r.peakHeap - r.baselineHeap)} | ${(row.rssGrowths ?? []).map((g) => g.toFixed(1)).join(", ")} |`
      )
    } else {
      const why = "kind" in r ? (r.available ? `failed: ${r.error ?? ""}` : "not available yet") : r.error
      push(`| ${op} | ${row.tenantUsers} | ${why.replace(/\|/g, "\\|")} | | | | | | |`)
    }
  }
  const exportRun = (users: number, consumer: Consumer, warm: boolean): MemoryResult | undefined => {
    const row = memory.find(
      (m) =>
        m.op === "export" &&
        m.tenantUsers === users &&
        m.heapCapMb === undefined &&
        m.consumer === consumer &&
        (m.warm === true) === warm
    )
    return row !== undefined && "kind" in row.result && row.result.error === undefined ? row.result : undefined
  }
  const summaries = [
    [undefined, false],
    ["pull", false],
    [undefined, true],
    ["pull", true],
    ["raw", false]
  ] as const
  push(
    "",
    "The target: memory grows by less than 20 MB from 10,000 to 100,000 users. Uncapped export rows above, the",
    "median run of each, drained with `Stream.runForEachChunk` unless marked (RSS after a GC keeps pages the heap",
    "then reuses, so a small RSS growth can read as 0; the heap's growth is the steadier of the two):",
    "",
    "| export | RSS growth at 10k / 100k MB | RSS: 100k − 10k | heap growth at 10k / 100k MB | heap: 100k − 10k |",
    "|---|--:|--:|--:|--:|"
  )
  for (const [consumer, warm] of summaries) {
    const [small, large] = [exportRun(10_000, consumer, warm), exportRun(100_000, consumer, warm)]
    if (small === undefined || large === undefined) continue
    push(
      `| ${describe({ op: "export", consumer, warm })}${consumer === "raw" ? " (the floor)" : ""} | ${rssGrowth(small).toFixed(1)} / ${rssGrowth(large).toFixed(1)} | ${(rssGrowth(large) - rssGrowth(small)).toFixed(1)} | ${heapGrowth(small).toFixed(1)} / ${heapGrowth(large).toFixed(1)} | ${(heapGrowth(large) - heapGrowth(small)).toFixed(1)} |`
    )
  }
  if (compare !== undefined) {
    const r = (x: number) => x.toFixed(3)
    const rates = (xs: ReadonlyArray<number>) => xs.map((x) => x.toFixed(0)).join(", ")
    push(
      "",
      `### \`Users.stream\` before and after: ${compare.baseline.commit} against this tree`,
      "",
      `\`BENCH_BASELINE=${compare.baseline.rev}\`: \`Users.stream({})\` of the \`src/\` of ${compare.baseline.commit} (extracted with \`git archive\`,`,
      "run against the same node_modules) and of this tree, over one tenant of",
      `${COMPARE_USERS} users seeded by \`username\` (\`bench/stream-compare.ts\`). Each run is a fresh process that drains the`,
      `stream once to warm up, then ${COMPARE_DRAINS} times timed, and reports the median users per second; ${COMPARE_RUNS} pairs of runs,`,
      "alternating which copy goes first. The ratio is after / before within each pair.",
      "",
      "| baseline | before users/s (median) | after users/s (median) | after / before, median of pairs | after / before, min – max | before, each run | after, each run |",
      "|---|--:|--:|--:|--:|--:|--:|",
      `| ${compare.baseline.rev === compare.baseline.commit ? compare.baseline.commit : `${compare.baseline.rev} (${compare.baseline.commit})`} | ${compare.medianA.toFixed(0)} | ${compare.medianB.toFixed(0)} | ${r(compare.medianRatio)} | ${r(Math.min(...compare.ratios))} – ${r(Math.max(...compare.ratios))} | ${rates(compare.a)} | ${rates(compare.b)} |`
    )
  }
  const burstTable = (rows: ReadonlyArray<BurstRow>) => {
    push(
      "| contender | processes | operations | failed | total s | theoretical min s | total / min | API answers | 429 answers |",
      "|---|--:|--:|--:|--:|--:|--:|--:|--:|"
    )
    for (const r of rows) {
      const causes = Object.entries(r.failures)
        .map(([k, v]) => `${v} ${k}`)
        .join(", ")
      push(
        `| ${r.contender} | ${r.processes} | ${r.operations} | ${r.failed}${causes ? ` (${causes})` : ""} | ${(r.wallMs / 1000).toFixed(2)} | ${(theoreticalMs() / 1000).toFixed(1)} | ${ratio(r.wallMs, theoreticalMs())} | ${r.responses} | ${r.tooMany} |`
      )
    }
  }
  push(
    "",
    `## 3. A rate-limited tenant: bucket of ${BURST.burst}, refilled ${BURST.perSecond} per second`,
    "",
    `${BURST_OPERATIONS} \`Users.get\` at concurrency ${CONCURRENCY} against a tenant whose bucket holds ${BURST.burst} requests and refills`,
    `${BURST.perSecond} per second, answering 429 with \`X-RateLimit-*\` headers and no \`Retry-After\` (as Auth0's Management API`,
    `usually does). No client can finish sooner than (${BURST_OPERATIONS} − ${BURST.burst}) / ${BURST.perSecond} = ${(theoreticalMs() / 1000).toFixed(1)} s. Both`,
    "clients run with their defaults: effect-auth0 paces from the `X-RateLimit-*` headers (`pacing`, on by",
    "default) and retries with `Retry.defaultPolicy` (3 retries, waiting until `X-RateLimit-Reset`); the",
    "`pacing: false` row is that retry policy alone. node-auth0 retries twice, waiting until `X-RateLimit-Reset`.",
    "429 answers are counted client-side: effect-auth0 through `transformClient`, node-auth0 through its `fetch`",
    "option; a failed operation is one that still failed after the client's retries. Each run is a fresh",
    "process that sends one request (token) first, then waits for the bucket to fill. Each contender has a",
    "tenant (and bucket) of its own, and the contenders run at the same time: at 50 requests per second the",
    "clients are mostly idle, so they barely compete for the CPU. Total / min compares only rows without",
    "failures: a client that gives up on requests leaves the bucket to the others and finishes sooner.",
    ""
  )
  burstTable(burst)
  push(
    "",
    "## 4. The same bucket shared by four processes",
    "",
    `Four client processes per contender, ${BURST_OPERATIONS / 4} \`Users.get\` each at concurrency ${CONCURRENCY}, started together against one`,
    `tenant: ${BURST_OPERATIONS} operations in all, so the same ${(theoreticalMs() / 1000).toFixed(1)} s minimum. Each process knows only what the`,
    "headers tell it about the others. Total time is from the first process's start to the last one's end;",
    "429s and failures are summed.",
    ""
  )
  burstTable(multi)
  push("", ...bucketsMarkdown(buckets))
  push("", ...userListsMarkdown(lists))
  push("", ...userImportMarkdown(imports))
  return lines.join("\n")
}

// ---------------------------------------------------------------------------

const main = async () => {
  const started = performance.now()
  // The before/after comparison adds about a minute; section 5 as long as its rounds take.
  const deadlineMs = DEADLINE_MS + (process.env.BENCH_BASELINE?.trim() ? 3 * 60_000 : 0) + bucketsBudgetMs()
  const deadline = setTimeout(() => {
    process.stderr.write(`bench: still running after ${(deadlineMs / 60_000).toFixed(0)} minutes, giving up\n`)
    killChildren()
    process.exit(2)
  }, deadlineMs)
  deadline.unref()

  const baseline = baselineFromEnv()
  if (process.env.BENCH_ONLY === "stream-compare") {
    // The before/after comparison of Users.stream alone; BENCHMARKS.md is left as it is.
    if (baseline === undefined) throw new Error("BENCH_ONLY=stream-compare needs BENCH_BASELINE=<git rev>")
    await scenarioStreamCompare(baseline)
    return
  }
  if (process.env.BENCH_ONLY === "burst") {
    // Scenarios 3 and 4 alone, for tuning the pacer; BENCHMARKS.md is left as it is.
    await scenarioBurst(1)
    await scenarioBurst(4)
    return
  }
  if (process.env.BENCH_ONLY === "buckets") {
    // Section 5 alone, with the text it would add to BENCHMARKS.md; the file is left as it is.
    const buckets = await scenarioBuckets(log)
    log(`\n${bucketsMarkdown(buckets).join("\n")}`)
    return
  }
  if (process.env.BENCH_ONLY === "lists") {
    // Section 6 alone, with the text it would add to BENCHMARKS.md; the file is left as it is.
    log(`\n${userListsMarkdown(await scenarioUserLists(log)).join("\n")}`)
    return
  }
  if (process.env.BENCH_ONLY === "import") {
    // Section 7 alone, with the text it would add to BENCHMARKS.md; the file is left as it is.
    const imports = await scenarioUserImport(log)
    log(`\n${userImportMarkdown(imports).join("\n")}`)
    if (importMismatches(imports).length > 0) throw new Error("Users.import: a summary did not match its users")
    return
  }
  if (process.env.BENCH_ONLY === "memory") {
    // Scenario 2 alone; BENCHMARKS.md is left as it is.
    await scenarioMemory()
    return
  }
  if (process.env.BENCH_ONLY === "get") {
    // Scenario 1 alone, for work on the request path; BENCHMARKS.md is left as it is.
    const only = await scenarioGet()
    for (const row of only.rows) {
      const raw = only.rows.find((r) => r.contender === "raw undici" && r.concurrency === row.concurrency)!.stats
      const s = row.stats
      log(
        `  ${row.contender.padEnd(17)} c=${String(row.concurrency).padEnd(2)} mean ${ms(s.meanMs)} ms (${ratio(s.meanMs, raw.meanMs)})  p50 ${ms(s.p50Ms)} (${ratio(s.p50Ms, raw.p50Ms)})  cpu ${s.cpuUs.toFixed(0)} µs (${ratio(s.cpuUs, raw.cpuUs)})`
      )
    }
    return
  }
  const get = await scenarioGet()
  const memory = await scenarioMemory()
  const compare = baseline === undefined ? undefined : await scenarioStreamCompare(baseline)
  const burst = await scenarioBurst(1)
  const multi = await scenarioBurst(4)
  const buckets = await scenarioBuckets(log)
  const lists = await scenarioUserLists(log)
  const imports = await scenarioUserImport(log)
  const totalMs = performance.now() - started
  const file = Path.join(ROOT, "BENCHMARKS.md")
  // Formatted as `npm run format` would, so that it leaves the file alone.
  const text = markdown(get, memory, burst, multi, compare, buckets, lists, imports, totalMs)
  const config = (await Prettier.resolveConfig(file)) ?? {}
  writeFileSync(file, await Prettier.format(text, { ...config, filepath: file }))
  log(`\nWrote ${Path.relative(process.cwd(), file) || file} in ${(totalMs / 1000).toFixed(0)} s`)
  log(`(median of mean latency, raw undici = 1: ${summary(get.rows)})`)
  if (compare !== undefined) {
    log(
      `(Users.stream after / before ${compare.baseline.commit}: median ${compare.medianRatio.toFixed(3)} over ${compare.ratios.length} pairs)`
    )
  }
}

const summary = (rows: ReadonlyArray<GetRow>) =>
  rows
    .filter((r) => r.contender !== "raw undici")
    .map((r) => {
      const raw = rows.find((x) => x.contender === "raw undici" && x.concurrency === r.concurrency)!
      return `${r.contender} c=${r.concurrency} ${ratio(r.stats.meanMs, raw.stats.meanMs)}`
    })
    .join(", ")

const fail = (error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
  killChildren()
  process.exit(1)
}
process.on("SIGINT", () => fail(new Error("interrupted")))
process.on("SIGTERM", () => fail(new Error("terminated")))
process.on("uncaughtException", fail)

main().then(() => {
  killChildren()
  process.exit(0)
}, fail)
