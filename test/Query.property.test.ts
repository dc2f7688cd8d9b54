/**
 * Hostile values through `Query`: a user seeded with the value in a field is found by
 * `Query.eq(field, value)` through `Users.list` against the fake tenant, and none of the decoys
 * (the value with a character dropped, a prefix of it, its escaped text, ...) is; and the text is
 * exactly what the escaping rules say, written here independently of the builder.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import * as fc from "fast-check"
import { Query, Users } from "../src/index.js"
import { FakeAuth0 } from "../src/testing/index.js"
import * as Search from "../src/testing/internal/search.js"

const DB = "Username-Password-Authentication"

/** Every class of character or word that means something to Lucene, and unicode beyond the BMP. */
const HOSTILE = [
  '"',
  "\\",
  "*",
  "?",
  ":",
  "(",
  ")",
  "AND",
  "OR",
  "NOT",
  " ",
  "\t",
  "+",
  "-",
  "&&",
  "||",
  "!",
  "{",
  "}",
  "[",
  "]",
  "^",
  "~",
  "/",
  "=",
  "<",
  ">",
  "|",
  ".",
  "é",
  "😀",
  "𝔘",
  "\u3000",
  "a",
  "Z",
  "0"
]

const hostile = fc.oneof(
  fc.array(fc.constantFrom(...HOSTILE), { maxLength: 8 }).map((pieces) => pieces.join("")),
  fc.constantFrom("", " ", " a", "a ", "AND", "OR", "NOT", "&&", "||", "\\", '"', "*", '\\"', "\\\\", '"\\'),
  fc.string({ unit: "grapheme", maxLength: 6 })
)

/** §5.3 rule 1, written out char by char: only `\` and `"` are escaped inside a phrase. */
const phrase = (value: string) => `"${[...value].map((c) => (c === "\\" || c === '"' ? `\\${c}` : c)).join("")}"`

/** §5.3 rule 2: every character of the union set, and whitespace, escaped in an unquoted term. */
const UNION = new Set([...'+-=&|!(){}[]^"~*?:\\/<>'])
const term = (value: string) => [...value].map((c) => (UNION.has(c) || /\s/.test(c) ? `\\${c}` : c)).join("")

interface Placement {
  readonly field: "email" | "name" | "user_metadata.x" | "app_metadata.x"
  /** Whether Auth0 (and the fake) compare the field ignoring case. */
  readonly folds: boolean
  /** A seed user holding `value`, or undefined where Auth0 cannot store it (spaces in an email, an empty name). */
  readonly user: (value: string, n: number) => Record<string, unknown> | undefined
  /** What `eq` is asked for: the whole stored value. */
  readonly stored: (value: string) => string
}

const localPart = (value: string) => value !== "" && !/[\s@]/.test(value)

const placements: ReadonlyArray<Placement> = [
  {
    field: "email",
    folds: true,
    user: (value, _n) => (localPart(value) ? { email: `${value}@q.test` } : undefined),
    stored: (value) => `${value}@q.test`
  },
  {
    field: "name",
    folds: true,
    // Auth0 refuses an empty name ("String is too short"); the empty string is searched for in metadata.
    user: (value, n) => (value === "" ? undefined : { email: `u${n}@q.test`, name: value }),
    stored: (v) => v
  },
  {
    field: "user_metadata.x",
    folds: false,
    user: (value, n) => ({ email: `u${n}@q.test`, user_metadata: { x: value } }),
    stored: (v) => v
  },
  {
    field: "app_metadata.x",
    folds: false,
    user: (value, n) => ({ email: `u${n}@q.test`, app_metadata: { x: value } }),
    stored: (v) => v
  }
]

/** Near misses: a character dropped (each end and the middle), a prefix, the escaped texts, padding. */
const decoys = (value: string): ReadonlyArray<string> => {
  const chars = [...value]
  const drop = (i: number) => chars.filter((_, k) => k !== i).join("")
  return [
    drop(0),
    drop(chars.length - 1),
    drop(Math.floor(chars.length / 2)),
    chars.slice(0, Math.ceil(chars.length / 2)).join(""),
    phrase(value).slice(1, -1),
    phrase(value),
    term(value),
    `${value} `,
    ` ${value}`,
    `${value}x`,
    `${value}*`
  ]
}

const findOnly = (placement: Placement, value: string) => {
  const fold = (s: string) => (placement.folds ? s.toLowerCase() : s)
  const target = placement.user(value, 0)
  if (target === undefined) return Effect.succeed(true)
  const others = [...new Set(decoys(value))]
    .filter((decoy) => fold(placement.stored(decoy)) !== fold(placement.stored(value)))
    .map((decoy, i) => placement.user(decoy, i + 1))
    .filter((user) => user !== undefined)
  // No two decoys may collide where the tenant refuses duplicates (emails, case-insensitively).
  const unique = [...new Map(others.map((u) => [String(u["email"]).toLowerCase(), u])).values()]
  return Effect.gen(function* () {
    const tenant = yield* FakeAuth0.Tenant
    const [seeded] = yield* tenant.seedUsers([target, ...unique].map((u) => ({ connection: DB, ...u })))
    const q = Query.eq(placement.field, placement.stored(value))
    const page = yield* Users.list({ q, per_page: 100 })
    assert.deepStrictEqual(
      page.users.map((u) => u.user_id),
      [seeded!.user_id],
      `${placement.field} = ${JSON.stringify(value)} via ${Query.render(q)}`
    )
    return true
  }).pipe(Effect.provide(FakeAuth0.layer()))
}

describe("Query.eq finds exactly the user holding a hostile value", () => {
  for (const placement of placements) {
    it.effect(`in ${placement.field}`, () =>
      Effect.promise(() =>
        fc.assert(
          fc.asyncProperty(hostile, (value) => Effect.runPromise(findOnly(placement, value))),
          { numRuns: 150 }
        )
      )
    )
  }

  it.effect("the empty string, spaces around a value, and operator words, every field", () =>
    Effect.forEach(
      placements.flatMap((placement) =>
        ["", " ", " a", "a ", "AND", "OR", "NOT", "a OR b", "NOT a", "(a)", "\\", '"'].map(
          (v) => [placement, v] as const
        )
      ),
      ([placement, value]) => findOnly(placement, value),
      { discard: true }
    )
  )
})

describe("the text is what the escaping rules say", () => {
  it('eq: the value as a phrase, only \\ and " escaped; the fake reads back the value', () =>
    fc.assert(
      fc.property(hostile, fc.constantFrom(...placements.map((p) => p.field)), (value, field) => {
        const text = Query.render(Query.eq(field, value))
        assert.strictEqual(text, `${field}:${phrase(value)}`)
        const parsed = Search.parse(text)
        assert.deepStrictEqual(parsed.ok && parsed.query, {
          _tag: "Match",
          field,
          value: { _tag: "Exact", text: value }
        })
      }),
      { numRuns: 1000 }
    ))

  it("prefix and wildcard: every special escaped, so the only wildcards are the builder's", () =>
    fc.assert(
      fc.property(hostile, hostile, (a, b) => {
        fc.pre(a !== "")
        const prefixed = Query.render(Either.getOrThrow(Query.prefix("name", a)))
        assert.strictEqual(prefixed, `name:${term(a)}*`)
        const parsedPrefix = Search.parse(prefixed)
        assert.deepStrictEqual(parsedPrefix.ok && parsedPrefix.query, {
          _tag: "Match",
          field: "name",
          value: { _tag: "Wildcard", parts: [a, ""] }
        })
        const infix = Query.wildcard("nickname", [a, b])
        assert.isTrue(Either.isRight(infix))
        const parsedInfix = Search.parse(Query.render(Either.getOrThrow(infix)))
        assert.deepStrictEqual(parsedInfix.ok && parsedInfix.query, {
          _tag: "Match",
          field: "nickname",
          value: { _tag: "Wildcard", parts: [a, b] }
        })
      }),
      { numRuns: 1000 }
    ))

  it("range: a text bound is a phrase the fake reads back, or a QueryError, never other text", () =>
    fc.assert(
      fc.property(hostile, hostile, (low, high) => {
        const result = Query.range("nickname", { gte: low, lt: high })
        if (low === "" || high === "" || low.includes("\\") || high.includes("\\")) {
          assert.isTrue(Either.isLeft(result))
          return
        }
        const text = Query.render(Either.getOrThrow(result))
        assert.strictEqual(text, `nickname:[${phrase(low)} TO ${phrase(high)}}`)
        const parsed = Search.parse(text)
        assert.deepStrictEqual(parsed.ok && parsed.query, {
          _tag: "Range",
          field: "nickname",
          lower: { value: low, inclusive: true },
          upper: { value: high, inclusive: false }
        })
      }),
      { numRuns: 1000 }
    ))

  it("field names: a metadata key of any characters reads back as itself", () =>
    fc.assert(
      fc.property(hostile, (key) => {
        fc.pre(key !== "" && !key.includes("."))
        const parsed = Search.parse(Query.render(Query.exists(`app_metadata.${key}`)))
        assert.deepStrictEqual(parsed.ok && parsed.query, { _tag: "Exists", field: `app_metadata.${key}` })
      }),
      { numRuns: 500 }
    ))
})
