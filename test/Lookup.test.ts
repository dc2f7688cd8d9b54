/**
 * The user lookups (`Users.listByEmail`, `Users.organizations`, `Users.connectedAccounts` and their
 * streams) and `UserBlocks`, against the in-process fake tenant: each success, each documented
 * failure (404 for an unknown user, 400 on bad input, 403 without the scope), the streams past
 * several pages, and the error unions in the types. The replay of the recordings is in
 * test/LookupReplay.test.ts and test/testing/Lookup.fake.test.ts.
 */
import { assert, describe, expect, expectTypeOf, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { type Auth0Error, UserBlocks, Users } from "../src/index.js"
import { FakeAuth0 } from "../src/testing/index.js"
import { DB, GOOGLE, seedOne } from "./testing/FakeAuth0.helpers.js"

const fake = (options: Parameters<typeof FakeAuth0.layer>[0] = {}) =>
  Effect.provide(FakeAuth0.layer({ ...options, client: { retry: false } }))

const apiRequests = (tenant: FakeAuth0.Tenant.Service) =>
  Effect.map(tenant.requests, (all) => all.filter((r) => r.url.startsWith("/api/v2/")))

describe("Users.listByEmail", () => {
  it.effect("every user with exactly that email, one per connection, at once; the projection applies", () =>
    Effect.gen(function* () {
      const tenant = yield* FakeAuth0.Tenant
      yield* Effect.orDie(
        tenant.seedUsers([
          { connection: DB, email: "Chuck@Example.com", username: "chuck" },
          { connection: GOOGLE, email: "chuck@example.com" },
          { connection: DB, email: "other@example.com" }
        ])
      )
      const both = yield* Users.listByEmail("chuck@example.com")
      expect(both.map((u) => u.identities?.[0]?.connection).sort()).toEqual([DB, GOOGLE])
      // Auth0 stores the email in lower case and matches it case-sensitively.
      expect(yield* Users.listByEmail("Chuck@Example.com")).toEqual([])
      const projected = yield* Users.listByEmail("chuck@example.com", { fields: ["user_id", "email"] })
      expect(projected.map((u) => Object.keys(u).sort())).toEqual([
        ["email", "user_id"],
        ["email", "user_id"]
      ])
      // Not eventually consistent: a user created a moment before is found.
      const created = yield* Users.create(DB, { email: "new@example.com", password: "S3cret!pass" })
      expect((yield* Users.listByEmail("new@example.com")).map((u) => u.user_id)).toEqual([created.user_id])
    }).pipe(fake())
  )

  it.effect("400 without an email", () =>
    Effect.gen(function* () {
      const missing = yield* Effect.flip(Users.listByEmail(""))
      expect(missing).toMatchObject({ _tag: "BadRequest", errorCode: "invalid_query_string" })
      expect(missing.message).toContain("email")
    }).pipe(fake())
  )

  it.effect("403 without read:users", () =>
    Effect.gen(function* () {
      expect((yield* Effect.flip(Users.listByEmail("a@example.com")))._tag).toBe("Forbidden")
    }).pipe(fake({ scopes: ["read:organizations"] }))
  )
})

const orgs = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ id: `org_${String(i).padStart(16, "0")}`, name: `org-${i}` }))

describe("Users.organizations", () => {
  it.effect("a page in Auth0's {organizations, start, limit, total} envelope; unknown fields kept", () =>
    Effect.gen(function* () {
      const tenant = yield* FakeAuth0.Tenant
      const user = yield* seedOne(tenant, { connection: DB, email: "org@example.com" })
      yield* Effect.orDie(
        tenant.seedOrganizations(user.user_id, [
          { id: "org_VvIJTfJhf3NwyCie", name: "acme", display_name: "Acme", branding: { logo_url: "https://x/l.gif" } },
          { id: "org_2", name: "beta", metadata: { tier: "gold" }, token_quota: { client_credentials: {} } }
        ])
      )
      // Joining again changes nothing.
      yield* Effect.orDie(tenant.seedOrganizations(user.user_id, [{ id: "org_2", name: "beta" }]))
      const page = yield* Users.organizations(user.user_id)
      expect(page).toMatchObject({ start: 0, limit: 50, total: 2, length: 2 })
      expect(page.organizations.map((o) => o.display_name)).toEqual(["Acme", undefined])
      expect(page.organizations[1]).toMatchObject({
        metadata: { tier: "gold" },
        token_quota: { client_credentials: {} }
      })
      const second = yield* Users.organizations(user.user_id, { page: 1, per_page: 1 })
      expect(second.organizations.map((o) => o.id)).toEqual(["org_2"])
    }).pipe(fake())
  )

  it.effect("404 for an unknown user, 400 on a per_page out of bounds", () =>
    Effect.gen(function* () {
      const tenant = yield* FakeAuth0.Tenant
      const user = yield* seedOne(tenant, { connection: DB, email: "org@example.com" })
      expect(yield* Effect.flip(Users.organizations("auth0|nobody"))).toMatchObject({
        _tag: "NotFound",
        errorCode: "inexistent_user"
      })
      expect((yield* Effect.flip(Users.organizations(user.user_id, { per_page: 101 })))._tag).toBe("BadRequest")
    }).pipe(fake())
  )

  it.effect("403 with read:users only", () =>
    Effect.gen(function* () {
      expect((yield* Effect.flip(Users.organizations("auth0|x")))._tag).toBe("Forbidden")
    }).pipe(fake({ scopes: ["read:users"] }))
  )

  it.effect(
    "organizationsStream: every page up to the cap, LimitExceeded past it, or the first 1000 with stopAtCap",
    () =>
      Effect.gen(function* () {
        const tenant = yield* FakeAuth0.Tenant
        const user = yield* seedOne(tenant, { connection: DB, email: "org@example.com" })
        yield* Effect.orDie(tenant.seedOrganizations(user.user_id, orgs(250)))
        // Counted, not collected: the stream holds a page at a time.
        const count = yield* Stream.runCount(Users.organizationsStream(user.user_id))
        expect(count).toBe(250)
        expect((yield* apiRequests(tenant)).length).toBe(3)

        yield* Effect.orDie(tenant.seedOrganizations(user.user_id, orgs(1200)))
        const capped = yield* Effect.flip(Stream.runCount(Users.organizationsStream(user.user_id)))
        expect(capped).toMatchObject({ _tag: "LimitExceeded", total: 1200 })
        const first = yield* Stream.runCollect(Users.organizationsStream(user.user_id, { stopAtCap: true }))
        expect(Chunk.size(first)).toBe(1000)
        expect(new Set(Chunk.toReadonlyArray(first).map((o) => o.id)).size).toBe(1000)
        expect(yield* Effect.flip(Stream.runDrain(Users.organizationsStream("auth0|nobody")))).toMatchObject({
          _tag: "NotFound"
        })
      }).pipe(fake())
  )
})

const accounts = (n: number) => Array.from({ length: n }, () => ({ connection: GOOGLE, scopes: ["openid"] }))

describe("Users.connectedAccounts", () => {
  it.effect("checkpoint pages: `next` to `from`, none on the last; the connection's id and strategy filled in", () =>
    Effect.gen(function* () {
      const tenant = yield* FakeAuth0.Tenant
      const user = yield* seedOne(tenant, { connection: DB, email: "ca@example.com" })
      yield* Effect.orDie(tenant.seedConnectedAccounts(user.user_id, accounts(15)))
      const first = yield* Users.connectedAccounts(user.user_id)
      // Auth0's default take is 10.
      expect(first.connected_accounts).toHaveLength(10)
      expect(first.connected_accounts[0]).toMatchObject({
        connection: GOOGLE,
        connection_id: "con_G00gle0auth2Fake",
        strategy: "google-oauth2",
        access_type: "offline",
        scopes: ["openid"]
      })
      assert.isString(first.next)
      const last = yield* Users.connectedAccounts(user.user_id, { from: first.next!, take: 10 })
      expect(last.connected_accounts).toHaveLength(5)
      expect(last.next).toBeUndefined()
      expect(yield* tenant.connectedAccountsOf(user.user_id)).toHaveLength(15)
    }).pipe(fake())
  )

  it.effect("404 for an unknown user, 400 on take above 20 or a made-up checkpoint", () =>
    Effect.gen(function* () {
      const tenant = yield* FakeAuth0.Tenant
      const user = yield* seedOne(tenant, { connection: DB, email: "ca@example.com" })
      expect((yield* Effect.flip(Users.connectedAccounts("auth0|nobody")))._tag).toBe("NotFound")
      expect((yield* Effect.flip(Users.connectedAccounts(user.user_id, { take: 21 })))._tag).toBe("BadRequest")
      expect((yield* Effect.flip(Users.connectedAccounts(user.user_id, { from: "bm9wZQ" })))._tag).toBe("BadRequest")
    }).pipe(fake())
  )

  it.effect("403 without read:users", () =>
    Effect.gen(function* () {
      expect((yield* Effect.flip(Users.connectedAccounts("auth0|x")))._tag).toBe("Forbidden")
    }).pipe(fake({ scopes: ["read:organizations"] }))
  )

  it.effect("connectedAccountsStream follows `next`, and ends on the empty page a last full page points to", () =>
    Effect.gen(function* () {
      const tenant = yield* FakeAuth0.Tenant
      const user = yield* seedOne(tenant, { connection: DB, email: "ca@example.com" })
      yield* Effect.orDie(tenant.seedConnectedAccounts(user.user_id, accounts(45)))
      expect(yield* Stream.runCount(Users.connectedAccountsStream(user.user_id))).toBe(45)
      const walked = (yield* apiRequests(tenant)).map((r) => new URL(r.url, "http://x").searchParams.get("take"))
      expect(walked).toEqual(["20", "20", "20"])

      const other = yield* seedOne(tenant, { connection: DB, email: "ca2@example.com" })
      yield* Effect.orDie(tenant.seedConnectedAccounts(other.user_id, accounts(40)))
      const ids = yield* Stream.runCollect(Users.connectedAccountsStream(other.user_id))
      expect(new Set(Chunk.toReadonlyArray(ids).map((a) => a.id)).size).toBe(40)
      // 20 + next, 20 + next, then an empty page without one.
      expect((yield* apiRequests(tenant)).length).toBe(6)
    }).pipe(fake())
  )
})

describe("UserBlocks", () => {
  it.effect("get / getByIdentifier: the blocks on the user's identifiers on its connections, by identifier", () =>
    Effect.gen(function* () {
      const tenant = yield* FakeAuth0.Tenant
      const user = yield* seedOne(tenant, { connection: DB, email: "chuck@example.com", username: "chuck" })
      expect(yield* UserBlocks.get(user.user_id)).toEqual({ blocked_for: [] })
      yield* Effect.orDie(
        tenant.seedBlocks([
          { identifier: "chuck@example.com", ip: "10.0.0.1" },
          { identifier: "chuck", ip: "10.0.0.2" },
          // The same identifier on another connection is not this user's.
          { identifier: "chuck@example.com", ip: "10.0.0.3", connection: GOOGLE }
        ])
      )
      const blocks = yield* UserBlocks.get(user.user_id, { consider_brute_force_enablement: true })
      expect(blocks.blocked_for).toEqual([
        { identifier: "chuck@example.com", ip: "10.0.0.1", connection: DB },
        { identifier: "chuck", ip: "10.0.0.2", connection: DB }
      ])
      const byEmail = yield* UserBlocks.getByIdentifier("chuck@example.com")
      expect(byEmail.blocked_for.map((b) => b.ip)).toEqual(["10.0.0.1", "10.0.0.3"])
      expect(yield* UserBlocks.getByIdentifier("nobody@example.com")).toEqual({ blocked_for: [] })
    }).pipe(fake())
  )

  it.effect(
    "unblock lifts the user's blocks and leaves the `blocked` flag alone; unblockByIdentifier one identifier",
    () =>
      Effect.gen(function* () {
        const tenant = yield* FakeAuth0.Tenant
        const user = yield* seedOne(tenant, {
          connection: DB,
          email: "chuck@example.com",
          username: "chuck",
          blocked: true
        })
        yield* Effect.orDie(
          tenant.seedBlocks([
            { identifier: "chuck@example.com", ip: "10.0.0.1" },
            { identifier: "chuck@example.com", ip: "10.0.0.3", connection: GOOGLE },
            { identifier: "+15550100", ip: "10.0.0.4" }
          ])
        )
        yield* UserBlocks.unblock(user.user_id)
        expect((yield* tenant.blocks).map((b) => b.ip)).toEqual(["10.0.0.3", "10.0.0.4"])
        expect((yield* Users.get(user.user_id)).blocked).toBe(true)
        yield* UserBlocks.unblockByIdentifier("+15550100")
        expect((yield* tenant.blocks).map((b) => b.ip)).toEqual(["10.0.0.3"])
        // Unblocking what is not blocked succeeds, as Auth0's 204 does.
        yield* UserBlocks.unblock(user.user_id)
        yield* UserBlocks.unblockByIdentifier("nobody")
      }).pipe(fake())
  )

  it.effect("404 for an unknown user id, 400 without an identifier or with a bad flag", () =>
    Effect.gen(function* () {
      expect(yield* Effect.flip(UserBlocks.get("auth0|nobody"))).toMatchObject({
        _tag: "NotFound",
        errorCode: "inexistent_user"
      })
      expect((yield* Effect.flip(UserBlocks.unblock("auth0|nobody")))._tag).toBe("NotFound")
      expect((yield* Effect.flip(UserBlocks.getByIdentifier("")))._tag).toBe("BadRequest")
      expect((yield* Effect.flip(UserBlocks.unblockByIdentifier("")))._tag).toBe("BadRequest")
    }).pipe(fake())
  )

  it.effect("reads need read:users, unblocking update:users", () =>
    Effect.gen(function* () {
      expect((yield* UserBlocks.getByIdentifier("a")).blocked_for).toEqual([])
      expect((yield* Effect.flip(UserBlocks.unblockByIdentifier("a")))._tag).toBe("Forbidden")
      expect((yield* Effect.flip(UserBlocks.unblock("auth0|x")))._tag).toBe("Forbidden")
    }).pipe(fake({ scopes: ["read:users"] }))
  )

  it.effect("seeding refuses an unknown connection", () =>
    Effect.gen(function* () {
      const tenant = yield* FakeAuth0.Tenant
      const refused = yield* Effect.flip(tenant.seedBlocks([{ identifier: "a", ip: "1.1.1.1", connection: "nope" }]))
      expect(refused).toMatchObject({ _tag: "SeedError", status: 400 })
      expect((yield* Effect.flip(tenant.seedOrganizations("auth0|nobody", [{ name: "x" }]))).status).toBe(404)
    }).pipe(fake())
  )
})

type ErrorsOf<F extends (...args: never) => unknown> =
  ReturnType<F> extends Effect.Effect<infer _A, infer E, infer _R> ? E : never
type StreamErrorsOf<F extends (...args: never) => unknown> =
  ReturnType<F> extends Stream.Stream<infer _A, infer E, infer _R> ? E : never

describe("error unions", () => {
  it("are the common errors plus NotFound where a user id is in the path", () => {
    type Common = Auth0Error.Common
    type NotFound = Auth0Error.NotFound
    expectTypeOf<ErrorsOf<typeof Users.listByEmail>>().toEqualTypeOf<Common>()
    expectTypeOf<ErrorsOf<typeof Users.organizations>>().toEqualTypeOf<Common | NotFound>()
    expectTypeOf<ErrorsOf<typeof Users.connectedAccounts>>().toEqualTypeOf<Common | NotFound>()
    expectTypeOf<StreamErrorsOf<typeof Users.organizationsStream>>().toEqualTypeOf<
      Common | NotFound | Auth0Error.LimitExceeded
    >()
    expectTypeOf<ErrorsOf<typeof UserBlocks.get>>().toEqualTypeOf<Common | NotFound>()
    expectTypeOf<ErrorsOf<typeof UserBlocks.getByIdentifier>>().toEqualTypeOf<Common>()
    expectTypeOf<ErrorsOf<typeof UserBlocks.unblock>>().toEqualTypeOf<Common | NotFound>()
    expectTypeOf<ErrorsOf<typeof UserBlocks.unblockByIdentifier>>().toEqualTypeOf<Common>()
    assert.isFunction(UserBlocks.unblockByIdentifier)
  })
})
