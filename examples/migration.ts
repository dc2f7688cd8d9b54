/**
 * The demo's migration: users from a lazily read legacy source imported with `Users.import`, a few of
 * them already in the tenant and a few invalid, then the summary Auth0's jobs gave.
 */
import { Effect, Schedule, Stream } from "effect"
import { type ImportUser, Users } from "../src/index.js"

/** A legacy system's users, read one at a time: every 50th is already in Auth0, every 333rd has a broken email. */
const legacyUsers = (count: number, existing: ReadonlyArray<string>): Stream.Stream<ImportUser.ImportUser> =>
  Stream.range(1, count).pipe(
    Stream.map((n) =>
      n % 50 === 0 && existing.length > 0
        ? { email: existing[n % existing.length]! }
        : {
            email: n % 333 === 0 ? `legacy-${n}-at-example.com` : `legacy-${n}@example.com`,
            email_verified: true,
            given_name: `Legacy ${n}`,
            user_metadata: { legacy_id: n }
          }
    )
  )

export const migrate = (connectionId: string, count: number, existing: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const started = Date.now()
    const summary = yield* Users.import(legacyUsers(count, existing), {
      connection_id: connectionId,
      pollSchedule: Schedule.spaced("50 millis")
    })
    const codes = new Map<string, number>()
    for (const rejected of summary.errors)
      for (const error of rejected.errors) codes.set(error.code, (codes.get(error.code) ?? 0) + 1)
    yield* Effect.sync(() => {
      console.log(
        `  ${summary.total} users in ${summary.jobs.length} jobs (${((Date.now() - started) / 1000).toFixed(1)} s): ${summary.inserted} inserted, ${summary.updated} updated, ${summary.failed} rejected`
      )
      console.log(
        `  rejected: ${[...codes].map(([code, n]) => `${n} ${code}`).join(", ")}; e.g. ${String(summary.errors[0]?.user.email)}`
      )
    })
  })
