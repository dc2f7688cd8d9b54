// The README's access-admin flow, run as written (the README only type-checks its examples).
import { assert, it } from "@effect/vitest"
import { Effect, Stream } from "effect"
import { UserBlocks, Users } from "../src/index.js"
import { FakeAuth0 } from "../src/testing/index.js"

const API = "https://api.example.com/"

it.effect("gives a user the billing role and lifts their block", () =>
  Effect.gen(function* () {
    const tenant = yield* FakeAuth0.Tenant
    yield* tenant.seedUsers([{ email: "ada@example.com", connection: "Username-Password-Authentication" }])
    yield* tenant.seedResourceServers([{ identifier: API, name: "API", scopes: [{ value: "read:invoices" }] }])
    yield* tenant.seedRoles([{ id: "rol_Billing000000001", name: "billing" }])
    yield* tenant.seedRolePermissions("rol_Billing000000001", [
      { resource_server_identifier: API, permission_name: "read:invoices" }
    ])
    yield* tenant.seedBlocks([{ identifier: "ada@example.com", ip: "203.0.113.7" }])

    const [ada] = yield* Users.listByEmail("ada@example.com")
    yield* Users.assignRoles(ada!.user_id, ["rol_Billing000000001"])
    const granted = yield* Users.permissionsStream(ada!.user_id).pipe(
      Stream.map((p) => p.permission_name),
      Stream.runCollect
    )
    assert.deepStrictEqual([...granted], ["read:invoices"])

    yield* UserBlocks.unblockByIdentifier("ada@example.com")
    assert.deepStrictEqual((yield* UserBlocks.getByIdentifier("ada@example.com")).blocked_for, [])
  }).pipe(Effect.provide(FakeAuth0.layer()))
)
