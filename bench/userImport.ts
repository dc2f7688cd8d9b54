/**
 * Section 7: `Users.import` of 10,000 and 100,000 users into the fake tenant served in its own process
 * (`bench/server.ts`, a fresh tenant per run), each run a fresh client process (`bench/userImportRun.ts`):
 * users per second, files (= jobs), the mean file size and the client's RSS growth, median of five runs;
 * every run's summary checked against what its users make certain (inserted, failed, total, the
 * duplicates and invalid emails among the rejected). Each size runs three ways: with Node's defaults, with
 * V8's heap capped (a process that kept the users would crash there), and with a full GC every
 * `LIVE_EVERY` users to read the live heap; and the floor, the same import with no library
 * (`bench/importRaw.ts`).
 */
import { LIVE_EVERY } from "./importUsers.js"
import { median, runJson, startServer } from "./lib.js"
import type { RunResult } from "./userImportRun.js"

const SIZES = [10_000, 100_000]
const RUNS = 5
/** How long the fake keeps each import job pending: short, so that the figures are the client's and the fake's work. */
export const IMPORT_MILLIS = 20
/** The client polls each job this often (`Schedule.spaced`). */
export const POLL_MS = 10
const CAP_ARGS = ["--max-old-space-size=96", "--max-semi-space-size=2"]

export type Mode = "default" | "capped" | "live" | "chunked" | "raw" | "rawChunks"
const ALL_MODES: ReadonlyArray<Mode> = ["default", "capped", "live", "chunked", "raw", "rawChunks"]
/** `BENCH_IMPORT_MODES=default,raw` runs only those (while working on one); the full bench runs them all. */
const MODES: ReadonlyArray<Mode> =
  process.env.BENCH_IMPORT_MODES === undefined
    ? ALL_MODES
    : ALL_MODES.filter((mode) => process.env.BENCH_IMPORT_MODES!.split(",").includes(mode))
/** The users stream's chunk size in the `chunked` runs (the others: `Stream.range`'s default, 4096). */
const SMALL_CHUNK = 100

export interface ImportRow {
  readonly mode: Mode
  readonly users: number
  readonly runs: ReadonlyArray<RunResult>
  /** The run with the median RSS growth (live runs: the median live heap growth). */
  readonly median: RunResult
  readonly perSecond: number
  /** The fake's CPU time over each run's wall time. */
  readonly serverCpu: ReadonlyArray<number>
}

const mb = (bytes: number) => bytes / 1024 ** 2
const rssGrowthMb = (r: RunResult) => mb(r.peakRss - r.baselineRss)
const heapGrowthMb = (r: RunResult) => mb(r.peakHeap - r.baselineHeap)
const arrayBuffersGrowthMb = (r: RunResult) => mb(r.peakArrayBuffers - r.baselineArrayBuffers)
const liveGrowthMb = (r: RunResult) => mb((r.peakLiveHeap ?? r.baselineHeap) - r.baselineHeap)
const perSecond = (r: RunResult) => (r.users / r.ms) * 1000
/** The figure a mode's median run is chosen by. */
const figure = (mode: Mode) => (mode === "live" ? liveGrowthMb : rssGrowthMb)

const describeMode = (mode: Mode): string =>
  mode === "default"
    ? "Node's defaults"
    : mode === "capped"
      ? CAP_ARGS.map((a) => `\`${a}\``).join(" ")
      : mode === "live"
        ? `full GC every ${LIVE_EVERY} users`
        : mode === "chunked"
          ? `users in chunks of ${SMALL_CHUNK}`
          : mode === "raw"
            ? "no library (the floor)"
            : "no library, users made 4096 at a time"

const runOnce = async (users: number, mode: Mode): Promise<{ result: RunResult; serverCpuMs: number }> => {
  const server = await startServer({ users: 1, ids: 1, shape: "username", importMillis: IMPORT_MILLIS })
  try {
    await server.load()
    const result = await runJson<RunResult>(
      "userImportRun.ts",
      {
        BENCH_SERVER: JSON.stringify(server),
        BENCH_IMPORT_USERS: String(users),
        BENCH_POLL_MS: String(POLL_MS),
        BENCH_IMPORT_LIVE: mode === "live" ? "1" : "",
        BENCH_IMPORT_RAW: mode === "raw" ? "1" : mode === "rawChunks" ? "chunks" : "",
        BENCH_IMPORT_CHUNK: mode === "chunked" ? String(SMALL_CHUNK) : ""
      },
      ["--expose-gc", ...(mode === "capped" ? CAP_ARGS : [])]
    )
    return { result, serverCpuMs: (await server.load()).cpuMs }
  } finally {
    await server.stop()
  }
}

export const scenarioUserImport = async (log: (line: string) => void): Promise<ReadonlyArray<ImportRow>> => {
  log(`\n[7] Users.import into the fake tenant: users per second, files and peak RSS growth, a process per run`)
  const rows: Array<ImportRow> = []
  for (const mode of MODES) {
    for (const users of SIZES) {
      const runs: Array<RunResult> = []
      const serverCpu: Array<number> = []
      for (let i = 0; i < RUNS; i++) {
        const { result, serverCpuMs } = await runOnce(users, mode)
        runs.push(result)
        serverCpu.push(serverCpuMs / result.ms)
        log(
          `  ${describeMode(mode)}, ${users} users, run ${i + 1}: ${perSecond(result).toFixed(0)}/s, ${result.files} files, RSS +${rssGrowthMb(result).toFixed(1)} MB, heap +${heapGrowthMb(result).toFixed(1)} MB, ArrayBuffers +${arrayBuffersGrowthMb(result).toFixed(1)} MB${mode === "live" ? `, live heap +${liveGrowthMb(result).toFixed(1)} MB` : ""}; inserted ${result.inserted}, failed ${result.failed}, total ${result.total}${result.mismatches.length > 0 ? `; SUMMARY MISMATCH: ${result.mismatches.join("; ")}` : ""}`
        )
      }
      const sorted = [...runs].sort((a, b) => figure(mode)(a) - figure(mode)(b))
      rows.push({
        mode,
        users,
        runs,
        median: sorted[Math.floor(sorted.length / 2)]!,
        perSecond: median(runs.map(perSecond)),
        serverCpu
      })
    }
  }
  return rows
}

/** Every mismatch between a run's summary and what its users make certain. */
export const importMismatches = (rows: ReadonlyArray<ImportRow>): ReadonlyArray<string> =>
  rows.flatMap((row) =>
    row.runs.flatMap((r) => r.mismatches.map((m) => `${describeMode(row.mode)}, ${row.users} users: ${m}`))
  )

const list = (values: ReadonlyArray<number>, digits: number) => values.map((v) => v.toFixed(digits)).join(", ")

/** What the runs say of the target (the RSS growth from 10,000 to 100,000 users), and why. */
const conclusion = (
  diff: (mode: Mode, f: (r: RunResult) => number) => number | undefined,
  /** Whether every 100,000-user run with Node's defaults is under 20 MB over the 10,000-user median. */
  eachMet: boolean
): Array<string> => {
  const rss = (mode: Mode) => diff(mode, rssGrowthMb)?.toFixed(1) ?? "?"
  const heap = (mode: Mode) => diff(mode, heapGrowthMb)?.toFixed(1) ?? "?"
  const defaults = diff("default", rssGrowthMb)
  if (defaults === undefined) return []
  return [
    `With Node's defaults (the users in Effect's chunks of 4096) the RSS grows by ${rss("default")} MB from 10,000 to 100,000 users:`,
    `the target is ${defaults < 20 ? `met by the median of these runs, ${eachMet ? "and by each of them" : "not by each run (the last columns)"}` : "missed by the median of these runs"}. With chunks of ${SMALL_CHUNK} it`,
    `grows by ${rss("chunked")} MB. The library's own memory does`,
    `not grow: its \`ArrayBuffer\`s grow by ${diff("default", arrayBuffersGrowthMb)?.toFixed(1) ?? "?"} MB and its live heap by ${diff("live", liveGrowthMb)?.toFixed(1) ?? "?"} MB. What grows is the heap's garbage (${heap("default")} MB),`,
    "and how much of it is the caller's: V8 (Node 20) promotes to its old space whatever is alive when a",
    "scavenge runs, and frees the old space only in a full GC, which with Node's defaults did not run during",
    "a traced import of 100,000 users (see below). A chunk of 4096 users is alive while `Stream.map` makes it and the import writes it, so a scavenge",
    `most often finds part of one alive. The floor fed the same chunks grows ${(diff("rawChunks", heapGrowthMb) ?? 0) >= (diff("default", heapGrowthMb) ?? 0) ? "more" : "less"} than the library (heap`,
    `${heap("rawChunks")} MB, RSS ${rss("rawChunks")} MB), and fed one user at a time, ${heap("raw")} and ${rss("raw")}. The RSS follows the heap only when V8`,
    "needs more pages than it had at the baseline, so it is either near 0 or well up from run to run (the",
    "last columns). A source that yields users in small chunks (a database cursor's pages, `Stream.range(a,",
    "b, 100)`, `Stream.rechunk` before a `Stream.map`) keeps the RSS flat.",
    "",
    "Three causes of growth found in the first runs of this section are fixed: the library kept a chunk of",
    "the caller's users while their files waited for a job slot (it now pulls a chunk, writes every user into a",
    "file at once, and makes a file only when a slot is free); each file was a 500 KB JS string, which V8 puts",
    "in its old space (131 MB of RSS growth); and then each file and each request body was a new",
    "`ArrayBuffer`, which V8 also frees late: 63 MB of them at 100,000 users, 71 MB of RSS growth. Now each",
    "user's JSON is written into a buffer after room for the form's other parts, the multipart body is",
    "written around it in that buffer, and the buffer is reused for a later file once its job is created: an",
    "import of any size makes as many buffers as files are out at once (`test/ImportBody.test.ts` checks it)."
  ]
}

export const userImportMarkdown = (rows: ReadonlyArray<ImportRow>): Array<string> => {
  const sizes = rows.flatMap((r) => r.runs.map((x) => x.userBytes))
  const mismatches = importMismatches(rows)
  const large = rows.find((r) => r.users === 100_000)?.median
  const pair = (mode: Mode) => {
    const small = rows.find((r) => r.mode === mode && r.users === 10_000)
    const big = rows.find((r) => r.mode === mode && r.users === 100_000)
    return small === undefined || big === undefined ? undefined : ([small.median, big.median] as const)
  }
  const differences = MODES.flatMap((mode) => {
    const p = pair(mode)
    if (p === undefined) return []
    const [s, b] = p
    const cell = (f: (r: RunResult) => number) =>
      `${f(s).toFixed(1)} / ${f(b).toFixed(1)} | ${(f(b) - f(s)).toFixed(1)}`
    return [
      `| ${describeMode(mode)} | ${cell(rssGrowthMb)} | ${cell(heapGrowthMb)} | ${cell(arrayBuffersGrowthMb)} | ${mode === "live" ? cell(liveGrowthMb) : " | "} |`
    ]
  })
  return [
    "## 7. `Users.import`: users into import jobs",
    "",
    "`Users.import(stream, { connection_id, pollSchedule })` of 10,000 and 100,000 users made lazily by a",
    "`Stream` (`Stream.range` + `Stream.map`, never an array: `bench/importUsers.ts`) into the fake tenant",
    `served in its own process, a fresh tenant per run. Each user is ${Math.min(...sizes.map((s) => s.min))} to ${Math.max(...sizes.map((s) => s.max))} bytes of JSON: an email,`,
    "`email_verified`, names, a bcrypt `password_hash` of its own, two `app_metadata` and two `user_metadata`",
    "keys; 1% repeat an earlier user's email and 0.5% have an email that is not one. The library's defaults",
    "otherwise: files of at most 500,000 bytes (`maxFileBytes`), two jobs at once, its retry policy. The fake",
    `keeps each job pending ${IMPORT_MILLIS} ms (\`importMillis\`) and the client polls every ${POLL_MS} ms (\`Schedule.spaced\`), so the`,
    "time is the client's and the fake's work, not waiting: on Auth0 a job takes seconds to minutes.",
    "",
    "Each run is a fresh client process started with `--expose-gc` (`bench/userImportRun.ts`). Before the",
    "baseline it builds the layer, sends one request, runs a one-user import (so that the multipart and job",
    "code has run once) and a full GC; RSS growth is the peak RSS, sampled every 50 ms, over that baseline,",
    "heap growth the same with `heapUsed`, ArrayBuffers growth with `arrayBuffers` (memory off the JS heap held",
    "by `ArrayBuffer`s: files and request bodies). Users per second are over the wall time of the whole import, to the",
    "last job's errors read. Files = jobs (`summary.jobs.length`); the mean file size is the users' JSON with",
    "its commas and brackets over the files. The fake's CPU is its process's CPU time over the run's wall time",
    "(the machine's two cores are shared with other work, so wall time is well above CPU time). Each size runs",
    `six ways: with Node's defaults; with ${CAP_ARGS.map((a) => `\`${a}\``).join(" ")}, where a process that kept what it`,
    `imported would crash; with a full GC every ${LIVE_EVERY} users inside the stream, keeping the peak of the heap after`,
    "it (the live heap: what the import holds, not garbage V8 has yet to collect); with the users stream in",
    `chunks of ${SMALL_CHUNK} (\`Stream.range(0, n - 1, ${SMALL_CHUNK})\`) instead of Effect's default 4096; and the floor, the same import`,
    "with no library and no Effect (`bench/importRaw.ts`: the same users in the same files from a generator,",
    "each a multipart body built by hand and sent with `undici.request`, two jobs at once, the same poll, the",
    "errors kept the same way; its summary is checked the same way); and the floor fed as the library is, its",
    "users made 4096 at a time into an array, as `Stream.map` makes a chunk of them. Median of",
    `${RUNS} runs (by RSS growth; live runs by live heap growth); the last columns have every run's.`,
    "",
    "| run | users | users/s | files (jobs) | mean file bytes | RSS growth MB | heap growth MB | ArrayBuffers growth MB | live heap growth MB | client CPU s | fake's CPU | inserted / failed / total | users/s, each run | RSS growth MB, each run | heap (live) growth MB, each run |",
    "| --- | ----: | ------: | -----------: | --------------: | ------------: | -------------: | ---------------------: | ------------------: | -----------: | ---------: | ------------------------- | ----------------- | ----------------------- | ------------------------------- |",
    ...rows.map((r) => {
      const m = r.median
      return `| ${describeMode(r.mode)} | ${r.users} | ${r.perSecond.toFixed(0)} | ${m.files} | ${(m.fileBytes / m.files).toFixed(0)} | ${rssGrowthMb(m).toFixed(1)} | ${heapGrowthMb(m).toFixed(1)} | ${arrayBuffersGrowthMb(m).toFixed(1)} | ${r.mode === "live" ? liveGrowthMb(m).toFixed(1) : ""} | ${(m.clientCpuMs / 1000).toFixed(2)} | ${(median(r.serverCpu) * 100).toFixed(0)} % | ${m.inserted} / ${m.failed} / ${m.total} | ${list(r.runs.map(perSecond), 0)} | ${list(r.runs.map(rssGrowthMb), 1)} | ${list(r.runs.map(r.mode === "live" ? liveGrowthMb : heapGrowthMb), 1)} |`
    }),
    "",
    "The target: memory grows by less than 20 MB from 10,000 to 100,000 users (the median runs):",
    "",
    "| run | RSS growth at 10k / 100k MB | RSS: 100k − 10k | heap growth at 10k / 100k MB | heap: 100k − 10k | ArrayBuffers at 10k / 100k MB | ArrayBuffers: 100k − 10k | live heap at 10k / 100k MB | live: 100k − 10k |",
    "| --- | --------------------------: | --------------: | ---------------------------: | ---------------: | ----------------------------: | -----------------------: | -------------------------: | ---------------: |",
    ...differences,
    "",
    ...conclusion(
      (mode, f) => {
        const p = pair(mode)
        return p === undefined ? undefined : f(p[1]) - f(p[0])
      },
      rows
        .filter((r) => r.mode === "default" && r.users === 100_000)
        .flatMap((r) => r.runs)
        .every((r) => rssGrowthMb(r) - rssGrowthMb(pair("default")?.[0] ?? r) < 20)
    ),
    "",
    mismatches.length === 0
      ? `Every run's summary matched its users: of 100,000, ${large?.duplicates ?? "?"} rejected as \`DUPLICATED_USER\` and ${large?.invalid ?? "?"} for their email (\`FORMAT\`), each in \`summary.errors\` without its hash, the rest inserted, and the users of the jobs add up to the users sent.`
      : `**A summary did not match its users**: ${mismatches.join("; ")}.`
  ]
}
