import { assert, describe, it } from "@effect/vitest"
import { Chunk, Effect, Schema, Stream, TestClock } from "effect"
import { Users } from "../src/index.js"
import { FakeAuth0 } from "../src/testing/index.js"
import * as Search from "../src/testing/internal/search.js"
import { DB } from "./testing/FakeAuth0.helpers.js"

const Q = 'email.domain:"acme.test" AND app_metadata.plan:"trial"'
const T0 = Date.UTC(2024, 0, 1)

/**
 * `count` trial users of acme.test, and as many that do not match. created_at
 * comes in threes per millisecond, plus one block of 800 in one millisecond (a quarter of them match);
 * logins_count has 7 values, so every sort has tie groups larger than a page.
 */
const seedTrials = (count: number) =>
  Effect.flatMap(FakeAuth0.Tenant, (tenant) =>
    Effect.map(
      tenant.seedUsers(
        Array.from({ length: count * 2 }, (_, i) => {
          const k = (i * 7919) % (count * 2)
          return {
            connection: DB,
            email: `u${String(k).padStart(5, "0")}@${i % 2 === 0 ? "acme.test" : "other.test"}`,
            created_at: new Date(T0 + (k < 800 ? 0 : Math.floor(k / 3)) * 1000).toISOString(),
            logins_count: k % 7,
            app_metadata: { plan: i % 4 === 2 ? "paid" : "trial" }
          }
        })
      ),
      (users) =>
        users.filter(
          (u) => String(u.email).endsWith("@acme.test") && (u.app_metadata as { plan: string }).plan === "trial"
        )
    )
  )

const ids = (users: ReadonlyArray<{ readonly user_id: string }>) => users.map((u) => u.user_id)

const assertEachOnce = (delivered: ReadonlyArray<string>, expected: ReadonlyArray<string>, label: string) => {
  assert.strictEqual(new Set(delivered).size, delivered.length, `${label}: nobody twice`)
  assert.deepStrictEqual([...delivered].sort(), [...expected].sort(), `${label}: everybody`)
}

describe("Users.stream while the consumer changes the users", () => {
  for (const sort of ["created_at:1", "created_at:-1", "email:1", "logins_count:-1"]) {
    it.effect(`each match updated out of the query as it arrives: all 1600 updated, each once (${sort})`, () =>
      Effect.gen(function* () {
        const trials = yield* seedTrials(3200)
        assert.strictEqual(trials.length, 1600)
        const updated: Array<string> = []
        yield* Users.stream({ q: Q, sort }).pipe(
          Stream.runForEach((user) =>
            Effect.zipRight(
              Users.update(user.user_id, { app_metadata: { plan: "paid" } }),
              Effect.sync(() => updated.push(user.user_id))
            )
          )
        )
        assertEachOnce(updated, ids(trials), sort)
        assert.strictEqual(yield* Stream.runCount(Users.stream({ q: Q })), 0, "none left to update")
      }).pipe(Effect.provide(FakeAuth0.layer()))
    )
  }

  for (const sort of ["created_at:1", "created_at:-1", "logins_count:1"]) {
    it.effect(`users updated out of the query, deleted and created during the walk (${sort})`, () =>
      Effect.gen(function* () {
        const trials = yield* seedTrials(1200)
        // Users.create stamps created_at from the clock: after every seeded user.
        yield* TestClock.setTime(Date.UTC(2025, 0, 1))
        // Deleted from the far end of the walk's order: never from the page in hand, which is delivered as fetched.
        const order = Search.compareBy(sort)
        if (!order.ok) throw new Error(order.error)
        const pending = ids([...trials].sort(order.compare))
        const deleted = new Set<string>()
        const created = new Set<string>()
        const delivered: Array<string> = []
        let n = 0
        yield* Users.stream({ q: Q, sort }).pipe(
          Stream.runForEach((user) =>
            Effect.gen(function* () {
              delivered.push(user.user_id)
              pending.splice(pending.indexOf(user.user_id), 1)
              yield* Users.update(user.user_id, { app_metadata: { plan: "paid" } })
              if (++n % 10 !== 0) return
              // Delete two users the walk has not reached; create one that matches.
              for (const id of pending.length > 250 ? pending.splice(-2) : []) {
                yield* Users.delete(id)
                deleted.add(id)
              }
              const fresh = yield* Users.create(DB, {
                email: `new${n}@acme.test`,
                password: "I have a password and its a secret",
                app_metadata: { plan: "trial" }
              })
              created.add(fresh.user_id)
            })
          )
        )
        assert.isAbove(deleted.size, 50)
        assert.isFalse(
          delivered.some((id) => deleted.has(id)),
          "a user deleted before the walk reached it is not delivered"
        )
        const survivors = ids(trials).filter((id) => !deleted.has(id))
        assertEachOnce(
          delivered.filter((id) => !created.has(id)),
          survivors,
          sort
        )
        assert.strictEqual(new Set(delivered).size, delivered.length, "nobody twice, created ones included")
        const createdDelivered = delivered.filter((id) => created.has(id)).length
        // As the README says: ascending by created_at, a user created before the walk fetched its last page comes
        // at the end (those created while the last page of 100 is consumed, one per 10 users, do not); descending, none.
        if (sort === "created_at:1") assert.isAtLeast(createdDelivered, created.size - 10)
        if (sort === "created_at:-1") assert.strictEqual(createdDelivered, 0)
      }).pipe(Effect.provide(FakeAuth0.layer()))
    )
  }

  it.effect("a consumer that moves users into the query during the walk gets each user at most once", () =>
    Effect.gen(function* () {
      const trials = yield* seedTrials(800)
      const tenant = yield* FakeAuth0.Tenant
      const outside = (yield* tenant.users).filter((u) => String(u.email).endsWith("@other.test")).map((u) => u.user_id)
      const delivered: Array<string> = []
      yield* Users.stream({ q: Q, sort: "email:1" }).pipe(
        Stream.runForEach((user) =>
          Effect.gen(function* () {
            delivered.push(user.user_id)
            const next = outside.pop()
            if (next !== undefined) {
              yield* Users.update(next, { email: `a${delivered.length}@acme.test`, app_metadata: { plan: "trial" } })
            }
          })
        )
      )
      assert.strictEqual(new Set(delivered).size, delivered.length)
      const original = new Set(delivered)
      assert.isTrue(
        ids(trials).every((id) => original.has(id)),
        "every user that matched at the start"
      )
    }).pipe(Effect.provide(FakeAuth0.layer()))
  )
})

describe("Users.streamWithCursor", () => {
  const Stored = Schema.parseJson(Users.StreamCursor)

  for (const sort of ["created_at:1", "logins_count:-1", "email:-1"]) {
    it.effect(`a walk stopped midway resumes from its stored cursor: every user once (${sort})`, () =>
      Effect.gen(function* () {
        const trials = yield* seedTrials(1400)
        const first: Array<string> = []
        let saved = ""
        // The job updates each user out of the query, stores the cursor, and is stopped after 333.
        yield* Users.streamWithCursor({ q: Q, sort }).pipe(
          Stream.take(333),
          Stream.runForEach(({ cursor, user }) =>
            Effect.gen(function* () {
              yield* Users.update(user.user_id, { app_metadata: { plan: "paid" } })
              first.push(user.user_id)
              saved = yield* Schema.encode(Stored)(cursor)
            })
          )
        )
        assert.isBelow(saved.length, 400, "a small value")
        const after = yield* Schema.decodeUnknown(Stored)(saved)
        const rest = ids(Chunk.toReadonlyArray(yield* Stream.runCollect(Users.stream({ q: Q, sort, after }))))
        assert.strictEqual(first.length, 333)
        assertEachOnce([...first, ...rest], ids(trials), sort)
        // The last cursor of a whole walk resumes to nothing.
        const all = Chunk.toReadonlyArray(yield* Stream.runCollect(Users.streamWithCursor({ q: Q, sort, after })))
        const end = all[all.length - 1]!.cursor
        assert.strictEqual(yield* Stream.runCount(Users.stream({ q: Q, sort, after: end })), 0)
      }).pipe(Effect.provide(FakeAuth0.layer()))
    )
  }

  it.effect("a cursor of another q or sort, or not a cursor at all, is a BadRequest that is not sent", () =>
    Effect.gen(function* () {
      yield* seedTrials(300)
      const [element] = Chunk.toReadonlyArray(
        yield* Stream.runCollect(Users.streamWithCursor({ q: Q }).pipe(Stream.take(1)))
      )
      const cursor = element!.cursor
      const tenant = yield* FakeAuth0.Tenant
      const before = (yield* tenant.requests).length
      for (const params of [
        { q: 'email.domain:"acme.test"', after: cursor },
        { q: Q, sort: "created_at:-1", after: cursor },
        {
          q: Q,
          after: {
            ...cursor,
            pins: [
              { value: 1, skip: [] },
              { value: 2, skip: [] }
            ]
          }
        },
        { q: Q, after: { nope: true } as unknown as Users.StreamCursor }
      ]) {
        const error = yield* Stream.runDrain(Users.stream(params)).pipe(Effect.flip)
        assert.strictEqual(error._tag, "BadRequest")
        if (error._tag === "BadRequest") {
          assert.strictEqual(error.errorCode, "invalid_cursor")
          assert.include(error.message, "not sent")
        }
      }
      assert.strictEqual((yield* tenant.requests).length, before, "nothing sent")
      const refused = yield* Stream.runDrain(Users.streamWithCursor({ sort: "app_metadata.plan:1" })).pipe(Effect.flip)
      assert.strictEqual(refused._tag, "BadRequest")
    }).pipe(Effect.provide(FakeAuth0.layer()))
  )
})

describe("logsStream while events are logged", () => {
  it.effect("newest first: an event logged during the walk pushes the rest down, none comes twice", () =>
    Effect.gen(function* () {
      const tenant = yield* FakeAuth0.Tenant
      const [user] = yield* tenant.seedUsers([{ connection: DB, email: "logs@acme.test" }])
      const id = user!.user_id
      const at = (i: number) => new Date(Date.UTC(2025, 0, 1) + i * 1000).toISOString()
      const seeded = yield* tenant.seedLogs(
        id,
        Array.from({ length: 45 }, (_, i) => ({ type: "s", date: at(i) }))
      )
      let next = 1000
      const delivered = Chunk.toReadonlyArray(
        yield* Stream.runCollect(
          Users.logsStream(id, { sort: "date:-1", per_page: 10 }).pipe(
            Stream.tap(() => tenant.seedLogs(id, [{ type: "f", date: at(next++) }]))
          )
        )
      )
      const logIds = delivered.map((log) => log.log_id)
      assert.strictEqual(new Set(logIds).size, logIds.length, "no event twice")
      const got = new Set(logIds)
      assert.isTrue(
        seeded.every((log) => got.has(log.log_id)),
        "every event logged before the walk"
      )
    }).pipe(Effect.provide(FakeAuth0.layer()))
  )
})
