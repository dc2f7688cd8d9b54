/**
 * `Users.get` client CPU per request, sequential and at concurrency 16, beside raw undici's in the same
 * process (the machine's noise moves both), median of ROUNDS (default 5) batches of 2000. Prints one JSON line.
 * Not part of `npm run bench`: for comparing the request path of two revisions, run it in each (a
 * `git worktree` of the other) one after the other, several times, and compare the medians.
 *
 *   ROUNDS=3 npx tsx bench/getCpu.ts
 */
import { Effect } from "effect"
import { Users } from "../src/index.js"
import { effectRuntime, fetchToken, median, pool, rawUndiciGet, startServer } from "./lib.js"

const ROUNDS = Number(process.env.ROUNDS ?? 5)
const N = 2000
const server = await startServer({ users: 2000, ids: 2000 })
try {
  const token = await fetchToken(server)
  const runtime = effectRuntime(server)
  const raw = rawUndiciGet(server, token)
  const ids = server.userIds.slice(0, N)
  const effect = (batch: ReadonlyArray<string>, c: number) =>
    runtime.runPromise(Effect.forEach(batch, (id) => Users.get(id), { concurrency: c, discard: true }))
  const rawPool = (batch: ReadonlyArray<string>, c: number) => pool(batch, c, raw)
  await effect(ids.slice(0, 300), 4)
  await rawPool(ids.slice(0, 300), 4)
  const out: Record<string, Array<number>> = {}
  for (let r = 0; r < ROUNDS; r++) {
    for (const c of [1, 16]) {
      for (const [name, task] of [
        ["effect", effect],
        ["raw", rawPool]
      ] as const) {
        const before = process.cpuUsage()
        await task(ids, c)
        const used = process.cpuUsage(before)
        ;(out[`${name} c=${c}`] ??= []).push((used.user + used.system) / N)
      }
    }
  }
  console.log(JSON.stringify(Object.fromEntries(Object.entries(out).map(([k, v]) => [k, Math.round(median(v))]))))
  await runtime.dispose()
} finally {
  await server.stop()
}
