import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { assert, describe, it } from "@effect/vitest"
import { Chunk, Effect, Exit, Layer, Redacted, Schema, Stream } from "effect"
import { Auth0Http, Endpoint, Retry } from "../src/index.js"
import * as Endpoints from "../src/internal/endpoints.js"
import * as Routes from "../src/internal/routes.js"
import { FakeAuth0 } from "../src/testing/index.js"
import type * as Handlers from "../src/testing/internal/handlers.js"
import { users as userHandlers } from "../src/testing/internal/handlers/users.js"
import { credentials, withRecordedSpans } from "./utils.js"

// The README's example: an endpoint the library does not cover.
const activeUsers = Endpoint.make({
  name: "Stats.activeUsers",
  method: "GET",
  path: "/stats/active-users",
  success: 200,
  retrySafe: true,
  scopes: ["read:stats"],
  bucket: "global",
  response: Schema.Number
})

const Member = Schema.Struct({ id: Schema.String, user_id: Schema.String })

const members = Endpoint.make({
  name: "Test.members",
  method: "GET",
  path: "/organizations/{id}/members",
  success: 200,
  retrySafe: true,
  errors: ["NotFound"],
  scopes: ["read:organization_members"],
  bucket: "readUsers",
  query: Endpoint.query<{ readonly from?: string; readonly take?: number }>(),
  response: Member,
  paging: Endpoint.checkpoint("members")
})

/** `take` members after the one `from` names, and `next` while more follow, as Auth0's checkpoint paging answers. */
const membersOf = (count: number) => {
  const all = Array.from({ length: count }, (_, i) => ({ id: `mem_${i}`, user_id: "auth0|1" }))
  return FakeAuth0.route(members, ({ params, query }) => {
    if (params.id !== "org_1") return FakeAuth0.refuse(404, "No organization found by that id or name")
    const from = query.get("from")
    const start = from === null ? 0 : all.findIndex((s) => s.id === from)
    const take = Number(query.get("take") ?? 50)
    const page = all.slice(start, start + take)
    const next = all[start + take]
    return next === undefined ? { members: page } : { members: page, next: next.id }
  })
}

describe("the route table", () => {
  it("a declaration without its fake handler does not compile", () => {
    const table = userHandlers(undefined as never, undefined as never)
    const { get: _dropped, ...withoutGet } = table
    // @ts-expect-error `get` has no handler: the table must have one for every declaration
    const incomplete: Handlers.ResourceHandlers<typeof Endpoints.users> = withoutGet
    const complete: Handlers.ResourceHandlers<typeof Endpoints.users> = table
    assert.strictEqual(Object.keys(incomplete).length + 1, Object.keys(complete).length)
  })

  it("every declaration is served by a handler of its own, none by the 404 of an unknown path", () =>
    Effect.gen(function* () {
      const tenant = yield* FakeAuth0.make()
      const token = yield* tenant.issueToken()
      for (const endpoint of Endpoints.all) {
        const path = Endpoints.fillPath(endpoint.path, {
          id: "nobody",
          provider: "github",
          user_id: "7",
          authentication_method_id: "email|dev_1"
        })
        const answer = yield* tenant.handle({
          method: endpoint.method,
          url: `/api/v2${path}`,
          headers: { authorization: `Bearer ${Redacted.value(token)}`, "content-type": "application/json" },
          body: endpoint.body === "json" ? "{}" : undefined
        })
        const unrouted =
          answer.status === 404 && (JSON.parse(answer.body) as { message: string }).message === "Not Found"
        assert.isFalse(unrouted, `${endpoint.method} ${endpoint.path} reached no handler`)
        assert.notStrictEqual(answer.status, 500, `${endpoint.method} ${endpoint.path}: ${answer.body}`)
      }
    }).pipe(Effect.runSync))

  it("templates are matched by segment: a literal before a {name}, values decoded, nothing half-matched", () => {
    const at = (method: Endpoint.Method, path: string) =>
      Endpoint.make({ name: path, method, path, success: 200, retrySafe: true, scopes: [], bucket: "global" })
    const byId = at("GET", "/jobs/{id}")
    const errors = at("GET", "/jobs/{id}/errors")
    const exports = at("GET", "/jobs/users-exports")
    const routes = Routes.compile([byId, errors, exports].map((e) => [e, e.name] as const))
    assert.deepStrictEqual(routes.find("GET", "/jobs/users-exports"), { value: "/jobs/users-exports", params: {} })
    assert.deepStrictEqual(routes.find("GET", "/jobs/job_1"), { value: "/jobs/{id}", params: { id: "job_1" } })
    assert.deepStrictEqual(routes.find("GET", "/jobs/users-exports/errors"), {
      value: "/jobs/{id}/errors",
      params: { id: "users-exports" }
    })
    assert.deepStrictEqual(routes.find("GET", "/jobs/auth0%7C1"), { value: "/jobs/{id}", params: { id: "auth0|1" } })
    assert.deepStrictEqual(routes.find("GET", "/jobs/auth0|1"), { value: "/jobs/{id}", params: { id: "auth0|1" } })
    assert.isUndefined(routes.find("POST", "/jobs/job_1"), "another method")
    assert.isUndefined(routes.find("GET", "/jobs/"), "an empty segment is no value")
    assert.isUndefined(routes.find("GET", "/jobs/%E0%A4%A"), "a malformed escape")
    assert.isUndefined(routes.find("GET", "/jobs/job_1/"), "a trailing slash")
    assert.isUndefined(routes.find("GET", "jobs/job_1"), "not a path")
  })
})

const withRoutes = (routes: ReadonlyArray<FakeAuth0.Route>, client: Parameters<typeof FakeAuth0.layer>[0] = {}) =>
  FakeAuth0.layer({ ...client, routes })

describe("an endpoint the library lacks (the escape hatch)", () => {
  it.effect("is called through Auth0Http with its declared response, span and token", () =>
    Effect.gen(function* () {
      const { result: count, spans } = yield* withRecordedSpans(
        Auth0Http.request(activeUsers, {}).pipe(Effect.withSpan("caller"))
      )
      assert.strictEqual(count, 42)
      assert.deepStrictEqual(
        spans.map((span) => [span.name, span.attributes.get("http.route")]),
        [
          ["caller", undefined],
          ["Stats.activeUsers", "/api/v2/stats/active-users"],
          ["TokenProvider.clientCredentials", undefined]
        ]
      )
      const tenant = yield* FakeAuth0.Tenant
      const seen = yield* tenant.requests
      assert.deepStrictEqual(
        seen.map((r) => `${r.method} ${r.url} ${r.status}`),
        ["POST /oauth/token 200", "GET /api/v2/stats/active-users 200"]
      )
    }).pipe(Effect.provide(withRoutes([FakeAuth0.route(activeUsers, () => 42)])))
  )

  it.effect("a token without its scope is Forbidden, an answer of the wrong shape a DecodeError", () =>
    Effect.gen(function* () {
      const forbidden = yield* Effect.flip(Auth0Http.request(activeUsers, {})).pipe(
        Effect.provide(withRoutes([FakeAuth0.route(activeUsers, () => 42)], { scopes: ["read:users"] }))
      )
      assert.strictEqual(forbidden._tag, "Forbidden")
      const wrong = yield* Effect.flip(Auth0Http.request(activeUsers, {})).pipe(
        Effect.provide(withRoutes([FakeAuth0.route(activeUsers, () => ({ count: 42 }))]))
      )
      assert.strictEqual(wrong._tag, "DecodeError")
    })
  )

  it.live("is retried as its declaration says: a safe one after a 503, an unsafe POST not", () =>
    Effect.gen(function* () {
      const post = <const Path extends string>(path: Path, retrySafe: boolean) =>
        Endpoint.make({
          name: `Test${path}`,
          method: "POST",
          path,
          success: 202,
          retrySafe,
          scopes: ["update:users"],
          bucket: "global",
          body: Endpoint.json<{ readonly what: string }>(),
          response: Schema.Struct({ ok: Schema.Boolean })
        })
      const rebuild = post("/test/rebuild", true)
      const launch = post("/test/launch", false)
      let calls = 0
      const flaky = () => (++calls % 2 === 1 ? FakeAuth0.refuse(503, "try again") : { ok: true })
      const layer = withRoutes([FakeAuth0.route(rebuild, flaky), FakeAuth0.route(launch, flaky)], {
        client: { retry: Retry.policy({ times: 2, base: "1 millis", maxDelay: "5 millis" }) }
      })
      const safe = yield* Auth0Http.request(rebuild, { body: { what: "index" } }).pipe(Effect.provide(layer))
      assert.deepStrictEqual(safe, { ok: true })
      assert.strictEqual(calls, 2, "sent again after the 503")
      calls = 0
      const unsafe = yield* Effect.flip(Auth0Http.request(launch, { body: { what: "rocket" } })).pipe(
        Effect.provide(layer)
      )
      assert.strictEqual(unsafe._tag, "ServerError")
      assert.strictEqual(calls, 1, "a POST that is not retry-safe is sent once")
    })
  )

  it.effect("a checkpoint list streams from next to next, typed; its documented 404 is NotFound", () =>
    Effect.gen(function* () {
      const ids = yield* Auth0Http.stream(members, { params: { id: "org_1" } }, { perPage: 2 }).pipe(
        Stream.map((s) => s.id),
        Stream.runCollect
      )
      assert.deepStrictEqual(Chunk.toReadonlyArray(ids), ["mem_0", "mem_1", "mem_2", "mem_3", "mem_4"])
      const tenant = yield* FakeAuth0.Tenant
      const urls = (yield* tenant.requests).filter((r) => r.url.includes("/members")).map((r) => r.url)
      assert.deepStrictEqual(urls, [
        "/api/v2/organizations/org_1/members?take=2",
        "/api/v2/organizations/org_1/members?from=mem_2&take=2",
        "/api/v2/organizations/org_1/members?from=mem_4&take=2"
      ])
      const page = yield* Auth0Http.request(members, { params: { id: "org_1" }, query: { take: 3 } })
      assert.deepStrictEqual(page, {
        members: ["mem_0", "mem_1", "mem_2"].map((id) => ({ id, user_id: "auth0|1" })),
        next: "mem_3"
      })
      const missing = yield* Effect.flip(Auth0Http.request(members, { params: { id: "org_2" } }))
      assert.strictEqual(missing._tag, "NotFound")
    }).pipe(Effect.provide(withRoutes([membersOf(5)])))
  )

  it.effect("a checkpoint page that names its own cursor as next ends in a DecodeError, not a loop", () =>
    Effect.gen(function* () {
      const stuck = FakeAuth0.route(members, ({ query }) => ({
        members: [{ id: "mem_0", user_id: "auth0|1" }],
        next: query.get("from") ?? "mem_0"
      }))
      const error = yield* Effect.flip(
        Auth0Http.stream(members, { params: { id: "org_1" } }).pipe(
          Stream.runDrain,
          Effect.provide(withRoutes([stuck]))
        )
      )
      assert.strictEqual(error._tag, "DecodeError")
      assert.include(error.message, "named as next the cursor it was asked for")
    })
  )

  it.effect("a multipart body goes as form fields, a Blob as a file", () =>
    Effect.gen(function* () {
      const importUsers = Endpoint.make({
        name: "Test.import",
        method: "POST",
        path: "/jobs/users-imports",
        success: 201,
        retrySafe: false,
        scopes: ["create:users"],
        bucket: "global",
        body: Endpoint.multipart<{
          readonly users: Blob
          readonly connection_id: string
          readonly upsert?: string | undefined
        }>()
      })
      const seen: Array<FormData> = []
      const client = HttpClient.make((request) => {
        const sent = request.body
        // The library writes the form itself; a standard parser must read it back.
        if (sent._tag === "Uint8Array" && sent.contentType.startsWith("multipart/form-data; boundary="))
          return Effect.flatMap(
            Effect.promise(() =>
              new Response(sent.body as Uint8Array<ArrayBuffer>, {
                headers: { "content-type": sent.contentType }
              }).formData()
            ),
            (form) => {
              seen.push(form)
              return Effect.succeed(
                HttpClientResponse.fromWeb(request, Response.json({ id: "job_1" }, { status: 201 }))
              )
            }
          )
        const body = request.url.endsWith("/oauth/token")
          ? { access_token: "tok", expires_in: 86400, token_type: "Bearer" }
          : { id: "job_1" }
        return Effect.succeed(HttpClientResponse.fromWeb(request, Response.json(body, { status: 201 })))
      })
      yield* Auth0Http.request(importUsers, {
        body: { users: new Blob(['[{"email":"a@example.com"}]']), connection_id: "con_1", upsert: undefined }
      }).pipe(Effect.provide(credentials(Layer.succeed(HttpClient.HttpClient, client))))
      assert.strictEqual(seen.length, 1)
      const form = seen[0]!
      assert.deepStrictEqual([...form.keys()], ["users", "connection_id"], "an undefined field is left out")
      assert.strictEqual(form.get("connection_id"), "con_1")
      const file = form.get("users")
      assert.isTrue(file instanceof Blob)
      assert.strictEqual(yield* Effect.promise(() => (file as Blob).text()), '[{"email":"a@example.com"}]')
    })
  )

  it.effect("the library's own endpoints keep their handlers beside the extra routes", () =>
    Effect.gen(function* () {
      const exit = yield* Effect.exit(Auth0Http.request(Endpoints.users.get, { params: { id: "auth0|nobody" } }))
      assert.isTrue(Exit.isFailure(exit))
      assert.strictEqual(yield* Auth0Http.request(activeUsers, {}), 7)
    }).pipe(Effect.provide(withRoutes([FakeAuth0.route(activeUsers, () => 7)])))
  )
})
