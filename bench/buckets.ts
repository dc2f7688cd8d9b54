/**
 * The per-bucket rate-limit scenarios of `npm run bench` (section 5):
 *
 * (a) 8 readers and 8 writers at once against a read bucket of 20 / 40 per s
 *     and a write bucket of 10 / 20 per s: 400 `Users.get` + 200 `Users.update`;
 * (b) a coupled sync job on the same buckets: 400 items, each read, every
 *     second one then updated, at concurrency 16;
 * (c) 1000 `Users.get` at concurrency 16 against one bucket of 10 / 50 per s.
 *
 * Each in one process and in two (the ids split between them, one tenant,
 * started together), effect-auth0 and node-auth0 side by side on tenants of
 * their own, for several rounds. The figure is the wall time over the
 * theoretical minimum: max over the classes of (operations − burst) / perSecond.
 *
 * Environment: `BENCH_ROUNDS` (effect-auth0, default 5), `BENCH_NODE_ROUNDS`
 * (node-auth0, default 4: its schedule is the longer one, about 200 s a round,
 * and 5 rounds took 17 minutes in all where 4 stay under 15),
 * `BENCH_CONTENDERS=effect-auth0` (only ours, for tuning).
 * `BENCH_ONLY=buckets npm run bench` runs these alone.
 */
import type { FakeAuth0 } from "../src/testing/index.js"
import { median, runWorkers, type RunningServer, type ServerInfo, type ServerLoad, sleep, startServer } from "./lib.js"
import type { MixedResult } from "./mixedJob.js"
import type { BurstResult, Job } from "./worker.js"

type Contender = "effect-auth0" | "node-auth0"
type Bucket = FakeAuth0.BucketOptions

const READ: Bucket = { burst: 20, perSecond: 40 }
const WRITE: Bucket = { burst: 10, perSecond: 20 }
/** Spent by none of these requests; there so that the tenant has every bucket a plan has. */
const GLOBAL: Bucket = { burst: 10, perSecond: 5 }
const SHARED: Bucket = { burst: 10, perSecond: 50 }
const PROCESSES = [1, 2] as const
/** At most this share of the answers may be 429s. */
const TOO_MANY_SHARE = 0.02

interface Scenario {
  readonly key: "a" | "b" | "c"
  readonly title: string
  /** The workload, for the log and BENCHMARKS.md. */
  readonly workload: string
  readonly rateLimit: FakeAuth0.RateLimitOptions | FakeAuth0.BucketRateLimitOptions
  /** The buckets spent from, with the operations each class sends. */
  readonly classes: ReadonlyArray<{ readonly name: string; readonly operations: number; readonly bucket: Bucket }>
  readonly users: number
  /** The issue's target for wall time / minimum. */
  readonly target: number
  /** One job per process over its share of the ids. */
  readonly jobs: (server: ServerInfo, contender: Contender, processes: number) => ReadonlyArray<Job>
}

/** Part `p` of `n` equal contiguous parts of `items`. */
const part = <A>(items: ReadonlyArray<A>, p: number, n: number): ReadonlyArray<A> =>
  items.slice(Math.floor((p * items.length) / n), Math.floor(((p + 1) * items.length) / n))

const perClass = { buckets: { readUsers: READ, writeUsers: WRITE, global: GLOBAL } }

const SCENARIOS: ReadonlyArray<Scenario> = [
  {
    key: "a",
    title: "independent readers and writers",
    workload: "8 fibers `Users.get` over 400 users while 8 fibers `Users.update` 200 others",
    rateLimit: perClass,
    classes: [
      { name: "reads", operations: 400, bucket: READ },
      { name: "writes", operations: 200, bucket: WRITE }
    ],
    users: 600,
    target: 1.1,
    jobs: (server, contender, processes) =>
      Array.from({ length: processes }, (_, p) => ({
        kind: "mixed",
        contender,
        mode: "independent",
        server,
        reads: part(server.userIds.slice(0, 400), p, processes),
        writes: part(server.userIds.slice(400, 600), p, processes),
        concurrency: 8
      }))
  },
  {
    key: "b",
    title: "a coupled sync job",
    workload: "over 400 users at concurrency 16, `Users.get` each and then `Users.update` every second one",
    rateLimit: perClass,
    classes: [
      { name: "reads", operations: 400, bucket: READ },
      { name: "writes", operations: 200, bucket: WRITE }
    ],
    users: 400,
    target: 1.1,
    jobs: (server, contender, processes) =>
      Array.from({ length: processes }, (_, p) => ({
        kind: "mixed",
        contender,
        mode: "coupled",
        server,
        items: part(server.userIds.slice(0, 400), p, processes),
        concurrency: 16
      }))
  },
  {
    key: "c",
    title: "one bucket shared",
    workload: "1000 `Users.get` at concurrency 16 (per process), as in section 3",
    rateLimit: SHARED,
    classes: [{ name: "reads", operations: 1000, bucket: SHARED }],
    users: 1000,
    target: 1.05,
    jobs: (server, contender, processes) =>
      Array.from({ length: processes }, (_, p) => ({
        kind: "burst",
        contender,
        server,
        ids: part(server.userIds.slice(0, 1000), p, processes),
        concurrency: 16
      }))
  }
]

/** No client can finish sooner: each class needs (operations − burst) / perSecond after a full bucket. */
const minimumMs = (s: Scenario): number =>
  Math.max(...s.classes.map((c) => (Math.max(0, c.operations - c.bucket.burst) / c.bucket.perSecond) * 1000))

const minimumText = (s: Scenario): string =>
  s.classes
    .map(
      (c) =>
        `${c.name} (${c.operations} − ${c.bucket.burst}) / ${c.bucket.perSecond} = ${(Math.max(0, c.operations - c.bucket.burst) / c.bucket.perSecond).toFixed(1)} s`
    )
    .join(", ")

/** Long enough for every bucket of the scenario to fill up from empty, and a margin. */
const refillMs = (s: Scenario): number =>
  Math.max(...s.classes.map((c) => (c.bucket.burst / c.bucket.perSecond) * 1000)) + 500

export interface BucketRun {
  readonly scenario: Scenario["key"]
  readonly contender: Contender
  readonly processes: number
  readonly round: number
  readonly wallMs: number
  readonly ratio: number
  readonly operations: number
  readonly failed: number
  readonly failures: Readonly<Record<string, number>>
  readonly responses: number
  readonly tooMany: number
  /** From the start to the last read / write settling, over all processes (mixed jobs). */
  readonly readsMs?: number | undefined
  readonly writesMs?: number | undefined
  /** 429 answers to reads / writes (mixed jobs). */
  readonly tooManyByClass?: { readonly reads: number; readonly writes: number } | undefined
  readonly server: ServerLoad
  readonly ok: boolean
}

export interface BucketsResult {
  readonly rounds: Readonly<Record<Contender, number>>
  readonly runs: ReadonlyArray<BucketRun>
}

const intFromEnv = (name: string, fallback: number): number => {
  const raw = process.env[name]?.trim()
  if (raw === undefined || raw === "") return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got ${raw}`)
  return n
}

const roundsFromEnv = (): Record<Contender, number> => {
  const only = process.env.BENCH_CONTENDERS?.trim()
  const wanted =
    only === undefined || only === "" ? ["effect-auth0", "node-auth0"] : only.split(",").map((s) => s.trim())
  for (const name of wanted) {
    if (name !== "effect-auth0" && name !== "node-auth0") throw new Error(`BENCH_CONTENDERS: unknown contender ${name}`)
  }
  return {
    "effect-auth0": wanted.includes("effect-auth0") ? intFromEnv("BENCH_ROUNDS", 5) : 0,
    "node-auth0": wanted.includes("node-auth0") ? intFromEnv("BENCH_NODE_ROUNDS", 4) : 0
  }
}

/**
 * An upper bound on how long the scenarios take with these rounds, for
 * `npm run bench`'s deadline: per run twice the minimum for effect-auth0 and
 * three times for node-auth0 (it takes up to about 2.5×), plus process start
 * and refill; the two schedules run at the same time.
 */
export const bucketsBudgetMs = (): number => {
  const rounds = roundsFromEnv()
  const schedule = (rounds: number, slowest: number) =>
    SCENARIOS.reduce((total, s) => total + PROCESSES.length * rounds * (slowest * minimumMs(s) + 15_000), 0)
  return Math.max(schedule(rounds["effect-auth0"], 2), schedule(rounds["node-auth0"], 3))
}

const pct = (a: number, b: number) => (b === 0 ? 0 : (a / b) * 100)

const oneRun = async (
  s: Scenario,
  server: RunningServer,
  contender: Contender,
  processes: number,
  round: number
): Promise<BucketRun> => {
  const results = await runWorkers<MixedResult | BurstResult>(s.jobs(server, contender, processes), async () => {
    await sleep(refillMs(s))
    // The server's load from here on is the run's.
    await server.load()
  })
  const load = await server.load()
  const startedAt = Math.min(...results.map((r) => r.startedAt))
  const wallMs = Math.max(...results.map((r) => r.endedAt)) - startedAt
  const figures = results.map((r) => (r.kind === "mixed" ? r.total : r))
  const total = (f: (r: (typeof figures)[number]) => number) => figures.reduce((a, r) => a + f(r), 0)
  const failures: Record<string, number> = {}
  for (const r of figures) for (const [k, v] of Object.entries(r.failures)) failures[k] = (failures[k] ?? 0) + v
  const mixed = results.filter((r): r is MixedResult => r.kind === "mixed")
  const classEnd = (f: (r: MixedResult) => number) =>
    mixed.length === 0 ? undefined : Math.max(...mixed.map(f)) - startedAt
  const ratio = wallMs / minimumMs(s)
  const failed = total((r) => r.failed)
  const responses = total((r) => r.responses)
  const tooMany = total((r) => r.tooMany)
  return {
    scenario: s.key,
    contender,
    processes,
    round,
    wallMs,
    ratio,
    operations: total((r) => r.operations),
    failed,
    failures,
    responses,
    tooMany,
    readsMs: classEnd((r) => r.reads.endedAt),
    writesMs: classEnd((r) => r.writes.endedAt),
    tooManyByClass:
      mixed.length === 0
        ? undefined
        : {
            reads: mixed.reduce((a, r) => a + r.reads.tooMany, 0),
            writes: mixed.reduce((a, r) => a + r.writes.tooMany, 0)
          },
    server: load,
    ok: ratio <= s.target && failed === 0 && tooMany <= TOO_MANY_SHARE * responses
  }
}

const runLine = (r: BucketRun): string => {
  const classes =
    r.readsMs === undefined
      ? ""
      : `; reads done ${(r.readsMs / 1000).toFixed(2)} s, writes ${((r.writesMs ?? 0) / 1000).toFixed(2)} s`
  const failures = r.failed === 0 ? "" : ` ${JSON.stringify(r.failures)}`
  const byClass =
    r.tooManyByClass === undefined ? "" : ` (reads ${r.tooManyByClass.reads}, writes ${r.tooManyByClass.writes})`
  return `  (${r.scenario}) ${r.contender.padEnd(12)} ${r.processes}p round ${r.round + 1}: ${(r.wallMs / 1000).toFixed(2)} s = ${r.ratio.toFixed(3)}×${classes}; ${r.tooMany} × 429 of ${r.responses} (${pct(r.tooMany, r.responses).toFixed(1)} %)${byClass}, ${r.failed} failed${failures}; server ${pct(r.server.cpuMs, r.server.wallMs).toFixed(0)} % CPU, loop late p99 ${r.server.p99DelayMs.toFixed(0)} / max ${r.server.maxDelayMs.toFixed(0)} ms`
}

interface Summary {
  readonly contender: Contender
  readonly processes: number
  readonly runs: number
  readonly medianRatio: number
  readonly worstRatio: number
  readonly maxTooManyPct: number
  readonly failed: number
  readonly ok: boolean
}

const summarize = (runs: ReadonlyArray<BucketRun>, s: Scenario): ReadonlyArray<Summary> => {
  const rows: Array<Summary> = []
  for (const contender of ["effect-auth0", "node-auth0"] as const) {
    for (const processes of PROCESSES) {
      const mine = runs.filter((r) => r.scenario === s.key && r.contender === contender && r.processes === processes)
      if (mine.length === 0) continue
      rows.push({
        contender,
        processes,
        runs: mine.length,
        medianRatio: median(mine.map((r) => r.ratio)),
        worstRatio: Math.max(...mine.map((r) => r.ratio)),
        maxTooManyPct: Math.max(...mine.map((r) => pct(r.tooMany, r.responses))),
        failed: mine.reduce((a, r) => a + r.failed, 0),
        ok: mine.every((r) => r.ok)
      })
    }
  }
  return rows
}

const targetText = (s: Scenario) =>
  `≤ ${s.target.toFixed(2)}× in every run, 0 failed, ≤ ${(TOO_MANY_SHARE * 100).toFixed(0)} % 429`

/** One contender's runs: each scenario and process count on a tenant of its own, round after round. */
const schedule = async (
  contender: Contender,
  rounds: number,
  log: (line: string) => void
): Promise<ReadonlyArray<BucketRun>> => {
  const runs: Array<BucketRun> = []
  for (const s of SCENARIOS) {
    for (const processes of PROCESSES) {
      const server = await startServer({ users: s.users, ids: s.users, rateLimit: s.rateLimit })
      try {
        for (let round = 0; round < rounds; round++) {
          const run = await oneRun(s, server, contender, processes, round)
          runs.push(run)
          log(runLine(run))
        }
      } finally {
        await server.stop()
      }
    }
  }
  return runs
}

/**
 * Run (a), (b) and (c) in one and two processes, printing every run and a
 * summary per scenario. The contenders run their schedules at the same time
 * (each on tenants of its own, so only the CPU is shared, and at these rates
 * the clients are mostly idle): the whole takes as long as the slower
 * schedule, not the sum.
 */
export const scenarioBuckets = async (log: (line: string) => void): Promise<BucketsResult> => {
  const rounds = roundsFromEnv()
  const contenders = (["effect-auth0", "node-auth0"] as const).filter((c) => rounds[c] > 0)
  log(
    `\n[5] buckets per endpoint class: ${contenders.map((c) => `${c} ${rounds[c]} round(s)`).join(", ")}, each contender on tenants of its own, at the same time`
  )
  for (const s of SCENARIOS) {
    log(`  (${s.key}) ${s.title}: ${s.workload}; minimum ${(minimumMs(s) / 1000).toFixed(1)} s (${minimumText(s)})`)
  }
  const runs = (await Promise.all(contenders.map((c) => schedule(c, rounds[c], log)))).flat()
  for (const s of SCENARIOS) {
    for (const row of summarize(runs, s)) {
      log(
        `  (${s.key}) ${row.contender.padEnd(12)} ${row.processes}p over ${row.runs}: median ${row.medianRatio.toFixed(3)}×, worst ${row.worstRatio.toFixed(3)}×, 429 ≤ ${row.maxTooManyPct.toFixed(1)} %, ${row.failed} failed; target (${targetText(s)}) ${row.ok ? "holds" : "MISSED"}`
      )
    }
  }
  return { rounds, runs }
}

/** Section 5 of BENCHMARKS.md. */
export const bucketsMarkdown = (result: BucketsResult): Array<string> => {
  const lines: Array<string> = [
    "## 5. Buckets per endpoint class",
    "",
    "Auth0's self-service plans have a bucket per endpoint class (Read Users, Write Users, all other endpoints),",
    "and each answer's `X-RateLimit-*` headers describe the bucket that served it. The fake tenant here has a",
    `read bucket of ${READ.burst}, refilled ${READ.perSecond} per second, a write bucket of ${WRITE.burst} / ${WRITE.perSecond} per second and a global one of`,
    `${GLOBAL.burst} / ${GLOBAL.perSecond} per second that none of these requests spend from; (c) has the one bucket of section 3. No client can`,
    "finish sooner than the slowest class's (operations − burst) / refill; the figures are wall time over that",
    "minimum. Each scenario runs in one process and in two (the ids split between them, the same workload shape",
    "on each half, one tenant, started together), with the same totals and so the same minimum. As in section 3,",
    "each process sends one request first (token, connection) and the buckets fill up before the start; both",
    "clients keep their default retries; each contender has a tenant of its own and they run at the same time.",
    `effect-auth0 ran ${result.rounds["effect-auth0"]} rounds, node-auth0 ${result.rounds["node-auth0"]}${result.rounds["node-auth0"] < result.rounds["effect-auth0"] ? " (fewer: its runs take longest, and its figures vary little between rounds)" : ""}. The worst ratio is the slowest run; 429 % the highest share of`,
    "answers that were 429 in any run; failed is summed over the runs (a coupled update whose read failed counts).",
    "A client that gives up on requests leaves the bucket to the others and finishes sooner: compare ratios only",
    "between rows without failures.",
    ""
  ]
  const worstDelay = Math.max(0, ...result.runs.map((r) => r.server.maxDelayMs))
  const worstP99 = Math.max(0, ...result.runs.map((r) => r.server.p99DelayMs))
  const worstCpu = Math.max(0, ...result.runs.map((r) => pct(r.server.cpuMs, r.server.wallMs)))
  for (const s of SCENARIOS) {
    lines.push(
      `### (${s.key}) ${s.title}`,
      "",
      `${s.workload[0]!.toUpperCase()}${s.workload.slice(1)}. Minimum ${(minimumMs(s) / 1000).toFixed(1)} s: ${minimumText(s)}. Target: ${targetText(s)}.`,
      "",
      "| contender | processes | runs | median / min | worst / min | max 429 % | failed | target held in every run |",
      "|---|--:|--:|--:|--:|--:|--:|---|"
    )
    for (const row of summarize(result.runs, s)) {
      lines.push(
        `| ${row.contender} | ${row.processes} | ${row.runs} | ${row.medianRatio.toFixed(2)}× | ${row.worstRatio.toFixed(2)}× | ${row.maxTooManyPct.toFixed(1)} | ${row.failed} | ${row.ok ? "yes" : "no"} |`
      )
    }
    lines.push("")
  }
  lines.push(
    "The fake tenant serves each request synchronously and stamps it with `Date.now()`, in a process of its own;",
    `over any run it used at most ${worstCpu.toFixed(0)} % of a core, and its event loop ran timers at most ${worstP99.toFixed(0)} ms late at the 99th`,
    `percentile (${worstDelay.toFixed(0)} ms at worst, once: the machine's cores are shared by every process of the run).`,
    ""
  )
  return lines
}
