/**
 * A user's sessions, refresh tokens and revoke-access through the public API against the fake tenant:
 * each operation's answer and documented failures (404 for an unknown user, 400 on bad input, 403
 * without the scope), and the checkpoint streams past several pages, lazily (one page at a time).
 */
import { assert, describe, expectTypeOf, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import type { Auth0Error } from "../src/index.js"
import { Auth0Http, Users } from "../src/index.js"
import { FakeAuth0 } from "../src/testing/index.js"
import { fakeHttp, json, type Seen } from "./utils.js"
import * as Redacted from "effect/Redacted"
import * as Layer from "effect/Layer"

const DB = "Username-Password-Authentication"
const fake = (options: Parameters<typeof FakeAuth0.layer>[0] = {}) => Effect.provide(FakeAuth0.layer(options))

/** A user with `sessions` sessions (created a second apart) and a refresh token bound to each, plus one bound to none. */
const seeded = (sessions: number) =>
  Effect.gen(function* () {
    const tenant = yield* FakeAuth0.Tenant
    const [user] = yield* tenant.seedUsers([{ connection: DB, email: "chuck@example.com" }])
    const t0 = Date.parse("2025-01-08T06:00:00.000Z")
    const made = yield* tenant.seedSessions(
      user!.user_id,
      Array.from({ length: sessions }, (_, i) => ({
        created_at: new Date(t0 + i * 1000).toISOString(),
        clients: [{ client_id: `client_${i}` }],
        custom_field: { kept: i }
      }))
    )
    const tokens = yield* tenant.seedRefreshTokens(user!.user_id, [
      ...made.map((session) => ({ session_id: session.id, created_at: session.created_at })),
      { created_at: new Date(t0 + sessions * 1000).toISOString(), rotating: true }
    ])
    return { tenant, id: user!.user_id, sessions: made, tokens }
  })

const requestsTo = (tenant: FakeAuth0.Tenant.Service, part: string) =>
  Effect.map(tenant.requests, (all) => all.filter((r) => r.url.includes(part)).map((r) => `${r.method} ${r.url}`))

describe("Users.sessions", () => {
  it.effect("one page, each session as seeded with unknown fields kept, then the empty page after the last next", () =>
    Effect.gen(function* () {
      const { id, sessions } = yield* seeded(3)
      const page = yield* Users.sessions(id)
      assert.deepStrictEqual(
        page.sessions.map((s) => s.id),
        sessions.map((s) => s.id)
      )
      assert.deepStrictEqual(page.sessions[1]!.clients, [{ client_id: "client_1" }])
      assert.deepStrictEqual(page.sessions[2]!["custom_field"], { kept: 2 })
      assert.strictEqual(page.sessions[0]!.user_id, id)
      assert.strictEqual(page.sessions[0]!.authentication?.methods?.[0]?.name, "pwd")
      // As recorded, a page with items names a next even when it is the last.
      assert.isString(page.next)
      const after = yield* Users.sessions(id, { from: page.next! })
      assert.deepStrictEqual(after, { sessions: [] })
    }).pipe(fake())
  )

  it.effect("take pages from next to next, exclusive of the position, unshifted by a delete between pages", () =>
    Effect.gen(function* () {
      const { id, sessions, tenant } = yield* seeded(5)
      const first = yield* Users.sessions(id, { take: 2 })
      assert.deepStrictEqual(
        first.sessions.map((s) => s.id),
        [sessions[0]!.id, sessions[1]!.id]
      )
      yield* Users.revokeAccess(id, { session_id: sessions[1]!.id })
      const second = yield* Users.sessions(id, { take: 2, from: first.next! })
      assert.deepStrictEqual(
        second.sessions.map((s) => s.id),
        [sessions[2]!.id, sessions[3]!.id]
      )
      assert.deepStrictEqual(yield* requestsTo(tenant, "/sessions?"), [
        `GET /api/v2/users/${encodeURIComponent(id)}/sessions?take=2`,
        `GET /api/v2/users/${encodeURIComponent(id)}/sessions?from=${encodeURIComponent(first.next!)}&take=2`
      ])
    }).pipe(fake())
  )

  it.effect("take outside 1..100 and a from that is no position are BadRequest, worded as Auth0 does", () =>
    Effect.gen(function* () {
      const { id } = yield* seeded(1)
      const zero = yield* Effect.flip(Users.sessions(id, { take: 0 }))
      assert.strictEqual(zero._tag, "BadRequest")
      if (zero._tag !== "BadRequest") return
      assert.strictEqual(zero.errorCode, "invalid_query_string")
      assert.strictEqual(zero.description, "Query validation error: 'Value 0 is less than minimum 1' on property take.")
      const big = yield* Effect.flip(Users.refreshTokens(id, { take: 101 }))
      assert.strictEqual(
        big._tag === "BadRequest" && big.description,
        "Query validation error: 'Value 101 is greater than maximum 100' on property take."
      )
      const from = yield* Effect.flip(Users.sessions(id, { from: "not a cursor" }))
      assert.strictEqual(from._tag === "BadRequest" && from.errorCode, "invalid_query_string")
    }).pipe(fake())
  )
})

describe("Users.refreshTokens", () => {
  it.effect("every token with its nulls as Auth0 sends them, in one page", () =>
    Effect.gen(function* () {
      const { id, sessions, tokens } = yield* seeded(2)
      const page = yield* Users.refreshTokens(id)
      assert.deepStrictEqual(
        page.tokens.map((t) => t.id),
        tokens.map((t) => t.id)
      )
      assert.strictEqual(page.tokens[0]!.session_id, sessions[0]!.id)
      assert.strictEqual(page.tokens[2]!.session_id, null)
      assert.strictEqual(page.tokens[2]!.expires_at, null)
      assert.strictEqual(page.tokens[2]!.rotating, true)
      assert.strictEqual(page.tokens[0]!.resource_servers?.[0]?.scopes, "openid offline_access")
    }).pipe(fake())
  )
})

describe("deleting and revoking", () => {
  it.effect("deleteSessions ends every session and leaves the refresh tokens", () =>
    Effect.gen(function* () {
      const { id, tenant } = yield* seeded(3)
      const result = yield* Users.deleteSessions(id)
      assert.isUndefined(result)
      assert.deepStrictEqual(yield* tenant.sessionsOf(id), [])
      assert.strictEqual((yield* tenant.refreshTokensOf(id)).length, 4)
      assert.deepStrictEqual(yield* Users.sessions(id), { sessions: [] })
    }).pipe(fake())
  )

  it.effect("deleteRefreshTokens revokes every refresh token and leaves the sessions", () =>
    Effect.gen(function* () {
      const { id, tenant } = yield* seeded(3)
      yield* Users.deleteRefreshTokens(id)
      assert.deepStrictEqual(yield* tenant.refreshTokensOf(id), [])
      assert.strictEqual((yield* tenant.sessionsOf(id)).length, 3)
    }).pipe(fake())
  )

  it.effect("revokeAccess without a session ends all sessions and all refresh tokens", () =>
    Effect.gen(function* () {
      const { id, tenant } = yield* seeded(3)
      yield* Users.revokeAccess(id)
      assert.deepStrictEqual(yield* tenant.sessionsOf(id), [])
      assert.deepStrictEqual(yield* tenant.refreshTokensOf(id), [])
      const sent = (yield* tenant.requests).find((r) => r.url.endsWith("/revoke-access"))
      assert.strictEqual(sent?.body, "{}")
      assert.strictEqual(sent?.status, 202)
    }).pipe(fake())
  )

  it.effect("revokeAccess of one session takes its refresh tokens unless preserve_refresh_tokens", () =>
    Effect.gen(function* () {
      const { id, sessions, tenant, tokens } = yield* seeded(3)
      yield* Users.revokeAccess(id, { session_id: sessions[0]!.id })
      assert.deepStrictEqual(
        (yield* tenant.sessionsOf(id)).map((s) => s.id),
        [sessions[1]!.id, sessions[2]!.id]
      )
      assert.deepStrictEqual(
        (yield* tenant.refreshTokensOf(id)).map((t) => t.id),
        tokens.slice(1).map((t) => t.id)
      )
      yield* Users.revokeAccess(id, { session_id: sessions[1]!.id, preserve_refresh_tokens: true })
      assert.deepStrictEqual(
        (yield* tenant.sessionsOf(id)).map((s) => s.id),
        [sessions[2]!.id]
      )
      assert.strictEqual((yield* tenant.refreshTokensOf(id)).length, 3)
    }).pipe(fake())
  )

  it.effect("revokeAccess with a session_id over 50 characters is BadRequest (invalid_body); nothing is revoked", () =>
    Effect.gen(function* () {
      const { id, tenant } = yield* seeded(1)
      const error = yield* Effect.flip(Users.revokeAccess(id, { session_id: "s".repeat(51) }))
      assert.strictEqual(error._tag, "BadRequest")
      if (error._tag !== "BadRequest") return
      assert.strictEqual(error.errorCode, "invalid_body")
      assert.strictEqual(
        error.description,
        "Payload validation error: 'String is too long (51 chars), maximum 50' on property session_id."
      )
      assert.strictEqual((yield* tenant.sessionsOf(id)).length, 1)
    }).pipe(fake())
  )
})

describe("failures every operation documents", () => {
  const operations = (id: string) =>
    [
      ["sessions", Users.sessions(id)],
      ["deleteSessions", Users.deleteSessions(id)],
      ["refreshTokens", Users.refreshTokens(id)],
      ["deleteRefreshTokens", Users.deleteRefreshTokens(id)],
      ["revokeAccess", Users.revokeAccess(id)],
      ["sessionsStream", Stream.runDrain(Users.sessionsStream(id))],
      ["refreshTokensStream", Stream.runDrain(Users.refreshTokensStream(id))]
    ] as const

  it.effect("an unknown user is NotFound (inexistent_user)", () =>
    Effect.gen(function* () {
      for (const [name, op] of operations("auth0|nobody")) {
        const error: Auth0Error.Auth0Error = yield* Effect.flip(
          op as Effect.Effect<unknown, Auth0Error.Auth0Error, Auth0Http.Auth0Http>
        )
        assert.strictEqual(error._tag, "NotFound", name)
        assert.strictEqual(error._tag === "NotFound" && error.errorCode, "inexistent_user", name)
      }
    }).pipe(fake())
  )

  it.effect("without the endpoint's scope, Forbidden (insufficient_scope) naming the scopes it takes", () =>
    Effect.gen(function* () {
      const { id } = yield* seeded(1)
      const expected: Record<string, string> = {
        sessions: "read:sessions",
        sessionsStream: "read:sessions",
        deleteSessions: "delete:sessions",
        refreshTokens: "read:refresh_tokens",
        refreshTokensStream: "read:refresh_tokens",
        deleteRefreshTokens: "delete:refresh_tokens",
        revokeAccess: "delete:sessions,delete:refresh_tokens"
      }
      for (const [name, op] of operations(id)) {
        const error: Auth0Error.Auth0Error = yield* Effect.flip(
          op as Effect.Effect<unknown, Auth0Error.Auth0Error, Auth0Http.Auth0Http>
        )
        assert.strictEqual(error._tag, "Forbidden", name)
        if (error._tag !== "Forbidden") continue
        assert.strictEqual(error.errorCode, "insufficient_scope", name)
        assert.strictEqual(error.description, `Insufficient scope, expected any of: ${expected[name]}`, name)
      }
    }).pipe(fake({ scopes: ["read:users", "update:users"] }))
  )

  it("the error unions are exact: the common ones and NotFound; streams the same; deletes succeed with void", () => {
    type ErrorOf<T> = T extends Effect.Effect<unknown, infer E, unknown> ? E : never
    type StreamErrorOf<T> = T extends Stream.Stream<unknown, infer E, unknown> ? E : never
    type Expected = Auth0Error.Common | Auth0Error.NotFound
    expectTypeOf<ErrorOf<ReturnType<typeof Users.sessions>>>().toEqualTypeOf<Expected>()
    expectTypeOf<ErrorOf<ReturnType<typeof Users.deleteSessions>>>().toEqualTypeOf<Expected>()
    expectTypeOf<ErrorOf<ReturnType<typeof Users.refreshTokens>>>().toEqualTypeOf<Expected>()
    expectTypeOf<ErrorOf<ReturnType<typeof Users.deleteRefreshTokens>>>().toEqualTypeOf<Expected>()
    expectTypeOf<ErrorOf<ReturnType<typeof Users.revokeAccess>>>().toEqualTypeOf<Expected>()
    expectTypeOf<StreamErrorOf<ReturnType<typeof Users.sessionsStream>>>().toEqualTypeOf<
      Expected | Auth0Error.LimitExceeded
    >()
    expectTypeOf<Effect.Effect.Success<ReturnType<typeof Users.deleteSessions>>>().toEqualTypeOf<void>()
    expectTypeOf<Effect.Effect.Success<ReturnType<typeof Users.revokeAccess>>>().toEqualTypeOf<void>()
    expectTypeOf<Effect.Effect.Context<ReturnType<typeof Users.sessions>>>().toEqualTypeOf<Auth0Http.Auth0Http>()
  })
})

describe("the streams", () => {
  it.effect("sessionsStream follows next over several pages, in order, and ends on the empty page after the last", () =>
    Effect.gen(function* () {
      const { id, sessions, tenant } = yield* seeded(250)
      const ids = yield* Users.sessionsStream(id).pipe(
        Stream.map((s) => s.id),
        Stream.runCollect
      )
      assert.deepStrictEqual(
        Chunk.toReadonlyArray(ids),
        sessions.map((s) => s.id)
      )
      const urls = yield* requestsTo(tenant, "/sessions")
      assert.strictEqual(urls.length, 4, "3 pages of 100, then the empty one the last next points to")
      assert.strictEqual(urls[0], `GET /api/v2/users/${encodeURIComponent(id)}/sessions?take=100`)
      assert.match(urls[3]!, /\/sessions\?from=[A-Za-z0-9%]+&take=100$/)
    }).pipe(fake())
  )

  it.effect("refreshTokensStream with take 3 walks every token", () =>
    Effect.gen(function* () {
      const { id, tokens } = yield* seeded(10)
      const ids = yield* Users.refreshTokensStream(id, { take: 3 }).pipe(
        Stream.map((t) => t.id),
        Stream.runCollect
      )
      assert.deepStrictEqual(
        Chunk.toReadonlyArray(ids),
        tokens.map((t) => t.id)
      )
    }).pipe(fake())
  )

  it.effect("a page without next ends the stream: one request", () =>
    Effect.gen(function* () {
      const log: Array<Seen> = []
      const layer = Auth0Http.layer({ domain: "tenant.eu.auth0.com", token: Redacted.make("tok"), retry: false }).pipe(
        Layer.provide(fakeHttp(() => json({ tokens: [{ id: "rt_1", session_id: null }] }), log))
      )
      const tokens = yield* Stream.runCollect(Users.refreshTokensStream("auth0|1")).pipe(Effect.provide(layer))
      assert.strictEqual(Chunk.size(tokens), 1)
      assert.strictEqual(log.length, 1)
    })
  )

  it.effect("an empty page ends the stream even when it names a next", () =>
    Effect.gen(function* () {
      const log: Array<Seen> = []
      const pages = [
        { sessions: [{ id: "s_1" }], next: "cA==" },
        { sessions: [], next: "cQ==" }
      ]
      const layer = Auth0Http.layer({ domain: "tenant.eu.auth0.com", token: Redacted.make("tok"), retry: false }).pipe(
        Layer.provide(fakeHttp(() => json(pages[Math.min(log.length - 1, 1)]), log))
      )
      const sessions = yield* Stream.runCollect(Users.sessionsStream("auth0|1", { take: 1 })).pipe(
        Effect.provide(layer)
      )
      assert.deepStrictEqual(
        Chunk.toReadonlyArray(sessions).map((s) => s.id),
        ["s_1"]
      )
      assert.deepStrictEqual(
        log.map((seen) => seen.url.search),
        ["?take=1", "?from=cA%3D%3D&take=1"]
      )
    })
  )

  it.effect("5,000 sessions of one user stream one page at a time: never more than a page fetched ahead", () =>
    Effect.gen(function* () {
      const { id, tenant } = yield* seeded(5000)
      let seen = 0
      let worstAhead = 0
      yield* Users.sessionsStream(id).pipe(
        // A slow consumer (it yields on each session) gives a stream that reads ahead the time to do it.
        Stream.runForEach(() =>
          Effect.map(Effect.zipRight(Effect.yieldNow(), requestsTo(tenant, "/sessions")), (urls) => {
            seen++
            // Fetched but not yet delivered: what the stream holds, bounded by one page.
            worstAhead = Math.max(worstAhead, urls.length * 100 - seen)
          })
        )
      )
      assert.strictEqual(seen, 5000)
      assert.isAtMost(worstAhead, 99)
    }).pipe(fake())
  )
})
