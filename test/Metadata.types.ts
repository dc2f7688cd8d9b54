/**
 * Type tests of typed metadata, checked by `tsc` (npm run check), never run:
 * a program as a user writes it, the bodies that must not compile (a wrong
 * key, a wrong type, deleting a required key), `null` deleting an optional
 * one, `keep` forcing the undecoded case to be handled, and the untyped API's
 * types unchanged.
 */
import { expectTypeOf } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import type { Auth0Error, Auth0Http, User } from "../src/index.js"
import { Users } from "../src/index.js"

const App = Schema.Struct({
  plan: Schema.Literal("free", "pro"),
  trial_ends: Schema.optional(Schema.Date),
  seats: Schema.optional(Schema.Number)
})
const Prefs = Schema.Struct({ theme: Schema.optional(Schema.Literal("light", "dark")) })

const Acme = Users.withMetadata({ app: App, user: Prefs })
const Kept = Users.withMetadata({ app: App, onInvalid: "keep" })

// A program as a user writes it: reads are typed, no casts.
export const program = Effect.gen(function* () {
  const user = yield* Acme.get("auth0|1")
  expectTypeOf(user.app_metadata).toEqualTypeOf<typeof App.Type | undefined>()
  expectTypeOf(user.user_metadata).toEqualTypeOf<typeof Prefs.Type | undefined>()
  const ends: Date | undefined = user.app_metadata?.trial_ends
  // The other fields of a user keep their types.
  expectTypeOf(user.user_id).toEqualTypeOf<string>()
  expectTypeOf(user.email).toEqualTypeOf<string | undefined>()
  yield* Acme.update(user.user_id, { app_metadata: { plan: "pro", trial_ends: null }, blocked: false })
  const page = yield* Acme.list({ q: 'app_metadata.plan:"free"' })
  const plans: ReadonlyArray<"free" | "pro" | undefined> = page.users.map((u) => u.app_metadata?.plan)
  return { ends, plans }
})

// Update bodies: partial, `null` deletes an optional key.
export const partial = Acme.update("auth0|1", { app_metadata: { seats: 2 } })
export const deletes = Acme.update("auth0|1", { app_metadata: { trial_ends: null, seats: null } })
export const withDate = Acme.update("auth0|1", { app_metadata: { trial_ends: new Date() } })
// @ts-expect-error a key the schema does not name
export const wrongKey = Acme.update("auth0|1", { app_metadata: { plann: "pro" } })
// @ts-expect-error a value of the wrong type
export const wrongType = Acme.update("auth0|1", { app_metadata: { plan: "gold" } })
// @ts-expect-error a Date field takes a Date, not its encoded string
export const encodedValue = Acme.update("auth0|1", { app_metadata: { trial_ends: "2026-01-01T00:00:00Z" } })
// @ts-expect-error deleting a key the schema requires would leave a user that no longer decodes
export const deleteRequired = Acme.update("auth0|1", { app_metadata: { plan: null } })
// @ts-expect-error user_metadata has its own schema
export const wrongSide = Acme.update("auth0|1", { user_metadata: { plan: "pro" } })

// Create bodies: the whole metadata, required keys required.
export const created = Acme.create("Username-Password-Authentication", {
  email: "a@example.com",
  app_metadata: { plan: "free", trial_ends: new Date() }
})
// @ts-expect-error `plan` is required on create
export const missingRequired = Acme.create("db", { app_metadata: { seats: 1 } })
// @ts-expect-error null deletes on update only
export const nullOnCreate = Acme.create("db", { app_metadata: { plan: "free", seats: null } })

// Streams and the export deliver typed users too.
export const streamed: Stream.Stream<"free" | "pro" | undefined, unknown, Auth0Http.Auth0Http> = Acme.stream({
  q: 'email.domain:"example.com"'
}).pipe(Stream.map((u) => u.app_metadata?.plan))
export const exported = Acme.export({ fields: ["email", "app_metadata"] }).pipe(
  Stream.map((u) => u.app_metadata?.trial_ends)
)
expectTypeOf(exported).toEqualTypeOf<
  Stream.Stream<Date | undefined, Auth0Error.Common | Auth0Error.ExportFailed, Auth0Http.Auth0Http>
>()

// keep: a user may be undecoded, and nothing typed can be read without handling that.
export const kept = Effect.gen(function* () {
  const result = yield* Kept.get("auth0|1")
  // @ts-expect-error an Either, not a user
  void result.app_metadata
  return Either.match(result, {
    onLeft: (undecoded) => {
      expectTypeOf(undecoded.invalid).toEqualTypeOf<ReadonlyArray<string>>()
      // The raw user, its metadata untyped.
      expectTypeOf(undecoded.user.app_metadata).toEqualTypeOf<Readonly<Record<string, unknown>> | undefined>()
      return undefined
    },
    onRight: (user) => user.app_metadata?.plan
  })
})
// With only `app` given, user_metadata stays untyped.
export const onlyApp = Effect.map(Kept.stream().pipe(Stream.runHead), (head) => head)
expectTypeOf<Users.UserMetadataOf<{ readonly app: typeof App }>>().toEqualTypeOf<Readonly<Record<string, unknown>>>()
expectTypeOf<Users.AppMetadataOf<{ readonly app: typeof App }>>().toEqualTypeOf<typeof App.Type>()

// Errors: the untyped operation's own (a decode failure is a DecodeError, among the common ones).
expectTypeOf(Acme.get("auth0|1")).toEqualTypeOf<
  Effect.Effect<Users.TypedUser<typeof App.Type, typeof Prefs.Type>, Auth0Error.For<"NotFound">, Auth0Http.Auth0Http>
>()

// The untyped API is as it was.
expectTypeOf(Users.get("auth0|1")).toEqualTypeOf<
  Effect.Effect<User.User, Auth0Error.For<"NotFound">, Auth0Http.Auth0Http>
>()
expectTypeOf(Users.update("auth0|1", { app_metadata: { anything: 1, gone: null } })).toEqualTypeOf<
  Effect.Effect<User.User, Auth0Error.For<"NotFound" | "Conflict">, Auth0Http.Auth0Http>
>()

// The schemas come back as given, so another view (or a query builder) is typed from them.
export const again = Users.withMetadata({ app: Acme.schemas.app, onInvalid: "keep" })
expectTypeOf(Acme.schemas.app).toEqualTypeOf<typeof App>()
expectTypeOf(Kept.schemas.user).toEqualTypeOf<undefined>()
expectTypeOf<Users.AppMetadataOf<{ readonly app: typeof Acme.schemas.app }>>().toEqualTypeOf<typeof App.Type>()

// An onInvalid only known at run time would leave the users' type a guess: it does not compile.
declare const mode: "fail" | "keep"
// @ts-expect-error `onInvalid` must be a literal
export const ambiguous = Users.withMetadata({ app: App, onInvalid: mode })
declare const options: Users.MetadataOptions
// @ts-expect-error the same through a variable of the options' type
export const ambiguousOptions = Users.withMetadata(options)
export const literal = Users.withMetadata({ app: App, onInvalid: "fail" })
expectTypeOf(literal.get("auth0|1")).toEqualTypeOf<
  Effect.Effect<
    Users.TypedUser<typeof App.Type, Readonly<Record<string, unknown>>>,
    Auth0Error.For<"NotFound">,
    Auth0Http.Auth0Http
  >
>()

// The query builders of a typed view take the schemas' keys and their value types.
export const queries = [
  Acme.query.eq("app_metadata.plan", "pro"),
  Acme.query.eq("user_metadata.theme", "dark"),
  // @ts-expect-error: `tier` is not a key of the app schema
  Acme.query.eq("app_metadata.tier", "pro"),
  // @ts-expect-error: "gold" is not a plan
  Acme.query.eq("app_metadata.plan", "gold")
]
