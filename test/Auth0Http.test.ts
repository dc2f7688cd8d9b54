import { assert, describe, it } from "@effect/vitest"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import {
  Cause,
  ConfigError,
  ConfigProvider,
  Duration,
  Effect,
  Exit,
  Fiber,
  Layer,
  Option,
  ParseResult,
  Redacted,
  Schema,
  TestClock
} from "effect"
import * as Endpoints from "../src/internal/endpoints.js"
import { Auth0Error, Auth0Http, Retry, TokenProvider, Users } from "../src/index.js"
import { credentials, DOMAIN, empty, json, scriptedTenant as tenant, type Seen } from "./utils.js"

const staticToken = (
  http: Layer.Layer<HttpClient.HttpClient>,
  extra: Partial<Omit<Auth0Http.StaticTokenOptions, "domain" | "token">> = {}
) =>
  Auth0Http.layer({ domain: DOMAIN, token: Redacted.make("static-token"), retry: false, ...extra }).pipe(
    Layer.provide(http)
  )

const bearer = (seen: Seen | undefined) => seen?.headers["authorization"]

/** A 200 whose body starts and never ends. */
const endless = () =>
  new Response(
    new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"user_id":'))
      }
    }),
    { status: 200 }
  )

const unauthorized = () => json({ statusCode: 401, error: "Unauthorized", message: "Invalid token" }, 401)

describe("Auth0Http: requests", () => {
  it.effect(
    "sends the bearer token, Accept: application/json and the auth0-client header to https://{domain}/api/v2",
    () =>
      Effect.gen(function* () {
        const t = tenant()
        const http = yield* Auth0Http.Auth0Http.pipe(Effect.provide(staticToken(t.layer)))
        assert.strictEqual(http.apiUrl, "https://tenant.eu.auth0.com/api/v2")
        yield* Users.get("auth0|1").pipe(Effect.provide(staticToken(t.layer)))
        const [call] = t.log
        assert.strictEqual(t.log.length, 1)
        assert.strictEqual(call!.method, "GET")
        assert.strictEqual(call!.url.href, "https://tenant.eu.auth0.com/api/v2/users/auth0%7C1")
        assert.strictEqual(bearer(call), "Bearer static-token")
        assert.strictEqual(call!.headers["accept"], "application/json")
        const telemetry = JSON.parse(atob(call!.headers["auth0-client"] ?? ""))
        assert.strictEqual(telemetry.name, "effect-auth0")
      })
  )

  it.effect("sends no trace propagation headers to the API", () =>
    Effect.gen(function* () {
      const t = tenant()
      yield* Users.get("auth0|1").pipe(Effect.provide(staticToken(t.layer)), Effect.withSpan("caller"))
      const headers = Object.keys(t.log[0]!.headers)
      assert.notInclude(headers, "traceparent")
      assert.notInclude(headers, "b3")
    })
  )

  it.effect("baseUrl: the API goes to {baseUrl}/api/v2", () =>
    Effect.gen(function* () {
      const t = tenant()
      yield* Users.get("auth0|1").pipe(Effect.provide(staticToken(t.layer, { baseUrl: "http://127.0.0.1:9" })))
      assert.strictEqual(t.log[0]!.url.href, "http://127.0.0.1:9/api/v2/users/auth0%7C1")
    })
  )

  it.effect("transformClient wraps the client the API requests go through", () =>
    Effect.gen(function* () {
      const t = tenant()
      yield* Users.get("auth0|1").pipe(
        Effect.provide(
          staticToken(t.layer, {
            transformClient: HttpClient.mapRequest(HttpClientRequest.setHeader("x-proxy", "yes"))
          })
        )
      )
      assert.strictEqual(t.log[0]!.headers["x-proxy"], "yes")
    })
  )

  // BUG (src/Auth0Http.ts, tokenLayer): the client-credentials TokenProvider is built over the raw
  // HttpClient, so `transformClient` ("proxies, extra headers, tracing") never sees POST /oauth/token:
  // behind a proxy set up this way the token request goes around it.
  it.effect("transformClient wraps the token request too", () =>
    Effect.gen(function* () {
      const t = tenant()
      yield* Users.get("auth0|1").pipe(
        Effect.provide(
          credentials(t.layer, {
            transformClient: HttpClient.mapRequest(HttpClientRequest.setHeader("x-proxy", "yes"))
          })
        )
      )
      assert.strictEqual(t.apiCalls()[0]!.headers["x-proxy"], "yes")
      assert.strictEqual(t.tokenCalls()[0]!.headers["x-proxy"], "yes")
    })
  )

  // BUG (src/TokenProvider.ts, makeClientCredentials / src/Auth0Http.ts, tokenLayer): only the API
  // client gets `HttpClient.withTracerPropagation(false)` ("Trace headers stay inside the caller's
  // system"); the token request carries the caller's traceparent and b3 headers to Auth0.
  it.effect("sends no trace propagation headers to /oauth/token", () =>
    Effect.gen(function* () {
      const t = tenant()
      yield* Users.get("auth0|1").pipe(Effect.provide(credentials(t.layer)), Effect.withSpan("caller"))
      assert.strictEqual(t.tokenCalls().length, 1)
      const headers = Object.keys(t.tokenCalls()[0]!.headers)
      assert.notInclude(headers, "traceparent")
      assert.notInclude(headers, "b3")
    })
  )

  it.effect("a 200 answer that is not JSON, or not a user, is a DecodeError", () =>
    Effect.gen(function* () {
      const notJson = tenant({ api: () => new Response("<html>", { status: 200 }) })
      const e1 = yield* Users.get("auth0|1").pipe(Effect.provide(staticToken(notJson.layer)), Effect.flip)
      assert.instanceOf(e1, Auth0Error.DecodeError)
      const wrongShape = tenant({ api: () => json({ email: "no-id@example.com" }) })
      const e2 = yield* Users.get("auth0|1").pipe(Effect.provide(staticToken(wrongShape.layer)), Effect.flip)
      assert.instanceOf(e2, Auth0Error.DecodeError)
      if (e2._tag !== "DecodeError") return
      assert.strictEqual(e2.method, "GET")
      assert.strictEqual(e2.path, "/api/v2/users/auth0%7C1")
      assert.strictEqual(e2.status, 200)
      assert.include(e2.detail, "user_id")
    })
  )

  it.effect("a caller's schema with an asynchronous transformation is decoded all the same", () =>
    Effect.gen(function* () {
      // The synchronous decoder cannot run this one (it answers Forbidden); request decodes it as an Effect.
      const Shouting = Schema.transformOrFail(Schema.String, Schema.String, {
        strict: true,
        decode: (s) => Effect.promise(() => Promise.resolve(s.toUpperCase())),
        encode: (s) => ParseResult.succeed(s.toLowerCase())
      })
      const Named = Schema.Struct({ user_id: Shouting })
      const get = (answer: unknown) =>
        Effect.flatMap(Auth0Http.Auth0Http, (http) =>
          http.request(Endpoints.users.get, { params: { id: "auth0|1" } }, Named)
        ).pipe(Effect.provide(staticToken(tenant({ api: () => json(answer) }).layer)))
      assert.deepStrictEqual(yield* get({ user_id: "auth0|1" }), { user_id: "AUTH0|1" })
      const error = yield* Effect.flip(get({ user_id: 1 }))
      assert.instanceOf(error, Auth0Error.DecodeError)
      if (error._tag === "DecodeError") assert.strictEqual(error.detail, "Type at user_id")
    })
  )
})

describe("Auth0Http: a 401 from the API", () => {
  it.effect("drops the token, fetches a new one and retries once", () =>
    Effect.gen(function* () {
      const t = tenant({ api: (_, n) => (n === 1 ? unauthorized() : json({ user_id: "auth0|1" })) })
      const user = yield* Users.get("auth0|1").pipe(Effect.provide(credentials(t.layer)))
      assert.strictEqual(user.user_id, "auth0|1")
      assert.strictEqual(t.tokenCalls().length, 2)
      assert.deepStrictEqual(t.apiCalls().map(bearer), ["Bearer tok-1", "Bearer tok-2"])
    })
  )

  it.effect("the fresh token stays cached for later calls", () =>
    Effect.gen(function* () {
      const t = tenant({ api: (_, n) => (n === 1 ? unauthorized() : json({ user_id: "auth0|1" })) })
      yield* Effect.gen(function* () {
        yield* Users.get("auth0|1")
        yield* Users.get("auth0|1")
      }).pipe(Effect.provide(credentials(t.layer)))
      assert.strictEqual(t.tokenCalls().length, 2)
      assert.deepStrictEqual(t.apiCalls().map(bearer), ["Bearer tok-1", "Bearer tok-2", "Bearer tok-2"])
    })
  )

  it.effect("twice in a row is Unauthorized after exactly 2 API calls", () =>
    Effect.gen(function* () {
      const t = tenant({ api: unauthorized })
      const error = yield* Users.get("auth0|1").pipe(Effect.provide(credentials(t.layer)), Effect.flip)
      assert.instanceOf(error, Auth0Error.Unauthorized)
      if (error._tag !== "Unauthorized") return
      assert.strictEqual(error.path, "/api/v2/users/auth0%7C1")
      assert.strictEqual(error.description, "Invalid token")
      assert.strictEqual(t.apiCalls().length, 2)
      assert.strictEqual(t.tokenCalls().length, 2)
    })
  )

  it.effect("twice in a row is not retried by the default retry policy either", () =>
    Effect.gen(function* () {
      const t = tenant({ api: unauthorized })
      const fiber = yield* Users.get("auth0|1").pipe(
        Effect.provide(credentials(t.layer, { retry: undefined })),
        Effect.flip,
        Effect.fork
      )
      yield* TestClock.adjust("10 minutes")
      const error = yield* Fiber.join(fiber)
      assert.instanceOf(error, Auth0Error.Unauthorized)
      assert.strictEqual(t.apiCalls().length, 2)
    })
  )

  it.effect("with a static token is Unauthorized after exactly 1 API call", () =>
    Effect.gen(function* () {
      const t = tenant({ api: unauthorized })
      const error = yield* Users.get("auth0|1").pipe(Effect.provide(staticToken(t.layer)), Effect.flip)
      assert.instanceOf(error, Auth0Error.Unauthorized)
      assert.strictEqual(t.log.length, 1)
    })
  )
})

describe("Auth0Http: timeouts", () => {
  const where = { method: "GET", path: "/api/v2/users/auth0%7C1" }

  it.effect("by default an API request times out after 30 seconds", () =>
    Effect.gen(function* () {
      const t = tenant({ api: () => Effect.as(Effect.sleep("60 seconds"), json({ user_id: "auth0|1" })) })
      const fiber = yield* Users.get("auth0|1").pipe(Effect.provide(staticToken(t.layer)), Effect.flip, Effect.fork)
      yield* TestClock.adjust("29999 millis")
      assert.isTrue(Option.isNone(yield* Fiber.poll(fiber)))
      yield* TestClock.adjust("1 millis")
      const error = yield* Fiber.join(fiber)
      assert.instanceOf(error, Auth0Error.TimeoutError)
      if (error._tag !== "TimeoutError") return
      assert.strictEqual(error.method, where.method)
      assert.strictEqual(error.path, where.path)
      assert.strictEqual(Duration.toMillis(error.timeout!), 30_000)
      assert.isUndefined(error.status)
    })
  )

  it.effect("timeout: '2 seconds' fails a 5-second answer with a TimeoutError at 2 s", () =>
    Effect.gen(function* () {
      const t = tenant({ api: () => Effect.as(Effect.sleep("5 seconds"), json({ user_id: "auth0|1" })) })
      const fiber = yield* Users.get("auth0|1").pipe(
        Effect.provide(credentials(t.layer, { timeout: "2 seconds" })),
        Effect.flip,
        Effect.fork
      )
      yield* TestClock.adjust("1999 millis")
      assert.isTrue(Option.isNone(yield* Fiber.poll(fiber)))
      yield* TestClock.adjust("1 millis")
      const error = yield* Fiber.join(fiber)
      assert.instanceOf(error, Auth0Error.TimeoutError)
      if (error._tag !== "TimeoutError") return
      assert.strictEqual(error._tag, "TimeoutError")
      assert.strictEqual(error.method, where.method)
      assert.strictEqual(error.path, where.path)
      assert.strictEqual(Duration.toMillis(error.timeout!), 2000)
      assert.include(error.message, "timed out after 2s")
      assert.strictEqual(t.apiCalls().length, 1)
    })
  )

  it.effect("the timeout covers reading the body, not just the headers", () =>
    Effect.gen(function* () {
      const t = tenant({ api: endless })
      const fiber = yield* Users.get("auth0|1").pipe(
        Effect.provide(staticToken(t.layer, { timeout: "2 seconds" })),
        Effect.flip,
        Effect.fork
      )
      yield* TestClock.adjust("2 seconds")
      const error = yield* Fiber.join(fiber)
      assert.instanceOf(error, Auth0Error.TimeoutError)
    })
  )

  it.effect("with retries on, a timed-out GET is retried", () =>
    Effect.gen(function* () {
      const t = tenant({
        api: (_, n) =>
          n === 1 ? Effect.as(Effect.sleep("5 seconds"), json({ user_id: "slow" })) : json({ user_id: "auth0|1" })
      })
      const fiber = yield* Users.get("auth0|1").pipe(
        Effect.provide(staticToken(t.layer, { timeout: "2 seconds", retry: undefined })),
        Effect.fork
      )
      yield* TestClock.adjust("2 seconds")
      assert.strictEqual(t.apiCalls().length, 1)
      // first backoff step: 500 ms × (0.8 to 1.2)
      yield* TestClock.adjust("600 millis")
      const user = yield* Fiber.join(fiber)
      assert.strictEqual(user.user_id, "auth0|1")
      assert.strictEqual(t.apiCalls().length, 2)
    })
  )

  it.effect("a 408 is a TimeoutError carrying the status", () =>
    Effect.gen(function* () {
      const t = tenant({ api: () => empty(408) })
      const error = yield* Users.get("auth0|1").pipe(Effect.provide(staticToken(t.layer)), Effect.flip)
      assert.instanceOf(error, Auth0Error.TimeoutError)
      if (error._tag !== "TimeoutError") return
      assert.strictEqual(error.status, 408)
      assert.isUndefined(error.timeout)
      assert.strictEqual(error.method, where.method)
      assert.strictEqual(error.path, where.path)
      assert.strictEqual(t.log.length, 1)
    })
  )
})

// On the live clock the timeout is a plain timer interrupting the exchange's fiber rather than a sleep on
// the clock (see src/internal/timeout.ts): the same behaviour, checked here in real (short) time.
describe("Auth0Http: timeouts on the live clock", () => {
  const slow = (interrupted: Array<string>, label: string) => () =>
    Effect.as(Effect.sleep("10 seconds"), json({ user_id: "auth0|1" })).pipe(
      Effect.onInterrupt(() => Effect.sync(() => interrupted.push(label)))
    )

  const failure = (layer: Layer.Layer<Auth0Http.Auth0Http, ConfigError.ConfigError>) =>
    Users.get("auth0|1").pipe(Effect.provide(Layer.orDie(layer)), Effect.flip)

  it.live("an answer within the timeout is the result", () =>
    Effect.gen(function* () {
      const t = tenant({ api: () => Effect.as(Effect.sleep("5 millis"), json({ user_id: "auth0|1" })) })
      const user = yield* Users.get("auth0|1").pipe(Effect.provide(credentials(t.layer, { timeout: "5 seconds" })))
      assert.strictEqual(user.user_id, "auth0|1")
    })
  )

  it.live("a slow answer is a TimeoutError at the timeout, after the exchange was interrupted", () =>
    Effect.gen(function* () {
      const interrupted: Array<string> = []
      const t = tenant({ api: slow(interrupted, "api") })
      const started = Date.now()
      const error = yield* failure(staticToken(t.layer, { timeout: "50 millis" }))
      const elapsed = Date.now() - started
      assert.instanceOf(error, Auth0Error.TimeoutError)
      if (error._tag !== "TimeoutError") return
      assert.strictEqual(Duration.toMillis(error.timeout!), 50)
      assert.strictEqual(error.path, "/api/v2/users/auth0%7C1")
      assert.isAtLeast(elapsed, 45)
      assert.isBelow(elapsed, 5000)
      assert.deepStrictEqual(interrupted, ["api"])
    })
  )

  it.live("the timeout covers reading the body", () =>
    Effect.gen(function* () {
      const t = tenant({ api: endless })
      const error = yield* failure(staticToken(t.layer, { timeout: "50 millis" }))
      assert.instanceOf(error, Auth0Error.TimeoutError)
    })
  )

  it.live("the token endpoint's timeout too", () =>
    Effect.gen(function* () {
      const interrupted: Array<string> = []
      const t = tenant({ token: slow(interrupted, "token") })
      const error = yield* failure(credentials(t.layer, { timeout: "50 millis" }))
      assert.instanceOf(error, Auth0Error.TimeoutError)
      assert.strictEqual(error.path, "/oauth/token")
      assert.deepStrictEqual(interrupted, ["token"])
      assert.strictEqual(t.apiCalls().length, 0)
    })
  )

  it.live("interrupting the caller interrupts the exchange, and no TimeoutError follows", () =>
    Effect.gen(function* () {
      const interrupted: Array<string> = []
      const t = tenant({ api: slow(interrupted, "api") })
      const fiber = yield* Users.get("auth0|1").pipe(
        Effect.provide(staticToken(t.layer, { timeout: "100 millis" })),
        Effect.fork
      )
      yield* Effect.sleep("20 millis")
      const exit = yield* Fiber.interrupt(fiber)
      assert.isTrue(Exit.isInterrupted(exit), String(exit))
      // Fiber.interrupt waited for the exchange to stop; the timer is gone with it.
      assert.deepStrictEqual(interrupted, ["api"])
      yield* Effect.sleep("150 millis")
      assert.strictEqual(t.apiCalls().length, 1)
    })
  )

  it.live("with retries on, a timed-out GET is retried", () =>
    Effect.gen(function* () {
      const interrupted: Array<string> = []
      const t = tenant({ api: (_, n) => (n === 1 ? slow(interrupted, "first")() : json({ user_id: "auth0|1" })) })
      const user = yield* Users.get("auth0|1").pipe(
        Effect.provide(
          staticToken(t.layer, { timeout: "30 millis", retry: Retry.policy({ times: 1, base: "1 millis" }) })
        )
      )
      assert.strictEqual(user.user_id, "auth0|1")
      assert.deepStrictEqual(interrupted, ["first"])
      assert.strictEqual(t.apiCalls().length, 2)
    })
  )
})

describe("Auth0Http.layerConfig", () => {
  const withConfig = (entries: ReadonlyArray<readonly [string, string]>, http: Layer.Layer<HttpClient.HttpClient>) =>
    Auth0Http.layerConfig({ retry: false }).pipe(
      Layer.provide(http),
      Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map(entries))))
    )

  const configError = <A, E>(exit: Exit.Exit<A, E>): ConfigError.ConfigError => {
    assert.isTrue(Exit.isFailure(exit), "the layer should fail")
    if (!Exit.isFailure(exit)) throw new Error("unreachable")
    assert.isFalse(Cause.isDie(exit.cause), `a defect instead of a ConfigError: ${Cause.pretty(exit.cause)}`)
    const failure = Cause.failureOption(exit.cause)
    assert.isTrue(Option.isSome(failure))
    const error = Option.getOrThrow(failure)
    assert.isTrue(ConfigError.isConfigError(error), `not a ConfigError: ${String(error)}`)
    return error as ConfigError.ConfigError
  }

  it.effect("AUTH0_DOMAIN + AUTH0_TOKEN: a static bearer token, no token request", () =>
    Effect.gen(function* () {
      const t = tenant()
      yield* Users.get("auth0|1").pipe(
        Effect.provide(
          withConfig(
            [
              ["AUTH0_DOMAIN", DOMAIN],
              ["AUTH0_TOKEN", "env-token"]
            ],
            t.layer
          )
        )
      )
      assert.strictEqual(t.tokenCalls().length, 0)
      assert.strictEqual(t.log[0]!.url.href, "https://tenant.eu.auth0.com/api/v2/users/auth0%7C1")
      assert.strictEqual(bearer(t.log[0]), "Bearer env-token")
    })
  )

  it.effect("AUTH0_CLIENT_ID + AUTH0_CLIENT_SECRET: client credentials with the default audience", () =>
    Effect.gen(function* () {
      const t = tenant()
      yield* Users.get("auth0|1").pipe(
        Effect.provide(
          withConfig(
            [
              ["AUTH0_DOMAIN", DOMAIN],
              ["AUTH0_CLIENT_ID", "env-cid"],
              ["AUTH0_CLIENT_SECRET", "env-secret"]
            ],
            t.layer
          )
        )
      )
      assert.strictEqual(t.tokenCalls().length, 1)
      const token = t.tokenCalls()[0]!
      assert.strictEqual(token.url.href, "https://tenant.eu.auth0.com/oauth/token")
      assert.deepStrictEqual(Object.fromEntries(new URLSearchParams(token.body ?? "")), {
        audience: "https://tenant.eu.auth0.com/api/v2/",
        client_id: "env-cid",
        client_secret: "env-secret",
        grant_type: "client_credentials"
      })
      assert.strictEqual(bearer(t.apiCalls()[0]), "Bearer tok-1")
    })
  )

  it.effect("AUTH0_AUDIENCE and AUTH0_BASE_URL are honoured", () =>
    Effect.gen(function* () {
      const t = tenant()
      yield* Users.get("auth0|1").pipe(
        Effect.provide(
          withConfig(
            [
              ["AUTH0_DOMAIN", DOMAIN],
              ["AUTH0_CLIENT_ID", "env-cid"],
              ["AUTH0_CLIENT_SECRET", "env-secret"],
              ["AUTH0_AUDIENCE", "https://aud.example.com/"],
              ["AUTH0_BASE_URL", "http://127.0.0.1:9"]
            ],
            t.layer
          )
        )
      )
      assert.strictEqual(t.tokenCalls()[0]!.url.href, "http://127.0.0.1:9/oauth/token")
      assert.strictEqual(new URLSearchParams(t.tokenCalls()[0]!.body ?? "").get("audience"), "https://aud.example.com/")
      assert.strictEqual(t.apiCalls()[0]!.url.href, "http://127.0.0.1:9/api/v2/users/auth0%7C1")
    })
  )

  it.effect("AUTH0_BASE_URL with a static token", () =>
    Effect.gen(function* () {
      const t = tenant()
      yield* Users.get("auth0|1").pipe(
        Effect.provide(
          withConfig(
            [
              ["AUTH0_DOMAIN", DOMAIN],
              ["AUTH0_TOKEN", "env-token"],
              ["AUTH0_BASE_URL", "http://127.0.0.1:9"]
            ],
            t.layer
          )
        )
      )
      assert.strictEqual(t.log[0]!.url.href, "http://127.0.0.1:9/api/v2/users/auth0%7C1")
    })
  )

  const failing: ReadonlyArray<readonly [string, ReadonlyArray<readonly [string, string]>]> = [
    ["missing AUTH0_DOMAIN", [["AUTH0_TOKEN", "env-token"]]],
    ["missing credentials", [["AUTH0_DOMAIN", DOMAIN]]],
    [
      "a client id without a secret",
      [
        ["AUTH0_DOMAIN", DOMAIN],
        ["AUTH0_CLIENT_ID", "env-cid"]
      ]
    ],
    [
      "AUTH0_DOMAIN with a scheme and path",
      [
        ["AUTH0_DOMAIN", "https://x.com/path"],
        ["AUTH0_TOKEN", "env-token"]
      ]
    ],
    [
      "AUTH0_BASE_URL that is not an http URL",
      [
        ["AUTH0_DOMAIN", DOMAIN],
        ["AUTH0_TOKEN", "env-token"],
        ["AUTH0_BASE_URL", "ftp://127.0.0.1"]
      ]
    ]
  ]
  for (const [name, entries] of failing) {
    it.effect(`${name}: the layer fails with a ConfigError and sends nothing`, () =>
      Effect.gen(function* () {
        const t = tenant()
        const exit = yield* Effect.exit(Users.get("auth0|1").pipe(Effect.provide(withConfig(entries, t.layer))))
        configError(exit)
        assert.strictEqual(t.log.length, 0)
      })
    )
  }

  it.effect("the ConfigError names the bad variable", () =>
    Effect.gen(function* () {
      const t = tenant()
      const exit = yield* Effect.exit(
        Users.get("auth0|1").pipe(
          Effect.provide(
            withConfig(
              [
                ["AUTH0_DOMAIN", "https://x.com/path"],
                ["AUTH0_TOKEN", "env-token"]
              ],
              t.layer
            )
          )
        )
      )
      assert.include(String(configError(exit)), "AUTH0_DOMAIN")
    })
  )

  const messageOf = (entries: ReadonlyArray<readonly [string, string]>) =>
    Effect.gen(function* () {
      const t = tenant()
      const exit = yield* Effect.exit(Users.get("auth0|1").pipe(Effect.provide(withConfig(entries, t.layer))))
      assert.strictEqual(t.log.length, 0)
      return String(configError(exit))
    })

  it.effect("a bad AUTH0_DOMAIN or AUTH0_BASE_URL says why, not just 'is not valid' (issue #10)", () =>
    Effect.gen(function* () {
      const domain = yield* messageOf([
        ["AUTH0_DOMAIN", "https://tenant.eu.auth0.com"],
        ["AUTH0_TOKEN", "env-token"]
      ])
      assert.include(
        domain,
        "AUTH0_DOMAIN must be a host name like tenant.eu.auth0.com, without scheme or path (got a URL with scheme https)"
      )
      assert.notInclude(domain, "env-token")
      const base = yield* messageOf([
        ["AUTH0_DOMAIN", DOMAIN],
        ["AUTH0_CLIENT_ID", "env-cid"],
        ["AUTH0_CLIENT_SECRET", "env-secret"],
        ["AUTH0_BASE_URL", "ftp://127.0.0.1"]
      ])
      assert.include(base, "AUTH0_BASE_URL must be an http or https URL (got scheme ftp)")
      assert.notInclude(base, "env-secret")
    })
  )

  it.effect("AUTH0_TOKEN together with AUTH0_CLIENT_ID is a ConfigError, not a silent choice (issue #10)", () =>
    Effect.gen(function* () {
      const both = yield* messageOf([
        ["AUTH0_DOMAIN", DOMAIN],
        ["AUTH0_TOKEN", "env-token"],
        ["AUTH0_CLIENT_ID", "env-cid"],
        ["AUTH0_CLIENT_SECRET", "env-secret"]
      ])
      assert.include(both, "AUTH0_TOKEN and AUTH0_CLIENT_ID / AUTH0_CLIENT_SECRET are both set")
      for (const secret of ["env-token", "env-secret"]) assert.notInclude(both, secret)
      const idOnly = yield* messageOf([
        ["AUTH0_DOMAIN", DOMAIN],
        ["AUTH0_TOKEN", "env-token"],
        ["AUTH0_CLIENT_ID", "env-cid"]
      ])
      assert.include(idOnly, "both set")
    })
  )
})

// Issue #10: these were defects (a throw in the layer) although the layer's type said it could not fail.
describe("Auth0Http.layer: bad options are a ConfigError, not a defect", () => {
  const fails = (layer: Layer.Layer<Auth0Http.Auth0Http, ConfigError.ConfigError>, message: string) =>
    Effect.gen(function* () {
      const exit = yield* Effect.exit(Users.get("auth0|1").pipe(Effect.provide(layer)))
      assert.isTrue(Exit.isFailure(exit))
      if (!Exit.isFailure(exit)) return
      assert.isFalse(Cause.isDie(exit.cause), `a defect instead of a ConfigError: ${Cause.pretty(exit.cause)}`)
      const error = Option.getOrThrow(Cause.failureOption(exit.cause))
      assert.isTrue(ConfigError.isConfigError(error), `not a ConfigError: ${String(error)}`)
      assert.include(String(error), message)
    })

  it.effect("a domain with a scheme fails, saying why (static token)", () =>
    Effect.gen(function* () {
      const t = tenant()
      yield* fails(
        Auth0Http.layer({ domain: "http://evil", token: Redacted.make("x") }).pipe(Layer.provide(t.layer)),
        "domain must be a host name like tenant.eu.auth0.com, without scheme or path (got a URL with scheme http)"
      )
      assert.strictEqual(t.log.length, 0)
    })
  )

  it.effect("a domain with a scheme fails, saying why (client credentials), and never echoes the secret", () =>
    Effect.gen(function* () {
      const t = tenant()
      yield* fails(
        Auth0Http.layer({ domain: "https://evil", clientId: "cid", clientSecret: Redacted.make("s3cret-v") }).pipe(
          Layer.provide(t.layer)
        ),
        "(got a URL with scheme https)"
      )
      const exit = yield* Effect.exit(
        Users.get("auth0|1").pipe(
          Effect.provide(
            Auth0Http.layer({ domain: "https://evil", clientId: "cid", clientSecret: Redacted.make("s3cret-v") }).pipe(
              Layer.provide(t.layer)
            )
          )
        )
      )
      assert.notInclude(Cause.pretty(Exit.isFailure(exit) ? exit.cause : Cause.empty), "s3cret-v")
      assert.strictEqual(t.log.length, 0)
    })
  )

  it.effect("a domain with a path fails", () =>
    fails(
      Auth0Http.layer({ domain: "tenant.eu.auth0.com/evil", token: Redacted.make("x") }).pipe(
        Layer.provide(tenant().layer)
      ),
      "(got a path, query or fragment after the host)"
    )
  )

  it.effect("a baseUrl that is not http(s) fails, mentioning baseUrl", () =>
    fails(
      Auth0Http.layer({ domain: DOMAIN, baseUrl: "ftp://127.0.0.1", token: Redacted.make("x") }).pipe(
        Layer.provide(tenant().layer)
      ),
      "baseUrl must be an http or https URL (got scheme ftp)"
    )
  )

  it.effect("make fails the same way", () =>
    fails(
      Layer.effect(Auth0Http.Auth0Http, Auth0Http.make({ domain: "https://x" })).pipe(
        Layer.provide(TokenProvider.layerStatic(Redacted.make("x"))),
        Layer.provide(tenant().layer)
      ),
      "(got a URL with scheme https)"
    )
  )

  it("domainProblem accepts host names and rejects URLs", () => {
    assert.isUndefined(Auth0Http.domainProblem("tenant.eu.auth0.com"))
    assert.isUndefined(Auth0Http.domainProblem("localhost:8080"))
    assert.isDefined(Auth0Http.domainProblem("http://evil"))
    assert.isDefined(Auth0Http.domainProblem("https://x.com/path"))
    assert.isDefined(Auth0Http.domainProblem("evil.com@tenant.auth0.com"))
    assert.isDefined(Auth0Http.domainProblem(""))
  })
})
