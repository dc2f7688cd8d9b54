import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { Users } from "../../src/index.js"
import { FakeAuth0 } from "../../src/testing/index.js"

const API = "https://api.example.com/"

describe("deleting a user in the fake tenant", () => {
  it.effect("drops what the tenant holds of it, so a user created again with its id starts empty", () =>
    Effect.gen(function* () {
      const tenant = yield* FakeAuth0.Tenant
      const seed = { connection: "Username-Password-Authentication", email: "gone@example.com", user_id: "deleted1" }
      const [user] = yield* tenant.seedUsers([seed])
      const id = user!.user_id
      yield* tenant.seedResourceServers([{ identifier: API, name: "API", scopes: [{ value: "read:things" }] }])
      yield* tenant.seedUserPermissions(id, [{ resource_server_identifier: API, permission_name: "read:things" }])
      yield* tenant.seedSessions(id, [{}])
      yield* tenant.seedRefreshTokens(id, [{}])
      yield* tenant.seedOrganizations(id, [{ name: "acme" }])
      yield* Users.createAuthenticationMethod(id, { type: "email", email: "gone@example.com" })
      yield* Users.invalidateRememberBrowser(id)

      yield* Users.delete(id)
      yield* tenant.seedUsers([seed])

      assert.deepStrictEqual(yield* tenant.userPermissions(id), [])
      assert.deepStrictEqual(yield* tenant.sessionsOf(id), [])
      assert.deepStrictEqual(yield* tenant.refreshTokensOf(id), [])
      assert.deepStrictEqual(yield* tenant.organizationsOf(id), [])
      assert.deepStrictEqual(yield* tenant.authenticationMethodsOf(id), [])
      assert.deepStrictEqual(yield* tenant.rememberBrowserInvalidations(id), [])
      assert.strictEqual((yield* Users.permissions(id)).permissions.length, 0)
      assert.strictEqual((yield* Users.sessions(id)).sessions.length, 0)
    }).pipe(Effect.provide(FakeAuth0.layer()))
  )
})
