import { assert, describe, it } from "@effect/vitest"
import { Effect, Schedule, Stream } from "effect"
import { type Job, Users } from "../src/index.js"
import { FakeAuth0 } from "../src/testing/index.js"

describe("Users.export progress", () => {
  it.live("onProgress sees the job as created and after every poll, to the completed one, before any user", () =>
    Effect.gen(function* () {
      const tenant = yield* FakeAuth0.Tenant
      yield* tenant.seedUsers(
        Array.from({ length: 20 }, (_, i) => ({
          connection: "Username-Password-Authentication",
          email: `p${i}@example.com`
        }))
      )
      const events: Array<string> = []
      const seen: Array<Job.Job> = []
      const users = yield* Users.export({
        pollSchedule: Schedule.spaced("1 millis"),
        onProgress: (job) =>
          Effect.sync(() => {
            seen.push(job)
            events.push(`job ${job.status}`)
          })
      }).pipe(
        Stream.tap(() => Effect.sync(() => events.push("user"))),
        Stream.runCount
      )
      assert.strictEqual(users, 20)
      assert.deepStrictEqual(
        seen.map((job) => job.status),
        ["pending", "pending", "processing", "processing", "completed"]
      )
      assert.deepStrictEqual(
        seen.map((job) => job.percentage_done),
        [undefined, undefined, 33, 66, 100]
      )
      assert.isTrue(new Set(seen.map((job) => job.id)).size === 1, "one job")
      assert.strictEqual(events.indexOf("user"), seen.length, "progress comes before the users")
    }).pipe(Effect.provide(FakeAuth0.layer({ exportPolls: 3 })))
  )
})
