/**
 * The 13 user operations, through the public API, over a fake `HttpClient`:
 * the exact request each one sends, what its answer decodes to, how every
 * failure maps to a typed error, path-segment safety, the exact error unions
 * (type level) and the spans.
 */
import { assert, describe, expectTypeOf, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"
import * as Tracer from "effect/Tracer"
import * as Endpoints from "../src/internal/endpoints.js"
import { Auth0Error, Auth0Http, User, Users } from "../src/index.js"
import { byName } from "./fixtures/recordings.js"
import { empty, fakeHttp, json, type Handler, type Seen, withRecordedSpans } from "./utils.js"

// ---------------------------------------------------------------------------
// Harness
// ---------------------------------------------------------------------------

const DOMAIN = "go-auth0-dev.eu.auth0.com"
const ORIGIN = `https://${DOMAIN}`
const ID = "auth0|63d17c4c5d69f3e86d515d1c"
const EID = "auth0%7C63d17c4c5d69f3e86d515d1c"

/** Headers a request may carry; anything else (trace propagation, a leaked secret) fails the test. */
const ALLOWED_HEADERS = ["accept", "auth0-client", "authorization", "content-type", "content-length"]

type Api<A, E> = Effect.Effect<A, E, Auth0Http.Auth0Http>

const layerFor = (handler: Handler, log: Array<Seen>, token = "tok") =>
  Auth0Http.layer({ domain: DOMAIN, token: Redacted.make(token), retry: false }).pipe(
    Layer.provide(fakeHttp(handler, log))
  )

/** Run `effect` against `handler`; the result and every request the fake saw. */
const exchange = <A, E>(effect: Api<A, E>, handler: Handler, token = "tok") =>
  Effect.gen(function* () {
    const log: Array<Seen> = []
    const result = yield* Effect.provide(effect, layerFor(handler, log, token))
    return { result, log } as const
  })

/** Run `effect`, expecting it to fail; the error and every request the fake saw. */
const failure = <A, E>(effect: Api<A, E>, handler: Handler, token = "tok") =>
  exchange(Effect.flip(effect), handler, token)

const only = (log: ReadonlyArray<Seen>): Seen => {
  assert.strictEqual(log.length, 1, `expected exactly one request, saw ${log.length}`)
  return log[0]!
}

interface ExpectedRequest {
  readonly method: string
  /** Still percent-encoded. */
  readonly path: string
  /** `""` or `?…` exactly. */
  readonly search?: string
  /** The parsed JSON body, or undefined for none. */
  readonly body?: unknown
}

const assertRequest = (seen: Seen, want: ExpectedRequest): void => {
  const search = want.search ?? ""
  assert.strictEqual(seen.method, want.method)
  assert.strictEqual(seen.url.href, `${ORIGIN}${want.path}${search}`)
  assert.strictEqual(seen.url.pathname, want.path)
  assert.strictEqual(seen.url.search, search)
  assert.strictEqual(seen.url.hash, "")
  assert.strictEqual(seen.headers["authorization"], "Bearer tok")
  assert.strictEqual(seen.headers["accept"], "application/json")
  for (const name of Object.keys(seen.headers)) assert.include(ALLOWED_HEADERS, name, `unexpected header ${name}`)
  if (want.body === undefined) {
    assert.strictEqual(seen.body, undefined, "no body expected")
    assert.strictEqual(seen.headers["content-type"], undefined)
  } else {
    assert.strictEqual(seen.headers["content-type"], "application/json")
    assert.isString(seen.body)
    assert.deepStrictEqual(JSON.parse(seen.body!), want.body)
  }
}

/** The plain data of an error, with absent optional fields as `undefined`. */
const fieldsOf = (error: Auth0Error.Auth0Error) => ({
  _tag: error._tag,
  method: error.method,
  path: error.path,
  status: "status" in error ? error.status : undefined,
  errorCode: "errorCode" in error ? error.errorCode : undefined,
  description: "description" in error ? error.description : undefined
})

const notFoundBody = byName("TestUserManager_Delete#2").responseBody as {
  readonly message: string
  readonly errorCode: string
}

const html = (status: number, text = "<html><body><h1>Bad Gateway</h1></body></html>") =>
  new Response(text, { status, headers: { "content-type": "text/html" } })

const auth0Body = (statusCode: number, error: string, message: string, errorCode?: string) =>
  errorCode === undefined ? { statusCode, error, message } : { statusCode, error, message, errorCode }

const user = {
  user_id: ID,
  email: "chuck@example.com",
  email_verified: false,
  identities: [
    {
      connection: "Username-Password-Authentication",
      user_id: "63d17c4c5d69f3e86d515d1c",
      provider: "auth0",
      isSocial: false
    }
  ]
}

const identities = [
  {
    connection: "Username-Password-Authentication",
    user_id: "63d17c4c5d69f3e86d515d1c",
    provider: "auth0",
    isSocial: false
  },
  { connection: "github", user_id: 23423, provider: "github", isSocial: true }
]

// ---------------------------------------------------------------------------
// The operations, as a table
// ---------------------------------------------------------------------------

type Documented = "NotFound" | "Conflict"

interface Op {
  readonly name: string
  readonly span: string
  readonly method: "GET" | "POST" | "PATCH" | "DELETE"
  /** The route template, as the request span reports it. */
  readonly route: string
  /** The encoded path for the (already encoded) id. */
  readonly path: (encodedId: string) => string
  /** The statuses beyond the common ones that the endpoint documents. */
  readonly documented: ReadonlyArray<Documented>
  /** Call it for `id` (ignored by list and create). */
  readonly call: (id: string) => Api<unknown, Auth0Error.Auth0Error>
  /** A valid answer. */
  readonly ok: () => Response
  /** The query string `call` sends. */
  readonly search: string
  /** The JSON body `call` sends, or undefined. */
  readonly body: unknown
  /** A JSON answer of the wrong shape; undefined when the operation accepts any JSON. */
  readonly wrongShape: unknown
  readonly takesId: boolean
}

const ops: ReadonlyArray<Op> = [
  {
    name: "list",
    span: "Users.list",
    method: "GET",
    route: "/api/v2/users",
    path: () => "/api/v2/users",
    documented: [],
    call: () => Users.list(),
    ok: () => json({ start: 0, limit: 50, length: 0, users: [] }),
    search: "?include_totals=true&per_page=50",
    body: undefined,
    wrongShape: { start: 0, limit: 50, length: 1, users: [{ email: "no user_id" }] },
    takesId: false
  },
  {
    name: "create",
    span: "Users.create",
    method: "POST",
    route: "/api/v2/users",
    path: () => "/api/v2/users",
    documented: ["Conflict"],
    call: () => Users.create("Username-Password-Authentication", { email: "chuck@example.com" }),
    ok: () => json(user, 201),
    search: "",
    body: { connection: "Username-Password-Authentication", email: "chuck@example.com" },
    wrongShape: { email: "no user_id" },
    takesId: false
  },
  {
    name: "get",
    span: "Users.get",
    method: "GET",
    route: "/api/v2/users/{id}",
    path: (id) => `/api/v2/users/${id}`,
    documented: ["NotFound"],
    call: (id) => Users.get(id),
    ok: () => json(user),
    search: "",
    body: undefined,
    wrongShape: { email: "no user_id" },
    takesId: true
  },
  {
    name: "update",
    span: "Users.update",
    method: "PATCH",
    route: "/api/v2/users/{id}",
    path: (id) => `/api/v2/users/${id}`,
    documented: ["NotFound", "Conflict"],
    call: (id) => Users.update(id, { blocked: true }),
    ok: () => json({ ...user, blocked: true }),
    search: "",
    body: { blocked: true },
    wrongShape: [user],
    takesId: true
  },
  {
    name: "delete",
    span: "Users.delete",
    method: "DELETE",
    route: "/api/v2/users/{id}",
    path: (id) => `/api/v2/users/${id}`,
    documented: [],
    call: (id) => Users.delete(id),
    ok: () => empty(204),
    search: "",
    body: undefined,
    wrongShape: undefined,
    takesId: true
  },
  {
    name: "deleteAuthenticationMethods",
    span: "Users.deleteAuthenticationMethods",
    method: "DELETE",
    route: "/api/v2/users/{id}/authentication-methods",
    path: (id) => `/api/v2/users/${id}/authentication-methods`,
    documented: ["NotFound"],
    call: (id) => Users.deleteAuthenticationMethods(id),
    ok: () => empty(204),
    search: "",
    body: undefined,
    wrongShape: undefined,
    takesId: true
  },
  {
    name: "deleteMultifactorProvider",
    span: "Users.deleteMultifactorProvider",
    method: "DELETE",
    route: "/api/v2/users/{id}/multifactor/{provider}",
    path: (id) => `/api/v2/users/${id}/multifactor/duo`,
    documented: ["NotFound"],
    call: (id) => Users.deleteMultifactorProvider(id, "duo"),
    ok: () => empty(204),
    search: "",
    body: undefined,
    wrongShape: undefined,
    takesId: true
  },
  {
    name: "enrollments",
    span: "Users.enrollments",
    method: "GET",
    route: "/api/v2/users/{id}/enrollments",
    path: (id) => `/api/v2/users/${id}/enrollments`,
    documented: ["NotFound"],
    call: (id) => Users.enrollments(id),
    ok: () => json([]),
    search: "",
    body: undefined,
    wrongShape: { enrollments: [] },
    takesId: true
  },
  {
    name: "link",
    span: "Users.link",
    method: "POST",
    route: "/api/v2/users/{id}/identities",
    path: (id) => `/api/v2/users/${id}/identities`,
    documented: ["NotFound", "Conflict"],
    call: (id) => Users.link(id, { provider: "github", user_id: "23423" }),
    ok: () => json(identities, 201),
    search: "",
    body: { provider: "github", user_id: "23423" },
    wrongShape: [{ connection: "github", provider: "github" }],
    takesId: true
  },
  {
    name: "unlink",
    span: "Users.unlink",
    method: "DELETE",
    route: "/api/v2/users/{id}/identities/{provider}/{user_id}",
    path: (id) => `/api/v2/users/${id}/identities/github/23423`,
    documented: ["NotFound"],
    call: (id) => Users.unlink(id, "github", "23423"),
    ok: () => json(identities.slice(0, 1)),
    search: "",
    body: undefined,
    wrongShape: [{ connection: "github", provider: "github", user_id: true }],
    takesId: true
  },
  {
    name: "logs",
    span: "Users.logs",
    method: "GET",
    route: "/api/v2/users/{id}/logs",
    path: (id) => `/api/v2/users/${id}/logs`,
    documented: ["NotFound"],
    call: (id) => Users.logs(id),
    ok: () => json({ start: 0, limit: 50, length: 0, total: 0, logs: [] }),
    search: "?include_totals=true&per_page=50",
    body: undefined,
    wrongShape: { start: 0, limit: 50, length: 1, logs: [{ log_id: "1" }] },
    takesId: true
  },
  {
    name: "regenerateRecoveryCode",
    span: "Users.regenerateRecoveryCode",
    method: "POST",
    route: "/api/v2/users/{id}/recovery-code-regeneration",
    path: (id) => `/api/v2/users/${id}/recovery-code-regeneration`,
    documented: ["NotFound"],
    call: (id) => Users.regenerateRecoveryCode(id),
    ok: () => json({ recovery_code: "32YCGV1JUE9G7MDJ71UTN12W" }),
    search: "",
    body: {},
    wrongShape: { recovery_code: 42 },
    takesId: true
  },
  {
    name: "roles",
    span: "Users.roles",
    method: "GET",
    route: "/api/v2/users/{id}/roles",
    path: (id) => `/api/v2/users/${id}/roles`,
    documented: ["NotFound"],
    call: (id) => Users.roles(id),
    ok: () => json({ roles: [], start: 0, limit: 50, total: 0 }),
    search: "?include_totals=true&per_page=50",
    body: undefined,
    wrongShape: { roles: [{ id: "rol_1" }], start: 0, limit: 50 },
    takesId: true
  }
]

describe("the operation table", () => {
  it("covers the 13 operations of Users, each once", () => {
    assert.strictEqual(ops.length, 13)
    assert.strictEqual(new Set(ops.map((op) => op.name)).size, 13)
    const exported = Users as unknown as Record<string, unknown>
    for (const op of ops) assert.isFunction(exported[op.name], `Users.${op.name}`)
  })
})

// ---------------------------------------------------------------------------
// 1 + 2. The exact request, and what the answer decodes to, per operation
// ---------------------------------------------------------------------------

describe("Users.list", () => {
  it.effect("sends GET /users with include_totals=true and per_page=50 by default, and no search_engine", () =>
    Effect.gen(function* () {
      const { log } = yield* exchange(Users.list(), () => json({ start: 0, limit: 50, length: 0, users: [] }))
      assertRequest(only(log), { method: "GET", path: "/api/v2/users", search: "?include_totals=true&per_page=50" })
    })
  )

  it.effect("sends every parameter, keys sorted, values encoded, search_engine=v3 with q, fields joined", () =>
    Effect.gen(function* () {
      const { log } = yield* exchange(
        Users.list({
          q: 'email:"chuck@example.com" AND app_metadata.plan:"gold plus"',
          sort: "created_at:1",
          page: 2,
          per_page: 10,
          fields: ["email", "user_id"],
          include_fields: true,
          connection: "Username-Password-Authentication",
          primary_order: false
        }),
        () => json({ start: 20, limit: 10, length: 0, users: [] })
      )
      assertRequest(only(log), {
        method: "GET",
        path: "/api/v2/users",
        search:
          "?connection=Username-Password-Authentication&fields=email%2Cuser_id&include_fields=true&include_totals=true" +
          "&page=2&per_page=10&primary_order=false" +
          "&q=email%3A%22chuck%40example.com%22+AND+app_metadata.plan%3A%22gold+plus%22&search_engine=v3" +
          "&sort=created_at%3A1"
      })
      const params = only(log).url.searchParams
      assert.strictEqual(params.get("q"), 'email:"chuck@example.com" AND app_metadata.plan:"gold plus"')
      assert.strictEqual(params.get("fields"), "email,user_id")
    })
  )

  it.effect("passes a fields string as is, include_fields=false and page=0", () =>
    Effect.gen(function* () {
      const { log } = yield* exchange(Users.list({ fields: "email,user_id", include_fields: false, page: 0 }), () =>
        json({ start: 0, limit: 50, length: 0, users: [] })
      )
      assertRequest(only(log), {
        method: "GET",
        path: "/api/v2/users",
        search: "?fields=email%2Cuser_id&include_fields=false&include_totals=true&page=0&per_page=50"
      })
    })
  )

  it.effect("keeps an explicit search_engine, and sends it without q only when asked", () =>
    Effect.gen(function* () {
      const page = () => json({ start: 0, limit: 50, length: 0, users: [] })
      const v1 = yield* exchange(Users.list({ q: "name:chuck", search_engine: "v1" }), page)
      assert.strictEqual(only(v1.log).url.searchParams.get("search_engine"), "v1")
      const none = yield* exchange(Users.list({ sort: "created_at:-1" }), page)
      assert.isFalse(only(none.log).url.searchParams.has("search_engine"))
      assert.isFalse(only(none.log).url.searchParams.has("q"))
      const asked = yield* exchange(Users.list({ search_engine: "v2" }), page)
      assert.strictEqual(only(asked.log).url.searchParams.get("search_engine"), "v2")
    })
  )

  it.effect("returns the envelope as Auth0 sent it, total and unknown user fields included", () =>
    Effect.gen(function* () {
      const body = {
        start: 0,
        limit: 50,
        length: 1,
        total: 1,
        users: [{ ...user, logins_count: 3, last_ip: null, some_new_field: { nested: [1, 2] } }]
      }
      const { result } = yield* exchange(Users.list({ q: "x" }), () => json(body))
      assert.deepStrictEqual(result, body)
    })
  )

  it.effect("reads a bare array as one page: start = page * per_page, limit = per_page, length = items", () =>
    Effect.gen(function* () {
      const users = [user, { user_id: "auth0|2" }]
      const paged = yield* exchange(Users.list({ page: 2, per_page: 10 }), () => json(users))
      assert.deepStrictEqual(paged.result, { start: 20, limit: 10, length: 2, users })
      const defaults = yield* exchange(Users.list(), () => json(users))
      assert.deepStrictEqual(defaults.result, { start: 0, limit: 50, length: 2, users })
      assert.isFalse("total" in defaults.result)
    })
  )
})

describe("Users.create", () => {
  it.effect("POSTs connection and body as JSON, the Redacted password unwrapped only into the body", () =>
    Effect.gen(function* () {
      const password = Redacted.make("I have a password and its a secret")
      const { log, result } = yield* exchange(
        Users.create("Username-Password-Authentication", {
          email: "chuck@example.com",
          username: "chuck",
          password,
          app_metadata: { plan: "gold", tags: ["a"] },
          user_metadata: { favourite_attack: "roundhouse_kick" },
          verify_email: false,
          email_verified: true,
          blocked: false
        }),
        () => json(user, 201)
      )
      const seen = only(log)
      assertRequest(seen, {
        method: "POST",
        path: "/api/v2/users",
        body: {
          connection: "Username-Password-Authentication",
          email: "chuck@example.com",
          username: "chuck",
          password: "I have a password and its a secret",
          app_metadata: { plan: "gold", tags: ["a"] },
          user_metadata: { favourite_attack: "roundhouse_kick" },
          verify_email: false,
          email_verified: true,
          blocked: false
        }
      })
      assert.notInclude(seen.url.href, "secret")
      assert.notInclude(JSON.stringify(seen.headers), "secret")
      // The caller's value stays redacted.
      assert.isTrue(Redacted.isRedacted(password))
      assert.strictEqual(String(password), "<redacted>")
      assert.deepStrictEqual(result, user)
    })
  )

  it.effect("sends a plain string password and only the connection when there is no body", () =>
    Effect.gen(function* () {
      const plain = yield* exchange(Users.create("db", { email: "a@b.c", password: "pw" }), () => json(user, 201))
      assertRequest(only(plain.log), {
        method: "POST",
        path: "/api/v2/users",
        body: { connection: "db", email: "a@b.c", password: "pw" }
      })
      const bare = yield* exchange(Users.create("sms"), () => json(user, 201))
      assertRequest(only(bare.log), { method: "POST", path: "/api/v2/users", body: { connection: "sms" } })
    })
  )

  it.effect("a 409 is Conflict, with Auth0's code and message, and holds no password", () =>
    Effect.gen(function* () {
      const { result } = yield* failure(
        Users.create("db", { email: "a@b.c", password: Redacted.make("hunter2-secret") }),
        () => json(auth0Body(409, "Conflict", "The user already exists.", "auth0_idp_error"), 409)
      )
      assert.deepStrictEqual(fieldsOf(result), {
        _tag: "Conflict",
        method: "POST",
        path: "/api/v2/users",
        status: 409,
        errorCode: "auth0_idp_error",
        description: "The user already exists."
      })
      assert.instanceOf(result, Auth0Error.Conflict)
      assert.notInclude(JSON.stringify(result), "hunter2")
      assert.notInclude(String(result), "hunter2")
    })
  )
})

describe("Users.get", () => {
  it.effect("GETs the percent-encoded id with no query", () =>
    Effect.gen(function* () {
      const { log } = yield* exchange(Users.get(ID), () => json(user))
      assertRequest(only(log), { method: "GET", path: `/api/v2/users/${EID}` })
    })
  )

  it.effect("sends a projection: fields joined with commas, include_fields", () =>
    Effect.gen(function* () {
      const { log } = yield* exchange(Users.get(ID, { fields: ["email", "app_metadata"], include_fields: false }), () =>
        json(user)
      )
      assertRequest(only(log), {
        method: "GET",
        path: `/api/v2/users/${EID}`,
        search: "?fields=email%2Capp_metadata&include_fields=false"
      })
    })
  )

  it.effect(
    "decodes leniently: string booleans, numeric identity ids, nulls, unknown fields, Redacted IdP tokens",
    () =>
      Effect.gen(function* () {
        const { result } = yield* exchange(Users.get(ID), () =>
          json({
            user_id: ID,
            email_verified: "true",
            phone_verified: "false",
            last_ip: null,
            last_login: null,
            some_new_field: { deep: [1, "x"] },
            identities: [
              {
                connection: "github",
                provider: "github",
                user_id: 23423,
                isSocial: true,
                access_token: "gho_idp-access-token",
                extra_identity_field: "kept"
              }
            ]
          })
        )
        assert.strictEqual(result.email_verified, true)
        assert.strictEqual(result.phone_verified, false)
        assert.strictEqual(result.last_ip, null)
        assert.deepStrictEqual(result["some_new_field"], { deep: [1, "x"] })
        const identity = result.identities![0]!
        assert.strictEqual(identity.user_id, 23423)
        assert.strictEqual(identity["extra_identity_field"], "kept")
        assert.isTrue(Redacted.isRedacted(identity.access_token))
        assert.strictEqual(Redacted.value(identity.access_token!), "gho_idp-access-token")
        assert.notInclude(JSON.stringify(result), "gho_idp-access-token")
      })
  )

  it.effect("the recorded 404 is NotFound with inexistent_user and Auth0's message", () =>
    Effect.gen(function* () {
      const { result } = yield* failure(Users.get(ID), () => json(notFoundBody, 404))
      assert.deepStrictEqual(fieldsOf(result), {
        _tag: "NotFound",
        method: "GET",
        path: `/api/v2/users/${EID}`,
        status: 404,
        errorCode: "inexistent_user",
        description: "The user does not exist."
      })
      assert.instanceOf(result, Auth0Error.NotFound)
      assert.isTrue(Auth0Error.isAuth0Error(result))
    })
  )
})

describe("Users.update", () => {
  it.effect("PATCHes the body as given, null kept, the Redacted password unwrapped", () =>
    Effect.gen(function* () {
      const { log, result } = yield* exchange(
        Users.update(ID, {
          app_metadata: { admin: false, legacy_id: null },
          name: null,
          password: Redacted.make("I don't need one"),
          connection: "Username-Password-Authentication",
          email_verified: true
        }),
        () => json({ ...user, email_verified: true })
      )
      const seen = only(log)
      assertRequest(seen, {
        method: "PATCH",
        path: `/api/v2/users/${EID}`,
        body: {
          app_metadata: { admin: false, legacy_id: null },
          name: null,
          password: "I don't need one",
          connection: "Username-Password-Authentication",
          email_verified: true
        }
      })
      assert.notInclude(seen.url.href, "need")
      assert.deepStrictEqual(result, { ...user, email_verified: true })
    })
  )

  it.effect("sends password: null and a plain password as they are", () =>
    Effect.gen(function* () {
      const unset = yield* exchange(Users.update(ID, { password: null }), () => json(user))
      assertRequest(only(unset.log), { method: "PATCH", path: `/api/v2/users/${EID}`, body: { password: null } })
      const plain = yield* exchange(Users.update(ID, { password: "plain" }), () => json(user))
      assertRequest(only(plain.log), { method: "PATCH", path: `/api/v2/users/${EID}`, body: { password: "plain" } })
    })
  )
})

describe("Users.delete", () => {
  it.effect("DELETEs the encoded id without a body and succeeds with undefined on 204", () =>
    Effect.gen(function* () {
      const { log, result } = yield* exchange(Users.delete(ID), () => empty(204))
      assertRequest(only(log), { method: "DELETE", path: `/api/v2/users/${EID}` })
      assert.strictEqual(result, undefined)
    })
  )
})

describe("Users.deleteAuthenticationMethods", () => {
  it.effect("DELETEs /users/{id}/authentication-methods and succeeds on 204", () =>
    Effect.gen(function* () {
      const { log, result } = yield* exchange(Users.deleteAuthenticationMethods(ID), () => empty(204))
      assertRequest(only(log), { method: "DELETE", path: `/api/v2/users/${EID}/authentication-methods` })
      assert.strictEqual(result, undefined)
    })
  )
})

describe("Users.deleteMultifactorProvider", () => {
  it.effect("DELETEs /users/{id}/multifactor/{provider} and succeeds on 204", () =>
    Effect.gen(function* () {
      const { log, result } = yield* exchange(Users.deleteMultifactorProvider(ID, "google-authenticator"), () =>
        empty(204)
      )
      assertRequest(only(log), { method: "DELETE", path: `/api/v2/users/${EID}/multifactor/google-authenticator` })
      assert.strictEqual(result, undefined)
    })
  )
})

describe("Users.enrollments", () => {
  it.effect("GETs /users/{id}/enrollments and decodes nulls and unknown fields", () =>
    Effect.gen(function* () {
      const body = [
        {
          id: "dev_0000000000000001",
          status: "confirmed",
          type: "authenticator",
          name: null,
          identifier: null,
          phone_number: null,
          auth_method: "authenticator",
          enrolled_at: "2023-01-25T19:00:26.187Z",
          last_auth: null,
          brand_new: true
        },
        { id: "dev_0000000000000002", type: "sms", phone_number: "+1 999999999999" }
      ]
      const { log, result } = yield* exchange(Users.enrollments(ID), () => json(body))
      assertRequest(only(log), { method: "GET", path: `/api/v2/users/${EID}/enrollments` })
      assert.deepStrictEqual(result, body)
    })
  )
})

describe("Users.link", () => {
  it.effect("POSTs provider, numeric user_id and connection_id as given, and decodes the identities", () =>
    Effect.gen(function* () {
      const { log, result } = yield* exchange(
        Users.link(ID, { provider: "github", user_id: 23423, connection_id: "con_ftSSLHb0O7rcUGmF" }),
        () => json(identities, 201)
      )
      assertRequest(only(log), {
        method: "POST",
        path: `/api/v2/users/${EID}/identities`,
        body: { provider: "github", user_id: 23423, connection_id: "con_ftSSLHb0O7rcUGmF" }
      })
      assert.deepStrictEqual(result, identities)
      assert.strictEqual(result[1]!.user_id, 23423)
    })
  )

  it.effect("POSTs link_with alone", () =>
    Effect.gen(function* () {
      const { log } = yield* exchange(Users.link(ID, { link_with: "eyJhbGciOi.secondary.idtoken" }), () =>
        json(identities, 201)
      )
      assertRequest(only(log), {
        method: "POST",
        path: `/api/v2/users/${EID}/identities`,
        body: { link_with: "eyJhbGciOi.secondary.idtoken" }
      })
    })
  )
})

describe("Users.unlink", () => {
  it.effect(
    "DELETEs /users/{id}/identities/{provider}/{user_id}, every segment encoded, a numeric id stringified",
    () =>
      Effect.gen(function* () {
        const numeric = yield* exchange(Users.unlink(ID, "github", 23423), () => json(identities.slice(0, 1)))
        assertRequest(only(numeric.log), { method: "DELETE", path: `/api/v2/users/${EID}/identities/github/23423` })
        assert.deepStrictEqual(numeric.result, identities.slice(0, 1))
        const prefixed = yield* exchange(Users.unlink(ID, "oauth2", "custom|abc"), () => json([]))
        assertRequest(only(prefixed.log), {
          method: "DELETE",
          path: `/api/v2/users/${EID}/identities/oauth2/custom%7Cabc`
        })
        assert.deepStrictEqual(prefixed.result, [])
      })
  )
})

describe("Users.logs", () => {
  it.effect("GETs /users/{id}/logs with include_totals and per_page=50 by default", () =>
    Effect.gen(function* () {
      const { log } = yield* exchange(Users.logs(ID), () => json([]))
      assertRequest(only(log), {
        method: "GET",
        path: `/api/v2/users/${EID}/logs`,
        search: "?include_totals=true&per_page=50"
      })
    })
  )

  it.effect("sends page, per_page and sort, keys sorted", () =>
    Effect.gen(function* () {
      const { log } = yield* exchange(Users.logs(ID, { page: 1, per_page: 100, sort: "date:-1" }), () => json([]))
      assertRequest(only(log), {
        method: "GET",
        path: `/api/v2/users/${EID}/logs`,
        search: "?include_totals=true&page=1&per_page=100&sort=date%3A-1"
      })
    })
  )

  it.effect("returns the envelope, nulls and scope arrays decoded", () =>
    Effect.gen(function* () {
      const body = {
        start: 0,
        limit: 50,
        length: 2,
        total: 2,
        logs: [
          {
            log_id: "90020230314144708713",
            date: "2023-03-14T14:47:08.713Z",
            type: "s",
            connection: null,
            details: null,
            scope: ["openid", "profile"],
            isMobile: false,
            future: "kept"
          },
          { log_id: "2", date: "2023-03-14T14:47:09.713Z", type: "seccft", scope: "read:users" }
        ]
      }
      const { result } = yield* exchange(Users.logs(ID), () => json(body))
      assert.deepStrictEqual(result, body)
    })
  )

  it.effect("reads a bare array (what Auth0 answered when recorded) as a page", () =>
    Effect.gen(function* () {
      const events = [{ log_id: "1", date: "2023-03-14T14:47:08.713Z", type: "s" }]
      const defaults = yield* exchange(Users.logs(ID), () => json(events))
      assert.deepStrictEqual(defaults.result, { start: 0, limit: 50, length: 1, logs: events })
      const paged = yield* exchange(Users.logs(ID, { page: 3, per_page: 25 }), () => json([]))
      assert.deepStrictEqual(paged.result, { start: 75, limit: 25, length: 0, logs: [] })
    })
  )
})

describe("Users.regenerateRecoveryCode", () => {
  it.effect("POSTs an empty JSON object and returns the code Redacted", () =>
    Effect.gen(function* () {
      const { log, result } = yield* exchange(Users.regenerateRecoveryCode(ID), () =>
        json({ recovery_code: "32YCGV1JUE9G7MDJ71UTN12W" })
      )
      const seen = only(log)
      assertRequest(seen, { method: "POST", path: `/api/v2/users/${EID}/recovery-code-regeneration`, body: {} })
      assert.strictEqual(seen.body, "{}")
      assert.isTrue(Redacted.isRedacted(result.recovery_code))
      assert.strictEqual(Redacted.value(result.recovery_code), "32YCGV1JUE9G7MDJ71UTN12W")
      assert.notInclude(String(result.recovery_code), "32YCGV1JUE9G7MDJ71UTN12W")
      assert.notInclude(JSON.stringify(result), "32YCGV1JUE9G7MDJ71UTN12W")
    })
  )
})

describe("Users.roles", () => {
  it.effect("GETs /users/{id}/roles with include_totals, page and per_page", () =>
    Effect.gen(function* () {
      const defaults = yield* exchange(Users.roles(ID), () => json({ roles: [], start: 0, limit: 50, total: 0 }))
      assertRequest(only(defaults.log), {
        method: "GET",
        path: `/api/v2/users/${EID}/roles`,
        search: "?include_totals=true&per_page=50"
      })
      const paged = yield* exchange(Users.roles(ID, { page: 1, per_page: 100 }), () =>
        json({ roles: [], start: 100, limit: 100, total: 0 })
      )
      assertRequest(only(paged.log), {
        method: "GET",
        path: `/api/v2/users/${EID}/roles`,
        search: "?include_totals=true&page=1&per_page=100"
      })
    })
  )

  it.effect("Auth0's envelope without length gets length = roles.length; a sent length is kept", () =>
    Effect.gen(function* () {
      const roles = [
        { id: "rol_NHBmr6NkzbRcHob1", name: "test-role436", description: "Test Role" },
        { id: "rol_2", name: "admin", description: null, extra: 1 }
      ]
      const missing = yield* exchange(Users.roles(ID), () => json({ roles, start: 0, limit: 50, total: 2 }))
      assert.deepStrictEqual(missing.result, { roles, start: 0, limit: 50, total: 2, length: 2 })
      const sent = yield* exchange(Users.roles(ID), () => json({ roles, start: 0, limit: 50, length: 7, total: 9 }))
      assert.strictEqual(sent.result.length, 7)
    })
  )

  it.effect("reads a bare array as a page", () =>
    Effect.gen(function* () {
      const roles = [{ id: "rol_1", name: "admin" }]
      const { result } = yield* exchange(Users.roles(ID, { page: 2, per_page: 5 }), () => json(roles))
      assert.deepStrictEqual(result, { start: 10, limit: 5, length: 1, roles })
    })
  )
})

// ---------------------------------------------------------------------------
// 3. Error mapping, for every operation
// ---------------------------------------------------------------------------

interface ErrorCase {
  readonly title: string
  readonly answer: () => Response
  readonly tag: (op: Op) => Auth0Error.Auth0Error["_tag"]
  readonly status: number
  readonly errorCode: string | undefined
  readonly description: string | undefined
}

const documentedOr = (tag: Documented) => (op: Op) => (op.documented.includes(tag) ? tag : "UnexpectedStatus")

const errorCases: ReadonlyArray<ErrorCase> = [
  {
    title: "404 with Auth0's body: NotFound where documented, else UnexpectedStatus",
    answer: () => json(notFoundBody, 404),
    tag: documentedOr("NotFound"),
    status: 404,
    errorCode: "inexistent_user",
    description: "The user does not exist."
  },
  {
    title: "404 with an HTML body",
    answer: () => html(404, "<html>Not Found</html>"),
    tag: documentedOr("NotFound"),
    status: 404,
    errorCode: undefined,
    description: undefined
  },
  {
    title: "409: Conflict where documented, else UnexpectedStatus",
    answer: () => json(auth0Body(409, "Conflict", "The user already exists.", "auth0_idp_error"), 409),
    tag: documentedOr("Conflict"),
    status: 409,
    errorCode: "auth0_idp_error",
    description: "The user already exists."
  },
  {
    title: "400 invalid_paging: BadRequest",
    answer: () =>
      json(auth0Body(400, "Bad Request", "You can only page through the first 1000 records.", "invalid_paging"), 400),
    tag: () => "BadRequest",
    status: 400,
    errorCode: "invalid_paging",
    description: "You can only page through the first 1000 records."
  },
  {
    title: "400 with an empty body: BadRequest",
    answer: () => empty(400),
    tag: () => "BadRequest",
    status: 400,
    errorCode: undefined,
    description: undefined
  },
  {
    title: "401 (Auth0 sends no errorCode): Unauthorized",
    answer: () => json(auth0Body(401, "Unauthorized", "Expired token received for JSON Web Token validation"), 401),
    tag: () => "Unauthorized",
    status: 401,
    errorCode: undefined,
    description: "Expired token received for JSON Web Token validation"
  },
  {
    title: "403 insufficient_scope: Forbidden",
    answer: () =>
      json(auth0Body(403, "Forbidden", "Insufficient scope, expected any of: read:users", "insufficient_scope"), 403),
    tag: () => "Forbidden",
    status: 403,
    errorCode: "insufficient_scope",
    description: "Insufficient scope, expected any of: read:users"
  },
  {
    title: "429: RateLimited",
    answer: () =>
      json(auth0Body(429, "Too Many Requests", "Global limit has been reached", "too_many_requests"), 429, {
        "retry-after": "7",
        "x-ratelimit-limit": "50",
        "x-ratelimit-remaining": "0",
        "x-ratelimit-reset": "1700000007"
      }),
    tag: () => "RateLimited",
    status: 429,
    errorCode: "too_many_requests",
    description: "Global limit has been reached"
  },
  {
    title: "500 with Auth0's body: ServerError",
    answer: () => json(auth0Body(500, "Internal Server Error", "Internal error"), 500),
    tag: () => "ServerError",
    status: 500,
    errorCode: undefined,
    description: "Internal error"
  },
  {
    title: "503 with an HTML body: ServerError",
    answer: () => html(503),
    tag: () => "ServerError",
    status: 503,
    errorCode: undefined,
    description: undefined
  },
  {
    title: "502 with an empty body: ServerError",
    answer: () => empty(502),
    tag: () => "ServerError",
    status: 502,
    errorCode: undefined,
    description: undefined
  },
  {
    title: "405 (documented nowhere): UnexpectedStatus",
    answer: () => json(auth0Body(405, "Method Not Allowed", "nope"), 405),
    tag: () => "UnexpectedStatus",
    status: 405,
    errorCode: undefined,
    description: "nope"
  }
]

for (const op of ops) {
  describe(`Users.${op.name} errors`, () => {
    for (const c of errorCases) {
      it.effect(c.title, () =>
        Effect.gen(function* () {
          const { log, result } = yield* failure(op.call(ID), c.answer)
          assert.strictEqual(log.length, 1, "sent once (retry: false)")
          assert.deepStrictEqual(fieldsOf(result), {
            _tag: c.tag(op),
            method: op.method,
            path: op.path(EID),
            status: c.status,
            errorCode: c.errorCode,
            description: c.description
          })
          assert.isTrue(Auth0Error.isAuth0Error(result))
          if (result._tag === "RateLimited") {
            assert.strictEqual(Duration.toMillis(result.retryAfter!), 7000)
            assert.strictEqual(result.limit, 50)
            assert.strictEqual(result.remaining, 0)
            assert.strictEqual(result.reset, 1700000007)
          }
        })
      )
    }

    it.effect("a 2xx whose body is not JSON is DecodeError", () =>
      Effect.gen(function* () {
        const { result } = yield* failure(op.call(ID), () => html(200, "<html>ok</html>"))
        assert.strictEqual(result._tag, "DecodeError")
        if (result._tag !== "DecodeError") return
        assert.strictEqual(result.status, 200)
        assert.strictEqual(result.method, op.method)
        assert.strictEqual(result.path, op.path(EID))
        assert.isAbove(result.detail.length, 0)
      })
    )

    if (op.wrongShape !== undefined) {
      it.effect("a 2xx JSON body of the wrong shape is DecodeError", () =>
        Effect.gen(function* () {
          const { result } = yield* failure(op.call(ID), () => json(op.wrongShape, 200))
          assert.strictEqual(result._tag, "DecodeError")
          if (result._tag !== "DecodeError") return
          assert.strictEqual(result.status, 200)
          assert.strictEqual(result.method, op.method)
          assert.strictEqual(result.path, op.path(EID))
          assert.isAbove(result.detail.length, 0)
        })
      )

      it.effect("a 2xx with an empty body is DecodeError", () =>
        Effect.gen(function* () {
          const { result } = yield* failure(op.call(ID), () => new Response("", { status: 200 }))
          assert.strictEqual(result._tag, "DecodeError")
        })
      )
    } else {
      it.effect("succeeds on its documented 204", () =>
        Effect.gen(function* () {
          const { result } = yield* exchange(op.call(ID), () => empty(204))
          assert.strictEqual(result, undefined)
        })
      )
    }

    it.effect("sends exactly the documented request and succeeds on a valid answer", () =>
      Effect.gen(function* () {
        const { log } = yield* exchange(op.call(ID), op.ok)
        assertRequest(only(log), { method: op.method, path: op.path(EID), search: op.search, body: op.body })
      })
    )
  })
}

describe("rate limits", () => {
  it.effect("without Retry-After, retryAfter is the time left until X-RateLimit-Reset", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(1_700_000_000_000)
      const { result } = yield* failure(Users.get(ID), () =>
        json(auth0Body(429, "Too Many Requests", "Global limit has been reached", "too_many_requests"), 429, {
          "x-ratelimit-limit": "10",
          "x-ratelimit-remaining": "0",
          "x-ratelimit-reset": "1700000003"
        })
      )
      assert.strictEqual(result._tag, "RateLimited")
      if (result._tag !== "RateLimited") return
      assert.strictEqual(Duration.toMillis(result.retryAfter!), 3000)
      assert.strictEqual(result.limit, 10)
      assert.strictEqual(result.remaining, 0)
      assert.strictEqual(result.reset, 1700000003)
    })
  )

  it.effect("a Retry-After HTTP date counts from now", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(Date.parse("Wed, 15 Nov 2023 00:00:00 GMT"))
      const { result } = yield* failure(Users.list(), () =>
        json({}, 429, { "retry-after": "Wed, 15 Nov 2023 00:00:10 GMT" })
      )
      assert.strictEqual(result._tag, "RateLimited")
      if (result._tag !== "RateLimited") return
      assert.strictEqual(Duration.toMillis(result.retryAfter!), 10_000)
      assert.strictEqual(result.limit, undefined)
      assert.strictEqual(result.remaining, undefined)
      assert.strictEqual(result.reset, undefined)
    })
  )

  it.effect("a 429 without any rate-limit header has no retryAfter", () =>
    Effect.gen(function* () {
      const { result } = yield* failure(Users.roles(ID), () => empty(429))
      assert.strictEqual(result._tag, "RateLimited")
      if (result._tag !== "RateLimited") return
      assert.strictEqual(result.retryAfter, undefined)
      assert.strictEqual(result.status, 429)
    })
  )
})

describe("errors never hold the token", () => {
  it.effect("a 401's data, message and JSON do not contain the bearer token", () =>
    Effect.gen(function* () {
      const secret = "eyJ-static-token-5ecret"
      const { log, result } = yield* failure(
        Users.get(ID),
        () => json(auth0Body(401, "Unauthorized", "Invalid token"), 401),
        secret
      )
      assert.strictEqual(only(log).headers["authorization"], `Bearer ${secret}`)
      assert.strictEqual(result._tag, "Unauthorized")
      assert.notInclude(JSON.stringify(result), secret)
      assert.notInclude(String(result), secret)
      assert.notInclude(result.message, secret)
    })
  )
})

describe("decode errors never quote the body", () => {
  // BUG in src/Auth0Http.ts (the DecodeError built in `once`): `detail` is ParseResult.TreeFormatter output,
  // which quotes the actual input. For the union schemas of list / logs / roles it quotes the whole page:
  // every user's data and the IdP tokens that the Identity schema otherwise decodes as Redacted.
  it.effect("a DecodeError on list does not print IdP tokens or user data", () =>
    Effect.gen(function* () {
      const { result } = yield* failure(Users.list(), () =>
        json({
          start: 0,
          limit: 50,
          length: 1,
          users: [
            {
              user_id: 5,
              email: "jane@example.com",
              identities: [{ connection: "github", provider: "github", user_id: "1", access_token: "gho_IDP-5ECRET" }]
            }
          ]
        })
      )
      assert.strictEqual(result._tag, "DecodeError")
      assert.notInclude(result.message, "gho_IDP-5ECRET")
      assert.notInclude(result.message, "jane@example.com")
    })
  )
})

// ---------------------------------------------------------------------------
// 4. Path-segment safety
// ---------------------------------------------------------------------------

const trickyIds: ReadonlyArray<readonly [id: string, encoded: string]> = [
  ["a/../b", "a%2F..%2Fb"],
  ["x?y#z", "x%3Fy%23z"],
  ["100%", "100%25"],
  ["../../clients", "..%2F..%2Fclients"],
  ["%2e%2e", "%252e%252e"],
  ["...", "..."],
  ["auth0|63d1 ü", "auth0%7C63d1%20%C3%BC"]
]

describe("path segments", () => {
  for (const op of ops.filter((o) => o.takesId)) {
    for (const [id, encoded] of trickyIds) {
      it.effect(`Users.${op.name}(${JSON.stringify(id)}) keeps the id inside its segment`, () =>
        Effect.gen(function* () {
          const { log } = yield* exchange(op.call(id), op.ok)
          const seen = only(log)
          assertRequest(seen, { method: op.method, path: op.path(encoded), search: op.search, body: op.body })
          assert.strictEqual(decodeURIComponent(seen.url.pathname.split("/")[4]!), id)
        })
      )
    }

    for (const id of ["", ".", ".."]) {
      it.effect(`Users.${op.name}(${JSON.stringify(id)}) fails with BadRequest invalid_uri without sending`, () =>
        Effect.gen(function* () {
          const { log, result } = yield* failure(op.call(id), op.ok)
          assert.strictEqual(log.length, 0, "nothing may be sent")
          assert.deepStrictEqual(fieldsOf(result), {
            _tag: "BadRequest",
            method: op.method,
            path: op.path(id),
            status: 400,
            errorCode: "invalid_uri",
            description: fieldsOf(result).description
          })
          assert.match(fieldsOf(result).description ?? "", /^The id .*not sent/)
          assert.instanceOf(result, Auth0Error.BadRequest)
        })
      )
    }

    it.effect(
      `Users.${op.name} with a lone surrogate in the id fails with BadRequest invalid_uri without sending`,
      () =>
        Effect.gen(function* () {
          const { log, result } = yield* failure(op.call("a\uD800b"), op.ok)
          assert.strictEqual(log.length, 0, "nothing may be sent")
          assert.instanceOf(result, Auth0Error.BadRequest)
          assert.strictEqual(fieldsOf(result).errorCode, "invalid_uri")
          assert.strictEqual(fieldsOf(result).path, op.path("a%EF%BF%BDb"))
          assert.match(result.message, /lone UTF-16 surrogate.*not sent/)
          assert.notMatch(result.message, /answered/)
        })
    )
  }

  it.effect("the other segments are encoded too: provider and secondary user id", () =>
    Effect.gen(function* () {
      const unlinked = yield* exchange(Users.unlink(ID, "a/b", "x?y#z"), () => json([]))
      assert.strictEqual(only(unlinked.log).url.pathname, `/api/v2/users/${EID}/identities/a%2Fb/x%3Fy%23z`)
      const mfa = yield* exchange(Users.deleteMultifactorProvider(ID, "../duo"), () => empty(204))
      assert.strictEqual(only(mfa.log).url.pathname, `/api/v2/users/${EID}/multifactor/..%2Fduo`)
    })
  )

  it.effect("an empty or dot provider / secondary user id is refused without sending", () =>
    Effect.gen(function* () {
      const cases: ReadonlyArray<Api<unknown, Auth0Error.Auth0Error>> = [
        Users.unlink(ID, "", "1"),
        Users.unlink(ID, "..", "1"),
        Users.unlink(ID, "github", ""),
        Users.unlink(ID, "github", "."),
        Users.deleteMultifactorProvider(ID, ""),
        Users.deleteMultifactorProvider(ID, "..")
      ]
      for (const call of cases) {
        const { log, result } = yield* failure(call, () => json([]))
        assert.strictEqual(log.length, 0)
        assert.strictEqual(result._tag, "BadRequest")
        assert.strictEqual(fieldsOf(result).errorCode, "invalid_uri")
        assert.strictEqual(fieldsOf(result).status, 400)
      }
    })
  )
})

// ---------------------------------------------------------------------------
// 5. The error unions are exact (checked by tsc)
// ---------------------------------------------------------------------------

type ErrorOf<T> = T extends Effect.Effect<infer _A, infer E, infer _R> ? E : never
type ErrorsOf<F extends (...args: never) => unknown> = ErrorOf<ReturnType<F>>

type Common = Auth0Error.Common
type NotFound = Auth0Error.NotFound
type Conflict = Auth0Error.Conflict

const accept = <T>(value: T): T => value

/** Never called: each `@ts-expect-error` line stops compiling if a tag joins a union it is not in. */
const compileOnly = () => {
  // @ts-expect-error list does not document 404
  Users.list().pipe(Effect.catchTag("NotFound", () => Effect.void))
  // @ts-expect-error get does not document 409
  Users.get(ID).pipe(Effect.catchTag("Conflict", () => Effect.void))
  // @ts-expect-error delete does not document 404 (Auth0 answers 204 for a missing user)
  Users.delete(ID).pipe(Effect.catchTag("NotFound", () => Effect.void))
  // @ts-expect-error roles does not document 409
  Users.roles(ID).pipe(Effect.catchTag("Conflict", () => Effect.void))
  // @ts-expect-error create does not document 404
  Users.create("db").pipe(Effect.catchTag("NotFound", () => Effect.void))
  const notFound = new Auth0Error.NotFound({ method: "GET", path: "/", status: 404 })
  const conflict = new Auth0Error.Conflict({ method: "GET", path: "/", status: 409 })
  // @ts-expect-error a list error is never NotFound
  accept<ErrorsOf<typeof Users.list>>(notFound)
  // @ts-expect-error a get error is never Conflict
  accept<ErrorsOf<typeof Users.get>>(conflict)
  // @ts-expect-error a delete error is never NotFound
  accept<ErrorsOf<typeof Users.delete>>(notFound)
  accept<ErrorsOf<typeof Users.get>>(notFound)
  accept<ErrorsOf<typeof Users.update>>(conflict)
  // These compile: the documented tags are there.
  Users.get(ID).pipe(Effect.catchTag("NotFound", () => Effect.void))
  Users.update(ID, {}).pipe(Effect.catchTags({ NotFound: () => Effect.void, Conflict: () => Effect.void }))
  Users.link(ID, { link_with: "t" }).pipe(
    Effect.catchTags({ NotFound: () => Effect.void, Conflict: () => Effect.void })
  )
  Users.create("db").pipe(Effect.catchTag("Conflict", () => Effect.void))
}

describe("error unions", () => {
  it("are exactly the common errors plus what each endpoint documents", () => {
    assert.isFunction(compileOnly)
    expectTypeOf<ErrorsOf<typeof Users.list>>().toEqualTypeOf<Common>()
    expectTypeOf<ErrorsOf<typeof Users.create>>().toEqualTypeOf<Common | Conflict>()
    expectTypeOf<ErrorsOf<typeof Users.get>>().toEqualTypeOf<Common | NotFound>()
    expectTypeOf<ErrorsOf<typeof Users.update>>().toEqualTypeOf<Common | NotFound | Conflict>()
    expectTypeOf<ErrorsOf<typeof Users.delete>>().toEqualTypeOf<Common>()
    expectTypeOf<ErrorsOf<typeof Users.deleteAuthenticationMethods>>().toEqualTypeOf<Common | NotFound>()
    expectTypeOf<ErrorsOf<typeof Users.deleteMultifactorProvider>>().toEqualTypeOf<Common | NotFound>()
    expectTypeOf<ErrorsOf<typeof Users.enrollments>>().toEqualTypeOf<Common | NotFound>()
    expectTypeOf<ErrorsOf<typeof Users.link>>().toEqualTypeOf<Common | NotFound | Conflict>()
    expectTypeOf<ErrorsOf<typeof Users.unlink>>().toEqualTypeOf<Common | NotFound>()
    expectTypeOf<ErrorsOf<typeof Users.logs>>().toEqualTypeOf<Common | NotFound>()
    expectTypeOf<ErrorsOf<typeof Users.regenerateRecoveryCode>>().toEqualTypeOf<Common | NotFound>()
    expectTypeOf<ErrorsOf<typeof Users.roles>>().toEqualTypeOf<Common | NotFound>()
    // Common is what it says: every transport / status failure, and nothing endpoint-specific.
    expectTypeOf<Common["_tag"]>().toEqualTypeOf<
      | "RateLimited"
      | "Unauthorized"
      | "Forbidden"
      | "BadRequest"
      | "ServerError"
      | "UnexpectedStatus"
      | "TransportError"
      | "TimeoutError"
      | "DecodeError"
      | "ResponseTooLarge"
    >()
    // Every operation needs Auth0Http and nothing else.
    expectTypeOf<Effect.Effect.Context<ReturnType<typeof Users.get>>>().toEqualTypeOf<Auth0Http.Auth0Http>()
  })

  it("the documented tags of the runtime table agree with the types", () => {
    const table = Object.fromEntries(ops.map((op) => [op.name, [...op.documented].sort()]))
    assert.deepStrictEqual(table, {
      list: [],
      create: ["Conflict"],
      get: ["NotFound"],
      update: ["Conflict", "NotFound"],
      delete: [],
      deleteAuthenticationMethods: ["NotFound"],
      deleteMultifactorProvider: ["NotFound"],
      enrollments: ["NotFound"],
      link: ["Conflict", "NotFound"],
      unlink: ["NotFound"],
      logs: ["NotFound"],
      regenerateRecoveryCode: ["NotFound"],
      roles: ["NotFound"]
    })
  })
})

// ---------------------------------------------------------------------------
// Spans
// ---------------------------------------------------------------------------

const SPAN_TOKEN = "span-5ecret-token-9f3a"

const ownSpan = (span: Tracer.Span) => span.name.startsWith("Users.")

describe("spans", () => {
  for (const op of ops) {
    it.effect(`${op.span} is the one span of the call, with the route template and never the token`, () =>
      Effect.gen(function* () {
        const { result, spans } = yield* withRecordedSpans(Effect.either(exchange(op.call(ID), op.ok, SPAN_TOKEN)))
        assert.isTrue(result._tag === "Right", "the call succeeds")
        // One span per call: the operation's, with the request's method and route on it. No
        // span of the transport beneath it, and the platform's "http.client" span (full URL, raw
        // response) is turned off.
        assert.deepStrictEqual(
          spans.map((span) => span.name),
          [op.span]
        )
        const span = spans[0]!
        assert.strictEqual(span.attributes.get("http.request.method"), op.method)
        assert.strictEqual(span.attributes.get("http.route"), op.route)
        assert.strictEqual(span.status._tag, "Ended")
        for (const [key, value] of span.attributes) {
          const text = typeof value === "string" ? value : (JSON.stringify(value) ?? String(value))
          assert.notInclude(text, SPAN_TOKEN, `${span.name} attribute ${key}`)
          assert.notInclude(text, "63d17c4c5d69f3e86d515d1c", `${span.name} attribute ${key}`)
        }
      })
    )
  }

  it.effect("Auth0Http.request called outside an operation opens the one span itself, a client span", () =>
    Effect.gen(function* () {
      const request = Effect.flatMap(Auth0Http.Auth0Http, (http) =>
        http.request(Endpoints.users.get, { params: { id: ID } }, User.User)
      )
      const { result, spans } = yield* withRecordedSpans(
        Effect.either(exchange(request.pipe(Effect.withSpan("caller")), () => json(user), SPAN_TOKEN))
      )
      assert.isTrue(result._tag === "Right", "the call succeeds")
      assert.deepStrictEqual(
        spans.map((span) => span.name),
        ["caller", "Users.get"]
      )
      const [caller, span] = spans
      assert.strictEqual(Option.getOrUndefined(span!.parent)?.spanId, caller!.spanId)
      assert.strictEqual(span!.kind, "client")
      assert.deepStrictEqual(Object.fromEntries(span!.attributes), {
        "http.request.method": "GET",
        "http.route": "/api/v2/users/{id}"
      })
      assert.strictEqual(caller!.attributes.size, 0, "the caller's own span is left alone")
    })
  )

  it.effect("a failed operation's spans hold no token either", () =>
    Effect.gen(function* () {
      const { result, spans } = yield* withRecordedSpans(
        failure(Users.get(ID), () => json(auth0Body(401, "Unauthorized", "Invalid token"), 401), SPAN_TOKEN)
      )
      assert.strictEqual(result.result._tag, "Unauthorized")
      assert.isTrue(spans.some((span) => span.name === "Users.get"))
      for (const span of spans) {
        for (const value of span.attributes.values()) assert.notInclude(String(value), SPAN_TOKEN)
        // The exit of this library's spans is the typed error: plain data. (The platform's own
        // "http.client" span ends with the raw response, whose request holds the header; not ours.)
        if (ownSpan(span)) {
          assert.strictEqual(span.status._tag, "Ended")
          if (span.status._tag === "Ended") assert.notInclude(JSON.stringify(span.status.exit), SPAN_TOKEN)
        }
      }
    })
  )
})
