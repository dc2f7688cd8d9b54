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

type StructLike = Schema.Schema.AnyNoContext & {
  readonly fields: Schema.Struct.Fields
  readonly records: ReadonlyArray<unknown>
  readonly make: (props: never, options?: Schema.MakeOptions) => unknown
}

/**
 * A struct schema whose decoded type is the interface `A` declared from it. The struct's own type is
 * an anonymous object type, so every declaration that reached it through `Schema.Type` (an endpoint's
 * success, an operation's `Effect`) spelled all its fields out; typed as `Named`, the schema carries
 * the interface's name there instead (`Effect<User>`), and keeps `fields`, `records`, `make`,
 * `pick` and `omit`.
 */
export interface Named<S extends StructLike, A> extends Schema.AnnotableClass<
  Named<S, A>,
  A,
  Schema.Schema.Encoded<S>,
  never
> {
  readonly fields: S["fields"]
  readonly records: S["records"]
  readonly make: (props: Parameters<S["make"]>[0], options?: Schema.MakeOptions) => A
  /** The struct's own, on a struct without an index signature (whose schema has them). */
  readonly pick: S extends { readonly pick: infer Pick } ? Pick : never
  readonly omit: S extends { readonly omit: infer Omit } ? Omit : never
}

/** `schema` typed as `Named` (the same value); `A` must be its type under another name. */
export const named =
  <A>() =>
  <S extends StructLike>(schema: S & Schema.Schema<A, Schema.Schema.Encoded<S>>): Named<S, A> =>
    schema as unknown as Named<S, A>
