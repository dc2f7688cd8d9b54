import { assert, describe, it } from "@effect/vitest"
import { Duration, Effect, Exit, Fiber, Option, Redacted, TestClock } from "effect"
import { Auth0Error, TokenProvider, Users } from "../src/index.js"
import { credentials, json, scriptedTenant as tenant, type Seen } from "./utils.js"

const SECRET = "sekrit-value"

const bearer = (seen: Seen | undefined) => seen?.headers["authorization"]

const form = (seen: Seen | undefined): Record<string, string> => {
  assert.isDefined(seen)
  assert.isString(seen!.body)
  return Object.fromEntries(new URLSearchParams(seen!.body!))
}

describe("TokenProvider: the client-credentials request", () => {
  it.effect("POSTs a form to https://{domain}/oauth/token with the documented fields", () =>
    Effect.gen(function* () {
      const t = tenant()
      const user = yield* Users.get("auth0|1").pipe(Effect.provide(credentials(t.layer)))
      assert.strictEqual(user.user_id, "auth0|1")

      const [token] = t.tokenCalls()
      assert.strictEqual(t.tokenCalls().length, 1)
      assert.strictEqual(token!.method, "POST")
      assert.strictEqual(token!.url.href, "https://tenant.eu.auth0.com/oauth/token")
      assert.match(token!.headers["content-type"] ?? "", /^application\/x-www-form-urlencoded/)
      assert.deepStrictEqual(form(token), {
        audience: "https://tenant.eu.auth0.com/api/v2/",
        client_id: "cid",
        client_secret: SECRET,
        grant_type: "client_credentials"
      })
      // The secret travels in the body only, never in a header or the URL.
      assert.isUndefined(token!.headers["authorization"])
      assert.notInclude(token!.url.href, SECRET)

      const [call] = t.apiCalls()
      assert.strictEqual(call!.url.origin, "https://tenant.eu.auth0.com")
      assert.strictEqual(call!.url.pathname, "/api/v2/users/auth0%7C1")
      assert.strictEqual(bearer(call), "Bearer tok-1")
    })
  )

  it.effect("sends a custom audience", () =>
    Effect.gen(function* () {
      const t = tenant()
      yield* Users.get("auth0|1").pipe(
        Effect.provide(credentials(t.layer, { audience: "https://custom.example.com/api/v2/" }))
      )
      assert.strictEqual(form(t.tokenCalls()[0]).audience, "https://custom.example.com/api/v2/")
    })
  )

  it.effect("baseUrl sends the token and the API requests to that origin; the audience stays the tenant's", () =>
    Effect.gen(function* () {
      const t = tenant()
      yield* Users.get("auth0|1").pipe(Effect.provide(credentials(t.layer, { baseUrl: "http://127.0.0.1:9" })))
      assert.strictEqual(t.log.length, 2)
      assert.strictEqual(t.tokenCalls()[0]!.url.href, "http://127.0.0.1:9/oauth/token")
      assert.strictEqual(t.apiCalls()[0]!.url.href, "http://127.0.0.1:9/api/v2/users/auth0%7C1")
      assert.strictEqual(form(t.tokenCalls()[0]).audience, "https://tenant.eu.auth0.com/api/v2/")
    })
  )

  it.effect("a trailing slash on baseUrl does not double the slash", () =>
    Effect.gen(function* () {
      const t = tenant()
      yield* Users.get("auth0|1").pipe(Effect.provide(credentials(t.layer, { baseUrl: "http://127.0.0.1:9/" })))
      assert.deepStrictEqual(
        t.log.map((seen) => seen.url.href),
        ["http://127.0.0.1:9/oauth/token", "http://127.0.0.1:9/api/v2/users/auth0%7C1"]
      )
    })
  )
})

describe("TokenProvider: caching", () => {
  it.effect("two sequential calls share one token", () =>
    Effect.gen(function* () {
      const t = tenant()
      yield* Effect.gen(function* () {
        yield* Users.get("auth0|1")
        yield* Users.get("auth0|2")
      }).pipe(Effect.provide(credentials(t.layer)))
      assert.strictEqual(t.tokenCalls().length, 1)
      assert.deepStrictEqual(t.apiCalls().map(bearer), ["Bearer tok-1", "Bearer tok-1"])
    })
  )

  it.effect("20 concurrent calls while the token endpoint is slow: one token request, all succeed with it", () =>
    Effect.gen(function* () {
      const t = tenant({
        token: (_, n) =>
          Effect.as(
            Effect.sleep("100 millis"),
            json({ access_token: `tok-${n}`, expires_in: 86400, token_type: "Bearer" })
          )
      })
      const fiber = yield* Effect.all(
        Array.from({ length: 20 }, (_, i) => Users.get(`auth0|${i}`)),
        { concurrency: "unbounded" }
      ).pipe(Effect.provide(credentials(t.layer)), Effect.fork)

      yield* TestClock.adjust("50 millis")
      assert.isTrue(Option.isNone(yield* Fiber.poll(fiber)), "the token endpoint is still answering")
      assert.strictEqual(t.tokenCalls().length, 1)
      assert.strictEqual(t.apiCalls().length, 0)

      yield* TestClock.adjust("50 millis")
      assert.strictEqual(t.tokenCalls().length, 1)
      // The token is in; the pacer lets one request probe the bucket before the others follow.
      yield* TestClock.adjust("1 second")
      const users = yield* Fiber.join(fiber)
      assert.strictEqual(users.length, 20)
      assert.strictEqual(t.tokenCalls().length, 1)
      assert.strictEqual(t.apiCalls().length, 20)
      for (const call of t.apiCalls()) assert.strictEqual(bearer(call), "Bearer tok-1")
    })
  )

  it.effect("refreshes 5 minutes ahead of expiry, not before", () =>
    Effect.gen(function* () {
      const t = tenant({
        token: (_, n) => json({ access_token: `tok-${n}`, expires_in: 3600, token_type: "Bearer" })
      })
      yield* Effect.gen(function* () {
        yield* Users.get("auth0|1")
        yield* TestClock.adjust("54 minutes")
        yield* Users.get("auth0|1")
        assert.strictEqual(t.tokenCalls().length, 1, "still cached at 54 minutes")
        yield* TestClock.adjust("2 minutes")
        yield* Users.get("auth0|1")
        assert.strictEqual(t.tokenCalls().length, 2, "refreshed at 56 minutes")
        yield* Users.get("auth0|1")
        assert.strictEqual(t.tokenCalls().length, 2, "the new token is cached in turn")
      }).pipe(Effect.provide(credentials(t.layer)))
      assert.deepStrictEqual(t.apiCalls().map(bearer), ["Bearer tok-1", "Bearer tok-1", "Bearer tok-2", "Bearer tok-2"])
    })
  )

  it.effect("refreshBefore moves the refresh point", () =>
    Effect.gen(function* () {
      const t = tenant({
        token: (_, n) => json({ access_token: `tok-${n}`, expires_in: 3600 })
      })
      yield* Effect.gen(function* () {
        yield* Users.get("auth0|1")
        yield* TestClock.adjust("49 minutes")
        yield* Users.get("auth0|1")
        assert.strictEqual(t.tokenCalls().length, 1)
        yield* TestClock.adjust("2 minutes")
        yield* Users.get("auth0|1")
        assert.strictEqual(t.tokenCalls().length, 2)
      }).pipe(Effect.provide(credentials(t.layer, { refreshBefore: "10 minutes" })))
    })
  )

  it.effect("a short-lived token is refreshed at half its lifetime, not on every call", () =>
    Effect.gen(function* () {
      const t = tenant({
        token: (_, n) => json({ access_token: `tok-${n}`, expires_in: 60, token_type: "Bearer" })
      })
      yield* Effect.gen(function* () {
        yield* Users.get("auth0|1")
        yield* Users.get("auth0|1")
        yield* TestClock.adjust("29 seconds")
        yield* Users.get("auth0|1")
        assert.strictEqual(t.tokenCalls().length, 1, "used for its first half")
        yield* TestClock.adjust("2 seconds")
        yield* Users.get("auth0|1")
        yield* Users.get("auth0|1")
        assert.strictEqual(t.tokenCalls().length, 2, "refreshed once past 30 s")
      }).pipe(Effect.provide(credentials(t.layer)))
    })
  )

  it.effect("makeCached on its own: concurrent gets share one issue; invalidate drops only the stale token", () =>
    Effect.gen(function* () {
      let issued = 0
      const provider = yield* TokenProvider.makeCached(
        Effect.sync(() => ({ token: Redacted.make(`t-${++issued}`), expiresIn: Duration.hours(1) })).pipe(
          Effect.delay("10 millis")
        )
      )
      const fiber = yield* Effect.fork(
        Effect.all(
          Array.from({ length: 5 }, () => provider.get),
          { concurrency: 5 }
        )
      )
      yield* TestClock.adjust("10 millis")
      const got = yield* Fiber.join(fiber)
      assert.strictEqual(issued, 1)
      assert.deepStrictEqual(got.map(Redacted.value), ["t-1", "t-1", "t-1", "t-1", "t-1"])

      yield* provider.invalidate(Redacted.make("t-1")) // an equal value but not the cached token
      const same = yield* provider.get
      assert.strictEqual(issued, 1)

      yield* provider.invalidate(same)
      const next = yield* Effect.fork(provider.get)
      yield* TestClock.adjust("10 millis")
      assert.strictEqual(Redacted.value(yield* Fiber.join(next)), "t-2")
      assert.strictEqual(issued, 2)
    })
  )
})

describe("TokenProvider: failures", () => {
  for (const status of [500, 401] as const) {
    it.effect(`a ${status} from /oauth/token is not cached: the next call fetches again and succeeds`, () =>
      Effect.gen(function* () {
        const t = tenant({
          token: (_, n) =>
            n === 1
              ? json({ error: "boom", error_description: "try later" }, status)
              : json({ access_token: `tok-${n}`, expires_in: 86400 })
        })
        const [first, second] = yield* Effect.gen(function* () {
          const first = yield* Effect.exit(Users.get("auth0|1"))
          const second = yield* Users.get("auth0|1")
          return [first, second] as const
        }).pipe(Effect.provide(credentials(t.layer)))
        assert.isTrue(Exit.isFailure(first))
        assert.strictEqual(second.user_id, "auth0|1")
        assert.strictEqual(t.tokenCalls().length, 2)
        assert.deepStrictEqual(t.apiCalls().map(bearer), ["Bearer tok-2"])
      })
    )
  }

  it.effect("401 from /oauth/token is Unauthorized at POST /oauth/token, and no API call is made", () =>
    Effect.gen(function* () {
      const t = tenant({
        token: () => json({ error: "access_denied", error_description: "Unauthorized" }, 401)
      })
      const error = yield* Users.get("auth0|1").pipe(Effect.provide(credentials(t.layer)), Effect.flip)
      assert.strictEqual(error._tag, "Unauthorized")
      assert.instanceOf(error, Auth0Error.Unauthorized)
      if (error._tag !== "Unauthorized") return
      assert.strictEqual(error.method, "POST")
      assert.strictEqual(error.path, "/oauth/token")
      assert.strictEqual(error.status, 401)
      assert.strictEqual(t.apiCalls().length, 0)
    })
  )

  it.effect("403 access_denied from /oauth/token is Forbidden with the OAuth error and description", () =>
    Effect.gen(function* () {
      const t = tenant({
        token: () =>
          json(
            {
              error: "access_denied",
              error_description: 'Client is not authorized to access "https://tenant.eu.auth0.com/api/v2/".'
            },
            403
          )
      })
      const error = yield* Users.get("auth0|1").pipe(Effect.provide(credentials(t.layer)), Effect.flip)
      assert.instanceOf(error, Auth0Error.Forbidden)
      if (error._tag !== "Forbidden") return
      assert.strictEqual(error.method, "POST")
      assert.strictEqual(error.path, "/oauth/token")
      assert.strictEqual(error.status, 403)
      assert.strictEqual(error.errorCode, "access_denied")
      assert.strictEqual(error.description, 'Client is not authorized to access "https://tenant.eu.auth0.com/api/v2/".')
      assert.include(error.message, "access_denied")
    })
  )

  it.effect("a 200 token answer that is not JSON is a DecodeError", () =>
    Effect.gen(function* () {
      const t = tenant({ token: () => new Response("<html>gateway</html>", { status: 200 }) })
      const error = yield* Users.get("auth0|1").pipe(Effect.provide(credentials(t.layer)), Effect.flip)
      assert.instanceOf(error, Auth0Error.DecodeError)
      if (error._tag !== "DecodeError") return
      assert.strictEqual(error.path, "/oauth/token")
      assert.strictEqual(error.status, 200)
      assert.strictEqual(t.apiCalls().length, 0)
    })
  )

  it.effect("a 200 token answer without access_token / expires_in is a DecodeError that does not quote the body", () =>
    Effect.gen(function* () {
      const t = tenant({ token: () => json({ access_token: "leaky-token", expires_in: "soon" }) })
      const error = yield* Users.get("auth0|1").pipe(Effect.provide(credentials(t.layer)), Effect.flip)
      assert.instanceOf(error, Auth0Error.DecodeError)
      assert.notInclude(error.message, "leaky-token")
      assert.notInclude(JSON.stringify(error), "leaky-token")
    })
  )

  it.effect("a token endpoint that never answers is a TimeoutError after 10 s by default", () =>
    Effect.gen(function* () {
      const t = tenant({ token: () => Effect.never })
      const fiber = yield* Users.get("auth0|1").pipe(Effect.provide(credentials(t.layer)), Effect.flip, Effect.fork)
      yield* TestClock.adjust("9999 millis")
      assert.isTrue(Option.isNone(yield* Fiber.poll(fiber)))
      yield* TestClock.adjust("1 millis")
      const error = yield* Fiber.join(fiber)
      assert.instanceOf(error, Auth0Error.TimeoutError)
      if (error._tag !== "TimeoutError") return
      assert.strictEqual(error.method, "POST")
      assert.strictEqual(error.path, "/oauth/token")
      assert.strictEqual(Duration.toMillis(error.timeout!), 10_000)
    })
  )

  it.effect("the timeout option applies to the token endpoint too", () =>
    Effect.gen(function* () {
      const t = tenant({ token: () => Effect.never })
      const fiber = yield* Users.get("auth0|1").pipe(
        Effect.provide(credentials(t.layer, { timeout: "2 seconds" })),
        Effect.flip,
        Effect.fork
      )
      yield* TestClock.adjust("2 seconds")
      const error = yield* Fiber.join(fiber)
      assert.instanceOf(error, Auth0Error.TimeoutError)
      if (error._tag !== "TimeoutError") return
      assert.strictEqual(error.path, "/oauth/token")
      assert.strictEqual(Duration.toMillis(error.timeout!), 2000)
    })
  )
})
