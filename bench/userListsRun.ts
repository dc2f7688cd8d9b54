/**
 * One run of section 6 (`bench/userLists.ts`), in a process of its own started with `--expose-gc`: a fake
 * tenant in process with one user holding `BENCH_SESSIONS` sessions, then `Users.sessionsStream` drained,
 * sampling the live heap (after a full GC) every 1,000 sessions. Prints one JSON line: sessions, ms, and the peak heap growth over
 * the heap after seeding and a full GC.
 */
import { Effect, Layer, Stream } from "effect"
import { Users } from "../src/index.js"
import { FakeAuth0 } from "../src/testing/index.js"

const count = Number(process.env.BENCH_SESSIONS ?? 5000)
const gc = (globalThis as { gc?: () => void }).gc

const program = Effect.gen(function* () {
  const tenant = yield* FakeAuth0.Tenant
  const [user] = yield* tenant.seedUsers([{ connection: "Username-Password-Authentication", email: "s@example.com" }])
  const id = user!.user_id
  for (let i = 0; i < count; i += 1000) {
    yield* tenant.seedSessions(
      id,
      Array.from({ length: Math.min(1000, count - i) }, () => ({}))
    )
  }
  // One page first: the token, the decoders and the route table exist before the baseline.
  yield* Users.sessions(id, { take: 1 })
  gc?.()
  const base = process.memoryUsage().heapUsed
  let peak = base
  const started = performance.now()
  let seen = 0
  yield* Users.sessionsStream(id).pipe(
    Stream.runForEach(() =>
      Effect.sync(() => {
        // Live memory, not garbage V8 has not collected yet: a full GC before each sample.
        if (++seen % 1000 === 0) {
          gc?.()
          peak = Math.max(peak, process.memoryUsage().heapUsed)
        }
      })
    )
  )
  const ms = performance.now() - started
  return { sessions: seen, ms, peakGrowthMb: (peak - base) / 1024 ** 2 }
})

const layer = FakeAuth0.layer({ client: { pacing: false } })
Effect.runPromise(Effect.provide(program, Layer.orDie(layer))).then(
  (result) => console.log(JSON.stringify(result)),
  (error: unknown) => {
    console.error(String(error))
    process.exit(1)
  }
)
