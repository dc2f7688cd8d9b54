/**
 * A 100,000-user import from a lazy `Stream` into the fake tenant, with users that exist already,
 * users twice in the input and invalid ones: the summary must be exactly what was seeded, every
 * rejected user named with Auth0's reason, and the tenant must hold exactly the valid new users.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Schedule, Stream } from "effect"
import { type ImportUser, Users } from "../src/index.js"
import { FakeAuth0 } from "../src/testing/index.js"

const N = 100_000
const EXISTING = 1_000
/** Every 97th user is one that exists already; every 211th an invalid email; every 401st the user before it again. */
const base = (i: number) => (i % 97 === 0 ? "existing" : i % 211 === 0 ? "invalid" : "new")
const kind = (i: number) => (i % 401 === 0 && base(i) === "new" && base(i - 1) === "new" ? "repeat" : base(i))

const userAt = (i: number): ImportUser.ImportUser => {
  switch (kind(i)) {
    case "existing":
      return { email: `existing${i % EXISTING}@example.com` }
    case "invalid":
      return { email: `invalid-${i}` }
    case "repeat":
      return { email: `user${i - 1}@example.com`, given_name: "again" }
    default:
      return { email: `user${i}@example.com`, email_verified: i % 2 === 0, user_metadata: { i } }
  }
}

describe("a 100,000-user import", () => {
  it.live(
    "the summary is what was seeded: inserted, duplicates of existing users and of earlier lines, invalid emails",
    () =>
      Effect.gen(function* () {
        const tenant = yield* FakeAuth0.Tenant
        yield* tenant.seedUsers(
          Array.from({ length: EXISTING }, (_, i) => ({
            connection: "Username-Password-Authentication",
            email: `existing${i}@example.com`
          }))
        )
        const counts = { new: 0, existing: 0, invalid: 0, repeat: 0 }
        for (let i = 0; i < N; i++) {
          counts[kind(i)]++
        }
        const users = Stream.range(0, N - 1).pipe(Stream.map(userAt))
        const summary = yield* Users.import(users, {
          connection_id: "con_ftSSLHb0O7rcUGmF",
          pollSchedule: Schedule.spaced("5 millis")
        })
        assert.strictEqual(summary.total, N)
        const repeatsInOtherFiles = summary.errors.filter((e) => e.errors[0]!.message.includes("already exist")).length
        assert.strictEqual(summary.inserted, counts.new)
        assert.strictEqual(summary.failed, counts.existing + counts.invalid + counts.repeat)
        assert.strictEqual(summary.updated, 0)
        assert.strictEqual(summary.errors.length, summary.failed)
        const byCode = new Map<string, number>()
        for (const e of summary.errors) byCode.set(e.errors[0]!.code, (byCode.get(e.errors[0]!.code) ?? 0) + 1)
        assert.strictEqual(byCode.get("FORMAT"), counts.invalid)
        assert.strictEqual(byCode.get("DUPLICATED_USER"), counts.existing + counts.repeat)
        assert.isAtLeast(repeatsInOtherFiles, counts.existing)
        assert.isAbove(summary.jobs.length, 1)
        assert.strictEqual(
          summary.jobs.reduce((n, job) => n + job.users, 0),
          N,
          "every user in exactly one file"
        )
        const stored = yield* tenant.users
        assert.strictEqual(stored.length, EXISTING + counts.new)
        const again = stored.filter((u) => u.given_name === "again")
        assert.strictEqual(again.length, 0, "a repeated user is rejected, not applied over the first")
      }).pipe(Effect.provide(FakeAuth0.layer({ importMillis: 5 }))),
    120_000
  )
})
