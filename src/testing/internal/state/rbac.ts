/**
 * The fake tenant's roles and permissions beyond the store's roles and direct role assignments
 * (`store.roles`, `store.userRoles`, reused here): the APIs (resource servers) and their
 * permissions, the permissions of each role and of each user, and groups with their members and
 * roles. Assigning what is there and removing what is not change nothing, as on Auth0.
 */
import { invalid, isObject } from "../userBody.js"
import { Refusal } from "../refusal.js"
import type { Store } from "../store.js"

export interface PermissionRef {
  readonly resource_server_identifier: string
  readonly permission_name: string
}

/** An API of the tenant, with the permissions (scopes) it defines. */
export interface ResourceServer {
  readonly identifier: string
  readonly name: string
  readonly scopes: ReadonlyArray<{ readonly value: string; readonly description?: string | undefined }>
}

export interface GroupRecord extends Readonly<Record<string, unknown>> {
  readonly id: string
  readonly name: string
}

const typeName = (u: unknown) => (u === null ? "null" : Array.isArray(u) ? "array" : typeof u)

/** The array under `key` of a body that has only that key, each item checked by `item`; worded as Auth0 words it. */
const arrayBody = <A>(body: unknown, key: string, item: (value: unknown, at: string) => A): ReadonlyArray<A> => {
  if (!isObject(body)) throw invalid(`Expected type object but found type ${typeName(body)}`)
  for (const k of Object.keys(body)) if (k !== key) throw invalid(`Additional properties not allowed: ${k}`)
  const list = body[key]
  if (list === undefined) throw invalid(`Missing required property: ${key}`)
  if (!Array.isArray(list)) throw invalid(`Expected type array but found type ${typeName(list)}' on property ${key} ('`)
  if (list.length === 0) throw invalid(`Array is too short (0), minimum 1' on property ${key} ('`)
  return list.map((value, i) => item(value, `${key}[${i}]`))
}

const nonEmptyString = (value: unknown, at: string): string => {
  if (typeof value !== "string")
    throw invalid(`Expected type string but found type ${typeName(value)}' on property ${at} ('`)
  if (value === "") throw invalid(`String is too short (0 chars), minimum 1' on property ${at} ('`)
  return value
}

const permissionRef = (value: unknown, at: string): PermissionRef => {
  if (!isObject(value)) throw invalid(`Expected type object but found type ${typeName(value)}' on property ${at} ('`)
  for (const k of Object.keys(value)) {
    if (k !== "resource_server_identifier" && k !== "permission_name") {
      throw invalid(`Additional properties not allowed: ${k}' on property ${at} ('`)
    }
  }
  for (const k of ["resource_server_identifier", "permission_name"]) {
    if (value[k] === undefined) throw invalid(`Missing required property: ${k}' on property ${at} ('`)
  }
  return {
    resource_server_identifier: nonEmptyString(value.resource_server_identifier, `${at}.resource_server_identifier`),
    permission_name: nonEmptyString(value.permission_name, `${at}.permission_name`)
  }
}

export const rolesBody = (body: unknown): ReadonlyArray<string> => arrayBody(body, "roles", nonEmptyString)

export const permissionsBody = (body: unknown): ReadonlyArray<PermissionRef> =>
  arrayBody(body, "permissions", permissionRef)

/** One key per permission, ordered by API then name. */
export const permissionKey = (p: PermissionRef): string => `${p.resource_server_identifier}\u0000${p.permission_name}`

const union = <A>(current: ReadonlyArray<A>, added: ReadonlyArray<A>, key: (a: A) => string): Array<A> => {
  const byKey = new Map(current.map((a) => [key(a), a] as const))
  for (const a of added) if (!byKey.has(key(a))) byKey.set(key(a), a)
  return [...byKey.values()]
}

const without = <A>(current: ReadonlyArray<A>, removed: ReadonlyArray<A>, key: (a: A) => string): Array<A> => {
  const gone = new Set(removed.map(key))
  return current.filter((a) => !gone.has(key(a)))
}

const byKey =
  <A>(key: (a: A) => string) =>
  (a: A, b: A) =>
    key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0

export class RbacState {
  readonly resourceServers = new Map<string, ResourceServer>()
  readonly rolePermissions = new Map<string, ReadonlyArray<PermissionRef>>()
  readonly userPermissions = new Map<string, ReadonlyArray<PermissionRef>>()
  readonly groups = new Map<string, GroupRecord>()
  /** Per user, the groups it belongs to and since when. */
  readonly memberships = new Map<string, ReadonlyArray<{ readonly groupId: string; readonly since: string }>>()
  readonly groupRoles = new Map<string, ReadonlyArray<string>>()

  constructor(readonly store: Store) {
    store.onDelete.push((id) => {
      this.userPermissions.delete(id)
      this.memberships.delete(id)
    })
  }

  requireUser(id: string): void {
    if (!this.store.users.has(id)) throw new Refusal(404, "The user does not exist.", "inexistent_user")
  }

  requireRoles(ids: ReadonlyArray<string>): void {
    if (ids.some((id) => !this.store.roles.has(id))) throw new Refusal(404, "The role does not exist.")
  }

  /** Each permission is one its API defines. */
  requirePermissions(permissions: ReadonlyArray<PermissionRef>): void {
    for (const p of permissions) {
      const api = this.resourceServers.get(p.resource_server_identifier)
      if (api === undefined) {
        throw new Refusal(404, "The resource server does not exist.", "inexistent_resource_server")
      }
      if (!api.scopes.some((s) => s.value === p.permission_name)) {
        throw invalid(`The permission ${p.permission_name} does not exist in resource server ${api.identifier}`)
      }
    }
  }

  assignRoles(id: string, body: unknown): void {
    const roles = rolesBody(body)
    this.requireUser(id)
    this.requireRoles(roles)
    this.store.userRoles.set(id, union(this.store.userRoles.get(id) ?? [], roles, String))
  }

  removeRoles(id: string, body: unknown): void {
    const roles = rolesBody(body)
    this.requireUser(id)
    this.store.userRoles.set(id, without(this.store.userRoles.get(id) ?? [], roles, String))
  }

  assignPermissions(id: string, body: unknown): Record<string, never> {
    const permissions = permissionsBody(body)
    this.requireUser(id)
    this.requirePermissions(permissions)
    this.userPermissions.set(id, union(this.userPermissions.get(id) ?? [], permissions, permissionKey))
    return {}
  }

  removePermissions(id: string, body: unknown): void {
    const permissions = permissionsBody(body)
    this.requireUser(id)
    this.userPermissions.set(id, without(this.userPermissions.get(id) ?? [], permissions, permissionKey))
  }

  private describe(p: PermissionRef) {
    const api = this.resourceServers.get(p.resource_server_identifier)
    const description = api?.scopes.find((s) => s.value === p.permission_name)?.description
    return {
      permission_name: p.permission_name,
      ...(description !== undefined ? { description } : {}),
      ...(api !== undefined ? { resource_server_name: api.name } : {}),
      resource_server_identifier: p.resource_server_identifier
    }
  }

  /** `GET /users/{id}/permissions`: direct ones and those of the roles assigned to the user, each with its sources. */
  permissionsOf(id: string): ReadonlyArray<Record<string, unknown>> {
    this.requireUser(id)
    const sources = new Map<string, { ref: PermissionRef; sources: Array<Record<string, string>> }>()
    const add = (ref: PermissionRef, source: Record<string, string>) => {
      const entry = sources.get(permissionKey(ref)) ?? { ref, sources: [] }
      entry.sources.push(source)
      sources.set(permissionKey(ref), entry)
    }
    for (const ref of this.userPermissions.get(id) ?? []) {
      add(ref, { source_id: "", source_name: "", source_type: "DIRECT" })
    }
    for (const roleId of this.store.userRoles.get(id) ?? []) {
      const role = this.store.roles.get(roleId)
      if (role === undefined) continue
      for (const ref of this.rolePermissions.get(roleId) ?? []) {
        add(ref, { source_id: role.id, source_name: role.name, source_type: "ROLE" })
      }
    }
    return [...sources.values()]
      .sort(byKey((e) => permissionKey(e.ref)))
      .map((e) => ({ ...this.describe(e.ref), sources: e.sources }))
  }

  /** The roles a user has through its groups, by role id. */
  private groupRoleIds(id: string): Set<string> {
    const ids = new Set<string>()
    for (const { groupId } of this.memberships.get(id) ?? []) {
      for (const roleId of this.groupRoles.get(groupId) ?? []) ids.add(roleId)
    }
    return ids
  }

  /** `GET /users/{id}/effective-roles`, by role id: direct ones and those of the user's groups. */
  effectiveRolesOf(id: string): ReadonlyArray<Record<string, unknown>> {
    this.requireUser(id)
    const direct = new Set(this.store.userRoles.get(id) ?? [])
    const viaGroups = this.groupRoleIds(id)
    return [...new Set([...direct, ...viaGroups])].sort().flatMap((roleId) => {
      const role = this.store.roles.get(roleId)
      if (role === undefined) return []
      const sources = [...(direct.has(roleId) ? ["direct"] : []), ...(viaGroups.has(roleId) ? ["groups"] : [])]
      return [{ ...structuredClone(role), sources }]
    })
  }

  /** `GET /users/{id}/effective-permissions` of one API: direct ones and those of every effective role. */
  effectivePermissionsOf(id: string, api: string): ReadonlyArray<Record<string, unknown>> {
    this.requireUser(id)
    const found = new Map<string, { ref: PermissionRef; direct: boolean; roles: boolean }>()
    const add = (ref: PermissionRef, direct: boolean) => {
      if (ref.resource_server_identifier !== api) return
      const entry = found.get(permissionKey(ref)) ?? { ref, direct: false, roles: false }
      if (direct) entry.direct = true
      else entry.roles = true
      found.set(permissionKey(ref), entry)
    }
    for (const ref of this.userPermissions.get(id) ?? []) add(ref, true)
    for (const role of this.effectiveRolesOf(id)) {
      for (const ref of this.rolePermissions.get(String(role.id)) ?? []) add(ref, false)
    }
    return [...found.values()].sort(byKey((e) => permissionKey(e.ref))).map((e) => ({
      ...this.describe(e.ref),
      sources: [...(e.direct ? ["direct"] : []), ...(e.roles ? ["roles"] : [])]
    }))
  }

  /** `GET /users/{id}/groups`, by group id, each with when the user joined it. */
  groupsOf(id: string): ReadonlyArray<Record<string, unknown>> {
    this.requireUser(id)
    return (this.memberships.get(id) ?? [])
      .flatMap(({ groupId, since }) => {
        const group = this.groups.get(groupId)
        return group === undefined ? [] : [{ ...structuredClone(group), membership_created_at: since }]
      })
      .sort(byKey((g) => g.id))
  }
}
