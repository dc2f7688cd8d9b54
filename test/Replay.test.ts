/**
 * Replays the real Auth0 traffic of test/fixtures/recordings.ts through the
 * public API: each recorded interaction is mapped to the call that would
 * produce it, the fake `HttpClient` answers with the recorded status, body and
 * headers, and the test checks that we send what was recorded and read what
 * came back.
 *
 * Documented exception: the recorded `GET /users/{id}/logs` (go-auth0) sent no
 * query; `Users.logs` always asks for `include_totals=true&per_page=50`, so those
 * two parameters are expected on top of the recorded (empty) query.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { Auth0Error, Auth0Http, Users } from "../src/index.js"
import { byName, forEndpoint, recordings, type RecordedInteraction } from "./fixtures/recordings.js"
import { fakeHttp, type Seen } from "./utils.js"
import { DOMAIN, recordedResponse, recordedSearch, replayOnce, title } from "./fixtures/replay.js"

type Api = Effect.Effect<unknown, Auth0Error.Auth0Error, Auth0Http.Auth0Http>

interface Replay {
  /** The `Users` operation that produces the interaction. */
  readonly operation: string
  readonly call: Api
  /** Query parameters our client sends beyond the recorded ones (the documented exceptions). */
  readonly extraQuery: Readonly<Record<string, string>>
  /** What a 2xx recorded answer must decode to. */
  readonly decoded: (body: unknown) => unknown
}

const asRecord = (u: unknown): Record<string, unknown> => {
  assert.isObject(u)
  return u as Record<string, unknown>
}

const segment = (encoded: string | undefined): string => {
  assert.isString(encoded)
  return decodeURIComponent(encoded!)
}

const same = (body: unknown) => body

/** The call that would have produced `rec`; throws for an interaction outside the 13 operations. */
const replayOf = (rec: RecordedInteraction): Replay => {
  const user = /^\/api\/v2\/users\/([^/]+)$/.exec(rec.path)
  const sub = /^\/api\/v2\/users\/([^/]+)\/(.+)$/.exec(rec.path)
  const none = {}
  if (rec.path === "/api/v2/users" && rec.method === "POST") {
    const { connection, password, ...rest } = asRecord(rec.requestBody)
    assert.isString(connection)
    // Send the password the way callers are told to: Redacted.
    const body: Users.CreateBody = {
      ...(rest as Users.CreateBody),
      ...(typeof password === "string" ? { password: Redacted.make(password) } : {})
    }
    return { operation: "create", call: Users.create(connection as string, body), extraQuery: none, decoded: same }
  }
  if (rec.path === "/api/v2/users" && rec.method === "GET") {
    const known = ["include_totals", "per_page", "q", "search_engine"]
    for (const key of Object.keys(rec.query)) assert.include(known, key, `unmapped list parameter ${key}`)
    assert.strictEqual(rec.query.search_engine, "v3")
    assert.strictEqual(rec.query.include_totals, "true")
    return {
      operation: "list",
      // search_engine=v3 and include_totals=true are not passed: they must come by default.
      call: Users.list({ q: rec.query.q, per_page: Number(rec.query.per_page) }),
      extraQuery: none,
      decoded: same
    }
  }
  if (user !== null) {
    const id = segment(user[1])
    switch (rec.method) {
      case "GET":
        return { operation: "get", call: Users.get(id), extraQuery: none, decoded: same }
      case "PATCH":
        return {
          operation: "update",
          call: Users.update(id, rec.requestBody as Users.UpdateBody),
          extraQuery: none,
          decoded: same
        }
      case "DELETE":
        return { operation: "delete", call: Users.delete(id), extraQuery: none, decoded: () => undefined }
    }
  }
  if (sub !== null) {
    const id = segment(sub[1])
    const rest = sub[2]!
    const identity = /^identities\/([^/]+)\/([^/]+)$/.exec(rest)
    if (rec.method === "DELETE" && rest === "authentication-methods") {
      return {
        operation: "deleteAuthenticationMethods",
        call: Users.deleteAuthenticationMethods(id),
        extraQuery: none,
        decoded: () => undefined
      }
    }
    if (rec.method === "GET" && rest === "enrollments") {
      return { operation: "enrollments", call: Users.enrollments(id), extraQuery: none, decoded: same }
    }
    if (rec.method === "POST" && rest === "identities") {
      const body = asRecord(rec.requestBody)
      // The recorded link sends the secondary's full, prefixed user_id ("auth0|…") with provider and connection_id.
      assert.isString(body.provider)
      assert.isString(body.user_id)
      return {
        operation: "link",
        call: Users.link(id, body as unknown as Users.LinkBody),
        extraQuery: none,
        decoded: same
      }
    }
    if (rec.method === "DELETE" && identity !== null) {
      return {
        operation: "unlink",
        call: Users.unlink(id, segment(identity[1]), segment(identity[2])),
        extraQuery: none,
        decoded: same
      }
    }
    if (rec.method === "GET" && rest === "logs") {
      assert.deepStrictEqual(rec.query, {}, "the recorded logs call sent no query")
      return {
        operation: "logs",
        call: Users.logs(id),
        extraQuery: { include_totals: "true", per_page: "50" },
        // Auth0 answered a bare array (it ignores paging without include_totals): read as one page.
        decoded: (body) => {
          assert.isArray(body)
          return { start: 0, limit: 50, length: (body as Array<unknown>).length, logs: body }
        }
      }
    }
    if (rec.method === "POST" && rest === "recovery-code-regeneration") {
      return {
        operation: "regenerateRecoveryCode",
        call: Users.regenerateRecoveryCode(id),
        extraQuery: none,
        decoded: (body) => ({ recovery_code: asRecord(body).recovery_code })
      }
    }
    if (rec.method === "GET" && rest === "roles") {
      return {
        operation: "roles",
        call: Users.roles(id, { per_page: Number(rec.query.per_page) }),
        extraQuery: none,
        // Auth0's roles envelope has no length; the decoded page has it.
        decoded: (body) => {
          const page = asRecord(body)
          assert.isFalse("length" in page)
          return { ...page, length: (page.roles as Array<unknown>).length }
        }
      }
    }
  }
  throw new Error(`no Users operation maps to ${rec.name}: ${rec.method} ${rec.path}`)
}

/** A recorded answer as a web Response: status, body and headers as recorded. */
const sortedEntries = (entries: Iterable<readonly [string, string]>) => [...entries].map(([k, v]) => `${k}=${v}`).sort()

/** Recordings of the 13 user operations: everything under /api/v2/users. */
const userRecordings = recordings.filter((rec) => rec.path === "/api/v2/users" || rec.path.startsWith("/api/v2/users/"))

describe("the recordings", () => {
  it("every interaction is either a user operation, the token grant or the export job", () => {
    const others = recordings.filter((rec) => !userRecordings.includes(rec)).map((rec) => `${rec.method} ${rec.path}`)
    assert.deepStrictEqual(others.sort(), ["POST /api/v2/jobs/users-exports", "POST /oauth/token"])
  })

  it("map to 12 of the 13 operations (no deleteMultifactorProvider was recorded)", () => {
    const covered = new Set(userRecordings.map((rec) => replayOf(rec).operation))
    assert.deepStrictEqual([...covered].sort(), [
      "create",
      "delete",
      "deleteAuthenticationMethods",
      "enrollments",
      "get",
      "link",
      "list",
      "logs",
      "regenerateRecoveryCode",
      "roles",
      "unlink",
      "update"
    ])
    assert.strictEqual(forEndpoint("DELETE", /\/multifactor\//).length, 0)
  })
})

describe("replay", () => {
  for (const rec of userRecordings) {
    it.effect(title(rec), () =>
      Effect.gen(function* () {
        const replay = replayOf(rec)
        const { outcome, seen } = yield* replayOnce(rec, replay.call)

        // The request is the recorded one.
        assert.strictEqual(seen.url.pathname, rec.path)
        assert.deepStrictEqual(
          sortedEntries(seen.url.searchParams),
          sortedEntries([...Object.entries(rec.query), ...Object.entries(replay.extraQuery)])
        )
        if (Object.keys(replay.extraQuery).length === 0) {
          // Same keys in the same order, same encoding: byte for byte.
          assert.strictEqual(seen.url.search, recordedSearch(rec))
        }
        assert.strictEqual(seen.headers["authorization"], "Bearer tok")
        assert.strictEqual(seen.headers["accept"], "application/json")
        if (rec.requestBody === undefined) {
          assert.strictEqual(seen.body, undefined)
        } else {
          assert.strictEqual(seen.headers["content-type"], rec.requestContentType)
          assert.deepStrictEqual(JSON.parse(seen.body!), rec.requestBody)
        }

        // The recorded answer decodes, or maps to the right error.
        if (rec.status >= 200 && rec.status < 300) {
          assert.strictEqual(outcome._tag, "Right", `the recorded ${rec.status} answer decodes`)
          if (outcome._tag !== "Right") return
          const want = replay.decoded(rec.responseBody)
          if (replay.operation === "regenerateRecoveryCode") {
            const got = outcome.right as { readonly recovery_code: Redacted.Redacted<string> }
            assert.isTrue(Redacted.isRedacted(got.recovery_code))
            assert.strictEqual(Redacted.value(got.recovery_code), asRecord(want).recovery_code)
          } else {
            assert.deepStrictEqual(outcome.right, want)
          }
        } else {
          assert.strictEqual(outcome._tag, "Left")
          if (outcome._tag !== "Left") return
          const error = outcome.left
          const body = asRecord(rec.responseBody)
          assert.strictEqual(rec.status, 404, "the only recorded failure is the 404 after a delete")
          assert.strictEqual(error._tag, "NotFound")
          assert.instanceOf(error, Auth0Error.NotFound)
          if (error._tag !== "NotFound") return
          assert.strictEqual(error.status, rec.status)
          assert.strictEqual(error.method, rec.method)
          assert.strictEqual(error.path, rec.path)
          assert.strictEqual(error.errorCode, body.errorCode)
          assert.strictEqual(error.errorCode, "inexistent_user")
          assert.strictEqual(error.description, body.message)
        }
      })
    )
  }

  it.effect("the TestUserManager_Delete flow in order: create, delete, get → NotFound, delete again → 204", () =>
    Effect.gen(function* () {
      const flow = recordings.filter((rec) => rec.name.startsWith("TestUserManager_Delete#"))
      assert.deepStrictEqual(
        flow.map((rec) => rec.name),
        ["TestUserManager_Delete#0", "TestUserManager_Delete#1", "TestUserManager_Delete#2", "TestUserManager_Delete#3"]
      )
      // One layer, answering the recordings in turn, like a cassette.
      const log: Array<Seen> = []
      let next = 0
      const layer = Auth0Http.layer({ domain: DOMAIN, token: Redacted.make("tok"), retry: false }).pipe(
        Layer.provide(fakeHttp(() => recordedResponse(flow[next++]!), log))
      )
      const created = yield* Effect.provide(replayOf(flow[0]!).call, layer)
      const id = (created as { readonly user_id: string }).user_id
      assert.strictEqual(id, "auth0|63d17c4ba030f2d4279f2c54")
      const outcome = yield* Effect.gen(function* () {
        yield* Users.delete(id)
        const missing = yield* Effect.flip(Users.get(id))
        yield* Users.delete(id)
        return missing
      }).pipe(Effect.provide(layer))
      assert.strictEqual(outcome._tag, "NotFound")
      assert.deepStrictEqual(
        log.map((seen) => `${seen.method} ${seen.url.pathname}`),
        flow.map((rec) => `${rec.method} ${rec.path}`)
      )
    })
  )
})

describe("replay: client credentials", () => {
  const grant = byName("TestLoginWithClientCredentials_Should_return_tokens#0")
  const read = byName("TestUserManager_Read#1")

  it.effect("POSTs exactly the recorded form to /oauth/token, then uses the recorded token as bearer", () =>
    Effect.gen(function* () {
      const log: Array<Seen> = []
      const handler = (seen: Seen) => recordedResponse(seen.url.pathname === grant.path ? grant : read)
      const layer = Auth0Http.layer({
        domain: DOMAIN,
        clientId: "test-client_id",
        clientSecret: Redacted.make("test-client_secret"),
        audience: "test-audience",
        retry: false
      }).pipe(Layer.provide(fakeHttp(handler, log)))

      const id = segment(/^\/api\/v2\/users\/([^/]+)$/.exec(read.path)?.[1])
      const [first, second] = yield* Effect.all([Users.get(id), Users.get(id)]).pipe(Effect.provide(layer))

      // One grant, then the API calls; the token is cached.
      assert.deepStrictEqual(
        log.map((seen) => `${seen.method} ${seen.url.pathname}`),
        [`POST ${grant.path}`, `GET ${read.path}`, `GET ${read.path}`]
      )

      const token = log[0]!
      assert.strictEqual(token.url.href, `https://${DOMAIN}${grant.path}`)
      assert.strictEqual(token.headers["content-type"], grant.requestContentType)
      assert.strictEqual(token.headers["content-type"], "application/x-www-form-urlencoded")
      assert.strictEqual(token.headers["authorization"], undefined, "no bearer on the token request")
      const form = new URLSearchParams(token.body!)
      assert.deepStrictEqual(
        sortedEntries(form),
        sortedEntries(Object.entries(grant.requestBody as Record<string, string>))
      )
      assert.strictEqual([...form.keys()].length, new Set(form.keys()).size, "no field sent twice")

      const access = (grant.responseBody as { readonly access_token: string }).access_token
      for (const seen of log.slice(1)) {
        assert.strictEqual(seen.headers["authorization"], `Bearer ${access}`)
        assert.strictEqual(seen.headers["authorization"], "Bearer test-access-token")
        assert.strictEqual(seen.url.search, "")
        assert.strictEqual(seen.body, undefined)
      }
      assert.deepStrictEqual(first, read.responseBody)
      assert.deepStrictEqual(second, read.responseBody)
    })
  )
})
