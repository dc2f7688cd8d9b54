/**
 * Search queries for `Users.list` / `Users.stream` built from values, never from concatenated text:
 * whatever a value holds (`"`, `\`, `*`, `:`, `(`, `AND`, spaces, unicode, nothing), it is searched for
 * as itself. A `Query` renders to Auth0's user search (v3, Lucene) syntax with `Query.render`.
 *
 * Builders that cannot fail return a `Query`; those whose input Auth0 may refuse (`prefix`,
 * `wildcard`, `range`) return an `Either` that fails with `QueryError` (yield it in `Effect.gen`).
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"
import type { NonEmptyReadonlyArray } from "effect/Array"
import * as Schema from "effect/Schema"
import * as Build from "./internal/query/build.js"
import type * as Fields from "./internal/query/fields.js"
import * as Render from "./internal/query/render.js"

const TypeId: unique symbol = Symbol.for("effect-auth0/Query")

/**
 * A search query: a value, not a string. `String(query)` is its text, as `render` gives it.
 *
 * @since 0.1.0
 * @category models
 */
export interface Query {
  readonly [TypeId]: Render.Node
}

/**
 * A field user search can look in. `App` / `User` type `app_metadata` / `user_metadata`; with the
 * defaults any metadata key is allowed, with a type only its keys, nested ones as dotted paths.
 *
 * @example
 * ```ts
 * import { Query } from "effect-auth0"
 * const any: Query.Field = "app_metadata.anything"
 * const typed: Query.Field<{ plan: string; billing: { tier: number } }> = "app_metadata.billing.tier"
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Field<App = Record<string, unknown>, User = Record<string, unknown>> = Fields.Field<App, User>

/**
 * The fields Auth0 allows wildcards and ranges on: every `Field` but `user_metadata.*`.
 *
 * @since 0.1.0
 * @category models
 */
export type PatternField<App = Record<string, unknown>, User = Record<string, unknown>> = Fields.PatternField<App, User>

/**
 * What `eq` compares a field with: `string` for text and dates, `boolean` for flags, `number` for
 * `logins_count`, a metadata key's own type when it is a scalar, any scalar where the type is not known.
 *
 * @since 0.1.0
 * @category models
 */
export type ValueOf<F, App = Record<string, unknown>, User = Record<string, unknown>> = Fields.ValueOf<F, App, User>

/**
 * A range's ends: at most one lower (`gte` inclusive, `gt` exclusive) and one upper (`lte`, `lt`);
 * a missing end is open (`*`).
 *
 * @since 0.1.0
 * @category models
 */
export type Bounds<V> = (
  | { readonly gte: V; readonly gt?: never }
  | { readonly gt: V; readonly gte?: never }
  | { readonly gt?: never; readonly gte?: never }
) &
  (
    | { readonly lte: V; readonly lt?: never }
    | { readonly lt: V; readonly lte?: never }
    | { readonly lt?: never; readonly lte?: never }
  )

/**
 * A builder refused its input: a range bound that is an invalid `Date` or not an ISO date, a
 * leading wildcard with fewer than 3 literal characters, an empty prefix, ... It names the field and
 * the rule, never the value.
 *
 * @example
 * ```ts
 * import { Either } from "effect"
 * import { Query } from "effect-auth0"
 * const result = Query.range("created_at", { gte: new Date("not a date") })
 * if (Either.isLeft(result)) console.log(result.left.field, result.left.reason)
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class QueryError extends Schema.TaggedError<QueryError>("effect-auth0/QueryError")("QueryError", {
  field: Schema.String,
  reason: Schema.String
}) {
  override get message(): string {
    return `cannot search ${this.field}: ${this.reason}`
  }
}

const proto = {
  toString(this: Query) {
    return Render.render(this[TypeId])
  },
  toJSON(this: Query) {
    return Render.render(this[TypeId])
  }
}

const make = (node: Render.Node): Query => {
  const query = Object.create(proto) as { [TypeId]: Render.Node }
  query[TypeId] = node
  return query
}

const lift = (result: Either.Either<Render.Node, Build.Refused>): Either.Either<Query, QueryError> =>
  Either.mapBoth(result, { onLeft: (refused) => new QueryError(refused), onRight: make })

/**
 * The builders, for one pair of metadata types. The module's own functions are these with any
 * metadata key allowed; `typed` gives them restricted to a metadata type's keys.
 *
 * @since 0.1.0
 * @category models
 */
export interface Builders<App, User> {
  /** `field:"value"`: equal to the whole value (Auth0 does not tokenize), the value quoted and escaped. */
  readonly eq: <F extends Field<App, User>>(field: F, value: ValueOf<F, App, User>) => Query
  /** `field:("a" OR "b")`: equal to one of the values. */
  readonly oneOf: <F extends Field<App, User>>(field: F, values: NonEmptyReadonlyArray<ValueOf<F, App, User>>) => Query
  /** `field:value*`: starts with `value`, whose own `*`, `?`, spaces, ... are literal. */
  readonly prefix: <F extends PatternField<App, User>>(field: F, value: string) => Either.Either<Query, QueryError>
  /** `field:a*b*c`: the literal pieces in order, any text between; a leading `""` is a leading `*`. */
  readonly wildcard: <F extends PatternField<App, User>>(
    field: F,
    parts: readonly [string, string, ...Array<string>]
  ) => Either.Either<Query, QueryError>
  /** `field:[a TO b]`, `{a TO b}` or mixed, `*` for an open end. */
  readonly range: <F extends PatternField<App, User>>(
    field: F,
    bounds: Bounds<Fields.BoundOf<F, App, User>>
  ) => Either.Either<Query, QueryError>
  /** `_exists_:field`: the field holds something Auth0 indexes (not null, `[]` or `{}`). */
  readonly exists: (field: Field<App, User>) => Query
}

type Untyped = Builders<Record<string, unknown>, Record<string, unknown>>

const builders: Untyped = {
  eq: (field, value) => make({ _tag: "Eq", field, value: value as Fields.Scalar }),
  oneOf: (field, values) => make({ _tag: "OneOf", field, values: values as ReadonlyArray<Fields.Scalar> }),
  prefix: (field, value) => lift(Build.prefix(field, value)),
  wildcard: (field, parts) => lift(Build.wildcard(field, parts)),
  range: (field, bounds) => lift(Build.range(field, bounds as Build.RangeBounds)),
  exists: (field) => make({ _tag: "Exists", field })
}

/**
 * The builders with field names (and `eq` values) typed by your metadata: `App` for `app_metadata`,
 * `User` for `user_metadata`. Keys outside the types do not compile.
 *
 * @example
 * ```ts
 * import { Query } from "effect-auth0"
 * interface App { plan: "free" | "paid"; billing: { tier: number } }
 * interface Prefs { theme: string }
 * const Q = Query.typed<App, Prefs>()
 * const paid = Q.eq("app_metadata.plan", "paid")
 * const dark = Q.eq("user_metadata.theme", "dark")
 * const tier2 = Q.eq("app_metadata.billing.tier", 2)
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const typed = <App = Record<string, unknown>, User = Record<string, unknown>>(): Builders<App, User> =>
  // One set of functions serves every metadata type: the types only narrow what compiles.
  builders as unknown as Builders<App, User>

/**
 * `field:"value"`: the users whose field equals the whole value. The value is always quoted, with
 * only `\` and `"` escaped (Auth0's phrase grammar), so it cannot change the query's meaning.
 * Booleans and plain non-negative numbers are written bare (`email_verified:true`, `logins_count:0`).
 *
 * @example
 * ```ts
 * import { Query } from "effect-auth0"
 * Query.render(Query.eq("email", "jane+test@example.com")) // email:"jane+test@example.com"
 * Query.render(Query.eq("name", 'John "JJ" O\'Neil')) // name:"John \"JJ\" O'Neil"
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const eq: Untyped["eq"] = builders.eq

/**
 * `field:("a" OR "b")`: the users whose field equals one of the values (at least one, by type).
 *
 * @example
 * ```ts
 * import { Query } from "effect-auth0"
 * Query.render(Query.oneOf("user_id", ["auth0|a1", "google-oauth2|123"])) // user_id:("auth0|a1" OR "google-oauth2|123")
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const oneOf: Untyped["oneOf"] = builders.oneOf

/**
 * `field:value*`: the users whose field starts with `value`. Every special character of `value`
 * (`*`, `?`, `:`, spaces, ...) is escaped, so the trailing `*` is the only wildcard. An empty prefix
 * fails; `user_metadata` fields do not compile (Auth0 refuses wildcards there).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Query, Users } from "effect-auth0"
 * const program = Effect.gen(function* () {
 *   const q = yield* Query.prefix("name", "Mary Ann") // name:Mary\ Ann*
 *   return yield* Users.list({ q })
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const prefix: Untyped["prefix"] = builders.prefix

/**
 * A wildcard over literal pieces: `["jane", "smith"]` is `jane*smith`, `["", "usa"]` is `*usa`.
 * The pieces are escaped, so only the `*`s between them are wildcards. Auth0 needs at least 3
 * literal characters when the pattern starts with `*`; fewer fail with `QueryError`.
 *
 * @example
 * ```ts
 * import { Query } from "effect-auth0"
 * const endsWithUsa = Query.wildcard("name", ["", "usa"]) // Either.right of name:*usa
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const wildcard: Untyped["wildcard"] = builders.wildcard

/**
 * `field:[a TO b]` (inclusive `gte`/`lte`), `{a TO b}` (exclusive `gt`/`lt`), mixed, or open (`*`)
 * where an end is left out. Timestamps (`created_at`, `updated_at`, `last_login`,
 * `last_password_reset`) take a `Date` or an ISO string (`2025`, `2025-01`, `2025-01-31`,
 * `2025-01-31T10:00:00Z`); an invalid one fails with `QueryError`, as does a non-finite number.
 *
 * @example
 * ```ts
 * import { Query } from "effect-auth0"
 * Query.range("created_at", { gte: "2025-01-01", lte: "2025-12-31" }) // created_at:[2025-01-01 TO 2025-12-31]
 * Query.range("logins_count", { gt: 100 }) // logins_count:{100 TO *]
 * Query.range("last_login", { lt: new Date("2024-06-01T00:00:00Z") }) // last_login:[* TO 2024-06-01T00:00:00.000Z}
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const range: Untyped["range"] = builders.range

/**
 * `_exists_:field`: the users whose field holds a value Auth0 indexes (null, `[]` and `{}` are not).
 *
 * @example
 * ```ts
 * import { Query } from "effect-auth0"
 * const neverLoggedIn = Query.or([Query.not(Query.exists("logins_count")), Query.eq("logins_count", 0)])
 * // (NOT _exists_:logins_count OR logins_count:0)
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const exists: Untyped["exists"] = builders.exists

/**
 * `NOT query`: the users `query` does not match. Alone it is a query of its own (`NOT _exists_:x`);
 * a compound operand is parenthesised (`NOT (a AND b)`, `NOT (NOT a)`).
 *
 * @example
 * ```ts
 * import { Query } from "effect-auth0"
 * const unblocked = Query.not(Query.eq("blocked", true)) // NOT blocked:true
 * ```
 *
 * @since 0.1.0
 * @category combinators
 */
export const not = (query: Query): Query => make({ _tag: "Not", clause: query[TypeId] })

/**
 * Every query matches: `a AND b AND …`, a nested `and` parenthesised (Lucene has no real
 * precedence). At least one query, by type: with a list that may be empty, decide what no
 * condition means first (`Array.match`). One query is itself.
 *
 * @example
 * ```ts
 * import { Query } from "effect-auth0"
 * const q = Query.and([Query.eq("email.domain", "example.com"), Query.eq("email_verified", false)])
 * // email.domain:"example.com" AND email_verified:false
 * ```
 *
 * @since 0.1.0
 * @category combinators
 */
export const and = (queries: NonEmptyReadonlyArray<Query>): Query =>
  queries.length === 1 ? queries[0] : make({ _tag: "And", clauses: queries.map((q) => q[TypeId]) })

/**
 * At least one query matches: `(a OR b OR …)`, always in parentheses so that whatever it is and-ed
 * with (a stream's own ranges, another clause) applies to all of it. At least one query, by type;
 * one query is itself.
 *
 * @example
 * ```ts
 * import { Query } from "effect-auth0"
 * const q = Query.or([Query.eq("email.domain", "a.test"), Query.eq("email.domain", "b.test")])
 * // (email.domain:"a.test" OR email.domain:"b.test")
 * ```
 *
 * @since 0.1.0
 * @category combinators
 */
export const or = (queries: NonEmptyReadonlyArray<Query>): Query =>
  queries.length === 1 ? queries[0] : make({ _tag: "Or", clauses: queries.map((q) => q[TypeId]) })

/**
 * The query's text in Auth0's user search (v3) syntax, as sent as `q`.
 *
 * @example
 * ```ts
 * import { Query } from "effect-auth0"
 * Query.render(Query.eq("app_metadata.path", "C:\\tmp")) // app_metadata.path:"C:\\tmp"
 * ```
 *
 * @since 0.1.0
 * @category rendering
 */
export const render = (query: Query): string => Render.render(query[TypeId])

/**
 * Whether `u` is a `Query`.
 *
 * @example
 * ```ts
 * import { Query } from "effect-auth0"
 * Query.isQuery(Query.exists("email")) // true
 * Query.isQuery('email:"a@b.c"') // false
 * ```
 *
 * @since 0.1.0
 * @category guards
 */
export const isQuery = (u: unknown): u is Query => typeof u === "object" && u !== null && TypeId in u
