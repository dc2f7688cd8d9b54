/**
 * Profile one contender alone, for `node --cpu-prof`:
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/profile.ts [effect|undici] [requests] [concurrency] [option=json ...]
 *
 * Starts the fake tenant in its own process (so the profile holds only the
 * client), warms up, then sends `requests` GET /users/{id}.
 */
import { Effect } from "effect"
import { Users } from "../src/index.js"
import { effectRuntime, fetchToken, pool, rawUndiciGet, startServer } from "./lib.js"

const [which = "effect", count = "20000", concurrencyArg = "1", ...layerOptions] = process.argv.slice(2)
const requests = Number(count)
const concurrency = Number(concurrencyArg)

const server = await startServer({ users: 2000, ids: 2000 })
try {
  const ids = Array.from({ length: requests }, (_, i) => server.userIds[i % server.userIds.length]!)
  const started = { at: 0 }
  if (which === "effect") {
    // e.g. `pacing=false`: extra `Auth0Http.layer` options, as JSON values.
    const extra = Object.fromEntries(
      layerOptions.map((o) => [o.split("=")[0]!, JSON.parse(o.split("=")[1]!) as unknown])
    )
    const runtime = effectRuntime(server, { retry: false, extra })
    const run = (list: ReadonlyArray<string>) =>
      runtime.runPromise(Effect.forEach(list, (id) => Users.get(id), { concurrency, discard: true }))
    await run(ids.slice(0, 500))
    started.at = performance.now()
    await run(ids)
    await runtime.dispose()
  } else {
    const get = rawUndiciGet(server, await fetchToken(server))
    await pool(ids.slice(0, 500), concurrency, get)
    started.at = performance.now()
    await pool(ids, concurrency, get)
  }
  const elapsed = performance.now() - started.at
  process.stdout.write(
    `${which}: ${requests} requests at concurrency ${concurrency} in ${elapsed.toFixed(0)} ms, ${((elapsed / requests) * 1000).toFixed(0)} µs each\n`
  )
} finally {
  await server.stop()
}
