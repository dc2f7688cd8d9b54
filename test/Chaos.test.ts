/**
 * The streams and the pacing against a served tenant that is rate-limited
 * and faulty at once: 5xx, 429s the bucket did not earn, connections reset
 * before an answer, bodies cut short and slow answers, over real HTTP. With
 * the default retry policy (faster waits) every stream still delivers each
 * item exactly once, in order.
 */
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Chunk, Effect, Layer, Schedule, Stream } from "effect"
import { Auth0Http, Retry, Users } from "../src/index.js"
import { FakeAuth0 } from "../src/testing/index.js"

const DB = "Username-Password-Authentication"

const FAULTS: FakeAuth0.FaultOptions = {
  serverError: 0.15,
  rateLimited: 0.1,
  reset: 0.1,
  truncate: 0.1,
  delay: { share: 0.1, millis: 40 },
  // The export file's host fails too, as S3 can: resets and bodies cut off mid-way.
  includeFiles: true
}

/** A served tenant of `users` users (bucket of 10, 50 per second), faulty from the first API request on. */
const chaotic = (users: number, faults: FakeAuth0.FaultOptions = FAULTS, seed = 7) =>
  Effect.gen(function* () {
    const tenant = yield* FakeAuth0.make({ seed, rateLimit: { burst: 10, perSecond: 50 } })
    const seeded = yield* tenant.seedUsers(
      Array.from({ length: users }, (_, i) => ({
        connection: DB,
        email: `chaos${(i * 7919) % users}@example.com`,
        created_at: new Date(Date.UTC(2024, 0, 1) + ((i * 104_729) % users) * 60_000).toISOString()
      }))
    )
    const baseUrl = yield* FakeAuth0.serve({ tenant, port: 0 })
    yield* tenant.setFaults(faults)
    const client = Auth0Http.layer({
      domain: tenant.domain,
      baseUrl,
      clientId: tenant.clientId,
      clientSecret: tenant.clientSecret,
      retry: Retry.policy({ times: 8, base: "10 millis", maxDelay: "2 seconds" }),
      timeout: "5 seconds"
    }).pipe(Layer.provide(NodeHttpClient.layerUndici))
    return { tenant, seeded, client }
  })

/** How many answers of each kind the tenant sent: proof that the faults were really there. */
const statuses = (tenant: FakeAuth0.Tenant.Service) =>
  Effect.map(tenant.requests, (requests) => {
    const counts = new Map<number, number>()
    for (const r of requests) counts.set(r.status, (counts.get(r.status) ?? 0) + 1)
    return counts
  })

describe("against a rate-limited, faulty served tenant", () => {
  it.scopedLive(
    "Users.stream: every user exactly once, in created_at order, past the 1000 cap",
    () =>
      Effect.gen(function* () {
        const { tenant, seeded, client } = yield* chaotic(2300)
        const users = Chunk.toReadonlyArray(yield* Stream.runCollect(Users.stream()).pipe(Effect.provide(client)))
        assert.strictEqual(users.length, seeded.length)
        assert.deepStrictEqual(new Set(users.map((u) => u.user_id)), new Set(seeded.map((u) => u.user_id)))
        const dates = users.map((u) => u.created_at!)
        assert.deepStrictEqual(dates, [...dates].sort())
        const counts = yield* statuses(tenant)
        assert.isAbove(counts.get(503) ?? 0, 0, `server errors were injected: ${JSON.stringify([...counts])}`)
        assert.isAbove(counts.get(429) ?? 0, 0, `429s were injected: ${JSON.stringify([...counts])}`)
      }),
    60_000
  )

  it.scopedLive(
    "Users.stream sorted by email (keyset on email): every user once, in email order",
    () =>
      Effect.gen(function* () {
        const { seeded, client } = yield* chaotic(2100)
        const users = Chunk.toReadonlyArray(
          yield* Stream.runCollect(Users.stream({ sort: "email:1", fields: "user_id,email" })).pipe(
            Effect.provide(client)
          )
        )
        assert.strictEqual(users.length, seeded.length)
        assert.deepStrictEqual(
          users.map((u) => u.email),
          seeded.map((u) => u.email).sort()
        )
      }),
    60_000
  )

  it.scopedLive(
    "Users.export: the job survives failed polls, the download resumes where it broke, and the users arrive once each",
    () =>
      Effect.gen(function* () {
        // More cuts than elsewhere, and a seed that draws one for the file download (asserted below).
        const faults = { ...FAULTS, truncate: 0.25, reset: 0.15 }
        const { tenant, seeded, client } = yield* chaotic(20_000, faults, 8)
        const users = Chunk.toReadonlyArray(
          yield* Stream.runCollect(Users.export({ pollSchedule: Schedule.spaced("10 millis") })).pipe(
            Effect.provide(client)
          )
        )
        assert.deepStrictEqual(new Set(users.map((u) => u.user_id)), new Set(seeded.map((u) => u.user_id)))
        assert.strictEqual(users.length, seeded.length)
        const files = (yield* tenant.requests).filter((r) => r.url.startsWith("/__exports/"))
        const summary = JSON.stringify(files.map((r) => `${r.status} ${r.fault ?? "-"}`))
        const cutAt = files.findIndex((r) => r.status === 200 && (r.fault === "truncate" || r.fault === "reset"))
        assert.isAtLeast(cutAt, 0, `the download was cut: ${summary}`)
        assert.isTrue(
          files.slice(cutAt + 1).some((r) => r.status === 206),
          `and resumed with a range: ${summary}`
        )
      }),
    60_000
  )

  it.scopedLive(
    "Users.logsStream and Users.rolesStream: every page once, in order, up to the cap",
    () =>
      Effect.gen(function* () {
        const { tenant, seeded, client } = yield* chaotic(1, FAULTS, 11)
        const id = seeded[0]!.user_id
        yield* tenant.seedLogs(
          id,
          Array.from({ length: 1050 }, (_, i) => ({
            type: "s",
            date: new Date(Date.UTC(2025, 0, 1) + i * 1000).toISOString()
          }))
        )
        const roles = Array.from({ length: 130 }, (_, i) => ({
          id: `rol_${String(i).padStart(16, "0")}`,
          name: `role-${i}`
        }))
        yield* tenant.seedRoles(roles)
        yield* tenant.assignRoles(
          id,
          roles.map((r) => r.id)
        )
        yield* Effect.gen(function* () {
          const logs = Chunk.toReadonlyArray(
            yield* Stream.runCollect(Users.logsStream(id, { stopAtCap: true, per_page: 50 }))
          )
          assert.strictEqual(logs.length, 1000)
          assert.strictEqual(new Set(logs.map((l) => l.log_id)).size, 1000)
          const dates = logs.map((l) => l.date!)
          assert.deepStrictEqual(dates, [...dates].sort().reverse(), "newest first, no page twice")
          const past = yield* Effect.flip(Stream.runDrain(Users.logsStream(id)))
          assert.strictEqual(past._tag, "LimitExceeded")
          const names = Chunk.toReadonlyArray(
            yield* Stream.runCollect(Users.rolesStream(id, { per_page: 25 }).pipe(Stream.map((r) => r.name)))
          )
          assert.deepStrictEqual(
            names,
            roles.map((r) => r.name)
          )
        }).pipe(Effect.provide(client))
        const counts = yield* statuses(tenant)
        assert.isAbove((counts.get(503) ?? 0) + (counts.get(429) ?? 0), 0, JSON.stringify([...counts]))
      }),
    60_000
  )
})
