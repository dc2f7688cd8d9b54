/**
 * The served form: `FakeAuth0.serve` on a loopback port, reached over real
 * HTTP by undici (through `Auth0Http`) and by `fetch`.
 */
import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { Auth0Http, Users } from "../../src/index.js"
import { FakeAuth0 } from "../../src/testing/index.js"
import { DB, enc, type Tenant } from "./FakeAuth0.helpers.js"

const password = Redacted.make("Passwords hide their chuck")

const clientFor = (tenant: Tenant, baseUrl: string) =>
  Auth0Http.layer({
    domain: tenant.domain,
    baseUrl,
    clientId: tenant.clientId,
    clientSecret: tenant.clientSecret,
    retry: false,
    timeout: "10 seconds"
  }).pipe(Layer.provide(NodeHttpClient.layerUndici))

const fetchJson = (url: string, init: RequestInit = {}) =>
  Effect.promise(async () => {
    const response = await fetch(url, init)
    const text = await response.text()
    return { status: response.status, headers: response.headers, text }
  })

/** Serve a new tenant made with `options` for the rest of the scope. */
const served = (options: FakeAuth0.Options = {}) =>
  Effect.gen(function* () {
    const tenant = yield* FakeAuth0.make(options)
    const baseUrl = yield* FakeAuth0.serve({ tenant, port: 0 })
    return { tenant, baseUrl, client: clientFor(tenant, baseUrl) }
  })

describe("FakeAuth0.serve", () => {
  it.scopedLive("create, get, update, list and delete over real HTTP", () =>
    Effect.gen(function* () {
      const { tenant, baseUrl, client } = yield* served()
      expect(baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      yield* Effect.gen(function* () {
        const created = yield* Users.create(DB, { email: "served@example.com", password, given_name: "Served" })
        expect(created.user_id).toMatch(/^auth0\|[0-9a-f]{24}$/)
        const got = yield* Users.get(created.user_id)
        expect(got).toEqual(created)
        const updated = yield* Users.update(created.user_id, { app_metadata: { plan: "gold" } })
        expect(updated.app_metadata).toEqual({ plan: "gold" })
        const page = yield* Users.list({ q: 'app_metadata.plan:"gold"' })
        expect(page).toMatchObject({ start: 0, limit: 50, length: 1, total: 1 })
        expect(page.users.map((u) => u.user_id)).toEqual([created.user_id])
        const conflict = yield* Effect.flip(Users.create(DB, { email: "served@example.com", password }))
        expect(conflict).toMatchObject({ _tag: "Conflict", errorCode: "auth0_idp_error" })
        yield* Users.delete(created.user_id)
        const gone = yield* Effect.flip(Users.get(created.user_id))
        expect(gone).toMatchObject({ _tag: "NotFound", errorCode: "inexistent_user" })
      }).pipe(Effect.provide(client))
      const recorded = yield* tenant.requests
      expect(recorded[0]).toMatchObject({ method: "POST", url: "/oauth/token", status: 200 })
      expect(recorded.map((r) => r.status)).toEqual([200, 201, 200, 200, 200, 409, 204, 404])
      expect(yield* tenant.users).toEqual([])
    })
  )

  it.scopedLive("serves raw HTTP: ids with a raw |, 204 without a body, 401 without a token, 413 for a huge body", () =>
    Effect.gen(function* () {
      const { tenant, baseUrl } = yield* served()
      const [user] = yield* Effect.orDie(tenant.seedUsers([{ connection: DB, email: "raw@example.com" }]))
      const auth = { authorization: `Bearer ${Redacted.value(yield* tenant.issueToken())}` }
      const plain = yield* fetchJson(`${baseUrl}/api/v2/users/${user!.user_id}`, { headers: auth })
      const encoded = yield* fetchJson(`${baseUrl}/api/v2/users/${enc(user!.user_id)}`, { headers: auth })
      expect(plain.status).toBe(200)
      expect(JSON.parse(plain.text)).toEqual(user)
      expect(encoded.text).toBe(plain.text)
      expect(plain.headers.get("content-type")).toMatch(/^application\/json/)
      const anonymous = yield* fetchJson(`${baseUrl}/api/v2/users`)
      expect(anonymous.status).toBe(401)
      expect(JSON.parse(anonymous.text)).toEqual({
        statusCode: 401,
        error: "Unauthorized",
        message: "Missing authentication"
      })
      const huge = yield* fetchJson(`${baseUrl}/api/v2/users`, {
        method: "POST",
        headers: { ...auth, "content-type": "application/json" },
        body: JSON.stringify({ connection: DB, email: "big@example.com", password: "é".repeat(600_000) })
      })
      expect(huge.status).toBe(413)
      const deleted = yield* fetchJson(`${baseUrl}/api/v2/users/${enc(user!.user_id)}`, {
        method: "DELETE",
        headers: auth
      })
      expect(deleted.status).toBe(204)
      expect(deleted.text).toBe("")
      const token = yield* fetchJson(`${baseUrl}/oauth/token`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          grant_type: "client_credentials",
          client_id: tenant.clientId,
          client_secret: Redacted.value(tenant.clientSecret),
          audience: `https://${tenant.domain}/api/v2/`
        })
      })
      expect(token.status).toBe(200)
      expect(JSON.parse(token.text)).toMatchObject({ token_type: "Bearer", expires_in: 86_400 })
    })
  )

  it.scopedLive("serve without a tenant makes one from the options", () =>
    Effect.gen(function* () {
      const baseUrl = yield* FakeAuth0.serve({ port: 0, clientSecret: "another-secret" })
      const tenant = yield* FakeAuth0.make({ clientSecret: "another-secret" })
      const page = yield* Users.list().pipe(Effect.provide(clientFor(tenant, baseUrl)))
      expect(page.users).toEqual([])
    })
  )

  it.scopedLive("a reset fault destroys the connection: TransportError", () =>
    Effect.gen(function* () {
      const { tenant, client } = yield* served({ faults: { reset: 1 } })
      const [user] = yield* Effect.orDie(tenant.seedUsers([{ connection: DB, email: "reset@example.com" }]))
      const error = yield* Effect.flip(Users.get(user!.user_id).pipe(Effect.provide(client)))
      expect(error).toMatchObject({
        _tag: "TransportError",
        method: "GET",
        path: `/api/v2/users/${enc(user!.user_id)}`
      })
      // the token endpoint is spared (includeToken is off) and the server keeps serving
      const recorded = yield* tenant.requests
      expect(recorded.map((r) => r.url)).toEqual(["/oauth/token", `/api/v2/users/${enc(user!.user_id)}`])
      expect(recorded[0]!.status).toBe(200)
    })
  )

  it.scopedLive("a truncate fault cuts the body off mid-way: TransportError", () =>
    Effect.gen(function* () {
      const { tenant, client } = yield* served({ faults: { truncate: 1 } })
      yield* Effect.orDie(
        tenant.seedUsers(Array.from({ length: 5 }, (_, i) => ({ connection: DB, email: `cut${i}@example.com` })))
      )
      const error = yield* Effect.flip(Users.list().pipe(Effect.provide(client)))
      expect(error).toMatchObject({ _tag: "TransportError", path: "/api/v2/users" })
    })
  )

  it.scopedLive("a malformed fault sends half the JSON: DecodeError", () =>
    Effect.gen(function* () {
      const { tenant, client } = yield* served({ faults: { malformed: 1 } })
      yield* Effect.orDie(tenant.seedUsers([{ connection: DB, email: "half@example.com" }]))
      const error = yield* Effect.flip(Users.list().pipe(Effect.provide(client)))
      expect(error).toMatchObject({ _tag: "DecodeError", status: 200, path: "/api/v2/users" })
    })
  )

  it.scopedLive("a delay fault holds the answer on the wire", () =>
    Effect.gen(function* () {
      const { client } = yield* served({ faults: { delay: { share: 1, millis: 300 } } })
      yield* Users.list().pipe(Effect.provide(client)) // token + first request
      const started = Date.now()
      yield* Users.list().pipe(Effect.provide(client))
      expect(Date.now() - started).toBeGreaterThanOrEqual(280)
    })
  )

  it.scopedLive("the server closes when its scope closes; later requests fail", () =>
    Effect.gen(function* () {
      const tenant = yield* FakeAuth0.make()
      const baseUrl = yield* Effect.scoped(
        Effect.gen(function* () {
          const url = yield* FakeAuth0.serve({ tenant, port: 0 })
          const page = yield* Users.list().pipe(Effect.provide(clientFor(tenant, url)))
          expect(page.users).toEqual([])
          return url
        })
      )
      const after = yield* Effect.either(Effect.tryPromise(() => fetch(`${baseUrl}/api/v2/users`)))
      expect(Either.isLeft(after)).toBe(true)
      const viaClient = yield* Effect.flip(Users.list().pipe(Effect.provide(clientFor(tenant, baseUrl))))
      expect(viaClient).toMatchObject({ _tag: "TransportError", path: "/oauth/token" })
      expect(yield* tenant.rateLimitState).toEqual(Option.none())
    })
  )

  it.scopedLive("a port in use is a ServeError", () =>
    Effect.gen(function* () {
      const baseUrl = yield* FakeAuth0.serve({ port: 0 })
      const port = Number(new URL(baseUrl).port)
      const error = yield* Effect.flip(FakeAuth0.serve({ port }))
      expect(error).toMatchObject({ _tag: "ServeError" })
    })
  )
})
