/**
 * `Query`: the rendered text of every builder against users-family.md §5.3, the refusals, the
 * field types (`@ts-expect-error` lines are checked by `tsc`), and `Query` as `q` of `Users.list`,
 * `Users.stream` and `Users.streamWithCursor` against the fake tenant.
 */
import { assert, describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Either, Stream } from "effect"
import { Query, Users } from "../src/index.js"
import { FakeAuth0 } from "../src/testing/index.js"
import * as Search from "../src/testing/internal/search.js"

const DB = "Username-Password-Authentication"

const text = (result: Query.Query | Either.Either<Query.Query, Query.QueryError>): string =>
  Query.isQuery(result) ? Query.render(result) : Query.render(Either.getOrThrow(result))

const refusal = (result: Either.Either<Query.Query, Query.QueryError>): Query.QueryError => {
  if (Either.isRight(result)) throw new Error(`expected a QueryError, got ${Query.render(result.right)}`)
  return result.left
}

describe("rendering: the table of users-family.md §5.3 and Auth0's own examples", () => {
  const table: ReadonlyArray<readonly [string, Query.Query | Either.Either<Query.Query, Query.QueryError>, string]> = [
    ["email equals jane+test@example.com", Query.eq("email", "jane+test@example.com"), 'email:"jane+test@example.com"'],
    ['name is John "JJ" O\'Neil', Query.eq("name", 'John "JJ" O\'Neil'), 'name:"John \\"JJ\\" O\'Neil"'],
    [
      "user id (contains |)",
      Query.eq("user_id", "auth0|507f1f77bcf86cd799439020"),
      'user_id:"auth0|507f1f77bcf86cd799439020"'
    ],
    [
      "several ids",
      Query.oneOf("user_id", ["auth0|a1", "google-oauth2|123"]),
      'user_id:("auth0|a1" OR "google-oauth2|123")'
    ],
    [
      "metadata value with a backslash C:\\tmp",
      Query.eq("app_metadata.path", "C:\\tmp"),
      'app_metadata.path:"C:\\\\tmp"'
    ],
    ["prefix of a name containing a space, Mary Ann*", Query.prefix("name", "Mary Ann"), "name:Mary\\ Ann*"],
    ["value that is the word OR", Query.eq("nickname", "OR"), 'nickname:"OR"'],
    ["domain", Query.eq("email.domain", "example.com"), 'email.domain:"example.com"'],
    [
      "never logged in (docs)",
      Query.or([Query.not(Query.exists("logins_count")), Query.eq("logins_count", 0)]),
      "(NOT _exists_:logins_count OR logins_count:0)"
    ],
    [
      "created in 2025",
      Query.range("created_at", { gte: "2025-01-01", lte: "2025-12-31" }),
      "created_at:[2025-01-01 TO 2025-12-31]"
    ],
    // §5.1, Auth0's docs
    ["exact phrase (docs)", Query.eq("name", "jane smith"), 'name:"jane smith"'],
    [
      "by connection (docs)",
      Query.eq("identities.connection", "google-oauth2"),
      'identities.connection:"google-oauth2"'
    ],
    [
      "user_metadata (docs)",
      Query.eq("user_metadata.full_name", "Example Name"),
      'user_metadata.full_name:"Example Name"'
    ],
    ["a name group (docs)", Query.oneOf("name", ["example name", "test user"]), 'name:("example name" OR "test user")'],
    ["logins_count:[100 TO *] (docs)", Query.range("logins_count", { gte: 100 }), "logins_count:[100 TO *]"],
    ["logins_count:{100 TO *] (docs)", Query.range("logins_count", { gt: 100 }), "logins_count:{100 TO *]"],
    ["mixed ends [100 TO 200} (docs)", Query.range("logins_count", { gte: 100, lt: 200 }), "logins_count:[100 TO 200}"],
    [
      "last_login:[* TO 2024-12-31] (docs)",
      Query.range("last_login", { lte: "2024-12-31" }),
      "last_login:[* TO 2024-12-31]"
    ],
    ["partial date [* TO 2017-12] (docs)", Query.range("last_login", { lte: "2017-12" }), "last_login:[* TO 2017-12]"],
    ["suffix name:*usa (docs)", Query.wildcard("name", ["", "usa"]), "name:*usa"],
    ["infix name:jane*smith (docs)", Query.wildcard("name", ["jane", "smith"]), "name:jane*smith"],
    ["prefix name:john* (docs)", Query.prefix("name", "john"), "name:john*"],
    ["user_id:auth0* (docs)", Query.prefix("user_id", "auth0"), "user_id:auth0*"],
    ["existence (docs)", Query.exists("user_metadata.fav_color"), "_exists_:user_metadata.fav_color"],
    [
      "unverified (docs)",
      Query.or([Query.eq("email_verified", false), Query.not(Query.exists("email_verified"))]),
      "(email_verified:false OR NOT _exists_:email_verified)"
    ],
    ["John Doe with the space escaped (docs)", Query.prefix("name", "John Doe"), "name:John\\ Doe*"],
    [
      "nested metadata (docs)",
      Query.eq("app_metadata.subscription.plan", "gold"),
      'app_metadata.subscription.plan:"gold"'
    ]
  ]
  for (const [intent, query, expected] of table) {
    it(intent, () => {
      expect(text(query)).toBe(expected)
      expect(Search.parse(expected).ok, "the fake parses it").toBe(true)
    })
  }
})

describe("builders", () => {
  it('eq quotes every string and escapes only \\ and "', () => {
    expect(text(Query.eq("name", ""))).toBe('name:""')
    expect(text(Query.eq("name", ' a "b" \\c\\ '))).toBe('name:" a \\"b\\" \\\\c\\\\ "')
    expect(text(Query.eq("name", "a*b?c:d(e)f AND OR NOT && || ! {}[]^~/+-"))).toBe(
      'name:"a*b?c:d(e)f AND OR NOT && || ! {}[]^~/+-"'
    )
    expect(text(Query.eq("name", "😀 é"))).toBe('name:"😀 é"')
  })

  it("eq writes booleans and plain numbers bare, any other number quoted", () => {
    expect(text(Query.eq("email_verified", true))).toBe("email_verified:true")
    expect(text(Query.eq("logins_count", 12.5))).toBe("logins_count:12.5")
    expect(text(Query.eq("logins_count", -1))).toBe('logins_count:"-1"')
    expect(text(Query.eq("logins_count", 1e21))).toBe('logins_count:"1e+21"')
    // JSON holds no NaN: the query asks for what no user has, in a form that cannot change meaning.
    expect(text(Query.eq("logins_count", Number.NaN))).toBe('logins_count:"NaN"')
  })

  it("oneOf of one value is eq", () => {
    expect(text(Query.oneOf("email", ["a@b.c"]))).toBe('email:"a@b.c"')
    expect(text(Query.oneOf("email_verified", [true, false]))).toBe("email_verified:(true OR false)")
  })

  it("prefix escapes the value's own specials, so its * is the only wildcard", () => {
    expect(text(Query.prefix("name", 'a*b?c:d"e\\f(g)h'))).toBe('name:a\\*b\\?c\\:d\\"e\\\\f\\(g\\)h*')
    expect(text(Query.prefix("nickname", "+-=&|!{}[]^~/<>"))).toBe(
      "nickname:\\+\\-\\=\\&\\|\\!\\{\\}\\[\\]\\^\\~\\/\\<\\>*"
    )
    expect(text(Query.prefix("nickname", "AND"))).toBe("nickname:AND*")
    expect(text(Query.prefix("nickname", "a\tb\u3000c"))).toBe("nickname:a\\\tb\\\u3000c*")
    expect(refusal(Query.prefix("name", "")).reason).toMatch(/empty/)
  })

  it("wildcard puts * only between the pieces; a leading * needs 3 literal characters", () => {
    expect(text(Query.wildcard("name", ["", "j*n", ""]))).toBe("name:*j\\*n*")
    expect(text(Query.wildcard("name", ["a", "b", "c"]))).toBe("name:a*b*c")
    expect(text(Query.wildcard("name", ["ab", ""]))).toBe("name:ab*")
    expect(refusal(Query.wildcard("name", ["", "sa"])).reason).toMatch(/3 literal/)
    expect(refusal(Query.wildcard("name", ["", ""])).reason).toMatch(/3 literal/)
    expect(refusal(Query.wildcard("name", ["", "a", ""])).field).toBe("name")
    // an untyped caller reaching user_metadata or passing one piece still gets a typed refusal
    const untyped = Query.wildcard as (
      field: string,
      parts: ReadonlyArray<string>
    ) => Either.Either<Query.Query, Query.QueryError>
    expect(refusal(untyped("user_metadata.x", ["abc", ""])).reason).toMatch(/user_metadata/)
    expect(refusal(untyped("name", ["abc"])).reason).toMatch(/two pieces/)
  })

  it("range: inclusive, exclusive, mixed and open ends; Dates as ISO; strings quoted", () => {
    expect(text(Query.range("logins_count", {}))).toBe("logins_count:[* TO *]")
    expect(text(Query.range("logins_count", { gt: 1, lt: 5 }))).toBe("logins_count:{1 TO 5}")
    expect(text(Query.range("logins_count", { lte: 5 }))).toBe("logins_count:[* TO 5]")
    expect(text(Query.range("logins_count", { gte: -5 }))).toBe('logins_count:["-5" TO *]')
    expect(text(Query.range("created_at", { gt: new Date(Date.UTC(2024, 5, 1, 12, 30)) }))).toBe(
      "created_at:{2024-06-01T12:30:00.000Z TO *]"
    )
    expect(text(Query.range("updated_at", { gte: "2024", lt: "2024-06-01T10:00:00Z" }))).toBe(
      "updated_at:[2024 TO 2024-06-01T10:00:00Z}"
    )
    expect(text(Query.range("name", { gte: "a b", lte: 'd"}' }))).toBe('name:["a b" TO "d\\"}"]')
    expect(text(Query.range("app_metadata.score", { gte: 1.5 }))).toBe("app_metadata.score:[1.5 TO *]")
  })

  it("range refuses what cannot be rendered, naming the field and the rule, never the value", () => {
    const cases: ReadonlyArray<readonly [Either.Either<Query.Query, Query.QueryError>, RegExp]> = [
      [Query.range("created_at", { gte: new Date("nope") }), /invalid Date/],
      [Query.range("created_at", { lt: new Date(Date.UTC(10000, 0, 1)) }), /0000-9999/],
      [Query.range("created_at", { gte: "2024-02-30" }), /ISO date/],
      [Query.range("created_at", { gte: "2024-13" }), /ISO date/],
      [Query.range("created_at", { gte: "yesterday" }), /ISO date/],
      [Query.range("created_at", { gte: "2024-06-01T10:00:00+02:00" }), /ISO date/],
      [Query.range("logins_count", { gte: Number.POSITIVE_INFINITY }), /finite/],
      [Query.range("logins_count", { lt: Number.NaN }), /finite/],
      [Query.range("name", { gte: "" }), /empty/],
      [Query.range("name", { gte: "secret\\" }), /backslash/]
    ]
    for (const [result, reason] of cases) {
      const error = refusal(result)
      expect(error._tag).toBe("QueryError")
      expect(error.reason).toMatch(reason)
      expect(error.message).not.toMatch(/nope|yesterday|secret|2024-02-30/)
    }
    const untyped = Query.range as (field: string, bounds: object) => Either.Either<Query.Query, Query.QueryError>
    expect(refusal(untyped("logins_count", { gt: 1, gte: 2 })).reason).toMatch(/both inclusive and exclusive/)
    expect(refusal(untyped("user_metadata.age", { gt: 1 })).reason).toMatch(/user_metadata/)
  })

  it("exists and field names: metadata keys escaped segment by segment", () => {
    expect(text(Query.exists("email"))).toBe("_exists_:email")
    expect(text(Query.exists("app_metadata.a b:c(d)"))).toBe("_exists_:app_metadata.a\\ b\\:c\\(d\\)")
    expect(text(Query.eq("user_metadata.AND", "x"))).toBe('user_metadata.AND:"x"')
    const parsed = Search.parse(text(Query.exists("app_metadata.a b:c(d)")))
    expect(parsed.ok && parsed.query).toEqual({ _tag: "Exists", field: "app_metadata.a b:c(d)" })
  })

  it("not / and / or parenthesise so the text means the tree", () => {
    const a = Query.eq("email", "a")
    const b = Query.eq("email", "b")
    const c = Query.eq("email", "c")
    expect(text(Query.not(a))).toBe('NOT email:"a"')
    expect(text(Query.not(Query.not(a)))).toBe('NOT (NOT email:"a")')
    expect(text(Query.not(Query.and([a, b])))).toBe('NOT (email:"a" AND email:"b")')
    expect(text(Query.not(Query.or([a, b])))).toBe('NOT (email:"a" OR email:"b")')
    expect(text(Query.and([a]))).toBe('email:"a"')
    expect(text(Query.or([a]))).toBe('email:"a"')
    expect(text(Query.and([a, Query.not(b)]))).toBe('email:"a" AND NOT email:"b"')
    expect(text(Query.and([Query.or([a, b]), c]))).toBe('(email:"a" OR email:"b") AND email:"c"')
    expect(text(Query.or([Query.and([a, b]), c]))).toBe('((email:"a" AND email:"b") OR email:"c")')
    expect(text(Query.and([Query.and([a, b]), c]))).toBe('(email:"a" AND email:"b") AND email:"c"')
    expect(text(Query.or([Query.or([a, b]), c]))).toBe('((email:"a" OR email:"b") OR email:"c")')
  })

  it("the fake reads every combination as the tree it came from", () => {
    const users = [
      { email: "a", name: "x" },
      { email: "b", name: "y" },
      { email: "c", name: "x" }
    ]
    const a = Query.eq("email", "a")
    const x = Query.eq("name", "x")
    const cases: ReadonlyArray<readonly [Query.Query, ReadonlyArray<string>]> = [
      [Query.not(Query.or([a, x])), ["b"]],
      [Query.or([Query.not(a), x]), ["a", "b", "c"]],
      [Query.and([Query.not(a), x]), ["c"]],
      [Query.not(Query.not(a)), ["a"]],
      [Query.or([Query.and([a, x]), Query.eq("email", "b")]), ["a", "b"]]
    ]
    for (const [query, expected] of cases) {
      const parsed = Search.parse(Query.render(query))
      assert.isTrue(parsed.ok, Query.render(query))
      if (parsed.ok) {
        expect(
          users.filter((u) => Search.matches(parsed.query, u)).map((u) => u.email),
          Query.render(query)
        ).toEqual(expected)
      }
    }
  })

  it("a Query is a value: String() and JSON give its text, isQuery tells it from a string", () => {
    const q = Query.eq("email", "a@b.c")
    expect(String(q)).toBe('email:"a@b.c"')
    expect(JSON.stringify({ q })).toBe(JSON.stringify({ q: 'email:"a@b.c"' }))
    expect(Query.isQuery(q)).toBe(true)
    expect(Query.isQuery('email:"a@b.c"')).toBe(false)
    expect(Query.isQuery(null)).toBe(false)
  })
})

describe("typed fields", () => {
  interface App {
    readonly plan: "free" | "paid"
    readonly billing: { readonly tier: number; readonly owner: { readonly email: string } }
    readonly tags: ReadonlyArray<string>
  }
  interface Prefs {
    readonly theme: string
    readonly addresses: ReadonlyArray<{ readonly city: string }>
  }
  const Q = Query.typed<App, Prefs>()

  it("allows the metadata's own keys, nested ones as dotted paths, arrays transparent", () => {
    expect(text(Q.eq("app_metadata.plan", "paid"))).toBe('app_metadata.plan:"paid"')
    expect(text(Q.eq("app_metadata.billing.tier", 2))).toBe("app_metadata.billing.tier:2")
    expect(text(Q.eq("app_metadata.billing.owner.email", "o@x.test"))).toBe(
      'app_metadata.billing.owner.email:"o@x.test"'
    )
    expect(text(Q.eq("app_metadata.tags", "vip"))).toBe('app_metadata.tags:"vip"')
    expect(text(Q.eq("user_metadata.addresses.city", "Paris"))).toBe('user_metadata.addresses.city:"Paris"')
    expect(text(Q.exists("user_metadata.theme"))).toBe("_exists_:user_metadata.theme")
    expect(text(Q.range("app_metadata.billing.tier", { gte: 2 }))).toBe("app_metadata.billing.tier:[2 TO *]")
    expect(text(Q.eq("email", "a@b.c"))).toBe('email:"a@b.c"')
  })

  it("refuses other keys, wrong value types and what Auth0 refuses, at compile time", () => {
    // @ts-expect-error: not a key of App
    Q.eq("app_metadata.plann", "paid")
    // @ts-expect-error: not a value of App["plan"]
    Q.eq("app_metadata.plan", "gold")
    // @ts-expect-error: tier is a number
    Q.eq("app_metadata.billing.tier", "2")
    // @ts-expect-error: not a key of Prefs
    Q.exists("user_metadata.plan")
    // @ts-expect-error: no wildcards on user_metadata
    Q.prefix("user_metadata.theme", "da")
    // @ts-expect-error: no ranges on user_metadata
    Q.range("user_metadata.theme", { gte: "a" })
    // @ts-expect-error: not a field Auth0 indexes
    Query.eq("password", "x")
    // @ts-expect-error: email_verified is a boolean
    Query.eq("email_verified", "true")
    // @ts-expect-error: logins_count is a number
    Query.range("logins_count", { gte: "1" })
    // @ts-expect-error: a date field takes a Date or an ISO string, not a number
    Query.range("created_at", { gte: 2024 })
    // @ts-expect-error: at most one lower bound
    Query.range("logins_count", { gt: 1, gte: 2 })
    // @ts-expect-error: and needs at least one query
    Query.and([])
    // @ts-expect-error: or needs at least one query
    Query.or([])
    // @ts-expect-error: a wildcard needs two pieces
    Query.wildcard("name", ["abc"])
    // @ts-expect-error: user_metadata has no wildcards even untyped
    Query.prefix("user_metadata.x", "a")
    // with the defaults any metadata key is a field
    expect(text(Query.eq("app_metadata.anything.at.all", 1))).toBe("app_metadata.anything.at.all:1")
  })
})

describe("q takes a Query", () => {
  const seed = (users: ReadonlyArray<Record<string, unknown>>) =>
    Effect.flatMap(FakeAuth0.Tenant, (tenant) =>
      tenant.seedUsers(users.map((u) => ({ connection: DB, ...u }) as FakeAuth0.SeedUser))
    )
  const sentQ = Effect.map(
    Effect.flatMap(FakeAuth0.Tenant, (tenant) => tenant.requests),
    (requests) =>
      requests.filter((r) => r.url.includes("/api/v2/users?")).map((r) => new URL(r.url, "https://x").searchParams)
  )

  it.effect("Users.list sends the rendered text with search_engine=v3; a string still works as before", () =>
    Effect.gen(function* () {
      yield* seed([
        { email: "jane+test@example.com", name: 'Jane "JJ" Smith' },
        { email: "jane@example.com", name: "Jane Smith" }
      ])
      const byQuery = yield* Users.list({ q: Query.eq("email", "jane+test@example.com") })
      expect(byQuery.users.map((u) => u.email)).toEqual(["jane+test@example.com"])
      const byName = yield* Users.list({ q: Query.eq("name", 'Jane "JJ" Smith') })
      expect(byName.users.map((u) => u.email)).toEqual(["jane+test@example.com"])
      const byString = yield* Users.list({ q: 'email:"jane@example.com"' })
      expect(byString.users.map((u) => u.email)).toEqual(["jane@example.com"])
      const sent = yield* sentQ
      expect(sent.map((p) => [p.get("q"), p.get("search_engine")])).toEqual([
        ['email:"jane+test@example.com"', "v3"],
        ['name:"Jane \\"JJ\\" Smith"', "v3"],
        ['email:"jane@example.com"', "v3"]
      ])
    }).pipe(Effect.provide(FakeAuth0.layer()))
  )

  it.effect(
    "Users.stream and-s its keyset ranges with the whole of a caller's OR, past Auth0's 1000 cap",
    () =>
      Effect.gen(function* () {
        const T0 = Date.UTC(2024, 0, 1)
        // 1300 matches over two domains (past the 1000 cap) and 300 decoys, interleaved in created_at.
        const seeded = yield* seed(
          Array.from({ length: 1600 }, (_, i) => ({
            email: `u${i}@${i % 8 < 4 ? "a.test" : i % 8 < 7 ? "b.test" : "c.test"}`,
            created_at: new Date(T0 + i * 1000).toISOString(),
            logins_count: i % 5
          }))
        )
        const expected = seeded.filter((u) => !String(u.email).endsWith("@c.test")).map((u) => u.user_id)
        expect(expected.length).toBe(1400)
        const q = Query.or([Query.eq("email.domain", "a.test"), Query.eq("email.domain", "b.test")])
        for (const sort of ["created_at:1", "logins_count:-1"]) {
          const delivered = Chunk.toReadonlyArray(yield* Stream.runCollect(Users.stream({ q, sort }))).map(
            (u) => u.user_id
          )
          assert.strictEqual(new Set(delivered).size, delivered.length, `${sort}: nobody twice`)
          assert.deepStrictEqual([...delivered].sort(), [...expected].sort(), `${sort}: everybody, no decoy`)
        }
        const walked = (yield* sentQ).map((p) => p.get("q")!).filter((text) => text.includes(" AND "))
        expect(walked.length).toBeGreaterThan(10)
        // Read back by the fake's parser: the caller's OR is one clause of the AND, the ranges others.
        const clauses = (node: Search.Query): ReadonlyArray<Search.Query> =>
          node._tag === "And" ? node.clauses.flatMap(clauses) : [node]
        for (const text of walked) {
          const parsed = Search.parse(text)
          assert.isTrue(parsed.ok, text)
          const top = parsed.ok ? clauses(parsed.query) : []
          expect(
            top.filter((c) => c._tag === "Or").map((c) => c._tag === "Or" && c.clauses.length),
            text
          ).toEqual([2])
          expect(
            top.some((c) => c._tag === "Range" || c._tag === "Exists" || c._tag === "Not"),
            text
          ).toBe(true)
        }
        const withCursor = yield* Stream.runCollect(
          Users.streamWithCursor({ q, sort: "email:1" }).pipe(Stream.take(150))
        )
        const last = Chunk.unsafeLast(withCursor).cursor
        const rest = yield* Stream.runCount(Users.stream({ q, sort: "email:1", after: last }))
        expect(150 + rest).toBe(1400)
      }).pipe(Effect.provide(FakeAuth0.layer())),
    { timeout: 120_000 }
  )
})

describe("Users.stream's own bounds follow the same grammar", () => {
  it.effect("a sort key ending in a backslash is walked past (bare, escaped), every user once", () =>
    Effect.gen(function* () {
      const tenant = yield* FakeAuth0.Tenant
      const seeded = yield* tenant.seedUsers(
        Array.from({ length: 250 }, (_, i) => ({
          connection: DB,
          email: `u${i}@x.test`,
          nickname: i < 120 ? "a(b)*\\" : i < 200 ? `b${i % 7}\\\\` : `c"${i}`
        }))
      )
      const delivered = Chunk.toReadonlyArray(yield* Stream.runCollect(Users.stream({ sort: "nickname:1" }))).map(
        (u) => u.user_id
      )
      assert.strictEqual(new Set(delivered).size, delivered.length, "nobody twice")
      assert.deepStrictEqual([...delivered].sort(), seeded.map((u) => u.user_id).sort(), "everybody")
    }).pipe(Effect.provide(FakeAuth0.layer()))
  )

  it.effect("one that also holds a space cannot be a bound at all: a typed BadRequest, not a hang", () =>
    Effect.gen(function* () {
      const tenant = yield* FakeAuth0.Tenant
      yield* tenant.seedUsers(
        Array.from({ length: 150 }, (_, i) => ({ connection: DB, email: `u${i}@x.test`, nickname: "a b\\" }))
      )
      const error = yield* Effect.flip(Stream.runDrain(Users.stream({ sort: "nickname:1" })))
      expect(error).toMatchObject({ _tag: "BadRequest", status: 400, errorCode: "invalid_query_string" })
    }).pipe(Effect.provide(FakeAuth0.layer()))
  )
})
