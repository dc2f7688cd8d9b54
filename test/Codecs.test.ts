/**
 * The codecs the client and the fake tenant share (`src/internal/codec/`): what one side writes
 * the other reads back the same, and each reader's edge cases. The fake's answers and the client's
 * errors are pinned byte for byte elsewhere; here the two halves of each codec meet.
 */
import * as Headers from "@effect/platform/Headers"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as fc from "fast-check"
import * as ErrorBody from "../src/internal/codec/errorBody.js"
import * as Projection from "../src/internal/codec/projection.js"
import * as Query from "../src/internal/codec/query.js"
import * as Errors from "../src/internal/errors.js"
import { Auth0Http, Users } from "../src/index.js"
import { boolParam, intParam, projectUser } from "../src/testing/internal/queryParams.js"
import { oauthError, refusal } from "../src/testing/internal/responses.js"
import { Refusal, type UserRecord } from "../src/testing/internal/store.js"
import { FakeAuth0 } from "../src/testing/index.js"
import { DB, raw, seedOne } from "./testing/FakeAuth0.helpers.js"
import { DOMAIN, fakeHttp, json, type Seen } from "./utils.js"

const where = { method: "GET", path: "/api/v2/users/{id}" }

/** What the client makes of an error answer, with every specific error documented. */
const clientReads = (status: number, body: string) =>
  Errors.fromStatus(where, status, Headers.empty, body, ["NotFound", "Conflict"], 0)

/** The query as the fake's router sees it: the URL parsed, its search params read. */
const served = (search: string) => new URL(`/api/v2/users${search}`, "http://fake.invalid").searchParams

const thrown = (f: () => unknown): unknown => {
  try {
    f()
  } catch (e) {
    return e
  }
  return undefined
}

describe("error body", () => {
  it("is written byte for byte as Auth0 writes it (recorded 404), key order statusCode, error, message, errorCode", () => {
    expect(ErrorBody.encode(404, "The user does not exist.", "inexistent_user")).toBe(
      '{"statusCode":404,"error":"Not Found","message":"The user does not exist.","errorCode":"inexistent_user"}'
    )
    expect(ErrorBody.encode(503, "down")).toBe('{"statusCode":503,"error":"Service Unavailable","message":"down"}')
    expect(ErrorBody.encode(418, "odd", "")).toBe('{"statusCode":418,"error":"Error","message":"odd"}')
    expect(ErrorBody.encodeOAuth("access_denied", "Unauthorized")).toBe(
      '{"error":"access_denied","error_description":"Unauthorized"}'
    )
  })

  it("what the fake writes, the client reads back: status, errorCode and description", () => {
    const statuses = [...Object.keys(ErrorBody.REASONS).map(Number), 418, 422, 502]
    for (const status of statuses) {
      const answer = refusal(new Refusal(status, `Message for ${status} with "quotes" and ü`, `code_${status}`))
      const error = clientReads(answer.status, answer.body)
      expect(error).toMatchObject({ status })
      if (status === 408) continue
      expect(error).toMatchObject({
        errorCode: `code_${status}`,
        description: `Message for ${status} with "quotes" and ü`
      })
    }
    const bare = refusal(new Refusal(400, "Payload validation error"))
    expect(clientReads(bare.status, bare.body)).toMatchObject({ description: "Payload validation error" })
    expect(clientReads(bare.status, bare.body)).not.toHaveProperty("errorCode")
  })

  it("what the fake's token endpoint writes, the client reads back", () => {
    const answer = oauthError(403, "access_denied", "Service not enabled within domain: https://x/api/v2/")
    expect(clientReads(answer.status, answer.body)).toMatchObject({
      _tag: "Forbidden",
      status: 403,
      errorCode: "access_denied",
      description: "Service not enabled within domain: https://x/api/v2/"
    })
  })

  it.effect("a served refusal reaches the client's error as the fake wrote it", () =>
    Effect.gen(function* () {
      const tenant = yield* FakeAuth0.make()
      const answer = yield* raw(tenant, { method: "GET", url: "/api/v2/users/auth0%7Cnobody" })
      expect(answer.status).toBe(404)
      expect(clientReads(answer.status, answer.body)).toMatchObject({
        _tag: "NotFound",
        errorCode: "inexistent_user",
        description: "The user does not exist."
      })
    })
  )

  it("reads nothing from what is not an error object", () => {
    for (const text of ["", " ", "<html>502 Bad Gateway</html>", "null", "42", '"inexistent_user"', "[]"]) {
      expect(ErrorBody.read(text)).toEqual({})
    }
    expect(ErrorBody.read('[{"errorCode":"x","message":"y"}]')).toEqual({})
    expect(ErrorBody.read('{"statusCode":404')).toEqual({})
  })

  it("reads empty or non-string fields as absent, and `error` as a code only beside error_description", () => {
    expect(ErrorBody.read('{"errorCode":"","message":""}')).toEqual({})
    expect(ErrorBody.read('{"errorCode":7,"message":{"a":1}}')).toEqual({})
    // In a Management body `error` is the reason phrase, not a code.
    expect(ErrorBody.read('{"statusCode":404,"error":"Not Found","message":"m"}')).toEqual({ description: "m" })
    expect(ErrorBody.read('{"error":"invalid_grant"}')).toEqual({})
    expect(ErrorBody.read('{"error":"invalid_grant","error_description":"d"}')).toEqual({
      errorCode: "invalid_grant",
      description: "d"
    })
    expect(ErrorBody.read('{"errorCode":"c","error":"e","message":"m","error_description":"d"}')).toEqual({
      errorCode: "c",
      description: "m"
    })
  })
})

describe("query", () => {
  it("encodes nothing as nothing, leaves undefined out, sorts the keys", () => {
    expect(Query.encode(undefined)).toBe("")
    expect(Query.encode({})).toBe("")
    expect(Query.encode({ fields: undefined, include_fields: undefined })).toBe("")
    expect(Query.encode({ q: "a b", page: 0, include_totals: true, fields: undefined })).toBe(
      "?include_totals=true&page=0&q=a+b"
    )
  })

  it("integers round-trip: what the client writes, the fake's reader reads back", () => {
    for (const n of [0, 1, -1, 7, 50, 100, 1000, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]) {
      const raw = Query.get(served(Query.encode({ page: n })), "page")
      expect(raw).toBeDefined()
      expect(Query.readInt(raw!)).toEqual(n)
      expect(
        intParam(served(Query.encode({ page: n })), "page", Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER)
      ).toBe(n)
    }
  })

  it("booleans round-trip: what the client writes, the fake's reader reads back", () => {
    for (const b of [true, false]) {
      const raw = Query.get(served(Query.encode({ include_totals: b })), "include_totals")
      expect(raw).toBeDefined()
      expect(Query.readBool(raw!)).toEqual(b)
      expect(boolParam(served(Query.encode({ include_totals: b })), "include_totals")).toBe(b)
    }
  })

  it("strings round-trip, with &=+%| and unicode", () => {
    const samples = [
      "a&b=c",
      "1+1=2",
      "100%",
      "a|b",
      'email:"jane+tag@example.com" AND name:"Jöhn Dœ"',
      "名前:太郎",
      "emoji 🙂",
      "%2F already encoded",
      " leading and trailing "
    ]
    for (const s of samples) expect(Query.get(served(Query.encode({ q: s, sort: "x" })), "q")).toBe(s)
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ minLength: 1, unit: "grapheme" }), fc.string({ minLength: 1, unit: "grapheme" })),
        (query) => {
          const params = served(Query.encode(query))
          for (const [key, value] of Object.entries(query)) expect(Query.get(params, key)).toBe(value)
        }
      ),
      { numRuns: 200 }
    )
  })

  it("reads missing and empty alike as absent", () => {
    expect(Query.get(served(""), "page")).toBeUndefined()
    expect(Query.get(served("?page="), "page")).toBeUndefined()
    expect(Query.get(served(Query.encode({ q: "" })), "q")).toBeUndefined()
  })

  it("an integer is an optional minus and decimal digits, nothing else", () => {
    for (const raw of ["+1", "1.0", "1.5", "1e3", "0x10", " 1", "1 ", "one", "-", "NaN", "Infinity"]) {
      expect(Query.readInt(raw)).toEqual("Expected type integer but found type string")
    }
    expect(Query.readInt("-0")).toEqual(-0)
    expect(Query.readInt("007")).toEqual(7)
  })

  it("a boolean is exactly true or false", () => {
    for (const raw of ["yes", "no", "1", "0", "TRUE", "False", " true", "true "]) {
      expect(Query.readBool(raw)).toEqual("Expected type boolean but found type string")
    }
  })

  it("the fake wraps each problem into Auth0's wording, with the parameter's name and description", () => {
    expect(thrown(() => intParam(served("?per_page=ten"), "per_page", 1, 100))).toMatchObject({
      status: 400,
      errorCode: "invalid_query_string",
      message:
        "Query validation error: 'Expected type integer but found type string' on property per_page (Number of results per page. Defaults to 50)."
    })
    expect(thrown(() => boolParam(served("?include_fields=yes"), "include_fields"))).toMatchObject({
      status: 400,
      message: "Query validation error: 'Expected type boolean but found type string' on property include_fields."
    })
  })
})

describe("projection", () => {
  const read = (params: Projection.ProjectionParams) =>
    Projection.fromQuery(served(Query.encode(Projection.toQuery(params))))

  it("what the client sends, the fake reads back: fields and include flag", () => {
    expect(read({ fields: ["email", "app_metadata"] })).toEqual({ fields: ["email", "app_metadata"], include: true })
    expect(read({ fields: ["email", "identities"], include_fields: false })).toEqual({
      fields: ["email", "identities"],
      include: false
    })
    expect(read({ fields: ["user_metadata.color"], include_fields: true })).toEqual({
      fields: ["user_metadata.color"],
      include: true
    })
    expect(read({ fields: "email, name ,,picture", include_fields: false })).toEqual({
      fields: ["email", "name", "picture"],
      include: false
    })
    expect(read({})).toEqual(undefined)
    expect(read({ include_fields: false })).toEqual(undefined)
    fc.assert(
      fc.property(
        fc.array(fc.stringMatching(/^[a-z_][a-z0-9_.]{0,20}$/), { minLength: 1 }),
        fc.option(fc.boolean(), { nil: undefined }),
        (fields, include_fields) => {
          expect(read({ fields, include_fields })).toEqual({ fields, include: include_fields ?? true })
        }
      ),
      { numRuns: 200 }
    )
  })

  it("an array is joined with ',', a string sent as is, include_fields only when given", () => {
    expect(Query.encode(Projection.toQuery({ fields: ["email", "name"] }))).toBe("?fields=email%2Cname")
    expect(Query.encode(Projection.toQuery({ fields: "email,name" }))).toBe("?fields=email%2Cname")
    expect(Query.encode(Projection.toQuery({ fields: "email", include_fields: false }))).toBe(
      "?fields=email&include_fields=false"
    )
    expect(Query.encode(Projection.toQuery({}))).toBe("")
    // An empty list is sent as `fields=`, which Auth0 reads as no projection.
    expect(read({ fields: [] })).toEqual(undefined)
  })

  it("include_fields is read only beside fields; a bad one is the include_fields problem", () => {
    expect(Projection.fromQuery(served("?include_fields=yes"))).toEqual(undefined)
    expect(Projection.fromQuery(served("?fields=email&include_fields=yes"))).toEqual(
      "Expected type boolean but found type string"
    )
    const user = { user_id: "auth0|1", email: "a@example.com" } as unknown as UserRecord
    expect(thrown(() => projectUser(user, served("?fields=email&include_fields=1")))).toMatchObject({
      status: 400,
      message: "Query validation error: 'Expected type boolean but found type string' on property include_fields."
    })
  })

  it.effect("Users.get sends exactly what the codec writes for its projection", () =>
    Effect.gen(function* () {
      const log: Array<Seen> = []
      const layer = Auth0Http.layer({ domain: DOMAIN, token: Redacted.make("tok"), retry: false }).pipe(
        Layer.provide(fakeHttp(() => json({ user_id: "auth0|1" }), log))
      )
      const cases: ReadonlyArray<Projection.ProjectionParams> = [
        {},
        { fields: ["email", "app_metadata"] },
        { fields: "email,name", include_fields: false },
        { fields: ["a|b", "ü"], include_fields: true }
      ]
      for (const params of cases) {
        yield* Users.get("auth0|1", params).pipe(Effect.provide(layer))
        expect(log.at(-1)!.url.search).toBe(Query.encode(Projection.toQuery(params)))
      }
    })
  )

  it.effect("through the fake tenant: the projection the client asks for is the one served", () =>
    Effect.gen(function* () {
      const tenant = yield* FakeAuth0.make()
      const seeded = yield* seedOne(tenant, { connection: DB, email: "jane@example.com", name: "Jane" })
      const url = (params: Projection.ProjectionParams) =>
        `/api/v2/users/${encodeURIComponent(seeded.user_id)}${Query.encode(Projection.toQuery(params))}`
      const kept = yield* raw(tenant, { method: "GET", url: url({ fields: ["email", "name"] }) })
      expect(Object.keys(kept.json as object).sort()).toEqual(["email", "name", "user_id"])
      const dropped = yield* raw(tenant, { method: "GET", url: url({ fields: ["email"], include_fields: false }) })
      expect(dropped.json).not.toHaveProperty("email")
      expect(dropped.json).toHaveProperty("name", "Jane")
    })
  )
})
