/** A user's roles and permissions: assigning and removing them, and what the user has in effect. */
import * as Endpoint from "../../Endpoint.js"
import { EffectiveRole } from "../../schema/EffectiveRole.js"
import { Group } from "../../schema/Group.js"
import { EffectivePermission, Permission } from "../../schema/Permission.js"
import type { PageQuery, ProjectionQuery } from "./users.js"

/** A permission by its API and name, as the assign and remove bodies name it. */
export interface PermissionRef {
  readonly resource_server_identifier: string
  readonly permission_name: string
}

/** `POST` / `DELETE /users/{id}/roles` on the wire: role ids. */
export interface RolesBody {
  readonly roles: ReadonlyArray<string>
}

/** `POST` / `DELETE /users/{id}/permissions` on the wire. */
export interface PermissionsBody {
  readonly permissions: ReadonlyArray<PermissionRef>
}

/** Checkpoint paging on the wire. */
export interface CheckpointQuery {
  readonly from?: string | undefined
  readonly take?: number | undefined
}

/** `GET /users/{id}/effective-permissions` on the wire: one API's permissions. */
export interface EffectivePermissionsQuery extends CheckpointQuery {
  readonly resource_server_identifier: string
}

/** `GET /users/{id}/groups` on the wire, in its checkpoint form. */
export interface GroupsQuery extends CheckpointQuery, ProjectionQuery {}

// Assigning what is assigned, or removing what is not, leaves the user as it was: every write is safe to resend.

export const assignRoles = Endpoint.make({
  name: "Users.assignRoles",
  method: "POST",
  path: "/users/{id}/roles",
  retrySafe: true,
  success: 204,
  errors: ["NotFound"],
  scopes: ["update:users", "create:role_members"],
  bucket: "writeUsers",
  body: Endpoint.json<RolesBody>()
})

export const removeRoles = Endpoint.make({
  name: "Users.removeRoles",
  method: "DELETE",
  path: "/users/{id}/roles",
  retrySafe: true,
  success: 204,
  errors: ["NotFound"],
  scopes: ["update:users", "delete:role_members"],
  bucket: "writeUsers",
  body: Endpoint.json<RolesBody>()
})

export const permissions = Endpoint.make({
  name: "Users.permissions",
  method: "GET",
  path: "/users/{id}/permissions",
  retrySafe: true,
  success: 200,
  errors: ["NotFound"],
  scopes: ["read:users"],
  bucket: "readUsers",
  query: Endpoint.query<PageQuery>(),
  response: Permission,
  // Recorded: `{permissions, start, limit, total}`, no `length`. No single key tells permissions apart (see the stream).
  paging: Endpoint.offset("permissions", ["permissions", "start", "limit", "total"], { minPerPage: 1 })
})

export const assignPermissions = Endpoint.make({
  name: "Users.assignPermissions",
  method: "POST",
  path: "/users/{id}/permissions",
  retrySafe: true,
  success: 201,
  errors: ["NotFound"],
  scopes: ["update:users"],
  bucket: "writeUsers",
  body: Endpoint.json<PermissionsBody>()
})

export const removePermissions = Endpoint.make({
  name: "Users.removePermissions",
  method: "DELETE",
  path: "/users/{id}/permissions",
  retrySafe: true,
  success: 204,
  errors: ["NotFound"],
  scopes: ["update:users"],
  bucket: "writeUsers",
  body: Endpoint.json<PermissionsBody>()
})

export const effectiveRoles = Endpoint.make({
  name: "Users.effectiveRoles",
  method: "GET",
  path: "/users/{id}/effective-roles",
  retrySafe: true,
  success: 200,
  errors: ["NotFound"],
  scopes: ["read:user_effective_roles"],
  bucket: "readUsers",
  query: Endpoint.query<CheckpointQuery>(),
  response: EffectiveRole,
  paging: Endpoint.checkpoint("roles")
})

export const effectivePermissions = Endpoint.make({
  name: "Users.effectivePermissions",
  method: "GET",
  path: "/users/{id}/effective-permissions",
  retrySafe: true,
  success: 200,
  errors: ["NotFound"],
  scopes: ["read:user_effective_permissions"],
  bucket: "readUsers",
  query: Endpoint.query<EffectivePermissionsQuery>(),
  response: EffectivePermission,
  paging: Endpoint.checkpoint("permissions")
})

export const groups = Endpoint.make({
  name: "Users.groups",
  method: "GET",
  path: "/users/{id}/groups",
  retrySafe: true,
  success: 200,
  errors: ["NotFound"],
  scopes: ["read:groups"],
  bucket: "readUsers",
  query: Endpoint.query<GroupsQuery>(),
  response: Group,
  // Auth0 pages groups either way; checkpoint has no 1000-result cap, and a `take` makes Auth0 answer in it.
  paging: Endpoint.checkpoint("groups")
})
