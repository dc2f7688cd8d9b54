/**
 * `Users.import` and `Jobs.importUsers` against the fake tenant: files under the size limit with
 * every user in exactly one, at most two jobs at once (a third job's 429 waited out), the summary
 * against what was seeded (inserted, upserted, duplicates, invalid users), and every way an import
 * can end short (a user too large for a file, a job Auth0 fails or forgets, a lost answer to a create,
 * the caller's own stream failing) as a typed failure that keeps what was done.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Schedule, Stream } from "effect"
import { Auth0Error, type ImportUser, Jobs, Users } from "../src/index.js"
import { FakeAuth0 } from "../src/testing/index.js"

const CONNECTION = "con_ftSSLHb0O7rcUGmF"
const fast = { pollSchedule: Schedule.spaced("2 millis") }
const fake = (options: FakeAuth0.Options = {}) => FakeAuth0.layer({ importMillis: 5, ...options })

const users = (n: number, from = 0): Array<ImportUser.ImportUser> =>
  Array.from({ length: n }, (_, i) => ({
    email: `user${from + i}@example.com`,
    email_verified: true,
    given_name: `Given ${from + i}`,
    user_metadata: { n: from + i }
  }))

/** The users files the fake was sent, parsed. */
const sentFiles = Effect.gen(function* () {
  const tenant = yield* FakeAuth0.Tenant
  const requests = yield* tenant.requests
  return requests
    .filter((r) => r.method === "POST" && r.url.endsWith("/jobs/users-imports") && r.status === 202)
    .map((r) => {
      const body = r.body ?? ""
      const start = body.indexOf("\r\n\r\n", body.indexOf('name="users"')) + 4
      const end = body.indexOf("\r\n--", start)
      return {
        bytes: Buffer.byteLength(body.slice(start, end)),
        users: JSON.parse(body.slice(start, end)) as Array<ImportUser.ImportUser>
      }
    })
})

describe("Users.import against the fake tenant", () => {
  it.live("splits users into files under the limit, each user in exactly one, and sums the jobs", () =>
    Effect.gen(function* () {
      const input = users(3000)
      const summary = yield* Users.import(Stream.fromIterable(input), {
        connection_id: CONNECTION,
        maxFileBytes: 40_000,
        ...fast
      })
      assert.deepStrictEqual(
        { inserted: summary.inserted, updated: summary.updated, failed: summary.failed, total: summary.total },
        { inserted: 3000, updated: 0, failed: 0, total: 3000 }
      )
      const files = yield* sentFiles
      assert.isAbove(files.length, 3)
      const tenantRequests = yield* (yield* FakeAuth0.Tenant).requests
      assert.isFalse(
        tenantRequests.some((r) => r.status === 429),
        "two jobs at a time: the fake never had to refuse a third"
      )
      assert.strictEqual(summary.jobs.length, files.length)
      for (const file of files) assert.isAtMost(file.bytes, 40_000)
      const emails = files.flatMap((file) => file.users.map((u) => u.email))
      assert.deepStrictEqual(
        emails,
        input.map((u) => u.email),
        "every user once, in order"
      )
      assert.deepStrictEqual(
        summary.jobs.map((job) => job.users),
        files.map((file) => file.users.length)
      )
      const tenant = yield* FakeAuth0.Tenant
      const stored = yield* tenant.users
      assert.strictEqual(stored.length, 3000)
      const one = stored.find((u) => u.email === "user7@example.com")!
      assert.deepStrictEqual(one.user_metadata, { n: 7 })
      assert.strictEqual(one.given_name, "Given 7")
    }).pipe(Effect.provide(fake({ importMillis: 50 })))
  )

  it.live("a summary of duplicates, invalid users and upserts, the rejected named without their hashes", () =>
    Effect.gen(function* () {
      const tenant = yield* FakeAuth0.Tenant
      yield* tenant.seedUsers([
        {
          connection: "Username-Password-Authentication",
          email: "old@example.com",
          app_metadata: { plan: "free", extra: 1 }
        }
      ])
      const hash = "$2b$10$C9Lo9cZbdJ.Ax/jGQm2lpeS2S/UjN6qK0wEYV0x6MLyT1bPqH1V7i"
      const input: Array<ImportUser.ImportUser> = [
        { email: "new@example.com", password_hash: hash },
        { email: "old@example.com", password_hash: hash },
        { email: "not-an-email", password_hash: hash },
        { email: "new@example.com", password_hash: hash },
        { email: "typed@example.com", email_verified: "yes" as unknown as boolean }
      ]
      const plain = yield* Users.import(input, { connection_id: CONNECTION, ...fast })
      assert.deepStrictEqual(
        { inserted: plain.inserted, updated: plain.updated, failed: plain.failed, total: plain.total },
        { inserted: 1, updated: 0, failed: 4, total: 5 }
      )
      const codes = plain.errors.map((e) => [e.user.email, e.errors.map((x) => x.code).join()])
      assert.deepStrictEqual(codes, [
        ["old@example.com", "DUPLICATED_USER"],
        ["not-an-email", "FORMAT"],
        ["new@example.com", "DUPLICATED_USER"],
        ["typed@example.com", "INVALID_TYPE"]
      ])
      assert.notInclude(JSON.stringify(plain), hash, "no password hash in the summary")
      assert.strictEqual(plain.errors[3]!.errors[0]!.path, "email_verified")

      const upserted = yield* Users.import([{ email: "old@example.com", app_metadata: { plan: "pro" } }], {
        connection_id: CONNECTION,
        upsert: true,
        ...fast
      })
      assert.deepStrictEqual([upserted.inserted, upserted.updated, upserted.failed], [0, 1, 0])
      const old = (yield* tenant.users).find((u) => u.email === "old@example.com")!
      assert.deepStrictEqual(old.app_metadata, { plan: "pro" }, "an upsert replaces metadata, as Auth0's does")
      assert.strictEqual(old.email_verified, false)
    }).pipe(Effect.provide(fake()))
  )

  it.live("never more than two jobs at once; a third job's 429 (another importer's) is waited out", () =>
    Effect.gen(function* () {
      // Two jobs of another process, pending for a while.
      yield* Jobs.importUsers(users(1, 900), { connection_id: CONNECTION })
      yield* Jobs.importUsers(users(1, 901), { connection_id: CONNECTION })
      const summary = yield* Users.import(users(200), { connection_id: CONNECTION, maxFileBytes: 5_000, ...fast })
      assert.strictEqual(summary.inserted, 200)
      const tenant = yield* FakeAuth0.Tenant
      const posts = (yield* tenant.requests).filter((r) => r.method === "POST" && r.url.endsWith("/users-imports"))
      assert.isTrue(
        posts.some((r) => r.status === 429),
        "the third job was refused at first"
      )
      assert.strictEqual(posts.filter((r) => r.status === 202).length, summary.jobs.length + 2)
    }).pipe(Effect.provide(fake({ importMillis: 400 })))
  )

  it.live("a user too large for any file fails before anything of an array is sent", () =>
    Effect.gen(function* () {
      const big = { email: "big@example.com", user_metadata: { blob: "x".repeat(6000) } }
      const error = yield* Effect.flip(
        Users.import([...users(50), big, ...users(50, 50)], { connection_id: CONNECTION, maxFileBytes: 5_000, ...fast })
      )
      assert.instanceOf(error, Auth0Error.ImportFailed)
      assert.strictEqual(error.status, "too_large")
      assert.deepStrictEqual(error.users, ["big@example.com"])
      assert.strictEqual(error.sent, 0)
      assert.strictEqual((yield* sentFiles).length, 0)
    }).pipe(Effect.provide(fake()))
  )

  it.live("from a stream, the too-large user ends the import after the files before it, which are kept", () =>
    Effect.gen(function* () {
      const big = { email: "big@example.com", user_metadata: { blob: "x".repeat(6000) } }
      const error = yield* Effect.flip(
        Users.import(Stream.fromIterable([...users(100), big, ...users(50, 100)]), {
          connection_id: CONNECTION,
          maxFileBytes: 5_000,
          ...fast
        })
      )
      assert.instanceOf(error, Auth0Error.ImportFailed)
      assert.strictEqual(error.status, "too_large")
      assert.strictEqual(error.done.inserted, 100, "the files before it were imported and reported")
      assert.strictEqual(error.sent, 100)
      const tenant = yield* FakeAuth0.Tenant
      assert.strictEqual((yield* tenant.users).length, 100, "nothing after it was sent")
    }).pipe(Effect.provide(fake()))
  )

  it.live("the caller's stream failing ends the import with its own error, after the running jobs", () =>
    Effect.gen(function* () {
      const failing = Stream.concat(Stream.fromIterable(users(10)), Stream.fail("source broke" as const))
      const exit = yield* Effect.exit(Users.import(failing, { connection_id: CONNECTION, ...fast }))
      assert.deepStrictEqual(exit, Exit.fail("source broke" as const))
      const tenant = yield* FakeAuth0.Tenant
      assert.strictEqual((yield* tenant.users).length, 10, "the users before the failure were imported")
    }).pipe(Effect.provide(fake()))
  )

  it.live("Jobs.errors reads an import's rejected users; [] (204) when there were none", () =>
    Effect.gen(function* () {
      const job = yield* Jobs.importUsers([{ email: "a@example.com" }, { email: "bad" }], { connection_id: CONNECTION })
      assert.strictEqual(job.status, "pending")
      assert.strictEqual(job.type, "users_import")
      yield* Effect.sleep("20 millis")
      const done = yield* Jobs.get(job.id)
      assert.strictEqual(done.status, "completed")
      assert.deepStrictEqual(done.summary, { failed: 1, updated: 0, inserted: 1, total: 2 })
      const rejected = yield* Jobs.errors(job.id)
      assert.deepStrictEqual(
        rejected.map((e) => e.errors[0]!.code),
        ["FORMAT"]
      )
      const clean = yield* Jobs.importUsers([{ email: "b@example.com" }], { connection_id: CONNECTION })
      yield* Effect.sleep("20 millis")
      assert.deepStrictEqual(yield* Jobs.errors(clean.id), [])
    }).pipe(Effect.provide(fake()))
  )

  it.live("the fake refuses what Auth0 refuses: an unknown connection, and one that is not a database", () =>
    Effect.gen(function* () {
      const unknown = yield* Effect.flip(Jobs.importUsers(users(1), { connection_id: "con_0000000000000000" }))
      assert.strictEqual(unknown._tag, "BadRequest")
      const social = yield* Effect.flip(Jobs.importUsers(users(1), { connection_id: "con_G00gle0auth2Fake" }))
      assert.strictEqual(social._tag, "BadRequest")
      const tenant = yield* FakeAuth0.Tenant
      const statuses = (yield* tenant.requests).filter((r) => r.url.endsWith("/users-imports")).map((r) => r.status)
      assert.deepStrictEqual(statuses, [400, 400])
    }).pipe(Effect.provide(fake()))
  )
})
