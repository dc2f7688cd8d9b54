/**
 * The fake tenant's CPU per request, in process (`tenant.handle`, no sockets): a user by id, with a
 * projection, a PATCH, a page of logs and a path no endpoint has. Median of ROUNDS (default 7) batches of
 * 20,000; prints one JSON line of microseconds. Not part of `npm run bench`: for comparing the fake of two
 * revisions, as `bench/getCpu.ts` does the client.
 *
 *   ROUNDS=5 npx tsx bench/fakeCost.ts
 */
import { Effect, Redacted } from "effect"
import { FakeAuth0 } from "../src/testing/index.js"

const ROUNDS = Number(process.env.ROUNDS ?? 7)
const N = 20000
const program = Effect.gen(function* () {
  const tenant = yield* FakeAuth0.make({ seed: 7 })
  const users = yield* tenant.seedUsers(
    Array.from({ length: 500 }, (_, i) => ({
      connection: "Username-Password-Authentication",
      email: `u${i}@example.com`
    }))
  )
  const authorization = `Bearer ${Redacted.value(yield* tenant.issueToken())}`
  const headers = { authorization, "content-type": "application/json", host: "127.0.0.1" }
  const ids = users.map((u) => encodeURIComponent(String(u.user_id)))
  const kinds: Record<string, (i: number) => FakeAuth0.FakeRequest> = {
    get: (i) => ({ method: "GET", url: `/api/v2/users/${ids[i % ids.length]}`, headers, body: undefined }),
    getFields: (i) => ({
      method: "GET",
      url: `/api/v2/users/${ids[i % ids.length]}?fields=email%2Cuser_id&include_fields=true`,
      headers,
      body: undefined
    }),
    patch: (i) => ({
      method: "PATCH",
      url: `/api/v2/users/${ids[i % ids.length]}`,
      headers,
      body: '{"app_metadata":{"n":1}}'
    }),
    logs: (i) => ({
      method: "GET",
      url: `/api/v2/users/${ids[i % ids.length]}/logs?include_totals=true&per_page=10`,
      headers,
      body: undefined
    }),
    notFound: (i) => ({ method: "GET", url: `/api/v2/nothing/${i}`, headers, body: undefined })
  }
  const out: Record<string, number> = {}
  for (const [name, make] of Object.entries(kinds)) {
    const runs: Array<number> = []
    for (let r = 0; r < ROUNDS; r++) {
      const requests = Array.from({ length: N }, (_, i) => make(i))
      const before = process.cpuUsage()
      for (const request of requests) yield* tenant.handle(request)
      const used = process.cpuUsage(before)
      runs.push((used.user + used.system) / N)
    }
    runs.sort((a, b) => a - b)
    out[name] = Math.round(runs[Math.floor(runs.length / 2)]! * 10) / 10
  }
  return out
})
console.log(JSON.stringify(Effect.runSync(program)))
