/**
 * Tickets, the job endpoints and role members: the recorded traffic replayed through the public API
 * (what we send and what we read), and the same scenarios against the fake tenant.
 *
 * Documented exception: go-auth0 sent `include_totals=true&per_page=50` beside `take` on the
 * checkpoint requests of `GET /roles/{id}/users`; Auth0 answers in checkpoint form whenever `take` is
 * there (users-family.md 1.3.2), so `Roles.usersStream` sends `take` (and `from`) only.
 */
import { assert, describe, it } from "@effect/vitest"
import { Chunk, Effect, Layer, Redacted, Stream } from "effect"
import { Auth0Error, Jobs, Roles, Tickets } from "../src/index.js"
import { FakeAuth0 } from "../src/testing/index.js"
import { byName } from "./fixtures/recordingsBulk.js"
import type { RecordedInteraction } from "./fixtures/recordings.js"
import { credentials, fakeHttp, json, type Seen } from "./utils.js"

/** A client that answers each API request with the next of `answers`, and what it was sent. */
const replaying = (...answers: ReadonlyArray<RecordedInteraction>) => {
  const seen: Array<Seen> = []
  let next = 0
  const http = fakeHttp((request) => {
    if (request.url.pathname.endsWith("/oauth/token"))
      return json({ access_token: "tok", expires_in: 86400, token_type: "Bearer" })
    const rec = answers[next++]!
    return rec.responseBody === undefined
      ? new Response(null, { status: rec.status })
      : json(rec.responseBody, rec.status)
  }, seen)
  return {
    layer: Layer.orDie(credentials(http)),
    api: () => seen.filter((s) => !s.url.pathname.endsWith("/oauth/token"))
  }
}

const sentAs = (seen: Seen, rec: RecordedInteraction, rawQuery = rec.rawQuery) => {
  assert.strictEqual(seen.method, rec.method, rec.name)
  assert.strictEqual(seen.url.pathname, rec.path, rec.name)
  assert.strictEqual(seen.url.search.replace(/^\?/, ""), rawQuery, rec.name)
  assert.deepStrictEqual(seen.body === undefined ? undefined : JSON.parse(seen.body), rec.requestBody, rec.name)
}

describe("recorded traffic through the public API", () => {
  it.effect("tickets: the recorded bodies, the ticket URL read as a Redacted", () =>
    Effect.gen(function* () {
      for (const [name, call] of [
        ["TestTicketManager_ChangePassword#1", Tickets.passwordChange],
        ["TestTicketManager_VerifyEmail#1", Tickets.emailVerification]
      ] as const) {
        const rec = byName(name)
        const client = replaying(rec)
        const { ticket } = yield* call(rec.requestBody as never).pipe(Effect.provide(client.layer))
        assert.isTrue(Redacted.isRedacted(ticket))
        assert.strictEqual(Redacted.value(ticket), (rec.responseBody as { ticket: string }).ticket)
        assert.notInclude(String(ticket), "ticket=", "the URL does not print")
        sentAs(client.api()[0]!, rec)
      }
    })
  )

  it.effect("the verification-email job, created then polled", () =>
    Effect.gen(function* () {
      const created = byName("TestJobManager_VerifyEmail#1")
      const polled = byName("TestJobManager_VerifyEmail#2")
      const client = replaying(created, polled)
      const job = yield* Jobs.sendVerificationEmail(created.requestBody as Jobs.VerificationEmailBody).pipe(
        Effect.provide(client.layer)
      )
      assert.deepStrictEqual(job, created.responseBody)
      const later = yield* Jobs.get(job.id).pipe(Effect.provide(client.layer))
      assert.strictEqual(later.status, "failed")
      const [sent, poll] = client.api()
      sentAs(sent!, created)
      sentAs(poll!, polled)
    })
  )

  it.effect("the export job, created on its own", () =>
    Effect.gen(function* () {
      const rec = byName("TestJobManager_ExportUsers#2")
      const client = replaying(rec)
      const job = yield* Jobs.exportUsers({
        connection_id: "con_ftSSLHb0O7rcUGmF",
        limit: 5,
        fields: ["name", "email", "identities[0].connection"]
      }).pipe(Effect.provide(client.layer))
      assert.strictEqual(job.status, "pending")
      assert.strictEqual(job.type, "users_export")
      sentAs(client.api()[0]!, rec)
    })
  )

  it.effect("role members: assigned, an offset page, and a checkpoint walk", () =>
    Effect.gen(function* () {
      const assign = byName("TestRoleManager_Users#2")
      const page = byName("TestRoleManager_Users#3")
      const client = replaying(assign, page)
      yield* Roles.assignUsers("rol_zSUKzFss3Awl0pFr", ["auth0|63d16bcb97278b07324c3021"]).pipe(
        Effect.provide(client.layer)
      )
      const listed = yield* Roles.users("rol_zSUKzFss3Awl0pFr").pipe(Effect.provide(client.layer))
      assert.deepStrictEqual(listed, { ...(page.responseBody as typeof listed), length: 1 })
      sentAs(client.api()[0]!, assign)
      sentAs(client.api()[1]!, page)

      const first = byName("TestRoleManager_UsersCheckpointPagination#5")
      const second = byName("TestRoleManager_UsersCheckpointPagination#6")
      const walk = replaying(first, second)
      const members = yield* Roles.usersStream("rol_DOPHBiWKzIuAJihL", { take: 2 }).pipe(
        Stream.map((m) => m.email),
        Stream.runCollect,
        Effect.provide(walk.layer)
      )
      assert.deepStrictEqual(Chunk.toReadonlyArray(members), [
        "chuck499@example.com",
        "chuck986@example.com",
        "chuck908@example.com"
      ])
      sentAs(walk.api()[0]!, first, "take=2")
      sentAs(walk.api()[1]!, second, `from=${second.query.from}&take=2`)
    })
  )

  it.effect("no errors is 204 with an empty body: an empty list", () =>
    Effect.gen(function* () {
      const client = replaying({ ...byName("TestJobManager_VerifyEmail#2"), status: 204, responseBody: undefined })
      assert.deepStrictEqual(yield* Jobs.errors("job_LUdmtO6C0M42uqSz").pipe(Effect.provide(client.layer)), [])
      assert.strictEqual(client.api()[0]!.url.pathname, "/api/v2/jobs/job_LUdmtO6C0M42uqSz/errors")
    })
  )
})

const DB = "Username-Password-Authentication"

describe("against the fake tenant", () => {
  it.effect("role members in both paging styles, as recorded: offset envelope, then next until the last page", () =>
    Effect.gen(function* () {
      const tenant = yield* FakeAuth0.Tenant
      const users = yield* tenant.seedUsers(
        ["chuck986", "chuck499", "chuck908"].map((n) => ({ connection: DB, email: `${n}@example.com` }))
      )
      yield* tenant.seedRoles([{ id: "rol_DOPHBiWKzIuAJihL", name: "test-role256", description: "Test Role" }])
      yield* Roles.assignUsers(
        "rol_DOPHBiWKzIuAJihL",
        users.map((u) => u.user_id)
      )
      // Assigning again changes nothing.
      yield* Roles.assignUsers("rol_DOPHBiWKzIuAJihL", [users[0]!.user_id])
      const page = yield* Roles.users("rol_DOPHBiWKzIuAJihL")
      assert.deepStrictEqual(Object.keys(page).sort(), ["length", "limit", "start", "total", "users"])
      assert.strictEqual(page.total, 3)
      const ids = [...users.map((u) => u.user_id)].sort()
      assert.deepStrictEqual(
        page.users.map((u) => u.user_id),
        ids
      )
      const walked = yield* Roles.usersStream("rol_DOPHBiWKzIuAJihL", { take: 2 }).pipe(
        Stream.map((m) => m.user_id),
        Stream.runCollect
      )
      assert.deepStrictEqual(Chunk.toReadonlyArray(walked), ids)
      const answers = (yield* tenant.requests).filter((r) => r.url.includes("take="))
      assert.deepStrictEqual(
        answers.map((r) => r.status),
        [200, 200]
      )
      const token = Redacted.value(yield* tenant.issueToken())
      const raw = yield* tenant.handle({
        method: "GET",
        url: "/api/v2/roles/rol_DOPHBiWKzIuAJihL/users?include_totals=true&per_page=50&take=2",
        headers: { authorization: `Bearer ${token}` },
        body: undefined
      })
      const firstPage = JSON.parse(raw.body) as Record<string, unknown>
      assert.deepStrictEqual(Object.keys(firstPage), ["users", "next"], "checkpoint wins over offset")
      const missing = yield* Effect.flip(Roles.users("rol_0000000000000000"))
      assert.strictEqual(missing._tag, "NotFound")
      const nobody = yield* Effect.flip(Roles.assignUsers("rol_DOPHBiWKzIuAJihL", ["auth0|nobody"]))
      assert.strictEqual(nobody._tag, "NotFound")
    }).pipe(Effect.provide(FakeAuth0.layer()))
  )

  it.effect("tickets on the tenant's own origin, for existing users only, with their scope", () =>
    Effect.gen(function* () {
      const tenant = yield* FakeAuth0.Tenant
      const [user] = yield* tenant.seedUsers([{ connection: DB, email: "t@example.com" }])
      const { ticket } = yield* Tickets.passwordChange({ user_id: user!.user_id, ttl_sec: 3600 })
      assert.match(Redacted.value(ticket), /^https:\/\/fake-tenant\.eu\.auth0\.com\/u\/reset-password\?ticket=\w{32}#$/)
      const verify = yield* Tickets.emailVerification({ user_id: user!.user_id })
      assert.match(Redacted.value(verify.ticket), /\/u\/email-verification\?ticket=\w{32}#$/)
      const missing = yield* Effect.flip(Tickets.passwordChange({ user_id: "auth0|nobody" }))
      assert.strictEqual(missing._tag, "NotFound")
      const bad = yield* Effect.flip(Tickets.emailVerification({ user_id: user!.user_id, ttl_sec: -1 }))
      assert.strictEqual(bad._tag, "BadRequest")
      const statuses = (yield* tenant.requests).filter((r) => r.url.startsWith("/api/v2/tickets")).map((r) => r.status)
      assert.deepStrictEqual(statuses, [201, 201, 404, 400])
    }).pipe(Effect.provide(FakeAuth0.layer()))
  )

  it.effect("a ticket needs create:user_tickets", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(Tickets.passwordChange({ user_id: "auth0|1" }))
      assert.isTrue(error instanceof Auth0Error.Forbidden)
    }).pipe(Effect.provide(FakeAuth0.layer({ scopes: ["read:users"] })))
  )

  it.effect("a verification-email job: 201 pending, then completed; no errors; an unknown job is NotFound", () =>
    Effect.gen(function* () {
      const tenant = yield* FakeAuth0.Tenant
      const [user] = yield* tenant.seedUsers([{ connection: DB, email: "v@example.com" }])
      const job = yield* Jobs.sendVerificationEmail({ user_id: user!.user_id })
      assert.deepStrictEqual(Object.keys(job).sort(), ["created_at", "id", "status", "type"], "the recorded fields")
      assert.strictEqual(job.status, "pending")
      assert.strictEqual((yield* Jobs.get(job.id)).status, "completed")
      assert.deepStrictEqual(yield* Jobs.errors(job.id), [])
      const exported = yield* Jobs.exportUsers({ fields: ["email"] })
      assert.strictEqual(exported.status, "pending")
      assert.deepStrictEqual(yield* Jobs.errors(exported.id), [])
      assert.strictEqual((yield* Effect.flip(Jobs.get("job_0000000000000000")))._tag, "NotFound")
      assert.strictEqual((yield* Effect.flip(Jobs.errors("job_0000000000000000")))._tag, "NotFound")
      assert.strictEqual((yield* Effect.flip(Jobs.sendVerificationEmail({ user_id: "auth0|nobody" })))._tag, "NotFound")
      const statuses = (yield* tenant.requests).filter((r) => r.url.includes("/jobs")).map((r) => r.status)
      assert.deepStrictEqual(statuses, [201, 200, 204, 200, 204, 404, 404, 404])
    }).pipe(Effect.provide(FakeAuth0.layer()))
  )
})
