/**
 * An access-admin job: find a user by email, give them a role, see what it
 * grants, lift a brute-force block and end their sessions. The role, its
 * permissions, the block and the sessions are seeded in the fake tenant
 * first, as an Auth0 tenant would already have them.
 */
import { Effect, Stream } from "effect"
import { Users, UserBlocks } from "../src/index.js"
import type { FakeAuth0 } from "../src/testing/index.js"

const say = (text: string) => Effect.sync(() => console.log(`  ${text}`))

const API = "https://api.example.com/"

export const accessAdmin = (tenant: FakeAuth0.Tenant.Service, email: string) =>
  Effect.gen(function* () {
    yield* tenant.seedResourceServers([
      { identifier: API, name: "Example API", scopes: [{ value: "read:invoices" }, { value: "write:invoices" }] }
    ])
    yield* tenant.seedRoles([{ id: "rol_BillingAdmin00001", name: "billing-admin", description: "Invoices" }])
    yield* tenant.seedRolePermissions("rol_BillingAdmin00001", [
      { resource_server_identifier: API, permission_name: "read:invoices" },
      { resource_server_identifier: API, permission_name: "write:invoices" }
    ])

    const [user] = yield* Users.listByEmail(email, { fields: ["user_id", "email"] })
    if (user === undefined) return yield* say(`no user has the email ${email}`)
    yield* say(`listByEmail ${email} → ${user.user_id}`)

    yield* Users.assignRoles(user.user_id, ["rol_BillingAdmin00001"])
    const granted = yield* Users.permissionsStream(user.user_id).pipe(
      Stream.map(
        (p) => `${p.permission_name} (via ${p.sources?.map((s) => s.source_name || s.source_type).join(", ")})`
      ),
      Stream.runCollect
    )
    yield* say(`assign billing-admin → permissions: ${[...granted].join("; ")}`)

    yield* tenant.seedBlocks([{ identifier: email, ip: "203.0.113.7", connection: "Username-Password-Authentication" }])
    const before = yield* UserBlocks.getByIdentifier(email)
    yield* UserBlocks.unblockByIdentifier(email)
    const after = yield* UserBlocks.getByIdentifier(email)
    yield* say(`brute-force blocks of ${email}: ${before.blocked_for.length} → unblock → ${after.blocked_for.length}`)

    yield* tenant.seedSessions(user.user_id, [{}, {}, {}])
    const sessions = yield* Users.sessionsStream(user.user_id).pipe(Stream.runCount)
    yield* Users.revokeAccess(user.user_id)
    const left = yield* Users.sessionsStream(user.user_id).pipe(Stream.runCount)
    yield* say(`sessions: ${sessions} → revokeAccess → ${left}`)
  })
