/**
 * The fake tenant on a loopback socket, in its own process so that serving
 * does not share an event loop with the client being measured.
 *
 *   node --import tsx bench/server.ts
 *
 * Environment:
 *   BENCH_USERS       users to seed (default 2000)
 *   BENCH_SHAPE       "email" (default) or "username": the database connection
 *                     needs one of them; seeding with emails checks uniqueness by
 *                     scanning every user, so large tenants are seeded by username
 *   BENCH_IDS         how many user ids to print (default 2000)
 *   BENCH_RATE_LIMIT  the fake's whole `rateLimit` option as JSON: the single
 *                     form `{ "burst": 10, "perSecond": 50 }` or buckets per
 *                     endpoint class `{ "buckets": { "readUsers": { … }, … } }`
 *   BENCH_BURST       (when BENCH_RATE_LIMIT is unset) one bucket of this size
 *                     (no rate limit when unset either)
 *   BENCH_PER_SECOND  its refill per second (default 50)
 *   BENCH_IMPORT_MILLIS how long an import job stays pending (the fake's
 *                     `importMillis`; its default when unset)
 *
 * Prints one JSON line `{ url, domain, clientId, clientSecret, users, userIds }`
 * on stdout, then serves until SIGTERM / SIGINT or until stdin closes (the
 * parent died). Each line `load` on stdin is answered with one JSON line
 * `{ load: { cpuMs, wallMs, maxDelayMs, p99DelayMs } }`: CPU time and event loop
 * delay since the previous `load`, so a benchmark can tell whether the server
 * kept up.
 */
import { Effect, Either, Redacted, Schema } from "effect"
import { monitorEventLoopDelay } from "node:perf_hooks"
import { FakeAuth0 } from "../src/testing/index.js"

const int = (name: string, fallback: number): number => {
  const raw = process.env[name]
  if (raw === undefined || raw === "") return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got ${raw}`)
  return n
}

const users = int("BENCH_USERS", 2000)
const idCount = int("BENCH_IDS", 2000)
const shape = process.env.BENCH_SHAPE === "username" ? "username" : "email"

const Bucket = Schema.Struct({ burst: Schema.NonNegative, perSecond: Schema.Positive })
const RateLimit = Schema.Union(
  Schema.Struct({ ...Bucket.fields, retryAfter: Schema.optional(Schema.Boolean) }),
  Schema.Struct({
    buckets: Schema.Struct({
      readUsers: Schema.optional(Bucket),
      writeUsers: Schema.optional(Bucket),
      global: Schema.optional(Bucket)
    }),
    retryAfter: Schema.optional(Schema.Boolean)
  })
)

const rateLimitFromEnv = (): FakeAuth0.RateLimitOptions | FakeAuth0.BucketRateLimitOptions | undefined => {
  const json = process.env.BENCH_RATE_LIMIT
  if (json !== undefined && json !== "") {
    const decoded = Schema.decodeUnknownEither(Schema.parseJson(RateLimit), { onExcessProperty: "error" })(json)
    if (Either.isLeft(decoded)) throw new Error(`BENCH_RATE_LIMIT is not a rate limit: ${decoded.left.message}`)
    return decoded.right
  }
  const burst = process.env.BENCH_BURST
  return burst === undefined || burst === ""
    ? undefined
    : { burst: int("BENCH_BURST", 10), perSecond: int("BENCH_PER_SECOND", 50), retryAfter: false }
}

const rateLimit = rateLimitFromEnv()
const importMillis = process.env.BENCH_IMPORT_MILLIS ? int("BENCH_IMPORT_MILLIS", 0) : undefined

const DATABASE = "Username-Password-Authentication"
const START = Date.UTC(2023, 0, 1)

/** One user, about 500 bytes of JSON; created_at one second apart so no two share a millisecond. */
const seedUser = (i: number) => ({
  connection: DATABASE,
  ...(shape === "email" ? { email: `user${i}@example.com` } : { username: `user${i}` }),
  email_verified: i % 7 !== 0,
  given_name: `Given${i}`,
  family_name: `Family${i}`,
  created_at: new Date(START + i * 1000).toISOString(),
  logins_count: (i * 37) % 250,
  app_metadata: { plan: ["free", "pro", "gold"][i % 3]! },
  user_metadata: { locale: i % 3 === 0 ? "fr-FR" : "en-GB" }
})

const BATCH = 5000

const program = Effect.gen(function* () {
  const tenant = yield* FakeAuth0.make({
    seed: 2026,
    ...(rateLimit ? { rateLimit } : {}),
    ...(importMillis !== undefined ? { importMillis } : {})
  })
  const ids: Array<string> = []
  // Seeding is synchronous; batches only keep each array small.
  for (let from = 0; from < users; from += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, users - from) }, (_, k) => seedUser(from + k))
    const seeded = yield* tenant.seedUsers(batch)
    for (const user of seeded) if (ids.length < idCount) ids.push(user.user_id)
  }
  const url = yield* FakeAuth0.serve({ tenant, port: 0 })
  process.stdout.write(
    `${JSON.stringify({
      url,
      domain: tenant.domain,
      clientId: tenant.clientId,
      clientSecret: Redacted.value(tenant.clientSecret),
      users,
      userIds: ids
    })}\n`
  )
  yield* Effect.never
})

// How late timers fire, and CPU spent, between two `load` probes.
const delay = monitorEventLoopDelay({ resolution: 5 })
delay.enable()
let since = { cpu: process.cpuUsage(), wall: performance.now() }
let pending = ""
process.stdin.on("data", (chunk: Buffer) => {
  pending += chunk.toString("utf8")
  for (let newline = pending.indexOf("\n"); newline >= 0; newline = pending.indexOf("\n")) {
    const line = pending.slice(0, newline).trim()
    pending = pending.slice(newline + 1)
    if (line !== "load") continue
    const cpu = process.cpuUsage(since.cpu)
    const load = {
      cpuMs: (cpu.user + cpu.system) / 1000,
      wallMs: performance.now() - since.wall,
      maxDelayMs: delay.max / 1e6,
      p99DelayMs: delay.percentile(99) / 1e6
    }
    process.stdout.write(`${JSON.stringify({ load })}\n`)
    delay.reset()
    since = { cpu: process.cpuUsage(), wall: performance.now() }
  }
})

const stop = () => process.exit(0)
process.on("SIGTERM", stop)
process.on("SIGINT", stop)
// The parent holds our stdin open; when it goes away, so do we.
process.stdin.on("end", stop)
process.stdin.on("error", stop)
process.stdin.resume()

Effect.runPromise(Effect.scoped(program)).catch((error: unknown) => {
  process.stderr.write(`bench server: ${String(error)}\n`)
  process.exit(1)
})
