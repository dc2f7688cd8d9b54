/**
 * A user's roles and permissions through the public API against the in-process fake tenant: each
 * operation's success and its documented failures (404 for an unknown user or role, 400 on a bad
 * body or query, 403 without the scope), idempotent writes, and the body that DELETE carries.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { Users } from "../src/index.js"
import { FakeAuth0 } from "../src/testing/index.js"

const DB = "Username-Password-Authentication"
const API = "https://api.example.com/"
const OTHER_API = "https://other.example.com/"
const read = { resource_server_identifier: API, permission_name: "read:things" }
const write = { resource_server_identifier: API, permission_name: "write:things" }

/** A user, two roles and two APIs with their permissions. */
const setup = Effect.gen(function* () {
  const tenant = yield* FakeAuth0.Tenant
  const [user] = yield* tenant.seedUsers([{ connection: DB, email: "rbac@example.com" }])
  yield* tenant.seedRoles([
    { id: "rol_admin0000000001", name: "admin", description: "Admins" },
    { id: "rol_viewer000000001", name: "viewer" }
  ])
  yield* tenant.seedResourceServers([
    {
      identifier: API,
      name: "Example API",
      scopes: [
        { value: "read:things", description: "Read things" },
        { value: "write:things", description: "Write things" }
      ]
    },
    { identifier: OTHER_API, name: "Other API", scopes: [{ value: "read:other" }] }
  ])
  return { tenant, id: user!.user_id }
})

const noScope = (scopes: ReadonlyArray<string>) => FakeAuth0.layer({ scopes })

describe("assignRoles / removeRoles", () => {
  it.effect("assign twice keeps one, remove what is not there succeeds, and DELETE carries its body", () =>
    Effect.gen(function* () {
      const { id, tenant } = yield* setup
      yield* Users.assignRoles(id, ["rol_admin0000000001"])
      yield* Users.assignRoles(id, ["rol_admin0000000001", "rol_viewer000000001"])
      assert.deepStrictEqual(yield* tenant.userRoleIds(id), ["rol_admin0000000001", "rol_viewer000000001"])
      const page = yield* Users.roles(id)
      assert.deepStrictEqual(
        page.roles.map((r) => r.name),
        ["admin", "viewer"]
      )
      yield* Users.removeRoles(id, ["rol_viewer000000001"])
      yield* Users.removeRoles(id, ["rol_viewer000000001"])
      assert.deepStrictEqual(yield* tenant.userRoleIds(id), ["rol_admin0000000001"])
      const deletes = (yield* tenant.requests).filter((r) => r.method === "DELETE")
      assert.deepStrictEqual(
        deletes.map((r) => [r.url, r.body, r.status]),
        [
          [`/api/v2/users/${encodeURIComponent(id)}/roles`, '{"roles":["rol_viewer000000001"]}', 204],
          [`/api/v2/users/${encodeURIComponent(id)}/roles`, '{"roles":["rol_viewer000000001"]}', 204]
        ]
      )
    }).pipe(Effect.provide(FakeAuth0.layer()))
  )

  it.effect("an unknown user or role is NotFound, an empty list BadRequest", () =>
    Effect.gen(function* () {
      const { id, tenant } = yield* setup
      const user = yield* Effect.flip(Users.assignRoles("auth0|nobody", ["rol_admin0000000001"]))
      assert.strictEqual(user._tag, "NotFound")
      if (user._tag === "NotFound") assert.strictEqual(user.errorCode, "inexistent_user")
      const removed = yield* Effect.flip(Users.removeRoles("auth0|nobody", ["rol_admin0000000001"]))
      assert.strictEqual(removed._tag, "NotFound")
      const role = yield* Effect.flip(Users.assignRoles(id, ["rol_admin0000000001", "rol_missing"]))
      assert.strictEqual(role._tag, "NotFound")
      if (role._tag === "NotFound") assert.strictEqual(role.description, "The role does not exist.")
      assert.deepStrictEqual(yield* tenant.userRoleIds(id), [], "nothing assigned when one role is unknown")
      const empty = yield* Effect.flip(Users.assignRoles(id, []))
      assert.strictEqual(empty._tag, "BadRequest")
      if (empty._tag === "BadRequest") assert.strictEqual(empty.errorCode, "invalid_body")
    }).pipe(Effect.provide(FakeAuth0.layer()))
  )

  it.effect("without create:role_members / delete:role_members (or update:users): Forbidden", () =>
    Effect.gen(function* () {
      const { id } = yield* setup
      assert.strictEqual((yield* Effect.flip(Users.assignRoles(id, ["rol_admin0000000001"])))._tag, "Forbidden")
      assert.strictEqual((yield* Effect.flip(Users.removeRoles(id, ["rol_admin0000000001"])))._tag, "Forbidden")
    }).pipe(Effect.provide(noScope(["read:users"])))
  )
})

describe("permissions / assignPermissions / removePermissions", () => {
  it.effect("direct and through a role, each once with its sources; remove is idempotent and sends its body", () =>
    Effect.gen(function* () {
      const { id, tenant } = yield* setup
      yield* tenant.seedRolePermissions("rol_admin0000000001", [read, write])
      yield* Users.assignPermissions(id, [read])
      yield* Users.assignPermissions(id, [read])
      assert.deepStrictEqual(yield* tenant.userPermissions(id), [read])
      yield* Users.assignRoles(id, ["rol_admin0000000001"])
      const page = yield* Users.permissions(id)
      assert.strictEqual(page.total, 2)
      assert.strictEqual(page.length, 2)
      assert.deepStrictEqual(page.permissions, [
        {
          permission_name: "read:things",
          description: "Read things",
          resource_server_name: "Example API",
          resource_server_identifier: API,
          sources: [
            { source_id: "", source_name: "", source_type: "DIRECT" },
            { source_id: "rol_admin0000000001", source_name: "admin", source_type: "ROLE" }
          ]
        },
        {
          permission_name: "write:things",
          description: "Write things",
          resource_server_name: "Example API",
          resource_server_identifier: API,
          sources: [{ source_id: "rol_admin0000000001", source_name: "admin", source_type: "ROLE" }]
        }
      ])
      yield* Users.removePermissions(id, [read, write])
      yield* Users.removePermissions(id, [read])
      assert.deepStrictEqual(yield* tenant.userPermissions(id), [])
      const removes = (yield* tenant.requests).filter((r) => r.method === "DELETE")
      assert.deepStrictEqual(
        removes.map((r) => JSON.parse(r.body!)),
        [{ permissions: [read, write] }, { permissions: [read] }]
      )
      // The role's permissions stay: only direct ones were removed.
      assert.strictEqual((yield* Users.permissions(id)).total, 2)
    }).pipe(Effect.provide(FakeAuth0.layer()))
  )

  it.effect("unknown user NotFound; unknown API NotFound; unknown permission, bad body or per_page BadRequest", () =>
    Effect.gen(function* () {
      const { id } = yield* setup
      assert.strictEqual((yield* Effect.flip(Users.permissions("auth0|nobody")))._tag, "NotFound")
      assert.strictEqual((yield* Effect.flip(Users.assignPermissions("auth0|nobody", [read])))._tag, "NotFound")
      assert.strictEqual((yield* Effect.flip(Users.removePermissions("auth0|nobody", [read])))._tag, "NotFound")
      const api = yield* Effect.flip(
        Users.assignPermissions(id, [{ resource_server_identifier: "https://none/", permission_name: "x" }])
      )
      assert.strictEqual(api._tag, "NotFound")
      if (api._tag === "NotFound") assert.strictEqual(api.errorCode, "inexistent_resource_server")
      const name = yield* Effect.flip(Users.assignPermissions(id, [{ ...read, permission_name: "fly:things" }]))
      assert.strictEqual(name._tag, "BadRequest")
      const missing = yield* Effect.flip(
        Users.assignPermissions(id, [{ resource_server_identifier: API } as unknown as Users.PermissionRef])
      )
      assert.strictEqual(missing._tag, "BadRequest")
      if (missing._tag === "BadRequest")
        assert.match(missing.description ?? "", /Missing required property: permission_name/)
      const big = yield* Effect.flip(Users.permissions(id, { per_page: 101 }))
      assert.strictEqual(big._tag, "BadRequest")
    }).pipe(Effect.provide(FakeAuth0.layer()))
  )

  it.effect("without update:users / read:users: Forbidden", () =>
    Effect.gen(function* () {
      const { id } = yield* setup
      assert.strictEqual((yield* Effect.flip(Users.permissions(id)))._tag, "Forbidden")
      assert.strictEqual((yield* Effect.flip(Users.assignPermissions(id, [read])))._tag, "Forbidden")
      assert.strictEqual((yield* Effect.flip(Users.removePermissions(id, [read])))._tag, "Forbidden")
    }).pipe(Effect.provide(noScope(["read:roles"])))
  )
})

/** A user in a group that has the viewer role, the admin role directly; permissions on both APIs. */
const withGroups = Effect.gen(function* () {
  const { id, tenant } = yield* setup
  yield* tenant.seedRolePermissions("rol_admin0000000001", [write])
  yield* tenant.seedRolePermissions("rol_viewer000000001", [
    read,
    { resource_server_identifier: OTHER_API, permission_name: "read:other" }
  ])
  yield* tenant.assignRoles(id, ["rol_admin0000000001"])
  yield* tenant.seedGroups([
    { id: "grp_eng", name: "engineering", external_id: "ext-1" },
    { id: "grp_all", name: "everyone" }
  ])
  yield* tenant.seedGroupMembers("grp_eng", [id])
  yield* tenant.seedGroupMembers("grp_all", [id])
  yield* tenant.seedGroupRoles("grp_eng", ["rol_viewer000000001", "rol_admin0000000001"])
  yield* tenant.seedUserPermissions(id, [read])
  return { id, tenant }
})

describe("effectiveRoles / effectivePermissions / groups", () => {
  it.effect("effective roles: direct and through groups, with their sources", () =>
    Effect.gen(function* () {
      const { id } = yield* withGroups
      const page = yield* Users.effectiveRoles(id)
      assert.isUndefined(page.next)
      assert.deepStrictEqual(
        page.roles.map((r) => [r.id, r.sources]),
        [
          ["rol_admin0000000001", ["direct", "groups"]],
          ["rol_viewer000000001", ["groups"]]
        ]
      )
      // Users.roles lists the direct assignments only.
      assert.deepStrictEqual(
        (yield* Users.roles(id)).roles.map((r) => r.id),
        ["rol_admin0000000001"]
      )
    }).pipe(Effect.provide(FakeAuth0.layer()))
  )

  it.effect("effective permissions of one API: direct and through every effective role", () =>
    Effect.gen(function* () {
      const { id } = yield* withGroups
      const page = yield* Users.effectivePermissions(id, { resource_server_identifier: API })
      assert.deepStrictEqual(
        page.permissions.map((p) => [p.permission_name, p.sources]),
        [
          ["read:things", ["direct", "roles"]],
          ["write:things", ["roles"]]
        ]
      )
      const other = yield* Users.effectivePermissions(id, { resource_server_identifier: OTHER_API })
      assert.deepStrictEqual(
        other.permissions.map((p) => p.permission_name),
        ["read:other"]
      )
      // `/permissions` does not see what groups give.
      assert.deepStrictEqual(
        (yield* Users.permissions(id)).permissions.map((p) => p.permission_name),
        ["read:things", "write:things"]
      )
      const bad = yield* Effect.flip(Users.effectivePermissions(id, { resource_server_identifier: API, take: 0 }))
      assert.strictEqual(bad._tag, "BadRequest")
    }).pipe(Effect.provide(FakeAuth0.layer()))
  )

  it.effect("groups with their membership date, a projection kept to the fields asked for", () =>
    Effect.gen(function* () {
      const { id } = yield* withGroups
      const page = yield* Users.groups(id)
      assert.deepStrictEqual(
        page.groups.map((g) => g.name),
        ["everyone", "engineering"]
      )
      assert.isString(page.groups[0]!.membership_created_at)
      const projected = yield* Users.groups(id, { fields: ["id", "name"] })
      assert.deepStrictEqual(projected.groups, [
        { id: "grp_all", name: "everyone" },
        { id: "grp_eng", name: "engineering" }
      ])
    }).pipe(Effect.provide(FakeAuth0.layer()))
  )

  it.effect("an unknown user is NotFound for each", () =>
    Effect.gen(function* () {
      yield* setup
      const errors = yield* Effect.all([
        Effect.flip(Users.effectiveRoles("auth0|nobody")),
        Effect.flip(Users.effectivePermissions("auth0|nobody", { resource_server_identifier: API })),
        Effect.flip(Users.groups("auth0|nobody"))
      ])
      assert.deepStrictEqual(
        errors.map((e) => e._tag),
        ["NotFound", "NotFound", "NotFound"]
      )
    }).pipe(Effect.provide(FakeAuth0.layer()))
  )

  it.effect("each needs its own scope (read:users is not enough)", () =>
    Effect.gen(function* () {
      const { id } = yield* setup
      const errors = yield* Effect.all([
        Effect.flip(Users.effectiveRoles(id)),
        Effect.flip(Users.effectivePermissions(id, { resource_server_identifier: API })),
        Effect.flip(Users.groups(id))
      ])
      assert.deepStrictEqual(
        errors.map((e) => e._tag),
        ["Forbidden", "Forbidden", "Forbidden"]
      )
    }).pipe(Effect.provide(noScope(["read:users", "read:roles"])))
  )
})
