/**
 * Issue #10 §5: the smaller defects, each pinned by a test that failed before
 * its fix. Ids, queries and bodies that cannot be encoded; `__proto__` keys
 * from the wire; tokens with no lifetime; what error messages say.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import { Auth0Error, Auth0Http, User, Users } from "../src/index.js"
import { ExportedUser } from "../src/internal/exportFile.js"
import { FakeAuth0 } from "../src/testing/index.js"
import * as Net from "node:net"
import { credentials, fakeHttp, json, scriptedTenant, type Seen } from "./utils.js"

const DOMAIN = "tenant.eu.auth0.com"
const LONE = "a\uD800b"

const staticLayer = (log: Array<Seen>, answer: () => Response = () => json({ user_id: "auth0|1" })) =>
  Auth0Http.layer({ domain: DOMAIN, token: Redacted.make("tok"), retry: false }).pipe(
    Layer.provide(fakeHttp(() => answer(), log))
  )

/** Run `effect` over a fake that answers everything; its exit and what was sent. */
const run = <A, E>(effect: Effect.Effect<A, E, Auth0Http.Auth0Http>) =>
  Effect.gen(function* () {
    const log: Array<Seen> = []
    const exit = yield* Effect.exit(Effect.provide(effect, staticLayer(log)))
    return { exit, log } as const
  })

const refusedBeforeSending = (
  exit: Exit.Exit<unknown, unknown>,
  log: ReadonlyArray<Seen>,
  errorCode: string
): Auth0Error.BadRequest => {
  assert.strictEqual(log.length, 0, "nothing may be sent")
  assert.isTrue(Exit.isFailure(exit), "a typed failure expected")
  if (!Exit.isFailure(exit) || exit.cause._tag !== "Fail") assert.fail(`not a typed failure: ${String(exit)}`)
  const error = exit.cause.error
  assert.instanceOf(error, Auth0Error.BadRequest)
  const bad = error as Auth0Error.BadRequest
  assert.strictEqual(bad.errorCode, errorCode)
  assert.strictEqual(bad.sent, false)
  assert.notMatch(bad.message, /answered/)
  assert.match(bad.message, /not sent/)
  return bad
}

describe("values that cannot be encoded are refused before sending", () => {
  it.effect("Users.get with a lone surrogate is a BadRequest, not a URIError defect", () =>
    Effect.gen(function* () {
      const { exit, log } = yield* run(Users.get(LONE))
      const error = refusedBeforeSending(exit, log, "invalid_uri")
      assert.strictEqual(error.path, "/api/v2/users/a%EF%BF%BDb")
    })
  )

  it.effect("logsStream / rolesStream with a lone surrogate fail as a stream, not by a synchronous throw", () =>
    Effect.gen(function* () {
      for (const make of [() => Users.logsStream(LONE), () => Users.rolesStream(LONE)]) {
        let stream: Stream.Stream<unknown, Auth0Error.Auth0Error, Auth0Http.Auth0Http> | undefined
        assert.doesNotThrow(() => {
          stream = make()
        })
        const { exit, log } = yield* run(Stream.runDrain(stream!))
        refusedBeforeSending(exit, log, "invalid_uri")
      }
    })
  )

  it.effect("a second segment (provider, secondary id) with a lone surrogate is refused too", () =>
    Effect.gen(function* () {
      for (const call of [
        Users.unlink("auth0|1", "github", LONE),
        Users.unlink("auth0|1", LONE, "1"),
        Users.deleteMultifactorProvider("auth0|1", LONE)
      ]) {
        const { exit, log } = yield* run(call)
        refusedBeforeSending(exit, log, "invalid_uri")
      }
    })
  )

  it.effect("a search query with a lone surrogate is refused: URLSearchParams would send U+FFFD, another search", () =>
    Effect.gen(function* () {
      const listed = yield* run(Users.list({ q: `email:${LONE}` }))
      const error = refusedBeforeSending(listed.exit, listed.log, "invalid_query_string")
      assert.include(error.description, `"q"`)
      const streamed = yield* run(Stream.runDrain(Users.stream({ q: `email:${LONE}` })))
      refusedBeforeSending(streamed.exit, streamed.log, "invalid_query_string")
    })
  )

  it.effect("a body string or key with a lone surrogate is refused, naming where, not what", () =>
    Effect.gen(function* () {
      const value = yield* run(Users.update("auth0|1", { app_metadata: { note: `x${LONE}` } }))
      const error = refusedBeforeSending(value.exit, value.log, "invalid_body")
      assert.include(error.description, "app_metadata.note")
      const key = yield* run(Users.update("auth0|1", { user_metadata: { [LONE]: 1 } }))
      assert.include(refusedBeforeSending(key.exit, key.log, "invalid_body").description, "user_metadata")
      const nested = yield* run(
        Users.create("Username-Password-Authentication", { app_metadata: { tags: ["ok", LONE] } })
      )
      assert.include(refusedBeforeSending(nested.exit, nested.log, "invalid_body").description, "app_metadata.tags[1]")
    })
  )

  it.effect("well-formed text, surrogate pairs included, is still sent", () =>
    Effect.gen(function* () {
      const { exit, log } = yield* run(Users.update("auth0|\uD83D\uDE00", { app_metadata: { note: "\uD83D\uDE00 ü" } }))
      assert.isTrue(Exit.isSuccess(exit))
      assert.strictEqual(log.length, 1)
      assert.strictEqual(log[0]!.url.pathname, "/api/v2/users/auth0%7C%F0%9F%98%80")
      assert.deepStrictEqual(JSON.parse(log[0]!.body!), { app_metadata: { note: "\uD83D\uDE00 ü" } })
    })
  )

  it.effect("an id refused before sending says it was not sent, without 'answered'", () =>
    Effect.gen(function* () {
      const { exit, log } = yield* run(Users.get(""))
      const error = refusedBeforeSending(exit, log, "invalid_uri")
      assert.strictEqual(
        error.message,
        "GET /api/v2/users/{id} (invalid_uri): The id is empty; it cannot be sent as a path segment, so the request was not sent"
      )
    })
  )
})

// ---------------------------------------------------------------------------
// `__proto__` from the wire is data, never a prototype
// ---------------------------------------------------------------------------

const POISONED = '{"__proto__":{"admin":true},"plan":"trial"}'

/** The metadata kept `__proto__` as an own data key and took no prototype from it. */
const assertClean = (meta: unknown, label: string) => {
  assert.isObject(meta, label)
  const record = meta as Record<string, unknown>
  assert.strictEqual(Object.getPrototypeOf(record), Object.prototype, `${label}: prototype`)
  assert.strictEqual(record.admin, undefined, `${label}: admin read through a prototype`)
  assert.strictEqual(record.plan, "trial", label)
  assert.isTrue(Object.hasOwn(record, "__proto__"), `${label}: the key survives as data`)
  assert.deepStrictEqual(JSON.parse(JSON.stringify(record)), JSON.parse(POISONED), `${label}: round trip`)
}

/** The top-level key is dropped (the documented rule for typed objects); no prototype from it either. */
const assertDropped = (value: unknown, label: string) => {
  assert.strictEqual(Object.getPrototypeOf(value), Object.prototype, `${label}: prototype`)
  assert.isFalse(Object.hasOwn(value as object, "__proto__"), `${label}: dropped`)
  assert.strictEqual((value as Record<string, unknown>).admin, undefined, label)
}

const poisonedUser = (id: string) =>
  `{"user_id":"${id}","app_metadata":${POISONED},"user_metadata":${POISONED},` +
  `"identities":[{"connection":"c","provider":"p","user_id":"1","isSocial":false,"profileData":${POISONED},"__proto__":{"admin":true}}],` +
  `"__proto__":{"admin":true}}`

describe("__proto__ keys from the wire", () => {
  const raw = (text: string) => () =>
    new Response(text, { status: 200, headers: { "content-type": "application/json" } })

  it.effect("API answers: metadata keeps the key as data, typed objects drop it, nothing takes a prototype", () =>
    Effect.gen(function* () {
      const got = yield* Effect.provide(Users.get("auth0|1"), staticLayer([], raw(poisonedUser("auth0|1"))))
      assertClean(got.app_metadata, "app_metadata")
      assertClean(got.user_metadata, "user_metadata")
      assertClean(got.identities![0]!.profileData, "profileData")
      assertDropped(got, "user")
      assertDropped(got.identities![0], "identity")

      const page = `{"start":0,"limit":50,"length":1,"total":1,"users":[${poisonedUser("auth0|2")}]}`
      const listed = yield* Effect.provide(Users.list(), staticLayer([], raw(page)))
      assertClean(listed.users[0]!.app_metadata, "listed app_metadata")
      assertDropped(listed.users[0], "listed user")
    })
  )

  it.effect("the schemas themselves, decoded directly", () =>
    Effect.sync(() => {
      const user = Schema.decodeUnknownSync(User.User)(JSON.parse(poisonedUser("auth0|3")))
      assertClean(user.app_metadata, "User.app_metadata")
      assertDropped(user, "User")
      const line = Schema.decodeUnknownSync(ExportedUser)(JSON.parse(poisonedUser("auth0|4")))
      assertClean(line.app_metadata, "ExportedUser.app_metadata")
      assertDropped(line, "ExportedUser")
      // A caller's object with a prototype of its own is copied to a plain one, its own keys kept.
      const odd = Object.create({ admin: true }) as Record<string, unknown>
      odd.plan = "trial"
      const copied = Schema.decodeUnknownSync(User.User)({ user_id: "x", app_metadata: odd }).app_metadata!
      assert.strictEqual(Object.getPrototypeOf(copied), Object.prototype)
      assert.deepStrictEqual({ ...copied }, { plan: "trial" })
      assert.strictEqual(copied.admin, undefined)
    })
  )

  it.effect("the fake tenant's store and Users.update merge keep it as data, and so does an export line", () =>
    Effect.gen(function* () {
      const tenant = yield* FakeAuth0.Tenant
      const [seeded] = yield* tenant.seedUsers([
        { connection: "Username-Password-Authentication", email: "p@example.com", user_metadata: JSON.parse(POISONED) }
      ])
      const id = seeded!.user_id
      const updated = yield* Users.update(id, { app_metadata: JSON.parse(POISONED) as Record<string, unknown> })
      assertClean(updated.app_metadata, "update answer")
      assertClean(updated.user_metadata, "seeded user_metadata")
      // A second merge over the stored object keeps the key once, as data.
      const again = yield* Users.update(id, { app_metadata: { other: 1 } })
      assert.strictEqual((again.app_metadata as Record<string, unknown>).other, 1)
      assert.isTrue(Object.hasOwn(again.app_metadata!, "__proto__"))
      assert.strictEqual(Object.getPrototypeOf(again.app_metadata), Object.prototype)
      assertClean((yield* Users.get(id)).user_metadata, "get after update")

      const fiber = yield* Effect.fork(Stream.runCollect(Users.export()))
      for (let i = 0; i < 200 && Option.isNone(yield* Fiber.poll(fiber)); i++) yield* TestClock.adjust("1 second")
      const exported = Chunk.toReadonlyArray(yield* Fiber.join(fiber))
      assert.strictEqual(exported.length, 1)
      assertClean(exported[0]!.user_metadata, "export line user_metadata")
      assert.strictEqual(Object.getPrototypeOf(exported[0]!.app_metadata), Object.prototype)
      assert.isTrue(Object.hasOwn(exported[0]!.app_metadata!, "__proto__"))
      assert.strictEqual((exported[0]!.app_metadata as Record<string, unknown>).admin, undefined)
    }).pipe(Effect.provide(FakeAuth0.layer()))
  )
})

// ---------------------------------------------------------------------------
// Single flight whatever the token's lifetime
// ---------------------------------------------------------------------------

describe("token single flight holds whatever expires_in says", () => {
  type Scripted = ReturnType<typeof scriptedTenant>
  type Exits = ReadonlyArray<Exit.Exit<User.User, Auth0Error.Auth0Error>>

  /** One call in a fiber, the TestClock moved past the slow token endpoint. */
  const call = (id: string) =>
    Effect.gen(function* () {
      const fiber = yield* Effect.fork(Users.get(id))
      yield* TestClock.adjust("1 second")
      return yield* Fiber.join(fiber)
    })

  /**
   * 32 concurrent calls while a slow token endpoint answers `body`, then
   * `after`, all on one layer (one token cache).
   */
  const burst = (
    body: (n: number) => Response,
    after: (t: Scripted, exits: Exits) => Effect.Effect<void, Auth0Error.Auth0Error, Auth0Http.Auth0Http>,
    extra: { readonly refreshBefore?: Duration.DurationInput } = {}
  ) => {
    const t = scriptedTenant({ token: (_, n) => Effect.as(Effect.sleep("100 millis"), body(n)) })
    return Effect.gen(function* () {
      const fiber = yield* Effect.all(
        Array.from({ length: 32 }, (_, i) => Effect.exit(Users.get(`auth0|${i}`))),
        { concurrency: "unbounded" }
      ).pipe(Effect.fork)
      yield* TestClock.adjust("1 second")
      // Not done yet means the callers are fetching one after the other: let them finish, so the counts fail.
      if (Option.isNone(yield* Fiber.poll(fiber))) yield* TestClock.adjust("10 seconds")
      yield* after(t, yield* Fiber.join(fiber))
    }).pipe(Effect.provide(credentials(t.layer, { pacing: false, ...extra })))
  }

  const token = (expiresIn: string) => (n: number) =>
    new Response(`{"access_token":"tok-${n}","expires_in":${expiresIn},"token_type":"Bearer"}`, {
      status: 200,
      headers: { "content-type": "application/json" }
    })

  const failedWith = (exit: Exit.Exit<unknown, Auth0Error.Auth0Error>, tag: string) =>
    Exit.isFailure(exit) && exit.cause._tag === "Fail" && exit.cause.error._tag === tag

  for (const expiresIn of ["0", "-5"]) {
    it.effect(`expires_in ${expiresIn}: 32 concurrent callers make exactly 1 token fetch, and it is not cached`, () =>
      burst(token(expiresIn), (t, exits) =>
        Effect.gen(function* () {
          assert.strictEqual(t.tokenCalls().length, 1)
          assert.isTrue(exits.every(Exit.isSuccess))
          assert.strictEqual(t.apiCalls().length, 32)
          for (const seen of t.apiCalls()) assert.strictEqual(seen.headers["authorization"], "Bearer tok-1")
          // A later call may not reuse a token that was stale on arrival.
          yield* call("auth0|later")
          assert.strictEqual(t.tokenCalls().length, 2)
          assert.strictEqual(t.apiCalls()[32]!.headers["authorization"], "Bearer tok-2")
        })
      )
    )
  }

  it.effect("a lifetime shorter than refreshBefore: 1 fetch for 32, then cached for half its lifetime", () =>
    burst(
      token("10"),
      (t, exits) =>
        Effect.gen(function* () {
          assert.strictEqual(t.tokenCalls().length, 1)
          assert.isTrue(exits.every(Exit.isSuccess))
          yield* Users.get("auth0|x")
          assert.strictEqual(t.tokenCalls().length, 1, "still in its first half 1 s after a 10 s token arrived")
          yield* TestClock.adjust("5 seconds")
          yield* call("auth0|y")
          assert.strictEqual(t.tokenCalls().length, 2)
        }),
      { refreshBefore: "1 hour" }
    )
  )

  it.effect("a huge expires_in (1e400 parses to Infinity) is held to 30 days, not cached for ever", () =>
    burst(token("1e400"), (t) =>
      Effect.gen(function* () {
        assert.strictEqual(t.tokenCalls().length, 1)
        yield* TestClock.adjust(Duration.days(29))
        yield* Users.get("auth0|x")
        assert.strictEqual(t.tokenCalls().length, 1)
        yield* TestClock.adjust(Duration.days(1))
        yield* call("auth0|y")
        assert.strictEqual(t.tokenCalls().length, 2)
      })
    )
  )

  it.effect("a failed fetch is shared by the callers that waited for it: 1 fetch, 32 typed failures", () =>
    burst(
      () => json({ error: "temporarily_unavailable" }, 503),
      (t, exits) =>
        Effect.sync(() => {
          assert.strictEqual(t.tokenCalls().length, 1)
          assert.strictEqual(t.apiCalls().length, 0)
          for (const exit of exits) assert.isTrue(failedWith(exit, "ServerError"))
        })
    )
  )

  it.effect("a missing expires_in stays a DecodeError that quotes nothing, fetched once for 32", () =>
    burst(
      () => json({ access_token: "tok-secret" }),
      (t, exits) =>
        Effect.sync(() => {
          assert.strictEqual(t.tokenCalls().length, 1)
          for (const exit of exits) assert.isTrue(failedWith(exit, "DecodeError"))
          assert.notInclude(String(Exit.isFailure(exits[0]!) ? exits[0].cause : ""), "tok-secret")
        })
    )
  )
})

// ---------------------------------------------------------------------------
// Error messages say why
// ---------------------------------------------------------------------------

/** A loopback port that nothing listens on: bound, then closed. */
const closedPort = Effect.async<number>((resume) => {
  const server = Net.createServer()
  server.listen(0, "127.0.0.1", () => {
    const port = (server.address() as Net.AddressInfo).port
    server.close(() => resume(Effect.succeed(port)))
  })
})

const failureOf = <A, E>(exit: Exit.Exit<A, E>): E => {
  if (!Exit.isFailure(exit) || exit.cause._tag !== "Fail") assert.fail(`a typed failure expected: ${String(exit)}`)
  return exit.cause.error
}

describe("a TransportError says why, and names the host", () => {
  const clients = [
    ["FetchHttpClient", FetchHttpClient.layer],
    ["NodeHttpClient.layerUndici", NodeHttpClient.layerUndici],
    ["NodeHttpClient.layer", NodeHttpClient.layer]
  ] as const

  for (const [name, client] of clients) {
    it.live(
      `${name}: a refused loopback port is ECONNREFUSED 127.0.0.1:<port>, for the API and the token request`,
      () =>
        Effect.gen(function* () {
          const port = yield* closedPort
          const common = { domain: DOMAIN, baseUrl: `http://127.0.0.1:${port}`, retry: false as const }
          const api = failureOf(
            yield* Effect.exit(
              Users.get("auth0|1").pipe(
                Effect.provide(
                  Auth0Http.layer({ ...common, token: Redacted.make("tok-SECRET") }).pipe(Layer.provide(client))
                )
              )
            )
          )
          assert.instanceOf(api, Auth0Error.TransportError)
          const transport = api as Auth0Error.TransportError
          assert.strictEqual(transport.code, "ECONNREFUSED")
          assert.strictEqual(transport.detail, `ECONNREFUSED 127.0.0.1:${port}`)
          assert.strictEqual(
            transport.message,
            `GET /api/v2/users/{id} failed in transport (Transport): ECONNREFUSED 127.0.0.1:${port}`
          )
          assert.notInclude(JSON.stringify(transport), "tok-SECRET")

          const token = failureOf(
            yield* Effect.exit(
              Users.get("auth0|1").pipe(
                Effect.provide(
                  Auth0Http.layer({ ...common, clientId: "cid", clientSecret: Redacted.make("sekrit-value") }).pipe(
                    Layer.provide(client)
                  )
                )
              )
            )
          )
          assert.strictEqual(token._tag, "TransportError")
          assert.strictEqual(
            token.message,
            `POST /oauth/token failed in transport (Transport): ECONNREFUSED 127.0.0.1:${port}`
          )
          assert.notInclude(JSON.stringify(token) + token.message, "sekrit-value")
        })
    )
  }

  it.effect(
    "an unresolvable host is ENOTFOUND <host> (a fake client with fetch's cause shape: no DNS query leaves the machine)",
    () =>
      Effect.gen(function* () {
        const enotfound = HttpClient.make((request) =>
          Effect.fail(
            new HttpClientError.RequestError({
              request,
              reason: "Transport",
              cause: new TypeError("fetch failed", {
                cause: Object.assign(new Error("getaddrinfo ENOTFOUND tenant.invalid"), {
                  code: "ENOTFOUND",
                  syscall: "getaddrinfo",
                  hostname: "tenant.invalid"
                })
              })
            })
          )
        )
        const exit = yield* Effect.exit(
          Users.get("auth0|1").pipe(
            Effect.provide(
              Auth0Http.layer({ domain: "tenant.invalid", token: Redacted.make("tok"), retry: false }).pipe(
                Layer.provide(Layer.succeed(HttpClient.HttpClient, enotfound))
              )
            )
          )
        )
        const error = failureOf(exit)
        assert.strictEqual(error._tag, "TransportError")
        assert.strictEqual(
          error.message,
          "GET /api/v2/users/{id} failed in transport (Transport): ENOTFOUND tenant.invalid"
        )
      })
  )

  it.effect("without a coded cause it still names the host, never the path's query or a header", () =>
    Effect.gen(function* () {
      const opaque = HttpClient.make((request) =>
        Effect.fail(
          new HttpClientError.RequestError({ request, reason: "Transport", cause: new Error("Bearer tok-SECRET") })
        )
      )
      const error = failureOf(
        yield* Effect.exit(
          Users.list({ q: "email:jane@example.com" }).pipe(
            Effect.provide(
              Auth0Http.layer({ domain: DOMAIN, token: Redacted.make("tok-SECRET"), retry: false }).pipe(
                Layer.provide(Layer.succeed(HttpClient.HttpClient, opaque))
              )
            )
          )
        )
      )
      assert.strictEqual(error._tag, "TransportError")
      assert.strictEqual(error.message, `GET /api/v2/users failed in transport (Transport): ${DOMAIN}`)
      assert.notInclude(JSON.stringify(error), "SECRET")
      assert.notInclude(JSON.stringify(error), "jane")
    })
  )
})

describe("Auth0's 400 texts are kept whole", () => {
  const PER_PAGE =
    "Query validation error: 'Value 500 is greater than maximum 100' on property per_page (Number of results per page. Defaults to 50)."

  it.effect("per_page 500 against the fake tenant: the whole text, as Auth0 words it (auth0/node-auth0#648)", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(Users.list({ per_page: 500 }))
      assert.strictEqual(error._tag, "BadRequest")
      if (error._tag !== "BadRequest") return
      assert.strictEqual(error.errorCode, "invalid_query_string")
      assert.strictEqual(error.description, PER_PAGE)
      assert.strictEqual(error.message, `GET /api/v2/users answered 400 invalid_query_string: ${PER_PAGE}`)
      // A body validation message ends at the property, not in a dangling "(''".
      const body = yield* Effect.flip(Users.create("Username-Password-Authentication", { email: 1 as never }))
      assert.strictEqual(
        body.message,
        "POST /api/v2/users answered 400 invalid_body: Payload validation error: 'Expected type string but found type number' on property email."
      )
    }).pipe(Effect.provide(FakeAuth0.layer({ client: { retry: false } })))
  )

  it.effect("a long message from Auth0 reaches the error whole", () =>
    Effect.gen(function* () {
      const long = `${PER_PAGE} ${"x".repeat(2000)} end`
      const answer = () =>
        json({ statusCode: 400, error: "Bad Request", message: long, errorCode: "invalid_query_string" }, 400)
      const error = yield* Effect.flip(Effect.provide(Users.list({ per_page: 50 }), staticLayer([], answer)))
      assert.strictEqual(error._tag === "BadRequest" ? error.description : undefined, long)
      assert.isTrue(error.message.endsWith(`${long}`))
    })
  )
})
