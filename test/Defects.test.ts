/**
 * Issue #10 §5: the smaller defects, each pinned by a test that failed before
 * its fix. Ids, queries and bodies that cannot be encoded; `__proto__` keys
 * from the wire; tokens with no lifetime; what error messages say.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import { Auth0Error, Auth0Http, Users } from "../src/index.js"
import { fakeHttp, json, type Seen } from "./utils.js"

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
        "GET /api/v2/users/ (invalid_uri): The id is empty; it cannot be sent as a path segment, so the request was not sent"
      )
    })
  )
})
