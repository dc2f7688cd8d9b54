/**
 * Typed metadata (`Users.withMetadata`) against the fake tenant: a program as
 * a user writes it (get, list, stream, streamWithCursor, listByEmail, create,
 * update, export), what goes on the wire (the schema's encoding, `null`
 * deletions, no empty patch), the fake's merge of metadata on PATCH, and
 * users whose stored metadata does not match: a `DecodeError` naming the
 * path and not the value, or (`keep`) an undecoded `Left`.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Fiber from "effect/Fiber"
import * as Logger from "effect/Logger"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import { Query, Users } from "../src/index.js"
import { FakeAuth0 } from "../src/testing/index.js"

const DB = "Username-Password-Authentication"

// The schemas as a caller states them once: a literal, a date sent as an ISO string, a number, an array.
const App = Schema.Struct({
  plan: Schema.Literal("free", "pro"),
  trial_ends: Schema.optional(Schema.Date),
  seats: Schema.optional(Schema.Number)
})
const Prefs = Schema.Struct({
  theme: Schema.optional(Schema.Literal("light", "dark")),
  tags: Schema.optional(Schema.Array(Schema.String)),
  // Stored as a string, read as a number: an encoding JSON alone would not do.
  volume: Schema.optional(Schema.NumberFromString)
})

const Acme = Users.withMetadata({ app: App, user: Prefs })
const Kept = Users.withMetadata({ app: App, user: Prefs, onInvalid: "keep" })

const TRIAL = new Date("2026-12-24T00:00:00.000Z")

const seed = Effect.gen(function* () {
  const tenant = yield* FakeAuth0.Tenant
  return yield* tenant.seedUsers([
    {
      connection: DB,
      email: "ada@acme.test",
      app_metadata: { plan: "pro", seats: 3 },
      user_metadata: { theme: "dark" }
    },
    { connection: DB, email: "bob@acme.test", app_metadata: { plan: "free", trial_ends: TRIAL.toISOString() } },
    { connection: DB, email: "cy@acme.test" }
  ])
})

/** A user whose stored metadata the schema refuses (an old plan name), seeded after the good ones. */
const seedBad = Effect.flatMap(FakeAuth0.Tenant, (tenant) =>
  tenant.seedUsers([{ connection: DB, email: "old@acme.test", app_metadata: { plan: "gold-legacy-secret" } }])
)

/** Run `stream` in a fiber and move the TestClock on until it ends (the export polls on a schedule). */
const driven = <A, E, R>(stream: Stream.Stream<A, E, R>, step: Duration.DurationInput = "500 millis") =>
  Effect.gen(function* () {
    const fiber = yield* Effect.fork(Stream.runCollect(stream))
    for (let i = 0; i < 2000 && Option.isNone(yield* Fiber.poll(fiber)); i++) yield* TestClock.adjust(step)
    return Chunk.toReadonlyArray(yield* Fiber.join(fiber))
  })

const lastBody = (method: string) =>
  Effect.map(FakeAuth0.Tenant, (tenant) => tenant.requests).pipe(
    Effect.flatten,
    Effect.map((requests) => JSON.parse(requests.filter((r) => r.method === method).at(-1)!.body!) as unknown)
  )

describe("Users.withMetadata: decoding", () => {
  it.effect("get, list, listByEmail: metadata decoded by the schemas (a Date from its ISO string)", () =>
    Effect.gen(function* () {
      const [ada, bob, cy] = yield* seed
      const a = yield* Acme.get(ada!.user_id as string)
      assert.strictEqual(a.app_metadata?.plan, "pro")
      assert.strictEqual(a.app_metadata?.seats, 3)
      assert.strictEqual(a.user_metadata?.theme, "dark")
      const b = yield* Acme.get(bob!.user_id as string)
      assert.instanceOf(b.app_metadata?.trial_ends, Date)
      assert.strictEqual(b.app_metadata?.trial_ends?.getTime(), TRIAL.getTime())
      // No metadata stored: nothing to decode, the fields stay absent.
      const c = yield* Acme.get(cy!.user_id as string)
      assert.isUndefined(c.app_metadata)
      assert.isUndefined(c.user_metadata)
      // A projection without metadata is not decoded either.
      const projected = yield* Acme.get(ada!.user_id as string, { fields: ["email"] })
      assert.isUndefined(projected.app_metadata)

      const page = yield* Acme.list({ q: 'email.domain:"acme.test"', sort: "created_at:1" })
      assert.deepStrictEqual(
        page.users.map((u) => u.app_metadata?.plan),
        ["pro", "free", undefined]
      )
      assert.strictEqual(page.total, 3)
      const byEmail = yield* Acme.listByEmail("bob@acme.test")
      assert.strictEqual(byEmail[0]!.app_metadata?.trial_ends?.toISOString(), TRIAL.toISOString())
    }).pipe(Effect.provide(FakeAuth0.layer()))
  )

  it.effect("stream and streamWithCursor decode each user, across pages and the keyset walk's splits", () =>
    Effect.gen(function* () {
      const tenant = yield* FakeAuth0.Tenant
      // 250 users sharing one logins_count: more than a page at one sort key, so the walk pins it and splits by created_at.
      yield* tenant.seedUsers(
        Array.from({ length: 250 }, (_, i) => ({
          connection: DB,
          email: `u${i}@acme.test`,
          app_metadata: {
            plan: i % 2 === 0 ? "pro" : "free",
            trial_ends: new Date(Date.UTC(2027, 0, 1 + i)).toISOString()
          },
          logins_count: 7
        }))
      )
      const users = yield* Acme.stream({ q: 'email.domain:"acme.test"', sort: "logins_count:-1" }).pipe(
        Stream.runCollect,
        Effect.map(Chunk.toReadonlyArray)
      )
      assert.strictEqual(users.length, 250)
      assert.strictEqual(new Set(users.map((u) => u.user_id)).size, 250)
      assert.isTrue(users.every((u) => u.app_metadata?.trial_ends instanceof Date))
      assert.strictEqual(users.filter((u) => u.app_metadata?.plan === "pro").length, 125)
      // The walk did split: it pinned the shared key and walked the users at it by created_at.
      const queries = (yield* tenant.requests).map(
        (r) => new URL(r.url, "https://fake.test").searchParams.get("q") ?? ""
      )
      assert.isTrue(queries.some((q) => q.includes('logins_count:["7" TO "7"]')))

      const withCursor = yield* Acme.streamWithCursor({ q: 'email.domain:"acme.test"' }).pipe(
        Stream.take(120),
        Stream.runCollect,
        Effect.map(Chunk.toReadonlyArray)
      )
      const resumed = yield* Acme.stream({ q: 'email.domain:"acme.test"', after: withCursor.at(-1)!.cursor }).pipe(
        Stream.runCollect,
        Effect.map(Chunk.toReadonlyArray)
      )
      assert.strictEqual(withCursor.length + resumed.length, 250)
      assert.isTrue(withCursor.every(({ user }) => user.app_metadata?.trial_ends instanceof Date))
    }).pipe(Effect.provide(FakeAuth0.layer()))
  )

  it.effect("query: Query builders typed by the schemas' keys, as q of list and stream", () =>
    Effect.gen(function* () {
      const tenant = yield* FakeAuth0.Tenant
      yield* tenant.seedUsers(
        Array.from({ length: 30 }, (_, i) => ({
          connection: DB,
          email: `q${i}@acme.test`,
          app_metadata: { plan: i % 3 === 0 ? "pro" : "free" },
          user_metadata: i % 5 === 0 ? { theme: "dark" } : {}
        }))
      )
      const q = Acme.query
      const pro = yield* Acme.list({ q: q.eq("app_metadata.plan", "pro"), per_page: 100 })
      assert.strictEqual(pro.users.length, 10)
      assert.isTrue(pro.users.every((u) => u.app_metadata?.plan === "pro"))
      const both = yield* Acme.stream({
        q: Query.and([q.eq("app_metadata.plan", "pro"), q.eq("user_metadata.theme", "dark")])
      }).pipe(Stream.runCollect, Effect.map(Chunk.toReadonlyArray))
      assert.deepStrictEqual(both.map((u) => u.email).sort(), ["q0@acme.test", "q15@acme.test"])
    }).pipe(Effect.provide(FakeAuth0.layer()))
  )

  it.effect("export decodes whole metadata fields of each line", () =>
    Effect.gen(function* () {
      yield* seed
      const exported = yield* driven(Acme.export({ fields: ["user_id", "email", "app_metadata", "user_metadata"] }))
      assert.strictEqual(exported.length, 3)
      const bob = exported.find((u) => u.email === "bob@acme.test")!
      assert.strictEqual(bob.app_metadata?.trial_ends?.getTime(), TRIAL.getTime())
      assert.strictEqual(exported.find((u) => u.email === "ada@acme.test")!.user_metadata?.theme, "dark")
    }).pipe(Effect.provide(FakeAuth0.layer()))
  )
})

describe("Users.withMetadata: bodies", () => {
  it.effect("create encodes the metadata by its schema (a Date as an ISO string) and decodes the answer", () =>
    Effect.gen(function* () {
      const created = yield* Acme.create(DB, {
        email: "new@acme.test",
        password: "a long enough password 1!",
        app_metadata: { plan: "free", trial_ends: TRIAL },
        user_metadata: { tags: ["beta"], volume: 3 }
      })
      const body = (yield* lastBody("POST")) as Record<string, Record<string, unknown>>
      assert.deepStrictEqual(body.app_metadata, { plan: "free", trial_ends: TRIAL.toISOString() })
      assert.deepStrictEqual(body.user_metadata, { tags: ["beta"], volume: "3" })
      assert.instanceOf(created.app_metadata?.trial_ends, Date)
      assert.deepStrictEqual(created.user_metadata, { tags: ["beta"], volume: 3 })
    }).pipe(Effect.provide(FakeAuth0.layer()))
  )

  it.effect("update sends a partial patch, null deletes a key, and the fake merges as Auth0 does", () =>
    Effect.gen(function* () {
      const [ada, bob] = yield* seed
      const id = bob!.user_id as string
      const updated = yield* Acme.update(id, {
        app_metadata: { trial_ends: null, seats: 5 },
        user_metadata: { theme: "light" }
      })
      assert.deepStrictEqual(yield* lastBody("PATCH"), {
        app_metadata: { seats: 5, trial_ends: null },
        user_metadata: { theme: "light" }
      })
      // Merged one level deep: plan kept, trial_ends deleted, seats added.
      assert.deepStrictEqual(updated.app_metadata, { plan: "free", seats: 5 })
      const stored = Option.getOrThrow(yield* Effect.flatMap(FakeAuth0.Tenant, (t) => t.user(id)))
      assert.deepStrictEqual(stored.app_metadata, { plan: "free", seats: 5 })

      // A Date in a patch goes as its ISO string, a NumberFromString as its string, and comes back decoded.
      const again = yield* Acme.update(ada!.user_id as string, {
        app_metadata: { trial_ends: TRIAL },
        user_metadata: { volume: 7 }
      })
      assert.deepStrictEqual(yield* lastBody("PATCH"), {
        app_metadata: { trial_ends: TRIAL.toISOString() },
        user_metadata: { volume: "7" }
      })
      assert.strictEqual(again.user_metadata?.volume, 7)
      assert.deepStrictEqual(again.user_metadata, { theme: "dark", volume: 7 })
    }).pipe(Effect.provide(FakeAuth0.layer()))
  )

  it.effect("a patch that names no key is left out: Auth0 would take {} as clearing all the metadata", () =>
    Effect.gen(function* () {
      const [ada] = yield* seed
      const id = ada!.user_id as string
      // `undefined` values do not reach the wire (JSON drops them), so this patch names nothing.
      const nothing = { seats: undefined } as unknown as Users.MetadataPatch<typeof App.Type>
      const updated = yield* Acme.update(id, { app_metadata: nothing, user_metadata: {}, blocked: false })
      assert.deepStrictEqual(yield* lastBody("PATCH"), { blocked: false })
      assert.deepStrictEqual(updated.app_metadata, { plan: "pro", seats: 3 })
      assert.deepStrictEqual(updated.user_metadata, { theme: "dark" })
      // The untyped API keeps Auth0's own meaning of {}.
      const cleared = yield* Users.update(id, { app_metadata: {} })
      assert.isUndefined(cleared.app_metadata)
    }).pipe(Effect.provide(FakeAuth0.layer()))
  )

  it.effect("metadata that does not encode is BadRequest, not sent, naming the path and not the value", () =>
    Effect.gen(function* () {
      const [ada] = yield* seed
      const Strict = Users.withMetadata({ app: Schema.Struct({ seats: Schema.Int }) })
      const before = (yield* Effect.flatMap(FakeAuth0.Tenant, (t) => t.requests)).length
      const error = yield* Effect.flip(Strict.update(ada!.user_id as string, { app_metadata: { seats: 1.5 } }))
      assert.strictEqual(error._tag, "BadRequest")
      if (error._tag !== "BadRequest") return
      assert.strictEqual(error.sent, false)
      assert.strictEqual(error.errorCode, "invalid_metadata")
      assert.include(error.message, "app_metadata.seats")
      assert.notInclude(error.message, "1.5")
      assert.strictEqual((yield* Effect.flatMap(FakeAuth0.Tenant, (t) => t.requests)).length, before)
      const created = yield* Effect.flip(
        Strict.create(DB, { email: "x@acme.test", password: "a long enough password 1!", app_metadata: { seats: 0.5 } })
      )
      assert.strictEqual(created._tag === "BadRequest" && created.errorCode, "invalid_metadata")
      assert.strictEqual((yield* Effect.flatMap(FakeAuth0.Tenant, (t) => t.requests)).length, before)
    }).pipe(Effect.provide(FakeAuth0.layer()))
  )
})

describe("Users.withMetadata: stored metadata that does not match", () => {
  it.effect("fail (the default): DecodeError naming the path, never the value", () =>
    Effect.gen(function* () {
      yield* seed
      const [bad] = yield* seedBad
      const id = bad!.user_id as string
      const error = yield* Effect.flip(Acme.get(id))
      assert.strictEqual(error._tag, "DecodeError")
      if (error._tag !== "DecodeError") return
      assert.include(error.detail, "app_metadata.plan")
      assert.notInclude(error.message, "gold-legacy-secret")
      assert.notInclude(error.message, "old@acme.test")

      const listed = yield* Effect.flip(Acme.list({ q: 'email.domain:"acme.test"', sort: "created_at:1" }))
      assert.strictEqual(listed._tag, "DecodeError")
      assert.include(listed.message, "users.3.app_metadata.plan")

      // The stream delivers the users before the bad one, then fails naming which.
      const delivered: Array<string> = []
      const streamed = yield* Effect.flip(
        Acme.stream({ q: 'email.domain:"acme.test"' }).pipe(
          Stream.runForEach((user) => Effect.sync(() => delivered.push(user.email!)))
        )
      )
      assert.deepStrictEqual(delivered, ["ada@acme.test", "bob@acme.test", "cy@acme.test"])
      assert.strictEqual(streamed._tag, "DecodeError")
      assert.include(streamed.message, "user 4 of the stream")
      assert.include(streamed.message, "app_metadata.plan")
      assert.notInclude(streamed.message, "gold-legacy-secret")

      const exported = yield* Effect.flip(driven(Acme.export({ fields: ["email", "app_metadata"] })))
      assert.strictEqual(exported._tag, "DecodeError")
      assert.match(exported.message, /line \d of the export file: .*app_metadata\.plan/)
      assert.notInclude(exported.message, "gold-legacy-secret")

      // The untyped API reads the same user as it always did.
      assert.strictEqual((yield* Users.get(id)).app_metadata?.plan, "gold-legacy-secret")
    }).pipe(Effect.provide(FakeAuth0.layer()))
  )

  it.effect("keep: every user comes, the bad one as an undecoded Left with the paths that failed", () =>
    Effect.gen(function* () {
      yield* seed
      const [bad] = yield* seedBad
      const users = yield* Kept.stream({ q: 'email.domain:"acme.test"' }).pipe(
        Stream.runCollect,
        Effect.map(Chunk.toReadonlyArray)
      )
      assert.strictEqual(users.length, 4)
      const [good, undecoded] = [users.filter(Either.isRight), users.filter(Either.isLeft)]
      assert.deepStrictEqual(
        good.map((u) => u.right.app_metadata?.plan),
        ["pro", "free", undefined]
      )
      assert.strictEqual(undecoded.length, 1)
      const left = undecoded[0]!.left
      assert.strictEqual(left._tag, "Undecoded")
      assert.strictEqual(left.user.user_id, bad!.user_id)
      assert.strictEqual(left.user.app_metadata?.plan, "gold-legacy-secret")
      assert.deepStrictEqual(left.invalid, ["app_metadata.plan"])

      const one = yield* Kept.get(bad!.user_id as string)
      assert.isTrue(Either.isLeft(one))
      const page = yield* Kept.list({ q: 'email.domain:"acme.test"' })
      assert.strictEqual(page.users.filter(Either.isLeft).length, 1)
      const exported = yield* driven(Kept.export({ fields: ["email", "app_metadata"] }))
      assert.deepStrictEqual(
        exported.filter(Either.isLeft).map((u) => u.left.user.email),
        ["old@acme.test"]
      )
      // Fixing the stored value through the typed update makes the user decode again.
      const fixed = yield* Kept.update(bad!.user_id as string, { app_metadata: { plan: "free" } })
      assert.isTrue(Either.isRight(fixed) && fixed.right.app_metadata?.plan === "free")
    }).pipe(Effect.provide(FakeAuth0.layer()))
  )

  it.effect("an asynchronous schema decodes too, in order, failing at the user that does not decode", () =>
    Effect.gen(function* () {
      yield* seed
      yield* seedBad
      // A decode that answers later (a lookup, say): Schema's synchronous decoder refuses it.
      const Later = Schema.transformOrFail(Schema.Literal("free", "pro"), Schema.String, {
        strict: true,
        decode: (plan) => Effect.promise(() => Promise.resolve(plan.toUpperCase())),
        encode: (plan) => ParseResult.decodeUnknown(Schema.Literal("free", "pro"))(plan.toLowerCase())
      })
      const Async = Users.withMetadata({ app: Schema.Struct({ plan: Later }) })
      const delivered: Array<string | undefined> = []
      const error = yield* Effect.flip(
        Async.stream({ q: 'email.domain:"acme.test"' }).pipe(
          Stream.runForEach((user) => Effect.sync(() => delivered.push(user.app_metadata?.plan)))
        )
      )
      assert.deepStrictEqual(delivered, ["PRO", "FREE", undefined])
      assert.include(error.message, "user 4 of the stream: Type at app_metadata.plan")
      const kept = yield* Users.withMetadata({ app: Schema.Struct({ plan: Later }), onInvalid: "keep" })
        .stream({ q: 'email.domain:"acme.test"' })
        .pipe(Stream.runCollect, Effect.map(Chunk.toReadonlyArray))
      assert.deepStrictEqual(
        kept.map((u) => (Either.isRight(u) ? u.right.app_metadata?.plan : u.left.invalid)),
        ["PRO", "FREE", undefined, ["app_metadata.plan"]]
      )
    }).pipe(Effect.provide(FakeAuth0.layer()))
  )

  it.effect("a schema with only one of the two leaves the other untyped and undecoded", () =>
    Effect.gen(function* () {
      const [ada] = yield* seed
      const OnlyApp = Users.withMetadata({ app: App })
      const user = yield* OnlyApp.get(ada!.user_id as string)
      assert.strictEqual(user.app_metadata?.plan, "pro")
      assert.deepStrictEqual(user.user_metadata, { theme: "dark" })
    }).pipe(Effect.provide(FakeAuth0.layer()))
  )
})

describe("the README's typed-metadata program, run as written", () => {
  const Acme = Users.withMetadata({
    app: Schema.Struct({
      plan: Schema.Literal("free", "pro"),
      trial_ends: Schema.optional(Schema.Date) // stored as an ISO string, read as a Date
    }),
    user: Schema.Struct({ theme: Schema.optional(Schema.Literal("light", "dark")) })
  })

  const endTrials = (now: Date) =>
    Acme.stream({ q: Acme.query.eq("app_metadata.plan", "free") }).pipe(
      Stream.filter((user) => (user.app_metadata?.trial_ends?.getTime() ?? Infinity) < now.getTime()),
      // a partial patch: `plan` is checked against the schema, `null` deletes `trial_ends`
      Stream.mapEffect((user) => Acme.update(user.user_id, { app_metadata: { plan: "pro", trial_ends: null } })),
      Stream.runCount
    )

  // onInvalid: "keep" — users whose stored metadata does not match come as a Left, undecoded
  const audit = Users.withMetadata({ app: Acme.schemas.app, onInvalid: "keep" })
    .stream()
    .pipe(
      Stream.filterMap(Either.getLeft),
      Stream.runForEach((bad) => Effect.logWarning(`${bad.user.user_id}: ${bad.invalid.join(", ")}`))
    )

  it.effect("ends the trials that are over, and logs the user whose metadata does not match", () =>
    Effect.gen(function* () {
      const tenant = yield* FakeAuth0.Tenant
      const [over, running, , legacy] = yield* tenant.seedUsers([
        { connection: DB, email: "over@acme.test", app_metadata: { plan: "free", trial_ends: "2026-01-01T00:00:00Z" } },
        {
          connection: DB,
          email: "running@acme.test",
          app_metadata: { plan: "free", trial_ends: "2027-01-01T00:00:00Z" }
        },
        { connection: DB, email: "paid@acme.test", app_metadata: { plan: "pro" } },
        { connection: DB, email: "legacy@acme.test", app_metadata: { plan: 3 } }
      ])
      assert.strictEqual(yield* endTrials(new Date("2026-06-01T00:00:00Z")), 1)
      const stored = Option.getOrThrow(yield* tenant.user(over!.user_id as string))
      assert.deepStrictEqual(stored.app_metadata, { plan: "pro" })
      const untouched = Option.getOrThrow(yield* tenant.user(running!.user_id as string))
      assert.deepStrictEqual(untouched.app_metadata, { plan: "free", trial_ends: "2027-01-01T00:00:00Z" })

      const logged: Array<unknown> = []
      const capture = Logger.make(({ message }) => logged.push(message))
      yield* audit.pipe(Effect.provide(Logger.replace(Logger.defaultLogger, capture)))
      assert.deepStrictEqual(logged, [[`${legacy!.user_id as string}: app_metadata.plan`]])
    }).pipe(Effect.provide(FakeAuth0.layer()))
  )
})
