/** Seeding and inspection of a fake tenant's APIs, permissions and groups, for tests. */
import * as Effect from "effect/Effect"
import type * as Router from "../router.js"
import { guard, iso, type SeedError } from "../seed.js"
import { Refusal } from "../refusal.js"
import { permissionKey, type PermissionRef, type ResourceServer } from "../state/rbac.js"

/** A group to seed; `created_at` and `updated_at` default to now. */
export interface SeedGroup extends Readonly<Record<string, unknown>> {
  readonly id: string
  readonly name: string
  readonly external_id?: string
  readonly connection_id?: string
  readonly created_at?: string
  readonly updated_at?: string
}

export interface RbacSeeding {
  /** APIs (resource servers) and the permissions each defines; one with a seeded identifier is replaced. */
  readonly seedResourceServers: (servers: ReadonlyArray<ResourceServer>) => Effect.Effect<void>
  /** Give a seeded role permissions of seeded APIs (once each). */
  readonly seedRolePermissions: (
    roleId: string,
    permissions: ReadonlyArray<PermissionRef>
  ) => Effect.Effect<void, SeedError>
  /** Assign permissions of seeded APIs to a user directly (once each), as `Users.assignPermissions` does. */
  readonly seedUserPermissions: (
    userId: string,
    permissions: ReadonlyArray<PermissionRef>
  ) => Effect.Effect<void, SeedError>
  readonly seedGroups: (groups: ReadonlyArray<SeedGroup>) => Effect.Effect<void>
  /** Make users members of a seeded group, from now. */
  readonly seedGroupMembers: (groupId: string, userIds: ReadonlyArray<string>) => Effect.Effect<void, SeedError>
  /** Give a seeded group seeded roles: its members have them in effect. */
  readonly seedGroupRoles: (groupId: string, roleIds: ReadonlyArray<string>) => Effect.Effect<void, SeedError>
  /** The role ids assigned to a user directly, in assignment order. */
  readonly userRoleIds: (userId: string) => Effect.Effect<ReadonlyArray<string>>
  /** The permissions assigned to a user directly, in assignment order. */
  readonly userPermissions: (userId: string) => Effect.Effect<ReadonlyArray<PermissionRef>>
}

const requireGroup = (tenant: Router.Tenant, id: string) => {
  if (!tenant.rbac.groups.has(id)) throw new Refusal(404, `no group ${id}`)
}

const addOnce = (current: ReadonlyArray<PermissionRef>, added: ReadonlyArray<PermissionRef>) => {
  const byKey = new Map(current.map((p) => [permissionKey(p), p] as const))
  for (const p of added) if (!byKey.has(permissionKey(p))) byKey.set(permissionKey(p), p)
  return [...byKey.values()]
}

export const rbacSeeding = (tenant: Router.Tenant): RbacSeeding => {
  const state = tenant.rbac
  return {
    seedResourceServers: (servers) =>
      Effect.sync(() => {
        for (const server of servers) state.resourceServers.set(server.identifier, structuredClone(server))
      }),
    seedRolePermissions: (roleId, permissions) =>
      guard(() => {
        if (!tenant.store.roles.has(roleId)) throw new Refusal(404, `no role ${roleId}`)
        state.requirePermissions(permissions)
        state.rolePermissions.set(roleId, addOnce(state.rolePermissions.get(roleId) ?? [], permissions))
      }),
    seedUserPermissions: (userId, permissions) =>
      guard(() => {
        if (permissions.length > 0) state.assignPermissions(userId, { permissions })
        else state.requireUser(userId)
      }),
    seedGroups: (groups) =>
      Effect.flatMap(iso, (now) =>
        Effect.sync(() => {
          for (const group of groups) {
            state.groups.set(group.id, { created_at: now, updated_at: now, ...structuredClone(group) })
          }
        })
      ),
    seedGroupMembers: (groupId, userIds) =>
      Effect.flatMap(iso, (since) =>
        guard(() => {
          requireGroup(tenant, groupId)
          for (const userId of userIds) state.requireUser(userId)
          for (const userId of userIds) {
            const current = state.memberships.get(userId) ?? []
            if (!current.some((m) => m.groupId === groupId))
              state.memberships.set(userId, [...current, { groupId, since }])
          }
        })
      ),
    seedGroupRoles: (groupId, roleIds) =>
      guard(() => {
        requireGroup(tenant, groupId)
        state.requireRoles(roleIds)
        state.groupRoles.set(groupId, [...new Set([...(state.groupRoles.get(groupId) ?? []), ...roleIds])])
      }),
    userRoleIds: (userId) => Effect.sync(() => [...(tenant.store.userRoles.get(userId) ?? [])]),
    userPermissions: (userId) => Effect.sync(() => structuredClone(state.userPermissions.get(userId) ?? []))
  }
}
