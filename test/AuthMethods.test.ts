/**
 * A user's authentication methods and MFA actions through the public API against the fake tenant:
 * each operation's success and its documented failures (unknown user or method, a body Auth0
 * refuses, a token without the scope), the list's envelope, and the stream past several pages.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import { Users } from "../src/index.js"
import { FakeAuth0 } from "../src/testing/index.js"

const DB = "Username-Password-Authentication"

const fake = (options: Parameters<typeof FakeAuth0.layer>[0] = {}) => Effect.provide(FakeAuth0.layer(options))

/** A fresh user of the tenant; its id. */
const aUser = Effect.gen(function* () {
  const tenant = yield* FakeAuth0.Tenant
  const [user] = yield* tenant.seedUsers([{ connection: DB, email: "chuck334@example.com" }])
  return user!.user_id
})

const METHOD_ID = /^(email|phone|totp|passkey|webauthn-roaming)\|dev_[A-Za-z0-9]{16}$/

describe("Users.createAuthenticationMethod / authenticationMethod / authenticationMethods", () => {
  it.effect("creates a confirmed method with Auth0's id, read back masked; the list has it, with total", () =>
    Effect.gen(function* () {
      const id = yield* aUser
      const created = yield* Users.createAuthenticationMethod(id, {
        type: "email",
        name: "Test",
        email: "chuck334@example.com"
      })
      assert.match(created.id, METHOD_ID)
      assert.strictEqual(created.email, "chuc****@exam*******")
      assert.isUndefined(created.confirmed, "the 201 answer has no confirmed, as recorded")
      const read = yield* Users.authenticationMethod(id, created.id)
      assert.strictEqual(read.confirmed, true)
      assert.strictEqual(read.name, "Test")
      const page = yield* Users.authenticationMethods(id)
      assert.deepStrictEqual(
        { start: page.start, limit: page.limit, length: page.length, total: page.total },
        { start: 0, limit: 50, length: 1, total: 1 }
      )
      assert.deepStrictEqual(page.authenticators, [read])
    }).pipe(fake())
  )

  it.effect("an empty list comes without total", () =>
    Effect.gen(function* () {
      const id = yield* aUser
      const page = yield* Users.authenticationMethods(id)
      assert.strictEqual(page.length, 0)
      assert.isFalse("total" in page)
    }).pipe(fake())
  )

  it.effect("a phone gets its channel, masked on reads; a TOTP secret is sent Redacted and never answered", () =>
    Effect.gen(function* () {
      const id = yield* aUser
      const phone = yield* Users.createAuthenticationMethod(id, {
        type: "phone",
        phone_number: "+44207183875044",
        preferred_authentication_method: "voice"
      })
      assert.strictEqual(phone.phone_number, "XXXXXXXXXXX5044")
      assert.deepStrictEqual(phone.authentication_methods, [
        { id: phone.id.replace(/^phone\|/, "voice|"), type: "voice" }
      ])
      const totp = yield* Users.createAuthenticationMethod(id, {
        type: "totp",
        totp_secret: Redacted.make("5HCWXIP2MJNSUBGYVUZFLRB2HWIGXR4SYJQXNBQ")
      })
      assert.isFalse("totp_secret" in totp)
      const tenant = yield* FakeAuth0.Tenant
      const stored = yield* tenant.authenticationMethodsOf(id)
      assert.deepStrictEqual(
        stored.map((m) => [m.type, m.phone_number]),
        [
          ["phone", "+44207183875044"],
          ["totp", undefined]
        ]
      )
      assert.isFalse(JSON.stringify(stored).includes("5HCWXIP2"), "inspection never shows the secret")
    }).pipe(fake())
  )

  it.effect("400 for a body Auth0 refuses: no type, an unknown type, the type's field missing, extras", () =>
    Effect.gen(function* () {
      const id = yield* aUser
      const refused = (body: unknown) =>
        Effect.flip(Users.createAuthenticationMethod(id, body as Users.CreateAuthenticationMethodBody))
      const messages: Array<string> = []
      for (const body of [
        { name: "x" },
        { type: "sms" },
        { type: "email" },
        { type: "phone" },
        { type: "totp" },
        { type: "passkey", key_id: "k" },
        { type: "email", email: "a@example.com", colour: "red" },
        { type: "email", email: "not-an-email" },
        { type: "email", email: "a@example.com", name: "a name of more than twenty" }
      ]) {
        const error = yield* refused(body)
        assert.strictEqual(error._tag, "BadRequest")
        if (error._tag === "BadRequest") {
          assert.strictEqual(error.errorCode, "invalid_body")
          messages.push(error.description ?? "")
        }
      }
      assert.deepStrictEqual(messages.slice(0, 7), [
        "Payload validation error: 'Missing required property: type'",
        `Payload validation error: 'No enum match for: "sms"' on property type.`,
        "Payload validation error: 'Missing required property: email'",
        "Payload validation error: 'Missing required property: phone_number'",
        "Payload validation error: 'Missing required property: totp_secret'",
        "Payload validation error: 'Missing required property: public_key'",
        "Payload validation error: 'Additional properties not allowed: colour'"
      ])
      const page = yield* Users.authenticationMethods(id)
      assert.strictEqual(page.length, 0, "nothing was created")
    }).pipe(fake())
  )

  it.effect("409 for the same email twice; 404 for an unknown user or method", () =>
    Effect.gen(function* () {
      const id = yield* aUser
      yield* Users.createAuthenticationMethod(id, { type: "email", email: "a@example.com" })
      const conflict = yield* Effect.flip(
        Users.createAuthenticationMethod(id, { type: "email", email: "a@example.com" })
      )
      assert.strictEqual(conflict._tag, "Conflict")
      for (const failed of [
        yield* Effect.flip(Users.authenticationMethods("auth0|nobody")),
        yield* Effect.flip(Users.createAuthenticationMethod("auth0|nobody", { type: "email", email: "a@example.com" })),
        yield* Effect.flip(Users.authenticationMethod("auth0|nobody", "email|dev_0000000000000000"))
      ]) {
        assert.strictEqual(failed._tag, "NotFound")
        if (failed._tag === "NotFound") assert.strictEqual(failed.errorCode, "inexistent_user")
      }
      const method = yield* Effect.flip(Users.authenticationMethod(id, "email|dev_0000000000000000"))
      assert.strictEqual(method._tag, "NotFound")
      if (method._tag === "NotFound") assert.strictEqual(method.path.split("/").pop(), "email%7Cdev_0000000000000000")
    }).pipe(fake())
  )

  it.effect("per_page past 100 is refused as Auth0 words it", () =>
    Effect.gen(function* () {
      const id = yield* aUser
      const error = yield* Effect.flip(Users.authenticationMethods(id, { per_page: 101 }))
      assert.strictEqual(error._tag, "BadRequest")
    }).pipe(fake())
  )
})

describe("Users.replaceAuthenticationMethods / updateAuthenticationMethod / deleteAuthenticationMethod", () => {
  it.effect("PUT replaces every method and answers them unmasked; PATCH renames; DELETE removes one", () =>
    Effect.gen(function* () {
      const id = yield* aUser
      const old = yield* Users.createAuthenticationMethod(id, { type: "email", email: "old@example.com" })
      const replaced = yield* Users.replaceAuthenticationMethods(id, [
        { type: "email", name: "MyEmail", email: "foo@example.com" },
        { type: "phone", name: "MyPhone", phone_number: "+44207183875044", preferred_authentication_method: "sms" },
        { type: "totp", name: "MyTotp", totp_secret: Redacted.make("5HCWXIP2MJNSUBGYVUZFLRB2HWIGXR4SYJQXNBQ") }
      ])
      assert.deepStrictEqual(
        replaced.map((m) => [m.type, m.email ?? m.phone_number]),
        [
          ["email", "foo@example.com"],
          ["phone", "+44207183875044"],
          ["totp", undefined]
        ]
      )
      const gone = yield* Effect.flip(Users.authenticationMethod(id, old.id))
      assert.strictEqual(gone._tag, "NotFound")
      const list = yield* Users.authenticationMethods(id)
      assert.deepStrictEqual(
        list.authenticators.map((m) => m.email ?? m.phone_number ?? m.type),
        ["****@exam*******", "XXXXXXXXXXX5044", "totp"]
      )
      const phone = replaced[1]!
      const renamed = yield* Users.updateAuthenticationMethod(id, phone.id, {
        name: "Work",
        preferred_authentication_method: "voice"
      })
      assert.strictEqual(renamed.name, "Work")
      assert.strictEqual((yield* Users.authenticationMethod(id, phone.id)).preferred_authentication_method, "voice")
      yield* Users.deleteAuthenticationMethod(id, phone.id)
      const again = yield* Effect.flip(Users.deleteAuthenticationMethod(id, phone.id))
      assert.strictEqual(again._tag, "NotFound")
      assert.strictEqual((yield* Users.authenticationMethods(id)).total, 2)
    }).pipe(fake())
  )

  it.effect("a PUT with one bad item changes nothing; PATCH takes only name and preferred channel", () =>
    Effect.gen(function* () {
      const id = yield* aUser
      const kept = yield* Users.createAuthenticationMethod(id, { type: "email", email: "kept@example.com" })
      const put = yield* Effect.flip(
        Users.replaceAuthenticationMethods(id, [
          { type: "email", email: "foo@example.com" },
          { type: "passkey" } as unknown as Users.ReplacementAuthenticationMethod
        ])
      )
      assert.strictEqual(put._tag, "BadRequest")
      if (put._tag === "BadRequest")
        assert.strictEqual(
          put.description,
          `Payload validation error: 'No enum match for: "passkey"' on property [1].type.`
        )
      assert.deepStrictEqual(
        (yield* Users.authenticationMethods(id)).authenticators.map((m) => m.id),
        [kept.id]
      )
      const patch = yield* Effect.flip(
        Users.updateAuthenticationMethod(id, kept.id, {
          email: "x@example.com"
        } as Users.UpdateAuthenticationMethodBody)
      )
      assert.strictEqual(patch._tag, "BadRequest")
      const channel = yield* Effect.flip(
        Users.updateAuthenticationMethod(id, kept.id, { preferred_authentication_method: "sms" })
      )
      assert.strictEqual(channel._tag, "BadRequest", "only a phone has a preferred channel")
      const missing = yield* Effect.flip(
        Users.updateAuthenticationMethod(id, "email|dev_0000000000000000", { name: "x" })
      )
      assert.strictEqual(missing._tag, "NotFound")
    }).pipe(fake())
  )
})

describe("Users.deleteAuthenticationMethods / deleteAuthenticators", () => {
  it.effect("deleting all empties the list (the shared state), and the list is again without total", () =>
    Effect.gen(function* () {
      const id = yield* aUser
      yield* Users.replaceAuthenticationMethods(id, [{ type: "email", email: "foo@example.com" }])
      yield* Users.deleteAuthenticationMethods(id)
      const page = yield* Users.authenticationMethods(id)
      assert.deepStrictEqual([page.length, "total" in page], [0, false])
    }).pipe(fake())
  )

  it.effect("deleteAuthenticators removes Guardian's factors and enrollments; passkeys stay", () =>
    Effect.gen(function* () {
      const id = yield* aUser
      const tenant = yield* FakeAuth0.Tenant
      yield* tenant.seedAuthenticationMethods(id, [
        { type: "totp", totp_secret: "5HCWXIP2MJNSUBGYVUZFLRB2HWIGXR4SYJQXNBQ" },
        { type: "push" },
        { type: "phone", phone_number: "+15551234567" },
        { type: "passkey", key_id: "key-1", public_key: "pk-1" }
      ])
      yield* tenant.seedEnrollments(id, [{ id: "dev_1", status: "confirmed", type: "authenticator" }])
      yield* Users.deleteAuthenticators(id)
      assert.deepStrictEqual(
        (yield* Users.authenticationMethods(id)).authenticators.map((m) => m.type),
        ["passkey"]
      )
      assert.deepStrictEqual(yield* Users.enrollments(id), [])
      const unknown = yield* Effect.flip(Users.deleteAuthenticators("auth0|nobody"))
      assert.strictEqual(unknown._tag, "NotFound")
    }).pipe(fake())
  )
})

describe("Users.invalidateRememberBrowser / clearRiskAssessors", () => {
  it.effect("each is recorded on the user for the test to see; 404 for an unknown user", () =>
    Effect.gen(function* () {
      const id = yield* aUser
      const tenant = yield* FakeAuth0.Tenant
      yield* Users.invalidateRememberBrowser(id)
      yield* Users.clearRiskAssessors(id, { connection: DB, assessors: ["new-device"] })
      assert.strictEqual((yield* tenant.rememberBrowserInvalidations(id)).length, 1)
      assert.deepStrictEqual(
        (yield* tenant.riskAssessorsCleared(id)).map(({ assessors, connection }) => ({ assessors, connection })),
        [{ connection: DB, assessors: ["new-device"] }]
      )
      assert.deepStrictEqual(yield* tenant.rememberBrowserInvalidations("auth0|other"), [])
      for (const failed of [
        yield* Effect.flip(Users.invalidateRememberBrowser("auth0|nobody")),
        yield* Effect.flip(Users.clearRiskAssessors("auth0|nobody", { connection: DB, assessors: ["new-device"] }))
      ]) {
        assert.strictEqual(failed._tag, "NotFound")
      }
    }).pipe(fake())
  )

  it.effect("clearRiskAssessors refuses an unknown assessor, an empty connection, a missing field", () =>
    Effect.gen(function* () {
      const id = yield* aUser
      for (const body of [
        { connection: DB, assessors: ["old-device"] },
        { connection: "", assessors: ["new-device"] },
        { assessors: ["new-device"] },
        { connection: DB }
      ]) {
        const error = yield* Effect.flip(Users.clearRiskAssessors(id, body as Users.ClearRiskAssessorsBody))
        assert.strictEqual(error._tag, "BadRequest", JSON.stringify(body))
      }
      const tenant = yield* FakeAuth0.Tenant
      assert.deepStrictEqual(yield* tenant.riskAssessorsCleared(id), [])
    }).pipe(fake())
  )
})

describe("scopes", () => {
  it.effect("each operation is Forbidden without its scope", () =>
    Effect.gen(function* () {
      const id = yield* aUser
      const calls = [
        Users.authenticationMethods(id),
        Users.authenticationMethod(id, "email|dev_0000000000000000"),
        Users.createAuthenticationMethod(id, { type: "email", email: "a@example.com" }),
        Users.replaceAuthenticationMethods(id, []),
        Users.updateAuthenticationMethod(id, "email|dev_0000000000000000", { name: "x" }),
        Users.deleteAuthenticationMethod(id, "email|dev_0000000000000000"),
        Users.deleteAuthenticators(id),
        Users.invalidateRememberBrowser(id),
        Users.clearRiskAssessors(id, { connection: DB, assessors: ["new-device"] })
      ]
      for (const call of calls) {
        const error = yield* Effect.flip(call)
        assert.strictEqual(error._tag, "Forbidden")
      }
    }).pipe(fake({ scopes: ["read:users"] }))
  )

  it.effect("and allowed with it", () =>
    Effect.gen(function* () {
      const id = yield* aUser
      yield* Users.createAuthenticationMethod(id, { type: "email", email: "a@example.com" })
      assert.strictEqual((yield* Users.authenticationMethods(id)).length, 1)
      yield* Users.deleteAuthenticators(id)
    }).pipe(
      fake({ scopes: ["read:authentication_methods", "create:authentication_methods", "delete:guardian_enrollments"] })
    )
  )
})

describe("Users.authenticationMethodsStream", () => {
  it.effect("every method once, page by page, at most one page ahead of the consumer", () =>
    Effect.gen(function* () {
      const id = yield* aUser
      const tenant = yield* FakeAuth0.Tenant
      yield* tenant.seedAuthenticationMethods(
        id,
        Array.from({ length: 250 }, (_, i) => ({ type: "email", email: `m${i}@example.com` }))
      )
      const before = (yield* tenant.requests).length
      const all = yield* Stream.runCollect(Users.authenticationMethodsStream(id))
      assert.strictEqual(new Set(Chunk.toReadonlyArray(all).map((m) => m.id)).size, 250)
      const pages = (yield* tenant.requests).slice(before).filter((r) => r.url.includes("/authentication-methods"))
      assert.deepStrictEqual(
        pages.map((r) => new URL(r.url, "http://x").searchParams.get("page")),
        ["0", "1", "2"]
      )
      const mark = (yield* tenant.requests).length
      yield* Stream.runDrain(Users.authenticationMethodsStream(id, { per_page: 10 }).pipe(Stream.take(15)))
      const lazy = (yield* tenant.requests).slice(mark).filter((r) => r.url.includes("/authentication-methods"))
      // Two pages hold them, and the stream reads one page ahead: never the other 22 of 25.
      assert.strictEqual(lazy.length, 3)
    }).pipe(fake())
  )

  it.effect("past Auth0's 1000 cap: LimitExceeded, or the first 1000 with stopAtCap", () =>
    Effect.gen(function* () {
      const id = yield* aUser
      const tenant = yield* FakeAuth0.Tenant
      yield* tenant.seedAuthenticationMethods(
        id,
        Array.from({ length: 1010 }, (_, i) => ({ type: "email", email: `m${i}@example.com` }))
      )
      const error = yield* Effect.flip(Stream.runDrain(Users.authenticationMethodsStream(id)))
      assert.strictEqual(error._tag, "LimitExceeded")
      assert.strictEqual(yield* Stream.runCount(Users.authenticationMethodsStream(id, { stopAtCap: true })), 1000)
    }).pipe(fake())
  )

  it.effect("an empty list (no total) ends after one page; an unknown user fails with NotFound", () =>
    Effect.gen(function* () {
      const id = yield* aUser
      assert.strictEqual(yield* Stream.runCount(Users.authenticationMethodsStream(id)), 0)
      const error = yield* Effect.flip(Stream.runDrain(Users.authenticationMethodsStream("auth0|nobody")))
      assert.strictEqual(error._tag, "NotFound")
    }).pipe(fake())
  )
})
