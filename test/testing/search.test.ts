import { describe, expect, it } from "vitest"
import * as fc from "fast-check"
import { compareBy, matches, parse, project, type Query } from "../../src/testing/internal/search.js"

type User = Record<string, unknown>

const jane: User = {
  user_id: "auth0|123",
  email: "Jane@ExampleCo.com",
  email_verified: false,
  name: "Jane Smith",
  given_name: "Jane",
  family_name: "Smith",
  nickname: "jane",
  logins_count: 0,
  created_at: "2017-12-15T10:00:00.000Z",
  last_login: "2017-12-31T23:00:00.000Z",
  identities: [{ connection: "Username-Password-Authentication", provider: "auth0", user_id: "123" }],
  app_metadata: { subscription: { plan: "gold" }, roles: ["admin", "editor"] },
  user_metadata: { addresses: [{ city: "Paris" }, { city: "Lyon" }], fav_color: "blue" }
}

const john: User = {
  user_id: "google-oauth2|456",
  email: "john.doe@gmail.com",
  email_verified: true,
  name: "John Doe",
  nickname: "johnny",
  logins_count: 150,
  created_at: "2018-01-02T08:00:00.000Z",
  last_login: "2018-03-01T00:00:00.000Z",
  identities: [{ connection: "google-oauth2", provider: "google-oauth2", user_id: "456" }],
  app_metadata: { subscription: { plan: "Gold" }, roles: [] },
  user_metadata: { addresses: [{ city: "paris" }], fav_color: null }
}

const chuck: User = {
  user_id: "auth0|998",
  email: "chuck904@example.com",
  username: "test-user998",
  name: "Chuck from USA",
  logins_count: 100,
  created_at: "2017-01-20T00:00:00.000Z",
  last_login: "2017-12-31T09:15:00.000Z",
  identities: [{ connection: "Username-Password-Authentication" }],
  app_metadata: {},
  user_metadata: { fav_color: {} }
}

const johnson: User = {
  user_id: "auth0|777",
  email: "b@x.com",
  name: "Littlejohnson",
  logins_count: 101,
  created_at: "2019-06-01T00:00:00.000Z"
}

const users: Record<string, User> = { jane, john, chuck, johnson }

const parsed = (q: string): Query => {
  const result = parse(q)
  if (!result.ok) throw new Error(`expected ${q} to parse: ${result.error}`)
  return result.query
}

/** Names of the sample users matched by `q`, in declaration order. */
const search = (q: string): Array<string> => {
  const query = parsed(q)
  return Object.entries(users)
    .filter(([, user]) => matches(query, user))
    .map(([name]) => name)
}

const parseError = (q: string): string => {
  const result = parse(q)
  if (result.ok) throw new Error(`expected ${q} to be rejected, got ${JSON.stringify(result.query)}`)
  return result.error
}

describe("documented examples", () => {
  it("existence and booleans", () => {
    expect(search("(NOT _exists_:logins_count OR logins_count:0)")).toEqual(["jane"])
    expect(search("email_verified:false OR NOT _exists_:email_verified")).toEqual(["jane", "chuck", "johnson"])
    expect(search("email_verified:true")).toEqual(["john"])
  })

  it("_exists_ ignores null, empty objects and empty arrays", () => {
    expect(search("_exists_:user_metadata.fav_color")).toEqual(["jane"])
    expect(search("_exists_:app_metadata")).toEqual(["jane", "john"])
    expect(search("_exists_:app_metadata.roles")).toEqual(["jane"])
    expect(search("_exists_:username")).toEqual(["chuck"])
  })

  it("dotted paths into objects and arrays", () => {
    expect(search('identities.connection:"google-oauth2"')).toEqual(["john"])
    expect(search('app_metadata.subscription.plan:"gold"')).toEqual(["jane"])
    expect(search('user_metadata.addresses.city:"Paris"')).toEqual(["jane"])
    expect(search("app_metadata.roles:admin")).toEqual(["jane"])
    expect(search("app_metadata.roles:admi")).toEqual([])
  })

  it("email.domain is the part after @, case-insensitive", () => {
    expect(search('email.domain:"exampleco.com"')).toEqual(["jane"])
    expect(search("email.domain:EXAMPLE.com")).toEqual(["chuck"])
    expect(search("email.domain:example*")).toEqual(["jane", "chuck"])
  })

  it("exact phrases and escaped spaces", () => {
    expect(search('name:"jane smith"')).toEqual(["jane"])
    expect(search('name:"jane"')).toEqual([])
    expect(search("name:John\\ Doe")).toEqual(["john"])
    expect(search('username:"test-user998"')).toEqual(["chuck"])
    expect(search('email:"chuck904@example.com"')).toEqual(["chuck"])
  })

  it("wildcards", () => {
    expect(search("name:john*")).toEqual(["john"])
    expect(search("name:*john*")).toEqual(["john", "johnson"])
    expect(search("name:jane*smith")).toEqual(["jane"])
    expect(search("name:*usa")).toEqual(["chuck"])
    expect(search("name:j*")).toEqual(["jane", "john"])
    expect(search("name:*smith")).toEqual(["jane"])
    expect(search("name:jan**ith")).toEqual(["jane"])
    expect(parseError("name:*sa")).toMatch(/^Query validation error: .*leading wildcard/)
    expect(parseError("name:*")).toMatch(/^Query validation error:/)
    expect(parseError("user_metadata.fav_color:bl*")).toMatch(/user_metadata/)
  })

  it("wildcard pieces may not overlap the prefix or suffix", () => {
    expect(matches(parsed("nickname:a*bc*cd"), { nickname: "abcd" })).toBe(false)
    expect(matches(parsed("nickname:a*bc*cd"), { nickname: "abccd" })).toBe(true)
    expect(matches(parsed("nickname:ab*ba"), { nickname: "aba" })).toBe(false)
  })

  it("? is a literal character, not a wildcard", () => {
    expect(search("name:jan?\\ smith")).toEqual([])
    expect(matches(parsed("nickname:what?"), { nickname: "what?" })).toBe(true)
  })

  it("values are not tokenized", () => {
    expect(search("user_id:auth0")).toEqual([])
    expect(search("user_id:auth0*")).toEqual(["jane", "chuck", "johnson"])
    expect(search('user_id:"auth0|123"')).toEqual(["jane"])
    expect(search("name:jane")).toEqual([])
  })

  it("ranges", () => {
    expect(search("logins_count:{100 TO *]")).toEqual(["john", "johnson"])
    expect(search("logins_count:[100 TO *]")).toEqual(["john", "chuck", "johnson"])
    expect(search("logins_count:[100 TO 150}")).toEqual(["chuck", "johnson"])
    expect(search("logins_count:[* TO *]")).toEqual(["jane", "john", "chuck", "johnson"])
    expect(search("last_login:[* TO 2017-12-31]")).toEqual(["jane", "chuck"])
    expect(search("last_login:[* TO 2017-12-31T10:00]")).toEqual(["chuck"])
    expect(search("last_login:[* TO 2017-12-31}")).toEqual([])
    expect(search("created_at:[2017-01 TO 2017-12]")).toEqual(["jane", "chuck"])
    expect(search("created_at:{2017-01 TO 2018]")).toEqual(["jane", "john"])
    expect(search('created_at:["2018" TO *]')).toEqual(["john", "johnson"])
    expect(search("name:[a TO d]")).toEqual(["chuck"])
    expect(parseError("user_metadata.age:[1 TO 5]")).toMatch(/user_metadata/)
    expect(parseError("[1 TO 5]")).toMatch(/needs a field/)
  })

  it("numbers compare numerically, not as strings", () => {
    expect(search("logins_count:[9 TO 100]")).toEqual(["chuck"])
    expect(search("logins_count:100")).toEqual(["chuck"])
    expect(search('logins_count:"100"')).toEqual(["chuck"])
    expect(search("logins_count:100.0")).toEqual(["chuck"])
  })

  it("field groups", () => {
    expect(search('email:("jane@exampleco.com" OR "b@x.com")')).toEqual(["jane", "johnson"])
    expect(search("email:(jane@exampleco.com b@x.com)")).toEqual([])
    expect(search("logins_count:([* TO 0] OR 150)")).toEqual(["jane", "john"])
    expect(search("email:(NOT b@x.com)")).toEqual(["jane", "john", "chuck"])
    expect(parseError("email:(name:x)")).toMatch(/^Query validation error:/)
  })

  it("case rules: profile fields case-insensitive, the rest case-sensitive", () => {
    expect(search("email:JANE@exampleco.COM")).toEqual(["jane"])
    expect(search("nickname:JANE")).toEqual(["jane"])
    expect(search("app_metadata.subscription.plan:Gold")).toEqual(["john"])
    expect(search("user_metadata.addresses.city:paris")).toEqual(["john"])
    expect(search("user_id:AUTH0|123")).toEqual([])
    expect(search("username:TEST-user998")).toEqual([])
  })

  it("bare terms search profile fields but never metadata", () => {
    expect(search("johnny")).toEqual(["john"])
    expect(search('"JOHN DOE"')).toEqual(["john"])
    expect(search("auth0|123")).toEqual(["jane"])
    expect(search("test-user998")).toEqual(["chuck"])
    expect(search("Paris")).toEqual([])
    expect(search("gold")).toEqual([])
    expect(search("john*")).toEqual(["john"])
  })

  it("operators, precedence and implicit AND", () => {
    // NOT > AND > OR
    expect(search("name:john* OR name:jane* AND logins_count:5")).toEqual(["john"])
    expect(search("(name:john* OR name:jane*) AND logins_count:0")).toEqual(["jane"])
    expect(search("NOT name:john* AND NOT name:jane*")).toEqual(["chuck", "johnson"])
    // adjacent clauses are ANDed
    expect(search("name:j* logins_count:0")).toEqual(["jane"])
    expect(search("name:j* NOT logins_count:0")).toEqual(["john"])
    // lower-case operators are ordinary terms
    expect(search("johnny or jane")).toEqual([])
  })

  it("rejects malformed queries in Auth0 style", () => {
    for (const q of [
      "",
      "   ",
      "()",
      "(name:x",
      "name:x)",
      'name:"unterminated',
      "name:x AND",
      "OR name:x",
      "name:x OR OR name:y",
      "NOT",
      "name:",
      "name: AND x",
      ":x",
      "name:[1 TO",
      "name:[1 2]",
      "name:[1 TO 2 TO 3]",
      "logins_count:[1 TO [2 TO 3]]",
      "]",
      "a && b",
      "a || b",
      "a\\",
      "_exists_:",
      "_exists_:a*",
      "app..x:1",
      "na*me:x",
      '""'
    ]) {
      expect(parseError(q), q).toMatch(/^Query validation error: '.+'/)
    }
  })

  it("follows Lucene classic's lexer, not a looser one", () => {
    for (const q of [
      'name:"a"b"',
      'name:"a"b',
      'name:ab"c"',
      'name:"a""b"',
      'name:"a\\"',
      "name:a:b",
      "name:a\\",
      "name:a^2",
      "name:a~",
      'name:"a b"~2',
      "name:!a",
      "!name:a",
      "name:/a.*/",
      "+name:a",
      "-name:a",
      "name:x -y",
      'created_at:["2017\\" TO *]',
      'nickname:["a\\\\" TO "b"]',
      'created_at:["" TO *]'
    ]) {
      expect(parseError(q), q).toMatch(/^Query validation error: '.+'/)
    }
    // escaped, every one of them is a literal character
    const odd = 'a"b:c^d~e!f/g+h-i\\j*k?l(m)n[o]p{q}r s'
    const escaped = odd.replace(/[\\"^~!/+\-:*?()[\]{} ]/g, "\\$&")
    expect(matches(parsed(`nickname:${escaped}`), { nickname: odd })).toBe(true)
    expect(matches(parsed(`nickname:${escaped}`), { nickname: odd.replace("*", "") })).toBe(false)
    expect(matches(parsed('nickname:"a\\"b\\\\c"'), { nickname: 'a"b\\c' })).toBe(true)
    // a quoted range bound keeps an inner backslash and an escaped quote
    expect(matches(parsed('nickname:["a\\\\b" TO "a\\\\b"]'), { nickname: "a\\b" })).toBe(true)
    expect(matches(parsed('nickname:["a\\b" TO "a\\b"]'), { nickname: "ab" })).toBe(true)
    expect(matches(parsed('nickname:["a\\"b" TO *]'), { nickname: 'a"c' })).toBe(true)
    // what stays accepted
    expect(search("logins_count:-1")).toEqual([])
    expect(matches(parsed("user_id:-*"), { user_id: "-x" })).toBe(true)
    expect(matches(parsed("nickname:a-b+c"), { nickname: "a-b+c" })).toBe(true)
  })

  it("guards against pathological input", () => {
    expect(parseError("a".repeat(4097))).toMatch(/longer than 4096/)
    expect(parse("a".repeat(4096)).ok).toBe(true)
    expect(parseError("(".repeat(60) + "a" + ")".repeat(60))).toMatch(/nested/)
    expect(parse("(".repeat(50) + "a" + ")".repeat(50)).ok).toBe(true)
    expect(parseError("NOT ".repeat(1000) + "a")).toMatch(/nested/)
    expect(parse("a OR ".repeat(800) + "a").ok).toBe(true)
  })

  it("paths never reach the prototype", () => {
    for (const q of ["_exists_:constructor", "_exists_:__proto__", "_exists_:toString", "email.length:18"]) {
      expect(search(q), q).toEqual([])
    }
  })
})

describe("compareBy", () => {
  const ids = (list: ReadonlyArray<User>) => list.map((user) => user["user_id"])

  it("sorts ascending and descending", () => {
    const byCreated = compareBy("created_at:1")
    if (!byCreated.ok) throw new Error(byCreated.error)
    expect(ids([jane, john, chuck, johnson].sort(byCreated.compare))).toEqual([
      "auth0|998",
      "auth0|123",
      "google-oauth2|456",
      "auth0|777"
    ])
    const byEmail = compareBy("email:-1")
    if (!byEmail.ok) throw new Error(byEmail.error)
    // case-insensitive field: "Jane@..." sorts as "jane@..."
    expect(ids([jane, john, chuck, johnson].sort(byEmail.compare))).toEqual([
      "google-oauth2|456",
      "auth0|123",
      "auth0|998",
      "auth0|777"
    ])
  })

  it("sorts numbers numerically and puts missing values last in both directions", () => {
    const noCount: User = { user_id: "none" }
    for (const [sort, expected] of [
      ["logins_count:1", ["auth0|123", "auth0|998", "auth0|777", "google-oauth2|456", "none"]],
      ["logins_count:-1", ["google-oauth2|456", "auth0|777", "auth0|998", "auth0|123", "none"]]
    ] as const) {
      const result = compareBy(sort)
      if (!result.ok) throw new Error(result.error)
      expect(ids([noCount, john, jane, johnson, chuck].sort(result.compare))).toEqual(expected)
    }
  })

  it("rejects metadata fields and malformed sorts", () => {
    for (const sort of [
      "app_metadata.plan:1",
      "user_metadata.age:-1",
      "app_metadata:1",
      "created_at",
      "created_at:2",
      "created_at:asc",
      ":1",
      "a..b:1"
    ]) {
      const result = compareBy(sort)
      expect(result.ok, sort).toBe(false)
    }
  })
})

describe("project", () => {
  it("include_fields=true keeps the listed fields and always user_id", () => {
    expect(project(jane, ["email", "name", "missing"], true)).toEqual({
      user_id: "auth0|123",
      email: "Jane@ExampleCo.com",
      name: "Jane Smith"
    })
  })

  it("include_fields=false drops the listed fields", () => {
    const result = project(jane, ["identities", "app_metadata", "user_metadata"], false)
    expect(Object.keys(result)).not.toContain("identities")
    expect(Object.keys(result)).not.toContain("app_metadata")
    expect(result["email"]).toBe("Jane@ExampleCo.com")
    expect(result["user_id"]).toBe("auth0|123")
  })

  it("an empty field list is no projection, and the input is never mutated", () => {
    const copy = structuredClone(jane)
    expect(project(jane, [], true)).toEqual(jane)
    expect(project(jane, [], false)).toEqual(jane)
    expect(project(jane, ["email"], false)).not.toBe(jane)
    expect(jane).toEqual(copy)
  })
})

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

const isResult = (result: ReturnType<typeof parse>) =>
  result.ok ? typeof result.query === "object" : /^Query validation error: /.test(result.error)

/** No input may reach the parser's "this is a bug" branch. */
const noInternalError = (result: ReturnType<typeof parse>) => result.ok || !result.error.includes("internal")

const queryishToken = fc.constantFrom(
  "(",
  ")",
  '"',
  ":",
  "AND",
  "OR",
  "NOT",
  "*",
  "[",
  "{",
  "TO",
  "]",
  "}",
  "\\",
  " ",
  "email",
  "name",
  "_exists_",
  "user_metadata.x",
  "app_metadata.roles",
  "logins_count",
  "jo",
  "john",
  "2017-12",
  "&&",
  "?",
  "."
)
const queryishString = fc
  .tuple(fc.array(queryishToken, { maxLength: 30 }), fc.boolean())
  .map(([tokens, spaced]) => tokens.join(spaced ? " " : ""))

const field = fc.constantFrom(
  "email",
  "name",
  "nickname",
  "user_id",
  "username",
  "logins_count",
  "created_at",
  "email_verified",
  "email.domain",
  "identities.connection",
  "app_metadata.roles",
  "app_metadata.plan",
  "__proto__",
  "constructor",
  "a"
)
const word = fc.constantFrom("john", "a", "0", "5", "true", "false", "2017-12", "x@y.com", "constructor", "-1.5")
const escapePhrase = (value: string) => value.replace(/[\\"]/g, "\\$&")

/** Well-formed queries (every generated string must parse), exercising every AST node. */
const { query: wellFormedQuery } = fc.letrec<{ query: string; leaf: string }>((tie) => ({
  leaf: fc.oneof(
    fc.tuple(field, word).map(([f, w]) => `${f}:${w}`),
    fc.tuple(field, fc.string()).map(([f, s]) => `${f}:"${escapePhrase(s)}"`),
    fc.tuple(field, word, word).map(([f, a, b]) => `${f}:${a}*${b}`),
    fc
      .tuple(field, fc.constantFrom("[", "{"), word, word, fc.constantFrom("]", "}"))
      .map(([f, open, a, b, close]) => `${f}:${open}${a} TO ${b}${close}`),
    fc.tuple(field, word).map(([f, a]) => `${f}:[${a} TO *]`),
    field.map((f) => `_exists_:${f}`),
    fc.constantFrom("user_metadata.x:1", 'user_metadata.addresses.city:"Paris"'),
    word
  ),
  query: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    tie("leaf"),
    fc.tuple(tie("query"), fc.constantFrom(" AND ", " OR ", " "), tie("query")).map(([a, op, b]) => `${a}${op}${b}`),
    tie("query").map((q) => `NOT ${q}`),
    tie("query").map((q) => `(${q})`),
    fc.tuple(field, word, word).map(([f, a, b]) => `${f}:(${a} OR "${b}")`)
  )
}))

const jsonUser: fc.Arbitrary<User> = fc.oneof(
  fc.object(),
  fc.dictionary(fc.string(), fc.jsonValue()),
  fc.record(
    {
      user_id: fc.oneof(fc.string(), fc.jsonValue()),
      email: fc.oneof(fc.constantFrom("x@y.com", "X@Y.COM", "john"), fc.jsonValue()),
      name: fc.oneof(fc.constantFrom("john", "John Doe", "a"), fc.jsonValue()),
      logins_count: fc.oneof(fc.integer({ min: -10, max: 10 }), fc.jsonValue()),
      created_at: fc.oneof(fc.constantFrom("2017-12-01T00:00:00Z", "2016-01"), fc.jsonValue()),
      identities: fc.array(fc.record({ connection: fc.oneof(fc.string(), fc.jsonValue()) })),
      app_metadata: fc.oneof(fc.record({ roles: fc.array(word), plan: word }), fc.jsonValue()),
      constructor: fc.jsonValue()
    },
    { requiredKeys: [] }
  )
)

describe("properties", () => {
  it("parse is total on arbitrary strings", () => {
    const total = (q: string) => {
      const result = parse(q)
      expect(isResult(result)).toBe(true)
      expect(noInternalError(result)).toBe(true)
    }
    fc.assert(fc.property(fc.string(), total), { numRuns: 500 })
    fc.assert(fc.property(fc.string({ unit: "binary" }), total), { numRuns: 500 })
    fc.assert(fc.property(fc.string({ unit: "grapheme", maxLength: 200 }), total), { numRuns: 200 })
    fc.assert(fc.property(queryishString, total), { numRuns: 3000 })
  })

  it("every generated well-formed query parses", () => {
    fc.assert(
      fc.property(wellFormedQuery, (q) => {
        fc.pre(q.length <= 4096)
        const result = parse(q)
        expect(result.ok ? "ok" : result.error).toBe("ok")
      }),
      { numRuns: 1000 }
    )
  })

  it("matches is total on parsed queries and random JSON users", () => {
    const parsedQuery = fc
      .oneof(wellFormedQuery, queryishString)
      .map((q) => parse(q))
      .filter((result) => result.ok)
      .map((result) => (result.ok ? result.query : (undefined as never)))
    fc.assert(
      fc.property(parsedQuery, jsonUser, (query, user) => {
        expect(typeof matches(query, user)).toBe("boolean")
      }),
      { numRuns: 2000 }
    )
  })

  it("NOT, AND and OR behave as boolean connectives", () => {
    const leaf = wellFormedQuery.filter((q) => parse(q).ok)
    fc.assert(
      fc.property(leaf, leaf, jsonUser, (a, b, user) => {
        const qa = parsed(a)
        const qb = parsed(b)
        const ma = matches(qa, user)
        const mb = matches(qb, user)
        expect(matches(parsed(`NOT (${a})`), user)).toBe(!ma)
        expect(matches(parsed(`(${a}) AND (${b})`), user)).toBe(ma && mb)
        expect(matches(parsed(`(${a}) (${b})`), user)).toBe(ma && mb)
        expect(matches(parsed(`(${a}) OR (${b})`), user)).toBe(ma || mb)
      }),
      { numRuns: 300 }
    )
  })

  it('email:"<value>" matches exactly the users whose email equals value, ignoring case', () => {
    const email = fc.oneof(fc.string(), fc.string({ unit: "binary" }), fc.constantFrom('a"b@x.com', "a\\b", "*", ""))
    fc.assert(
      fc.property(
        fc.array(email, { minLength: 1, maxLength: 8 }),
        fc.nat(),
        fc.boolean(),
        fc.constantFrom("upper", "lower", "same"),
        (emails, pick, fromUsers, casing) => {
          const base = fromUsers ? emails[pick % emails.length]! : (emails[0] ?? "") + "x"
          const value = casing === "upper" ? base.toUpperCase() : casing === "lower" ? base.toLowerCase() : base
          const query = parsed(`email:"${escapePhrase(value)}"`)
          for (const e of emails) {
            expect(matches(query, { email: e })).toBe(e.toLowerCase() === value.toLowerCase())
          }
        }
      ),
      { numRuns: 1000 }
    )
  })

  it("wildcard search agrees with an equivalent regular expression", () => {
    // A two-letter alphabet and short strings make overlapping pieces (`ab*ba` vs "aba") common.
    const letters = (maxLength: number) => fc.string({ unit: fc.constantFrom("a", "b"), maxLength })
    fc.assert(
      fc.property(letters(6), fc.array(letters(3), { minLength: 2, maxLength: 4 }), (nickname, parts) => {
        fc.pre(parts[0] !== "" || parts.join("").length >= 3)
        const regex = new RegExp(`^${parts.join(".*")}$`)
        expect(matches(parsed(`nickname:${parts.join("*")}`), { nickname })).toBe(regex.test(nickname))
      }),
      { numRuns: 2000 }
    )
  })

  it("wildcard prefix search agrees with startsWith (case-sensitive field)", () => {
    const safe = fc.string({ unit: fc.constantFrom("a", "b", "A", "|", "-", "0") })
    fc.assert(
      fc.property(safe, safe, (id, prefix) => {
        fc.pre(prefix.length > 0)
        expect(matches(parsed(`user_id:${prefix}*`), { user_id: id })).toBe(id.startsWith(prefix))
      }),
      { numRuns: 500 }
    )
  })
})
