import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Layer, Option, TestClock } from "effect"
import { Auth0Http, Users } from "../src/index.js"
import type { FakeAuth0 } from "../src/testing/index.js"
import { drive, pacedTenant } from "./utils.js"

/** Read Users 20 / 40 per second and Write Users 10 / 20 per second, as the workload has them. */
const PLAN = {
  buckets: { readUsers: { burst: 20, perSecond: 40 }, writeUsers: { burst: 10, perSecond: 20 } }
} as const

const update = (id: string, n: number) => Users.update(id, { user_metadata: { n } })

/** Read every user, and update every second one after its read: a sync job. */
const syncJob = (ids: ReadonlyArray<string>) =>
  Effect.forEach(ids, (id, i) => Effect.zipRight(Users.get(id), i % 2 === 0 ? update(id, i) : Effect.void), {
    concurrency: 16,
    discard: true
  })

/**
 * Run `work` on the test clock and check it took at most 1.10 times `minimum` milliseconds, with at most 2 % of
 * the tenant's answers 429s; the time it took comes back.
 */
const finishesNear = <E>(
  work: Effect.Effect<unknown, E>,
  tenant: FakeAuth0.Tenant.Service,
  minimum: number
): Effect.Effect<number, E> =>
  Effect.gen(function* () {
    const started = yield* TestClock.currentTimeMillis
    yield* drive(yield* Effect.fork(work), "10 millis", 5_000)
    const elapsed = (yield* TestClock.currentTimeMillis) - started
    const answers = yield* tenant.requests
    const limited = answers.filter((r) => r.status === 429).length
    assert.isAtMost(elapsed, minimum * 1.1, `took ${elapsed} ms`)
    assert.isAtMost(limited, Math.ceil(answers.length * 0.02), `429s: ${limited} of ${answers.length}`)
    return elapsed
  })

describe("pacing per rate-limit bucket", () => {
  it.effect("a read is not held behind a write that waits for the write bucket", () =>
    Effect.gen(function* () {
      const { client, ids, tenant } = yield* pacedTenant(
        { buckets: { readUsers: { burst: 5, perSecond: 5 }, writeUsers: { burst: 1, perSecond: 1 } } },
        3
      )
      const layer = yield* Layer.build(client({ retry: undefined }))
      const run = <A, E>(effect: Effect.Effect<A, E, Auth0Http.Auth0Http>) => Effect.fork(Effect.provide(effect, layer))
      // The first write empties the write bucket; the second waits about a second for its token.
      yield* Effect.provide(update(ids[0]!, 1), layer)
      const write = yield* run(update(ids[1]!, 2))
      yield* TestClock.adjust("10 millis")
      const read = yield* run(Users.get(ids[2]!))
      yield* TestClock.adjust("10 millis")
      assert.isTrue(Option.isSome(yield* Fiber.poll(read)), "the read went out at once: its bucket is full")
      assert.isTrue(Option.isNone(yield* Fiber.poll(write)), "the write still waits for its own bucket")
      yield* TestClock.adjust("1 second")
      yield* Fiber.join(write)
      const statuses = (yield* tenant.requests).map((r) => r.status)
      assert.deepStrictEqual(statuses, [200, 200, 200], "and no 429 on the way")
    }).pipe(Effect.scoped)
  )

  it.effect("8 readers and 8 writers on their own buckets finish near the slower bucket's minimum", () =>
    Effect.gen(function* () {
      const { client, ids, tenant } = yield* pacedTenant(PLAN, 300)
      const reads = ids.slice(0, 200)
      const writes = ids.slice(200)
      // Reads: (200 - 20) / 40 per second = 4.5 s; writes: (100 - 10) / 20 per second = 4.5 s. One estimate for
      // both buckets (overwritten by whichever answered last) and one queue take about 1.5 times as long.
      const elapsed = yield* finishesNear(
        Effect.all(
          [
            Effect.forEach(reads, (id) => Users.get(id), { concurrency: 8, discard: true }),
            Effect.forEach(writes, (id, i) => update(id, i), { concurrency: 8, discard: true })
          ],
          { concurrency: 2, discard: true }
        ).pipe(Effect.provide(client({ retry: undefined }))),
        tenant,
        4_500
      )
      assert.isAtLeast(elapsed, 4_500 * 0.98)
    })
  )

  it.effect("a sync job (read a user, update every second one) is paced by both buckets at once", () =>
    Effect.gen(function* () {
      const { client, ids, tenant } = yield* pacedTenant(PLAN, 200)
      // Reads: (200 - 20) / 40 per second = 4.5 s; writes: (100 - 10) / 20 per second = 4.5 s.
      yield* finishesNear(syncJob(ids).pipe(Effect.provide(client({ retry: undefined }))), tenant, 4_500)
    })
  )

  it.effect("two processes running the sync job at once share both buckets near the minimum", () =>
    Effect.gen(function* () {
      const { client, ids, tenant } = yield* pacedTenant(PLAN, 200)
      const job = (part: ReadonlyArray<string>) => syncJob(part).pipe(Effect.provide(client({ retry: undefined })))
      // Both see the other's spending as no refill left: each starts at the floor, and has to climb to its
      // share at once rather than in seconds. Reads and writes: 4.5 s at best, as above.
      yield* finishesNear(Effect.all([job(ids.slice(0, 100)), job(ids.slice(100))], { concurrency: 2 }), tenant, 4_500)
    })
  )

  it.effect("a client joining a bucket that another already spends takes its share within about a second", () =>
    Effect.gen(function* () {
      const { client, ids, tenant } = yield* pacedTenant({ burst: 10, perSecond: 50 }, 700)
      const first = ids.slice(0, 450)
      const second = ids.slice(450)
      const layerB = yield* Layer.build(client({ retry: undefined }))
      // The joiner's first request, long before its work: an answer to pair with its next ones, as a
      // process that warmed up at start has; the bucket is spent by the other client in between.
      yield* Effect.provide(Users.get(second[0]!), layerB)
      const a = yield* Effect.fork(
        Effect.forEach(first, (id) => Users.get(id), { concurrency: 8, discard: true }).pipe(
          Effect.provide(client({ retry: undefined }))
        )
      )
      for (let i = 0; i < 300; i++) yield* TestClock.adjust("10 millis")
      const joined = yield* TestClock.currentTimeMillis
      const b = yield* Effect.fork(
        Effect.forEach(second.slice(1), (id) => Users.get(id), { concurrency: 8, discard: true }).pipe(
          Effect.provide(layerB)
        )
      )
      yield* drive(yield* Effect.fork(Fiber.join(Fiber.zip(a, b))), "10 millis", 5_000)
      const mine = new Set(second.map((id) => `/api/v2/users/${encodeURIComponent(id)}`))
      const served = (yield* tenant.requests).filter(
        (r) => r.status === 200 && mine.has(r.url.split("?")[0]!) && r.at >= joined
      )
      // Its share of 50 per second is 25: in its second half-second it has to be close.
      const within = (from: number, to: number) =>
        served.filter((r) => r.at >= joined + from && r.at < joined + to).length
      assert.isAtLeast(within(500, 1_000), 10, `served in 0.5–1 s after joining: ${within(500, 1_000)}`)
      assert.isAtLeast(within(1_000, 2_000), 20, `served in 1–2 s after joining: ${within(1_000, 2_000)}`)
    }).pipe(Effect.scoped)
  )
})
