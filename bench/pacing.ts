/**
 * Scenarios 3 and 4 of `npm run bench` for effect-auth0 alone, with each
 * process's own figures: for tuning the pacer (src/internal/pacer.ts).
 * BENCHMARKS.md is left alone.
 *
 *   node --import tsx bench/pacing.ts [rounds] [process counts, default 1,4]
 */
import { killChildren, runWorkers, sleep, startServer } from "./lib.js"
import type { BurstResult, Job } from "./worker.js"

const BURST = { burst: 10, perSecond: 50 }
const OPERATIONS = 1000
const CONCURRENCY = 16
const minimumMs = ((OPERATIONS - BURST.burst) / BURST.perSecond) * 1000

const scenario = async (processes: number): Promise<string> => {
  const server = await startServer({ users: OPERATIONS, ids: OPERATIONS, rateLimit: BURST })
  try {
    const perProcess = OPERATIONS / processes
    const jobs: Array<Job> = Array.from({ length: processes }, (_, p) => ({
      kind: "burst",
      contender: "effect-auth0",
      server,
      ids: server.userIds.slice(p * perProcess, (p + 1) * perProcess),
      concurrency: CONCURRENCY
    }))
    const results = await runWorkers<BurstResult>(jobs, () => sleep(1000))
    const start = Math.min(...results.map((r) => r.startedAt))
    const wall = Math.max(...results.map((r) => r.endedAt)) - start
    const sum = (f: (r: BurstResult) => number) => results.reduce((a, r) => a + f(r), 0)
    const each = results
      .map(
        (r) =>
          `${((r.endedAt - start) / 1000).toFixed(1)}s/${r.tooMany}×429${r.failed > 0 ? `/${r.failed} failed` : ""}`
      )
      .join(" ")
    return `${processes} process(es): ${(wall / 1000).toFixed(2)} s = ${(wall / minimumMs).toFixed(3)}× min, ${sum((r) => r.tooMany)} × 429 of ${sum((r) => r.responses)}, ${sum((r) => r.failed)} failed  [${each}]`
  } finally {
    await server.stop()
  }
}

const rounds = Number(process.argv[2] ?? 1)
const counts = (process.argv[3] ?? "1,4").split(",").map(Number)
try {
  for (let i = 0; i < rounds; i++) {
    const lines = await Promise.all(counts.map(scenario))
    for (const line of lines) process.stdout.write(`${line}\n`)
  }
} finally {
  killChildren()
}
process.exit(0)
