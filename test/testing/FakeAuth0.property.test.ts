/**
 * Properties of the fake tenant: `handle` is total (any request gets a JSON
 * answer with a real status, never a crash), requests that cannot write leave
 * the store alone, and offset paging visits every user exactly once.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as fc from "fast-check"
import { FakeAuth0 } from "../../src/testing/index.js"
import { DB, GOOGLE, type Tenant } from "./FakeAuth0.helpers.js"

type FakeRequest = FakeAuth0.FakeRequest

const run = <A>(effect: Effect.Effect<A>): A => Effect.runSync(effect)

const newTenant = (options: FakeAuth0.Options = {}) => run(FakeAuth0.make(options))

const seedPeople = (tenant: Tenant) =>
  run(
    Effect.orDie(
      tenant.seedUsers([
        { connection: DB, email: "jane@example.com", name: "Jane", logins_count: 3, app_metadata: { plan: "gold" } },
        { connection: GOOGLE, email: "john@gmail.com", user_metadata: { color: "red" } },
        { connection: DB, email: "bob@example.org", multifactor: ["duo"] }
      ])
    )
  )

// ---------------------------------------------------------------------------------------------
// Arbitraries
// ---------------------------------------------------------------------------------------------

const TEMPLATES = [
  "/api/v2/users",
  "/api/v2/users/{id}",
  "/api/v2/users/{id}/authentication-methods",
  "/api/v2/users/{id}/multifactor/{x}",
  "/api/v2/users/{id}/enrollments",
  "/api/v2/users/{id}/identities",
  "/api/v2/users/{id}/identities/{x}/{x}",
  "/api/v2/users/{id}/logs",
  "/api/v2/users/{id}/recovery-code-regeneration",
  "/api/v2/users/{id}/roles",
  "/api/v2/jobs/{x}",
  "/api/v2/{x}",
  "/oauth/token",
  "/{x}",
  "{x}"
]

/** Random bytes read as a (usually invalid) UTF-8 / Latin-1 string. */
const bytesAsString = fc
  .uint8Array({ maxLength: 64 })
  .chain((bytes) =>
    fc.constantFrom(
      new TextDecoder("utf-8").decode(bytes),
      new TextDecoder("latin1").decode(bytes),
      String.fromCharCode(...bytes)
    )
  )

const anyText = fc.oneof(
  fc.string(),
  fc.string({ unit: "grapheme" }),
  fc.string({ unit: "binary" }),
  bytesAsString,
  fc.constantFrom("", "%", "%7C", "%E0%A4%A", "..", ".", "|", "\u0000", "__proto__", "constructor", "auth0|x")
)

const segment = (ids: ReadonlyArray<string>) =>
  fc.oneof(
    fc.constantFrom(...ids.map(encodeURIComponent), ...ids),
    anyText.map(encodeURIComponent),
    anyText,
    fc.constantFrom("duo", "google-authenticator", "auth0", "google-oauth2")
  )

const path = (ids: ReadonlyArray<string>) =>
  fc
    .tuple(fc.constantFrom(...TEMPLATES), fc.array(segment(ids), { minLength: 3, maxLength: 3 }))
    .map(([template, [a, b, c]]) =>
      template.replace("{id}", a!).replace("{x}", b!).replace("{x}", c!).replace("{x}", a!)
    )

const QUERY_KEYS = [
  "q",
  "page",
  "per_page",
  "include_totals",
  "sort",
  "fields",
  "include_fields",
  "search_engine",
  "connection"
]

const queryValue = fc.oneof(
  anyText,
  fc.integer({ min: -5, max: 2000 }).map(String),
  fc.constantFrom("true", "false", "v3", "v2", "email:1", "date:-1", "email,name", 'email:"jane@example.com"', "*:*"),
  fc.constantFrom("(", ")", "[1 TO", "a:b:c", "_exists_:", "NOT", '"', "\\", "name:jo*", "logins_count:{1 TO *]")
)

const query = fc.oneof(
  fc.constant(""),
  fc
    .array(fc.tuple(fc.oneof(fc.constantFrom(...QUERY_KEYS), anyText), queryValue), { maxLength: 5 })
    .map((pairs) => `?${new URLSearchParams(pairs).toString()}`),
  anyText.map((text) => `?${text}`)
)

const method = fc.oneof(
  fc.constantFrom("GET", "POST", "PATCH", "DELETE", "PUT", "HEAD", "OPTIONS", "get"),
  fc.string({ maxLength: 8 })
)

const jsonBody = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc
    .record(
      {
        connection: fc.constantFrom(DB, GOOGLE, "nope"),
        email: fc.oneof(fc.emailAddress(), anyText),
        password: anyText,
        user_metadata: fc.jsonValue(),
        app_metadata: fc.dictionary(fc.string(), fc.jsonValue()),
        provider: fc.constantFrom("auth0", "google-oauth2", ""),
        user_id: fc.oneof(anyText, fc.integer()),
        link_with: anyText
      },
      { requiredKeys: [] }
    )
    .map((v) => JSON.stringify(v))
)

const body = fc.option(fc.oneof(jsonBody, anyText, bytesAsString), { nil: undefined })

const contentType = fc.option(
  fc.constantFrom(
    "application/json",
    "application/json; charset=utf-8",
    "application/x-www-form-urlencoded",
    "text/plain",
    ""
  ),
  { nil: undefined }
)

const authorization = (token: string) =>
  fc.option(
    fc.oneof(
      fc.constant(`Bearer ${token}`),
      fc.constant("Bearer "),
      anyText.map((t) => `Bearer ${t}`),
      anyText
    ),
    {
      nil: undefined
    }
  )

const request = (ids: ReadonlyArray<string>, token: string): fc.Arbitrary<FakeRequest> =>
  fc
    .record({
      method,
      path: path(ids),
      query,
      body,
      contentType,
      authorization: authorization(token),
      extraHeader: fc.option(fc.tuple(anyText, anyText), { nil: undefined })
    })
    .map((r) => {
      const headers: Record<string, string | undefined> = {}
      if (r.extraHeader !== undefined) headers[r.extraHeader[0].toLowerCase()] = r.extraHeader[1]
      if (r.authorization !== undefined) headers.authorization = r.authorization
      if (r.contentType !== undefined) headers["content-type"] = r.contentType
      return { method: r.method, url: `${r.path}${r.query}`, headers, body: r.body }
    })

/** A valid status and a body that is JSON (or empty for a 204). */
const expectWellFormed = (answer: { status: number; body: string; headers: Record<string, string> }) => {
  expect(Number.isInteger(answer.status)).toBe(true)
  expect(answer.status).toBeGreaterThanOrEqual(200)
  expect(answer.status).toBeLessThanOrEqual(599)
  if (answer.status === 204) {
    expect(answer.body).toBe("")
  } else {
    expect(() => JSON.parse(answer.body)).not.toThrow()
    expect(answer.headers["content-type"]).toMatch(/^application\/json/)
  }
}

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

describe("handle is total", () => {
  it("any request gets a well-formed answer and never an internal error", () => {
    const tenant = newTenant()
    const ids = seedPeople(tenant).map((u) => u.user_id)
    const token = Redacted.value(run(tenant.issueToken()))
    fc.assert(
      fc.property(request(ids, token), (req) => {
        const answer = run(tenant.handle(req))
        expectWellFormed(answer)
        // No faults are configured, so a 5xx could only be the fake failing on its own input.
        expect(answer.status, `${req.method} ${req.url}`).toBeLessThan(500)
      }),
      { numRuns: 1500 }
    )
  })

  it("requests that exercise every endpoint with a valid token and JSON bodies stay well-formed", () => {
    const tenant = newTenant()
    const ids = seedPeople(tenant).map((u) => u.user_id)
    const token = Redacted.value(run(tenant.issueToken()))
    const valid = fc
      .record({
        method: fc.constantFrom("GET", "POST", "PATCH", "DELETE"),
        path: path(ids),
        query,
        body: fc.option(jsonBody, { nil: undefined })
      })
      .map((r): FakeRequest => ({
        method: r.method,
        url: `${r.path}${r.query}`,
        headers: {
          authorization: `Bearer ${token}`,
          ...(r.body !== undefined ? { "content-type": "application/json" } : {})
        },
        body: r.body
      }))
    fc.assert(
      fc.property(valid, (req) => {
        const answer = run(tenant.handle(req))
        expectWellFormed(answer)
        expect(answer.status, `${req.method} ${req.url} ${req.body}`).toBeLessThan(500)
      }),
      { numRuns: 1500 }
    )
    // The tenant still serves normal requests afterwards.
    const list = run(
      tenant.handle({
        method: "GET",
        url: "/api/v2/users?include_totals=true",
        headers: { authorization: `Bearer ${token}` },
        body: undefined
      })
    )
    expect(list.status).toBe(200)
  })

  it("with every fault on, answers stay well-formed (a 5xx is then allowed)", () => {
    const tenant = newTenant({
      faults: { serverError: 0.2, rateLimited: 0.1, malformed: 0.1, truncate: 0.1, reset: 0.1, includeToken: true },
      rateLimit: { burst: 5, perSecond: 2, retryAfter: true }
    })
    const ids = seedPeople(tenant).map((u) => u.user_id)
    const token = Redacted.value(run(tenant.issueToken()))
    fc.assert(
      fc.property(request(ids, token), (req) => {
        const answer = run(tenant.handle(req))
        expectWellFormed(answer)
        if (answer.status >= 500) expect(answer.status).toBe(503)
      }),
      { numRuns: 500 }
    )
  })
})

describe("requests that cannot write leave the store unchanged", () => {
  const WRITES_WITH_BODY = ["POST /api/v2/users", "PATCH /api/v2/users/{id}", "POST /api/v2/users/{id}/identities"]

  /** Non-empty text that no JSON parser accepts. */
  const malformedJson = fc
    .oneof(
      anyText,
      bytesAsString,
      fc.jsonValue().map((v) => `${JSON.stringify(v)}}`)
    )
    .filter((text) => {
      if (text === "") return false
      try {
        JSON.parse(text)
        return false
      } catch {
        return true
      }
    })

  it("GETs anywhere, unknown routes, and writes with a malformed body or a wrong content type", () => {
    const tenant = newTenant()
    const ids = seedPeople(tenant).map((u) => u.user_id)
    const token = Redacted.value(run(tenant.issueToken()))
    const before = run(tenant.users)

    const read = fc.record({ path: path(ids), query }).map((r): FakeRequest => ({
      method: "GET",
      url: `${r.path}${r.query}`,
      headers: { authorization: `Bearer ${token}` },
      body: undefined
    }))
    const unknownRoute = fc
      .record({
        method: fc.constantFrom("GET", "POST", "PATCH", "DELETE", "PUT"),
        rest: anyText.map(encodeURIComponent),
        body
      })
      .map((r): FakeRequest => ({
        method: r.method,
        url: `/api/v2/not-an-endpoint/${r.rest}`,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: r.body
      }))
    const badBody = fc
      .record({
        write: fc.constantFrom(...WRITES_WITH_BODY),
        id: fc.constantFrom(...ids),
        kind: fc.constantFrom("malformed", "content-type"),
        malformed: malformedJson,
        valid: jsonBody,
        type: fc.constantFrom("text/plain", "application/x-www-form-urlencoded", "", "application/xml")
      })
      .map((r): FakeRequest => {
        const [method, template] = r.write.split(" ") as [string, string]
        return {
          method,
          url: template.replace("{id}", encodeURIComponent(r.id)),
          headers: {
            authorization: `Bearer ${token}`,
            "content-type": r.kind === "malformed" ? "application/json" : r.type
          },
          body: r.kind === "malformed" ? r.malformed : r.valid
        }
      })

    fc.assert(
      fc.property(fc.oneof(read, unknownRoute, badBody), (req) => {
        const answer = run(tenant.handle(req))
        expectWellFormed(answer)
        if (req.method !== "GET") expect(answer.status, `${req.method} ${req.url}`).toBeGreaterThanOrEqual(400)
        expect(run(tenant.users)).toEqual(before)
      }),
      { numRuns: 1000 }
    )
  })
})

describe("paging", () => {
  const seedN = (n: number) => {
    const tenant = newTenant()
    const users = run(
      Effect.orDie(
        tenant.seedUsers(
          Array.from({ length: n }, (_, i) => ({
            connection: DB,
            email: `user${String(i).padStart(4, "0")}@example.com`
          }))
        )
      )
    )
    return { tenant, ids: users.map((u) => u.user_id), token: Redacted.value(run(tenant.issueToken())) }
  }

  const get = (tenant: Tenant, token: string, url: string) => {
    const answer = run(
      tenant.handle({ method: "GET", url, headers: { authorization: `Bearer ${token}` }, body: undefined })
    )
    expect(answer.status, url).toBe(200)
    return JSON.parse(answer.body) as unknown
  }

  it("walking include_totals pages yields every user once, in order, with total = N", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 1, max: 100 }), (n, perPage) => {
        const { tenant, ids, token } = seedN(n)
        const seen: Array<string> = []
        for (let page = 0; ; page++) {
          if (page * perPage + perPage > 1000) break
          const body = get(tenant, token, `/api/v2/users?include_totals=true&per_page=${perPage}&page=${page}`) as {
            start: number
            limit: number
            length: number
            total: number
            users: Array<{ user_id: string }>
          }
          expect(body.total).toBe(n)
          expect(body.start).toBe(page * perPage)
          expect(body.limit).toBe(perPage)
          expect(body.length).toBe(body.users.length)
          expect(body.length).toBeLessThanOrEqual(perPage)
          seen.push(...body.users.map((u) => u.user_id))
          if (body.start + body.length >= body.total) break
        }
        expect(seen).toEqual(ids)
      }),
      { numRuns: 60 }
    )
  })

  it("walking bare-array pages until a short page yields the same users", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 1, max: 100 }), (n, perPage) => {
        const { tenant, ids, token } = seedN(n)
        const seen: Array<string> = []
        for (let page = 0; page * perPage + perPage <= 1000; page++) {
          const users = get(tenant, token, `/api/v2/users?per_page=${perPage}&page=${page}`) as Array<{
            user_id: string
          }>
          expect(Array.isArray(users)).toBe(true)
          seen.push(...users.map((u) => u.user_id))
          if (users.length < perPage) break
        }
        expect(seen).toEqual(ids)
      }),
      { numRuns: 40 }
    )
  })

  it("with a sort, pages partition the sorted list", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 120 }),
        fc.integer({ min: 1, max: 100 }),
        fc.constantFrom("email:1", "email:-1"),
        (n, perPage, sort) => {
          const { tenant, token } = seedN(n)
          const emails: Array<string> = []
          for (let page = 0; ; page++) {
            const body = get(
              tenant,
              token,
              `/api/v2/users?include_totals=true&per_page=${perPage}&page=${page}&sort=${encodeURIComponent(sort)}`
            ) as { start: number; length: number; total: number; users: Array<{ email: string }> }
            emails.push(...body.users.map((u) => u.email))
            if (body.start + body.length >= body.total) break
          }
          const expected = Array.from({ length: n }, (_, i) => `user${String(i).padStart(4, "0")}@example.com`)
          expect(emails).toEqual(sort === "email:1" ? expected : expected.reverse())
        }
      ),
      { numRuns: 30 }
    )
  })

  it("past the first 1000 results every page is refused with invalid_paging", () => {
    const tenant = newTenant()
    const token = Redacted.value(run(tenant.issueToken()))
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100 }), fc.integer({ min: 0, max: 2000 }), (perPage, page) => {
        const answer = run(
          tenant.handle({
            method: "GET",
            url: `/api/v2/users?per_page=${perPage}&page=${page}`,
            headers: { authorization: `Bearer ${token}` },
            body: undefined
          })
        )
        if (page * perPage + perPage > 1000) {
          expect(answer.status).toBe(400)
          expect(JSON.parse(answer.body)).toMatchObject({ errorCode: "invalid_paging" })
        } else {
          expect(answer.status).toBe(200)
        }
      }),
      { numRuns: 300 }
    )
  })
})
