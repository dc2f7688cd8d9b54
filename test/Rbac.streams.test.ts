/**
 * The streams of a user's permissions, effective roles and permissions, and groups: page by page
 * on demand (a consumer that stops early costs only the pages it read), offset paging stopping at
 * Auth0's 1000 cap with a typed error, checkpoint paging following `next` to the end.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import { Auth0Http, Users } from "../src/index.js"
import { FakeAuth0 } from "../src/testing/index.js"
import { fakeHttp, json, type Seen } from "./utils.js"

const DB = "Username-Password-Authentication"
const API = "https://api.example.com/"
const pad = (i: number) => String(i).padStart(4, "0")

/** A user, and an API defining `count` permissions `p:0000`, `p:0001`, … */
const withApi = (count: number) =>
  Effect.gen(function* () {
    const tenant = yield* FakeAuth0.Tenant
    const [user] = yield* tenant.seedUsers([{ connection: DB, email: "stream@example.com" }])
    const names = Array.from({ length: count }, (_, i) => `p:${pad(i)}`)
    yield* tenant.seedResourceServers([{ identifier: API, name: "API", scopes: names.map((value) => ({ value })) }])
    const refs = names.map((permission_name) => ({ resource_server_identifier: API, permission_name }))
    return { tenant, id: user!.user_id, names, refs }
  })

const sent = (tenant: FakeAuth0.Tenant.Service, part: string) =>
  Effect.map(tenant.requests, (requests) =>
    requests.filter((r) => r.method === "GET" && r.url.includes(part)).map((r) => new URL(r.url, "http://x"))
  )

describe("permissionsStream (offset)", () => {
  it.effect(
    "past 1000 a LimitExceeded, or the first 1000 with stopAtCap; an early stop reads only its pages and one ahead",
    () =>
      Effect.gen(function* () {
        const { id, refs, tenant } = yield* withApi(1050)
        yield* tenant.seedUserPermissions(id, refs)
        const error = yield* Effect.flip(Stream.runDrain(Users.permissionsStream(id)))
        assert.strictEqual(error._tag, "LimitExceeded")
        assert.strictEqual(yield* Stream.runCount(Users.permissionsStream(id, { stopAtCap: true })), 1000)
        const before = (yield* sent(tenant, "/permissions")).length
        const first = yield* Stream.runCollect(Users.permissionsStream(id).pipe(Stream.take(150)))
        assert.strictEqual(Chunk.size(first), 150)
        // Offset pages are fetched one ahead (to know whether the cap comes next): 150 items, three pages.
        assert.strictEqual((yield* sent(tenant, "/permissions")).length - before, 3)
      }).pipe(Effect.provide(FakeAuth0.layer()))
  )

  it.effect("a permission assigned during the walk shifts the pages, and nothing comes twice", () =>
    Effect.gen(function* () {
      const { id, refs, tenant } = yield* withApi(250)
      yield* tenant.seedResourceServers([
        {
          identifier: API,
          name: "API",
          scopes: [{ value: "a:first" }, ...refs.map((r) => ({ value: r.permission_name }))]
        }
      ])
      yield* tenant.seedUserPermissions(id, refs)
      const names = yield* Users.permissionsStream(id).pipe(
        Stream.tap((p) =>
          p.permission_name === "p:0050"
            ? Users.assignPermissions(id, [{ resource_server_identifier: API, permission_name: "a:first" }])
            : Effect.void
        ),
        Stream.map((p) => p.permission_name),
        Stream.runCollect
      )
      const all = Chunk.toReadonlyArray(names)
      assert.strictEqual(new Set(all).size, all.length, "each permission once")
      assert.deepStrictEqual(
        all.slice(0, 100),
        refs.slice(0, 100).map((r) => r.permission_name)
      )
      assert.strictEqual(all.length, 250)
    }).pipe(Effect.provide(FakeAuth0.layer()))
  )
})

describe("checkpoint streams", () => {
  it.effect("effectiveRolesStream follows next page by page, each page after the last one's cursor", () =>
    Effect.gen(function* () {
      const tenant = yield* FakeAuth0.Tenant
      const [user] = yield* tenant.seedUsers([{ connection: DB, email: "roles@example.com" }])
      const roles = Array.from({ length: 250 }, (_, i) => ({ id: `rol_${pad(i)}`, name: `role-${i}` }))
      yield* tenant.seedRoles(roles)
      yield* tenant.assignRoles(
        user!.user_id,
        roles.map((r) => r.id)
      )
      const ids = yield* Stream.runCollect(Users.effectiveRolesStream(user!.user_id).pipe(Stream.map((r) => r.id)))
      assert.deepStrictEqual(
        Chunk.toReadonlyArray(ids),
        roles.map((r) => r.id)
      )
      const pages = yield* sent(tenant, "/effective-roles")
      assert.deepStrictEqual(
        pages.map((u) => [u.searchParams.get("take"), u.searchParams.has("from")]),
        [
          ["100", false],
          ["100", true],
          ["100", true]
        ]
      )
      const early = yield* Stream.runCount(
        Users.effectiveRolesStream(user!.user_id, { take: 10 }).pipe(Stream.take(15))
      )
      assert.strictEqual(early, 15)
      assert.strictEqual((yield* sent(tenant, "/effective-roles")).length, 5, "two pages of 10 for 15 roles")
    }).pipe(Effect.provide(FakeAuth0.layer()))
  )

  it.effect("effectivePermissionsStream sends the API on every page", () =>
    Effect.gen(function* () {
      const { id, refs, tenant } = yield* withApi(230)
      yield* tenant.seedRoles([{ id: "rol_all", name: "all" }])
      yield* tenant.seedRolePermissions("rol_all", refs)
      yield* tenant.assignRoles(id, ["rol_all"])
      const count = yield* Stream.runCount(Users.effectivePermissionsStream(id, { resource_server_identifier: API }))
      assert.strictEqual(count, 230)
      const pages = yield* sent(tenant, "/effective-permissions")
      assert.strictEqual(pages.length, 3)
      for (const page of pages) assert.strictEqual(page.searchParams.get("resource_server_identifier"), API)
    }).pipe(Effect.provide(FakeAuth0.layer()))
  )

  it.effect("groupsStream keeps the projection on every page", () =>
    Effect.gen(function* () {
      const tenant = yield* FakeAuth0.Tenant
      const [user] = yield* tenant.seedUsers([{ connection: DB, email: "groups@example.com" }])
      const groups = Array.from({ length: 120 }, (_, i) => ({ id: `grp_${pad(i)}`, name: `group-${i}` }))
      yield* tenant.seedGroups(groups)
      for (const group of groups) yield* tenant.seedGroupMembers(group.id, [user!.user_id])
      const seen = yield* Stream.runCollect(Users.groupsStream(user!.user_id, { fields: ["id"], take: 50 }))
      assert.deepStrictEqual(
        Chunk.toReadonlyArray(seen),
        groups.map((g) => ({ id: g.id }))
      )
      const pages = yield* sent(tenant, "/groups")
      assert.deepStrictEqual(
        pages.map((u) => [u.searchParams.get("fields"), u.searchParams.get("take")]),
        [
          ["id", "50"],
          ["id", "50"],
          ["id", "50"]
        ]
      )
    }).pipe(Effect.provide(FakeAuth0.layer()))
  )

  it.effect("a next followed by an empty page ends the stream there (as Auth0 was recorded answering)", () =>
    Effect.gen(function* () {
      const log: Array<Seen> = []
      const pages = [
        { roles: [{ id: "rol_1", name: "one" }], next: "c1" },
        { roles: [], next: "c2" }
      ]
      const layer = Auth0Http.layer({ domain: "t.eu.auth0.com", token: Redacted.make("tok"), retry: false }).pipe(
        Layer.provide(fakeHttp(() => json(pages[log.length - 1] ?? { roles: [] }), log))
      )
      const roles = yield* Stream.runCollect(Users.effectiveRolesStream("auth0|1")).pipe(Effect.provide(layer))
      assert.deepStrictEqual(
        Chunk.toReadonlyArray(roles).map((r) => r.id),
        ["rol_1"]
      )
      assert.deepStrictEqual(
        log.map((seen) => seen.url.searchParams.get("from")),
        [null, "c1"]
      )
    })
  )
})
