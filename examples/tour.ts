/**
 * The library's main job, step by step: what an Auth0 administrator does from
 * a backend. Every step is an ordinary program against `Auth0Http`; the demo
 * runs it against the fake tenant, or (read-only part) a real one.
 */
import { Effect, Redacted, Stream } from "effect"
import { Users } from "../src/index.js"

const say = (text: string) => Effect.sync(() => console.log(`  ${text}`))

/** Searches, reads, logs, roles and a `NotFound` handled by tag: safe on any tenant. */
export const readOnly = Effect.gen(function* () {
  const verified = yield* Users.list({ q: "email_verified:true", per_page: 5, sort: "created_at:1" })
  yield* say(
    `search email_verified:true → ${verified.total ?? verified.length} users; first: ${verified.users[0]?.email ?? "-"}`
  )

  const gold = yield* Users.list({
    q: 'app_metadata.plan:"gold" AND email.domain:"example.com"',
    per_page: 3,
    fields: ["user_id", "email", "app_metadata"]
  })
  yield* say(
    `search gold plan at example.com → ${gold.total ?? gold.length} users (fields projected: ${Object.keys(gold.users[0] ?? {}).join(", ")})`
  )

  const first = verified.users[0]
  if (first !== undefined) {
    const user = yield* Users.get(first.user_id, { fields: ["user_id", "email", "logins_count", "identities"] })
    yield* say(
      `get ${user.user_id} → ${user.email}, ${user.logins_count ?? 0} logins, ${user.identities?.length ?? 0} identity`
    )
    const logs = yield* Users.logs(first.user_id, { per_page: 3 })
    yield* say(
      `logs of ${first.user_id} → ${logs.total ?? logs.length} events; latest: ${logs.logs[0]?.type ?? "-"} ${logs.logs[0]?.description ?? ""}`
    )
    const roles = yield* Users.roles(first.user_id)
    yield* say(`roles of ${first.user_id} → [${roles.roles.map((r) => r.name).join(", ")}]`)
  }

  const missing = yield* Users.get("auth0|000000000000000000000000").pipe(
    Effect.as("found?!"),
    Effect.catchTag("NotFound", (e) => Effect.succeed(`NotFound handled by tag (${e.errorCode}: ${e.description})`))
  )
  yield* say(`get a user that does not exist → ${missing}`)
})

/** Writes: create, update, a `Conflict` handled by tag, link and unlink, MFA resets, cleanup. */
export const readWrite = (connection: string) =>
  Effect.gen(function* () {
    const alice = yield* Users.create(connection, {
      email: "alice.demo@example.com",
      password: Redacted.make("correct horse battery staple"),
      given_name: "Alice",
      app_metadata: { plan: "free" }
    })
    yield* say(`create → ${alice.user_id} (${alice.email})`)

    const conflict = yield* Users.create(connection, { email: "alice.demo@example.com", password: "another" }).pipe(
      Effect.as("created twice?!"),
      Effect.catchTag("Conflict", (e) => Effect.succeed(`Conflict handled by tag (${e.errorCode}: ${e.description})`))
    )
    yield* say(`create the same email again → ${conflict}`)

    const updated = yield* Users.update(alice.user_id, {
      app_metadata: { plan: "gold", trial: null },
      user_metadata: { theme: "dark" }
    })
    yield* say(
      `update app_metadata.plan → ${JSON.stringify(updated.app_metadata)}, user_metadata → ${JSON.stringify(updated.user_metadata)}`
    )

    const bob = yield* Users.create(connection, {
      email: "bob.demo@example.com",
      password: Redacted.make("hunter2 hunter2")
    })
    const identities = yield* Users.link(alice.user_id, { provider: "auth0", user_id: bob.user_id })
    const bobGone = yield* Users.get(bob.user_id).pipe(
      Effect.as(false),
      Effect.catchTag("NotFound", () => Effect.succeed(true))
    )
    yield* say(
      `link ${bob.user_id} into ${alice.user_id} → ${identities.length} identities; secondary gone: ${bobGone}`
    )

    const remaining = yield* Users.unlink(alice.user_id, "auth0", String(identities[1]?.user_id ?? ""))
    const bobBack = yield* Users.get(bob.user_id)
    yield* say(`unlink → primary keeps ${remaining.length} identity; ${bobBack.user_id} is a user again`)

    const mfaUser = (yield* Users.list({ q: "_exists_:multifactor", per_page: 1 })).users[0]
    if (mfaUser !== undefined) {
      const enrollments = yield* Users.enrollments(mfaUser.user_id)
      const code = yield* Users.regenerateRecoveryCode(mfaUser.user_id)
      yield* say(
        `MFA: ${mfaUser.user_id} has ${enrollments.length} enrollment; new recovery code ${String(code.recovery_code)} (${Redacted.value(code.recovery_code).length} chars, printed redacted)`
      )
      yield* Users.deleteMultifactorProvider(mfaUser.user_id, "google-authenticator")
      yield* Users.deleteAuthenticationMethods(mfaUser.user_id)
      const after = yield* Users.enrollments(mfaUser.user_id)
      yield* say(`MFA reset: provider removed, authentication methods deleted → ${after.length} enrollments left`)
    }

    yield* Effect.forEach([alice.user_id, bob.user_id], (id) => Users.delete(id), { discard: true })
    yield* say(`delete the two demo users → done`)
  })

/** Many concurrent reads through a small bucket: the 429s are retried after the wait Auth0 asks for. */
export const burst = (count: number) =>
  Effect.gen(function* () {
    const page = yield* Users.list({ per_page: count })
    const ids = page.users.map((u) => u.user_id)
    const fetched = yield* Stream.fromIterable(ids).pipe(
      Stream.mapEffect((id) => Users.get(id, { fields: ["user_id"] }), { concurrency: 8 }),
      Stream.runCount
    )
    return fetched
  })
