import type * as Either from "effect/Either"
import type * as AST from "effect/SchemaAST"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"

/**
 * The key no decoded object may carry from the wire. `JSON.parse` makes it an
 * own data property, harmless; but Schema's record decoding copies keys by
 * assignment (`output[key] = value`), and assigning `__proto__` sets the
 * prototype: `{"__proto__":{"admin":true}}` would decode to an empty object
 * that answers `admin === true`.
 */
const PROTO = "__proto__"

/**
 * Index signature that keeps fields Auth0 adds later instead of dropping or
 * rejecting them; all but `__proto__`, which Auth0 has no field of and which
 * the record decoding would turn into the prototype. Its key schema refuses
 * it, and a refused key is skipped, not an error.
 */
export const Extra = Schema.Record({
  key: Schema.String.pipe(Schema.filter((key) => key !== PROTO)),
  value: Schema.Unknown
})

const isRecord = (u: unknown): u is object => typeof u === "object" && u !== null && !Array.isArray(u)

/**
 * A copy by definition, not by assignment, so every own key stays data
 * (`__proto__` included) and the copy's prototype is `Object.prototype`.
 */
const ownCopy = (u: object): Record => {
  const out: { [key: string]: unknown } = {}
  for (const key of Object.keys(u)) {
    Object.defineProperty(out, key, {
      value: (u as Record)[key],
      enumerable: true,
      writable: true,
      configurable: true
    })
  }
  return out
}

type Record = { readonly [key: string]: unknown }

const metadata = (u: unknown, ast: AST.AST): Either.Either<Record, ParseResult.ParseIssue> => {
  if (!isRecord(u)) return ParseResult.fail(new ParseResult.Type(ast, u))
  const proto: unknown = Object.getPrototypeOf(u)
  // What JSON.parse gives (every parsed answer) is kept as it is: its keys are already own data.
  return ParseResult.succeed(proto === Object.prototype || proto === null ? (u as Record) : ownCopy(u))
}

/**
 * Free-form metadata objects (`app_metadata`, `user_metadata`, an identity's
 * `profileData`): any JSON object, kept as sent. A `__proto__` key in it
 * stays an own data property, so `JSON.stringify` gives it back and nothing
 * reads through it; an object with another prototype is copied to a plain one.
 */
export const Metadata: Schema.Schema<Record> = Schema.declare<Record, Record, readonly []>(
  [],
  {
    decode: () => (u, _, ast) => metadata(u, ast),
    encode: () => (u, _, ast) => metadata(u, ast)
  },
  {
    identifier: "Metadata",
    description: "a JSON object",
    jsonSchema: { type: "object" },
    arbitrary: () => (fc) => fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 })),
    pretty: () => (value) => JSON.stringify(value),
    equivalence: () => (a, b) => JSON.stringify(a) === JSON.stringify(b)
  }
)

/** Some IdPs send `"true"` / `"false"` for booleans; accept both forms. */
export const LenientBoolean = Schema.Union(
  Schema.Boolean,
  Schema.transform(Schema.Literal("true", "false"), Schema.Boolean, {
    strict: true,
    decode: (s) => s === "true",
    encode: (b) => (b ? "true" : "false")
  })
)

/** An optional field Auth0 may also send as `null`. */
export const Nullable = <S extends Schema.Schema.Any>(schema: S) => Schema.optional(Schema.NullOr(schema))
