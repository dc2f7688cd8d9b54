import { assert, describe, it } from "@effect/vitest"
import { Chunk, Effect, Stream } from "effect"
import { Users } from "../src/index.js"
import { FakeAuth0 } from "../src/testing/index.js"

const DB = "Username-Password-Authentication"

const seed = (
  count: number,
  createdAt: (i: number) => string,
  extra: (i: number) => Record<string, unknown> = () => ({})
) =>
  Effect.flatMap(FakeAuth0.Tenant, (tenant) =>
    tenant.seedUsers(
      Array.from({ length: count }, (_, i) => ({
        connection: DB,
        email: `user${i}@example.com`,
        created_at: createdAt(i),
        ...extra(i)
      }))
    )
  )

const spread = (i: number) => new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString()

describe("Users.stream", () => {
  it.effect("delivers every match exactly once, in created_at order, past the 1000 cap", () =>
    Effect.gen(function* () {
      const seeded = yield* seed(2500, (i) => spread((i * 7919) % 2500))
      const users = Chunk.toReadonlyArray(yield* Stream.runCollect(Users.stream()))
      assert.strictEqual(users.length, 2500)
      assert.strictEqual(new Set(users.map((u) => u.user_id)).size, 2500)
      assert.deepStrictEqual(new Set(users.map((u) => u.user_id)), new Set(seeded.map((u) => u.user_id)))
      const dates = users.map((u) => u.created_at!)
      assert.deepStrictEqual(dates, [...dates].sort())
      const tenant = yield* FakeAuth0.Tenant
      const requests = yield* tenant.requests
      assert.isTrue(
        requests.some((r) => decodeURIComponent(r.url).includes("created_at:[")),
        "the query was split into ranges"
      )
      assert.isFalse(
        requests.some((r) => r.status === 400),
        "never paged past the cap"
      )
    }).pipe(Effect.provide(FakeAuth0.layer()))
  )

  it.effect("descending order, and q AND-ed to every range", () =>
    Effect.gen(function* () {
      yield* seed(2200, spread, (i) => ({ app_metadata: { plan: i % 2 === 0 ? "gold" : "free" } }))
      const gold = Chunk.toReadonlyArray(
        yield* Stream.runCollect(Users.stream({ q: 'app_metadata.plan:"gold"', sort: "created_at:-1" }))
      )
      assert.strictEqual(gold.length, 1100)
      assert.isTrue(gold.every((u) => (u.app_metadata as { plan: string }).plan === "gold"))
      const dates = gold.map((u) => u.created_at!)
      assert.deepStrictEqual(dates, [...dates].sort().reverse())
    }).pipe(Effect.provide(FakeAuth0.layer()))
  )

  it.effect("fits under the cap: plain paging, any sort", () =>
    Effect.gen(function* () {
      yield* seed(250, spread)
      const users = Chunk.toReadonlyArray(yield* Stream.runCollect(Users.stream({ sort: "email:1" })))
      assert.strictEqual(users.length, 250)
      const emails = users.map((u) => u.email!)
      assert.deepStrictEqual(emails, [...emails].sort())
    }).pipe(Effect.provide(FakeAuth0.layer()))
  )

  it.effect("a range that cannot be split fails with LimitExceeded", () =>
    Effect.gen(function* () {
      yield* seed(1200, () => "2024-05-05T05:05:05.005Z")
      const error = yield* Stream.runDrain(Users.stream()).pipe(Effect.flip)
      assert.strictEqual(error._tag, "LimitExceeded")
      if (error._tag === "LimitExceeded") {
        assert.strictEqual(error.total, 1200)
        assert.include(error.message, "one millisecond")
      }
    }).pipe(Effect.provide(FakeAuth0.layer()))
  )

  it.effect("more than the cap with a sort that cannot be split fails instead of truncating", () =>
    Effect.gen(function* () {
      yield* seed(1100, spread)
      const error = yield* Stream.runDrain(Users.stream({ sort: "email:1" })).pipe(Effect.flip)
      assert.strictEqual(error._tag, "LimitExceeded")
    }).pipe(Effect.provide(FakeAuth0.layer()))
  )
})

describe("logsStream / rolesStream", () => {
  it.effect("every page in turn; past the cap a typed error unless stopAtCap", () =>
    Effect.gen(function* () {
      const [user] = yield* seed(1, spread)
      const tenant = yield* FakeAuth0.Tenant
      yield* tenant.seedLogs(
        user!.user_id,
        Array.from({ length: 1050 }, (_, i) => ({
          type: "s",
          date: new Date(Date.UTC(2025, 0, 1) + i * 1000).toISOString()
        }))
      )
      const error = yield* Stream.runDrain(Users.logsStream(user!.user_id)).pipe(Effect.flip)
      assert.strictEqual(error._tag, "LimitExceeded")
      const capped = yield* Stream.runCount(Users.logsStream(user!.user_id, { stopAtCap: true }))
      assert.strictEqual(capped, 1000)
      const newestFirst = Chunk.toReadonlyArray(
        yield* Stream.runCollect(
          Users.logsStream(user!.user_id, { stopAtCap: true, per_page: 50 }).pipe(Stream.take(3))
        )
      )
      assert.isTrue(newestFirst[0]!.date > newestFirst[1]!.date)
    }).pipe(Effect.provide(FakeAuth0.layer()))
  )

  it.effect("rolesStream walks all pages", () =>
    Effect.gen(function* () {
      const [user] = yield* seed(1, spread)
      const tenant = yield* FakeAuth0.Tenant
      const roles = Array.from({ length: 130 }, (_, i) => ({
        id: `rol_${String(i).padStart(16, "0")}`,
        name: `role-${i}`
      }))
      yield* tenant.seedRoles(roles)
      yield* tenant.assignRoles(
        user!.user_id,
        roles.map((r) => r.id)
      )
      const names = Chunk.toReadonlyArray(
        yield* Stream.runCollect(Users.rolesStream(user!.user_id, { per_page: 25 }).pipe(Stream.map((r) => r.name)))
      )
      assert.deepStrictEqual(
        names,
        roles.map((r) => r.name)
      )
    }).pipe(Effect.provide(FakeAuth0.layer()))
  )
})
