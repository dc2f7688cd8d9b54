/**
 * One run of section 7 (`bench/userImport.ts`), in a fresh client process started with `--expose-gc`:
 * `Users.import` of `BENCH_IMPORT_USERS` users (`bench/importUsers.ts`), made lazily by a `Stream`, into the
 * fake tenant served at `BENCH_SERVER` (a `ServerInfo`, JSON), with the library's defaults (500,000-byte
 * files, two jobs at once, its retry policy) and a poll every `BENCH_POLL_MS`. Before the baseline the
 * layer is built, one request made and one one-user import run (so the multipart and job code has run once),
 * then a full GC. RSS and heap are sampled every 50 ms. With `BENCH_IMPORT_LIVE=1` the stream also runs a full
 * GC every `LIVE_EVERY` users and keeps the peak of `heapUsed` after it: the live heap, what the import holds,
 * not the garbage V8 has yet to collect. With `BENCH_IMPORT_RAW=1` the same users go through
 * `bench/importRaw.ts` instead (no library, no Effect), warmed up the same way; with `BENCH_IMPORT_RAW=chunks`
 * its users are made 4096 at a time, as `Stream.map` makes them for the library. `BENCH_IMPORT_CHUNK` sets the
 * users stream's chunk size. Prints one JSON line: a
 * `RunResult`.
 */
import { Schedule, Stream } from "effect"
import { type ImportUser, Users } from "../src/index.js"
import { rawImport } from "./importRaw.js"
import { expected, LIVE_EVERY, userAt } from "./importUsers.js"
import { effectRuntime, errorText, fetchToken, rawUndiciGet, type ServerInfo, sleep } from "./lib.js"

const CONNECTION_ID = "con_ftSSLHb0O7rcUGmF"

export interface RunResult {
  readonly users: number
  readonly ms: number
  readonly clientCpuMs: number
  readonly baselineRss: number
  readonly peakRss: number
  readonly baselineHeap: number
  readonly peakHeap: number
  /** `process.memoryUsage().arrayBuffers`: memory off the JS heap held by `ArrayBuffer`s (files, bodies). */
  readonly baselineArrayBuffers: number
  readonly peakArrayBuffers: number
  /** With `BENCH_IMPORT_LIVE=1`: the peak of the heap after a full GC, every `LIVE_EVERY` users. */
  readonly peakLiveHeap?: number | undefined
  readonly inserted: number
  readonly updated: number
  readonly failed: number
  readonly total: number
  readonly files: number
  /** Bytes of every users file together (each `[…]`, users joined by commas), computed after the run. */
  readonly fileBytes: number
  readonly userBytes: { readonly min: number; readonly max: number }
  readonly duplicates: number
  readonly invalid: number
  /** Where the summary differs from what the users make certain; empty when it matches. */
  readonly mismatches: ReadonlyArray<string>
}

/** What the checks read of a summary, the library's or the raw floor's. */
interface Checked {
  readonly inserted: number
  readonly updated: number
  readonly failed: number
  readonly total: number
  readonly jobs: ReadonlyArray<{ readonly users: number }>
  readonly errors: ReadonlyArray<{
    readonly user: object
    readonly errors: ReadonlyArray<{ readonly code: string; readonly path?: string | undefined }>
  }>
}

const server = JSON.parse(process.env.BENCH_SERVER ?? "null") as ServerInfo | null
const count = Number(process.env.BENCH_IMPORT_USERS ?? 10_000)
const pollMs = Number(process.env.BENCH_POLL_MS ?? 10)
const live = process.env.BENCH_IMPORT_LIVE === "1"
const raw = process.env.BENCH_IMPORT_RAW === "1" || process.env.BENCH_IMPORT_RAW === "chunks"
/** The floor with its users made a chunk at a time, as `Stream.map` makes them for the library. */
const rawChunks = process.env.BENCH_IMPORT_RAW === "chunks"
/** The users stream's chunk size: `Stream.range`'s default (4096, Effect's) unless set. */
const chunkSize = process.env.BENCH_IMPORT_CHUNK ? Number(process.env.BENCH_IMPORT_CHUNK) : undefined
const warmUpUser = { email: "warm-up@bench.example.com" }
const gc = (globalThis as { gc?: () => void }).gc

const main = async (): Promise<RunResult> => {
  if (server === null)
    throw new Error("BENCH_SERVER is not set: bench/userImportRun.ts is started by bench/userImport.ts")
  const options = { connection_id: CONNECTION_ID, pollSchedule: Schedule.spaced(`${pollMs} millis`) }
  const runtime = raw ? undefined : effectRuntime(server, { retry: "default" })
  const token = raw ? await fetchToken(server) : ""
  try {
    if (runtime === undefined) {
      await rawUndiciGet(server, token)(server.userIds[0]!)
      await rawImport(server, token, CONNECTION_ID, 1, () => warmUpUser, pollMs)
    } else {
      await runtime.runPromise(Users.get(server.userIds[0]!))
      await runtime.runPromise(Users.import([warmUpUser], options))
    }
    gc?.()
    await sleep(100)
    const { arrayBuffers: baselineArrayBuffers, heapUsed: baselineHeap, rss: baselineRss } = process.memoryUsage()
    let peakRss = baselineRss
    let peakHeap = baselineHeap
    let peakArrayBuffers = baselineArrayBuffers
    const sample = () => {
      const { arrayBuffers, heapUsed, rss } = process.memoryUsage()
      peakRss = Math.max(peakRss, rss)
      peakHeap = Math.max(peakHeap, heapUsed)
      peakArrayBuffers = Math.max(peakArrayBuffers, arrayBuffers)
    }
    const sampler = setInterval(sample, 50)
    const cpu = process.cpuUsage()
    const started = performance.now()
    let peakLiveHeap = baselineHeap
    const userOf = (i: number) => {
      if (live && i % LIVE_EVERY === 0 && i > 0) {
        gc?.()
        peakLiveHeap = Math.max(peakLiveHeap, process.memoryUsage().heapUsed)
      }
      return userAt(i)
    }
    // The floor fed as the library is: users made a chunk at a time (Stream.map over Stream.range's 4096).
    let block: { readonly from: number; readonly users: ReadonlyArray<ImportUser.ImportUser> } | undefined
    const userInChunks = (i: number): ImportUser.ImportUser => {
      const size = chunkSize ?? 4096
      if (block === undefined || i < block.from || i >= block.from + block.users.length) {
        const from = i - (i % size)
        block = { from, users: Array.from({ length: Math.min(size, count - from) }, (_, k) => userOf(from + k)) }
      }
      return block.users[i - block.from]!
    }
    const summary: Checked = await (
      runtime === undefined
        ? rawImport(server, token, CONNECTION_ID, count, rawChunks ? userInChunks : userOf, pollMs)
        : runtime.runPromise(Users.import(Stream.range(0, count - 1, chunkSize).pipe(Stream.map(userOf)), options))
    ).finally(() => clearInterval(sampler))
    const ms = performance.now() - started
    const used = process.cpuUsage(cpu)
    sample()

    // Outside the timed run: the users again, for their sizes, and what the summary must say.
    let userBytes = 0
    let min = Infinity
    let max = 0
    for (let i = 0; i < count; i++) {
      const bytes = Buffer.byteLength(JSON.stringify(userAt(i)))
      userBytes += bytes
      min = Math.min(min, bytes)
      max = Math.max(max, bytes)
    }
    const files = summary.jobs.length
    const want = expected(count)
    const mismatches: Array<string> = []
    const same = (what: string, got: number, wanted: number) => {
      if (got !== wanted) mismatches.push(`${what} ${got}, expected ${wanted}`)
    }
    same("inserted", summary.inserted, want.inserted)
    same("updated", summary.updated, want.updated)
    same("failed", summary.failed, want.failed)
    same("total", summary.total, want.total)
    same(
      "users in the jobs",
      summary.jobs.reduce((n, job) => n + job.users, 0),
      count
    )
    same("errors listed", summary.errors.length, want.failed)
    const codes = (code: string, path?: string) =>
      summary.errors.filter((e) => e.errors.some((p) => p.code === code && (path === undefined || p.path === path)))
        .length
    same("DUPLICATED_USER errors", codes("DUPLICATED_USER"), want.duplicates)
    same("email FORMAT errors", codes("FORMAT", "email"), want.invalid)
    const leaked = summary.errors.filter((e) => "password_hash" in e.user).length
    same("rejected users carrying a password hash", leaked, 0)
    return {
      users: count,
      ms,
      clientCpuMs: (used.user + used.system) / 1000,
      baselineRss,
      peakRss,
      baselineHeap,
      peakHeap,
      baselineArrayBuffers,
      peakArrayBuffers,
      ...(live ? { peakLiveHeap } : {}),
      inserted: summary.inserted,
      updated: summary.updated,
      failed: summary.failed,
      total: summary.total,
      files,
      fileBytes: userBytes + count + files,
      userBytes: { min, max },
      duplicates: want.duplicates,
      invalid: want.invalid,
      mismatches
    }
  } finally {
    await runtime?.dispose()
  }
}

main().then(
  (result) => {
    process.stdout.write(`${JSON.stringify(result)}\n`)
    process.exit(0)
  },
  (error: unknown) => {
    process.stderr.write(`bench import run: ${errorText(error)}\n`)
    process.exit(1)
  }
)
