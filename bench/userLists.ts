/**
 * Section 6: a checkpoint stream over one user's list (`Users.sessionsStream`) at constant memory, for
 * 1,000 to 20,000 sessions, each size in fresh processes (`bench/userListsRun.ts`), median of three.
 */
import { median, runJson } from "./lib.js"

const SIZES = [1000, 5000, 20000]
const RUNS = 3

export interface ListRow {
  readonly sessions: number
  readonly perSecond: number
  readonly peakGrowthMb: number
  readonly runs: ReadonlyArray<number>
}

interface RunResult {
  readonly sessions: number
  readonly ms: number
  readonly peakGrowthMb: number
}

const runOnce = (sessions: number): Promise<RunResult> =>
  runJson<RunResult>("userListsRun.ts", { BENCH_SESSIONS: String(sessions) }, ["--expose-gc"])

export const scenarioUserLists = async (log: (line: string) => void): Promise<ReadonlyArray<ListRow>> => {
  log(`\n[6] Users.sessionsStream over one user's sessions: sessions per second and peak heap growth`)
  const rows: Array<ListRow> = []
  for (const size of SIZES) {
    const runs: Array<RunResult> = []
    for (let i = 0; i < RUNS; i++) runs.push(await runOnce(size))
    const row = {
      sessions: size,
      perSecond: median(runs.map((r) => (r.sessions / r.ms) * 1000)),
      peakGrowthMb: median(runs.map((r) => r.peakGrowthMb)),
      runs: runs.map((r) => r.peakGrowthMb)
    }
    log(`  ${size} sessions: ${row.perSecond.toFixed(0)}/s, peak live heap growth ${row.peakGrowthMb.toFixed(2)} MB`)
    rows.push(row)
  }
  return rows
}

export const userListsMarkdown = (rows: ReadonlyArray<ListRow>): Array<string> => [
  "## 6. A checkpoint stream over one user's list",
  "",
  "`Users.sessionsStream(id)` drains every session of one user from the fake tenant in process (no sockets:",
  "the figure is the client's), 100 a page from `next` to `next`. Each size runs in a fresh process started",
  "with `--expose-gc`; heap growth is the peak of the live heap (`heapUsed` after a full GC, every 1,000",
  "sessions) over the heap after seeding, one page and a full GC: what the stream holds, not the garbage V8",
  "collects when it likes (the sessions per second include those GCs). Median of three runs; the last column",
  "has every run's.",
  "",
  "| sessions | sessions/s | peak live heap growth MB | runs |",
  "| -------: | ---------: | ------------------: | ---- |",
  ...rows.map(
    (r) =>
      `| ${r.sessions} | ${r.perSecond.toFixed(0)} | ${r.peakGrowthMb.toFixed(2)} | ${r.runs.map((m) => m.toFixed(2)).join(", ")} |`
  )
]
