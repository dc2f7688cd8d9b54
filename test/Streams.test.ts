import { assert, describe, it } from "@effect/vitest"
import { Chunk, Effect, Option, Stream } from "effect"
import * as fc from "fast-check"
import * as Merge from "../src/internal/merge.js"
import { type User, Users } from "../src/index.js"
import * as Search from "../src/testing/internal/search.js"
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

/** The user searches sent with `sort` so far: all page 0 (keyset, never an offset), none refused. */
const searches = (sort: string) =>
  Effect.map(FakeAuth0.Tenant.pipe(Effect.flatMap((tenant) => tenant.requests)), (requests) => {
    const listed = requests.filter((r) => r.url.includes("/api/v2/users?"))
    assert.isFalse(
      listed.some((r) => r.status !== 200),
      "every page answered"
    )
    assert.isTrue(
      listed.every((r) => new URL(r.url, "https://x").searchParams.get("page") === "0"),
      "every page is page 0"
    )
    return listed.map((r) => new URL(r.url, "https://x").searchParams).filter((p) => p.get("sort") === sort)
  })

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
      const pages = yield* searches("created_at:1")
      assert.isAtLeast(pages.length, 25, "one page of 100 at a time")
      assert.isTrue(
        pages.slice(1).every((p) => p.get("q")!.startsWith('created_at:["')),
        "after the last one seen"
      )
    }).pipe(Effect.provide(FakeAuth0.layer()))
  )

  it.effect("descending order, and q AND-ed to every page", () =>
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

  it.effect("1200 users created in one millisecond: each once, whatever the sort (ties walked by user_id)", () =>
    Effect.gen(function* () {
      const seeded = yield* seed(
        1200,
        () => "2024-05-05T05:05:05.005Z",
        (i) => ({ logins_count: i % 3 })
      )
      for (const sort of ["created_at:1", "created_at:-1", "email:1", "logins_count:-1"]) {
        const users = Chunk.toReadonlyArray(yield* Stream.runCollect(Users.stream({ sort })))
        assert.strictEqual(users.length, 1200, sort)
        assert.deepStrictEqual(new Set(users.map((u) => u.user_id)), new Set(seeded.map((u) => u.user_id)), sort)
      }
    }).pipe(Effect.provide(FakeAuth0.layer()))
  )
})

describe("Users.stream past a pinned value", () => {
  it.effect("a value shared by more than a page, then values it is a prefix of: each user once, in order", () =>
    Effect.gen(function* () {
      // 150 users at nickname "2017" are walked by created_at, then the walk goes on at nickname:{"2017" TO *].
      const seeded = yield* seed(260, spread, (i) => ({
        nickname: i < 150 ? "2017" : `2017${String.fromCharCode(97 + (i % 20))}`
      }))
      for (const sort of ["nickname:1", "nickname:-1"]) {
        const users = Chunk.toReadonlyArray(yield* Stream.runCollect(Users.stream({ sort })))
        assertSortedLike(users, yield* fakeOrder(sort), sort)
        assert.strictEqual(users.length, seeded.length, sort)
      }
    }).pipe(Effect.provide(FakeAuth0.layer()))
  )
})

/** Users in the fake's own order: its `q` filter and its comparator, over the whole store. */
const fakeOrder = (sort: string, q?: string) =>
  Effect.map(FakeAuth0.Tenant.pipe(Effect.flatMap((tenant) => tenant.users)), (all) => {
    const order = Search.compareBy(sort)
    if (!order.ok) throw new Error(order.error)
    const parsed = q === undefined ? undefined : Search.parse(q)
    if (parsed !== undefined && !parsed.ok) throw new Error(parsed.error)
    const matching = parsed === undefined ? [...all] : all.filter((user) => Search.matches(parsed.query, user))
    return { users: matching.sort(order.compare), compare: order.compare }
  })

/**
 * `actual` is `expected` position by position, except that users the sort
 * ties may come in any order among themselves; each user exactly once.
 */
const assertSortedLike = (
  actual: ReadonlyArray<User.User>,
  expected: {
    users: ReadonlyArray<Record<string, unknown>>
    compare: (a: Record<string, unknown>, b: Record<string, unknown>) => number
  },
  sort: string
) => {
  assert.strictEqual(actual.length, expected.users.length, `${sort}: count`)
  assert.strictEqual(new Set(actual.map((u) => u.user_id)).size, actual.length, `${sort}: each user once`)
  let start = 0
  for (let i = 1; i <= expected.users.length; i++) {
    if (i < expected.users.length && expected.compare(expected.users[i - 1]!, expected.users[i]!) === 0) continue
    const ids = (users: ReadonlyArray<Record<string, unknown>>) => users.map((u) => String(u.user_id)).sort()
    assert.deepStrictEqual(
      ids(actual.slice(start, i)),
      ids(expected.users.slice(start, i)),
      `${sort}: positions ${start} to ${i - 1}`
    )
    start = i
  }
}

const NAMES = ["alice", "Bob", "carol", "Dave", "eve", "Frank", "grace", "Heidi", "ivan", "Judy", "mallory", "Oscar"]

/** 2600 users whose created_at order has nothing to do with their email, name, logins or last login. */
const seedVaried = seed(
  2600,
  (i) => spread((i * 7919) % 2600),
  (i) => ({
    name: `${NAMES[(i * 31) % NAMES.length]} ${i % 3 === 0 ? "Smith" : "jones"}`,
    ...(i % 7 === 0 ? {} : { logins_count: (i * 17) % 13 }),
    ...(i % 5 === 0
      ? i % 10 === 0
        ? { last_login: null }
        : {}
      : { last_login: new Date(Date.UTC(2025, 0, 1) + ((i * 104729) % 5000) * 1000).toISOString() }),
    app_metadata: { plan: i % 3 === 1 ? "free" : "gold" }
  })
)

describe("Users.stream past the cap, in a sort other than created_at (keyset on that field)", () => {
  it.effect("walks by the sort key into the requested order, each user once", () =>
    Effect.gen(function* () {
      yield* seedVaried
      for (const sort of [
        "email:1",
        "email:-1",
        "name:1",
        "logins_count:-1",
        "logins_count:1",
        "last_login:-1",
        "last_login:1"
      ]) {
        const users = Chunk.toReadonlyArray(yield* Stream.runCollect(Users.stream({ sort })))
        assertSortedLike(users, yield* fakeOrder(sort), sort)
      }
      assert.isTrue(
        (yield* searches("email:1")).some((p) => p.get("q")!.includes('email:["')),
        "walked by email"
      )
    }).pipe(Effect.provide(FakeAuth0.layer()))
  )

  it.effect("q is AND-ed to every page", () =>
    Effect.gen(function* () {
      yield* seedVaried
      const q = 'app_metadata.plan:"gold"'
      for (const sort of ["name:-1", "logins_count:1"]) {
        const users = Chunk.toReadonlyArray(yield* Stream.runCollect(Users.stream({ q, sort })))
        const expected = yield* fakeOrder(sort, q)
        assert.isAbove(expected.users.length, 1000)
        assertSortedLike(users, expected, sort)
      }
    }).pipe(Effect.provide(FakeAuth0.layer()))
  )

  it.effect("fields that leave the sort field out: fetched to walk by, then dropped", () =>
    Effect.gen(function* () {
      yield* seedVaried
      const sort = "logins_count:-1"
      const expected = yield* fakeOrder(sort)
      const included = Chunk.toReadonlyArray(
        yield* Stream.runCollect(Users.stream({ sort, fields: ["email", "name"] }))
      )
      assertSortedLike(included, expected, sort)
      assert.isTrue(included.every((u) => Object.keys(u).sort().join() === "email,name,user_id"))

      const excluded = Chunk.toReadonlyArray(
        yield* Stream.runCollect(Users.stream({ sort, fields: "logins_count,picture", include_fields: false }))
      )
      assertSortedLike(excluded, expected, sort)
      assert.isTrue(excluded.every((u) => !("logins_count" in u) && !("picture" in u) && "email" in u))

      const kept = Chunk.toReadonlyArray(yield* Stream.runCollect(Users.stream({ sort: "email:1", fields: ["email"] })))
      assert.isTrue(kept.every((u) => Object.keys(u).sort().join() === "email,user_id"))
    }).pipe(Effect.provide(FakeAuth0.layer()))
  )
})

describe("the sort order", () => {
  const value = fc.oneof(
    fc.constantFrom("a", "B", "b", "x@Y.com", "z@y.COM", "2024-01-01T00:00:00.000Z", "2023-12-31T23:59:59.999Z"),
    fc.integer({ min: -3, max: 3 }),
    fc.double({ noNaN: true }),
    fc.boolean(),
    fc.constant(null),
    fc.constant({})
  )
  const user = fc.record(
    {
      email: fc.oneof(value, fc.array(value, { maxLength: 2 })),
      name: value,
      logins_count: value,
      identities: fc.array(
        fc.record({ connection: fc.oneof(value, fc.array(value, { maxLength: 2 })) }, { requiredKeys: [] }),
        {
          maxLength: 3
        }
      )
    },
    { requiredKeys: [] }
  )

  it("orders users exactly as the fake tenant does", () =>
    fc.assert(
      fc.property(
        fc.constantFrom(
          "email",
          "email.domain",
          "name",
          "logins_count",
          "identities.connection",
          "identities",
          "nope.x"
        ),
        fc.constantFrom("1", "-1"),
        user,
        user,
        (field, direction, a, b) => {
          const sort = `${field}:${direction}`
          const fake = Search.compareBy(sort)
          assert.isTrue(fake.ok)
          const ours = Option.getOrThrow(Merge.sortOrder(sort))
          if (fake.ok) assert.strictEqual(Math.sign(ours.compare(a, b)), Math.sign(fake.compare(a, b)))
        }
      ),
      { numRuns: 5000 }
    ))

  it("refuses what Auth0 cannot sort by", () => {
    for (const sort of ["app_metadata.plan:1", "user_metadata:-1", "email", "email:2", "a..b:1"]) {
      assert.isTrue(Option.isNone(Merge.sortOrder(sort)), sort)
    }
  })
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
