/**
 * A user's roles and permissions: assign and remove them, list the permissions assigned, and read
 * what the user has in effect (through roles and groups) and the groups it belongs to.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { Auth0Http } from "../Auth0Http.js"
import * as Projection from "../internal/codec/projection.js"
import * as Declared from "../internal/endpoints/rbac.js"
import * as Paging from "../internal/paging.js"
import {
  cappedOptions,
  type CheckpointParams,
  checkpointQuery,
  type CheckpointStreamParams,
  type PageParams,
  pageQuery,
  type ProjectionParams
} from "./models.js"

/**
 * A permission by the identifier of its API (resource server) and its name.
 *
 * @since 0.1.0
 * @category models
 */
export type PermissionRef = Declared.PermissionRef

/**
 * @since 0.1.0
 * @category models
 */
export interface EffectivePermissionsParams extends CheckpointParams {
  /** The API whose permissions to list (Auth0 requires it). */
  readonly resource_server_identifier: string
}

/**
 * @since 0.1.0
 * @category models
 */
export interface GroupsParams extends CheckpointParams, ProjectionParams {}

/**
 * Assign roles, by id, to a user (`POST /users/{id}/roles`, 204). A role the user has already
 * stays assigned once. `NotFound` when the user or a role does not exist.
 *
 * @example
 * ```ts
 * import { Users } from "effect-auth0"
 * const program = Users.assignRoles("auth0|63d17c50e99d3933163bdda9", ["rol_NHBmr6NkzbRcHob1"])
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const assignRoles = Effect.fn(Declared.assignRoles.name)(function* (id: string, roleIds: ReadonlyArray<string>) {
  const http = yield* Auth0Http
  yield* http.request(Declared.assignRoles, { params: { id }, body: { roles: roleIds } })
})

/**
 * Remove roles, by id, from a user (`DELETE /users/{id}/roles` with the ids in its body, 204).
 * Removing a role the user does not have succeeds.
 *
 * @example
 * ```ts
 * import { Users } from "effect-auth0"
 * const program = Users.removeRoles("auth0|63d17c50e99d3933163bdda9", ["rol_NHBmr6NkzbRcHob1"])
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const removeRoles = Effect.fn(Declared.removeRoles.name)(function* (id: string, roleIds: ReadonlyArray<string>) {
  const http = yield* Auth0Http
  yield* http.request(Declared.removeRoles, { params: { id }, body: { roles: roleIds } })
})

/**
 * One page of the permissions a user has directly or through a role assigned to it
 * (`GET /users/{id}/permissions`), each with its `sources`. Not those of the user's groups: see
 * `effectivePermissions`.
 *
 * @example
 * ```ts
 * import { Users } from "effect-auth0"
 * const program = Users.permissions("auth0|63d17c589b3637e3f5221699", { per_page: 100 })
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const permissions = Effect.fn(Declared.permissions.name)(function* (id: string, params: PageParams = {}) {
  const http = yield* Auth0Http
  return yield* http.request(Declared.permissions, {
    params: { id },
    query: pageQuery(params)
  })
})

/**
 * Assign permissions to a user (`POST /users/{id}/permissions`, 201). A permission the user has
 * already stays assigned once.
 *
 * @example
 * ```ts
 * import { Users } from "effect-auth0"
 * const program = Users.assignPermissions("auth0|63d17c589b3637e3f5221699", [
 *   { resource_server_identifier: "https://api.example.com/", permission_name: "create:resource" }
 * ])
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const assignPermissions = Effect.fn(Declared.assignPermissions.name)(function* (
  id: string,
  permissions: ReadonlyArray<PermissionRef>
) {
  const http = yield* Auth0Http
  yield* http.request(Declared.assignPermissions, { params: { id }, body: { permissions } })
})

/**
 * Remove permissions from a user (`DELETE /users/{id}/permissions` with them in its body, 204).
 * Removing one the user does not have succeeds.
 *
 * @example
 * ```ts
 * import { Users } from "effect-auth0"
 * const program = Users.removePermissions("auth0|63d17c589b3637e3f5221699", [
 *   { resource_server_identifier: "https://api.example.com/", permission_name: "create:resource" }
 * ])
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const removePermissions = Effect.fn(Declared.removePermissions.name)(function* (
  id: string,
  permissions: ReadonlyArray<PermissionRef>
) {
  const http = yield* Auth0Http
  yield* http.request(Declared.removePermissions, { params: { id }, body: { permissions } })
})

/**
 * One checkpoint page of the roles a user has in effect, assigned directly or through its groups
 * (`GET /users/{id}/effective-roles`); `next` names the following page.
 *
 * @example
 * ```ts
 * import { Users } from "effect-auth0"
 * const program = Users.effectiveRoles("auth0|63d17c50e99d3933163bdda9", { take: 100 })
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const effectiveRoles = Effect.fn(Declared.effectiveRoles.name)(function* (
  id: string,
  params: CheckpointParams = {}
) {
  const http = yield* Auth0Http
  return yield* http.request(Declared.effectiveRoles, { params: { id }, query: checkpointQuery(params) })
})

/**
 * One checkpoint page of a user's permissions in effect for one API: assigned directly, or through
 * a role of the user's or of its groups (`GET /users/{id}/effective-permissions`).
 *
 * @example
 * ```ts
 * import { Users } from "effect-auth0"
 * const program = Users.effectivePermissions("auth0|63d17c589b3637e3f5221699", {
 *   resource_server_identifier: "https://api.example.com/"
 * })
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const effectivePermissions = Effect.fn(Declared.effectivePermissions.name)(function* (
  id: string,
  params: EffectivePermissionsParams
) {
  const http = yield* Auth0Http
  return yield* http.request(Declared.effectivePermissions, {
    params: { id },
    query: { ...checkpointQuery(params), resource_server_identifier: params.resource_server_identifier }
  })
})

/**
 * One checkpoint page of the groups a user belongs to (`GET /users/{id}/groups`). Auth0 also pages
 * groups by offset; `take` (always sent, default 50) makes it answer by checkpoint, which has no
 * 1000-result cap.
 *
 * @example
 * ```ts
 * import { Users } from "effect-auth0"
 * const program = Users.groups("auth0|63d17c50e99d3933163bdda9", { fields: ["id", "name"] })
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const groups = Effect.fn(Declared.groups.name)(function* (id: string, params: GroupsParams = {}) {
  const http = yield* Auth0Http
  return yield* http.request(Declared.groups, {
    params: { id },
    query: { ...checkpointQuery(params), ...Projection.toQuery(params) }
  })
})

/**
 * Every permission assigned to a user (directly or through its roles), page by page at constant
 * memory, each once even when pages shift under the walk. Auth0 lists only the first 1000: past
 * them the stream fails with `LimitExceeded`, unless `stopAtCap`.
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { Users } from "effect-auth0"
 * const names = Users.permissionsStream("auth0|63d17c589b3637e3f5221699").pipe(
 *   Stream.map((p) => `${p.resource_server_identifier} ${p.permission_name}`),
 *   Stream.runCollect
 * )
 * ```
 *
 * @since 0.1.0
 * @category streams
 */
export const permissionsStream = (
  id: string,
  params: { readonly per_page?: number | undefined; readonly stopAtCap?: boolean | undefined } = {}
) =>
  Stream.suspend(() => {
    // A permission is its API and its name together; within the cap the keys held stay bounded.
    const seen = new Set<string>()
    return Stream.filter(
      Paging.stream(Declared.permissions, { params: { id } }, cappedOptions(params)),
      (permission) => {
        const key = JSON.stringify([permission.resource_server_identifier, permission.permission_name])
        if (seen.has(key)) return false
        seen.add(key)
        return true
      }
    )
  })

/**
 * Every role a user has in effect, following `next` page by page to the end (no cap).
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { Users } from "effect-auth0"
 * const names = Users.effectiveRolesStream("auth0|63d17c50e99d3933163bdda9").pipe(Stream.map((r) => r.name), Stream.runCollect)
 * ```
 *
 * @since 0.1.0
 * @category streams
 */
export const effectiveRolesStream = (id: string, params: CheckpointStreamParams = {}) =>
  Paging.stream(Declared.effectiveRoles, { params: { id } }, { perPage: params.take })

/**
 * Every permission a user has in effect for one API, following `next` to the end.
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { Users } from "effect-auth0"
 * const all = Users.effectivePermissionsStream("auth0|63d17c589b3637e3f5221699", {
 *   resource_server_identifier: "https://api.example.com/"
 * }).pipe(Stream.runCollect)
 * ```
 *
 * @since 0.1.0
 * @category streams
 */
export const effectivePermissionsStream = (
  id: string,
  params: CheckpointStreamParams & { readonly resource_server_identifier: string }
) =>
  Paging.stream(
    Declared.effectivePermissions,
    { params: { id }, query: { resource_server_identifier: params.resource_server_identifier } },
    { perPage: params.take }
  )

/**
 * Every group a user belongs to, by checkpoint (no 1000-result cap), following `next` to the end.
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { Users } from "effect-auth0"
 * const ids = Users.groupsStream("auth0|63d17c50e99d3933163bdda9", { fields: ["id"] }).pipe(Stream.runCollect)
 * ```
 *
 * @since 0.1.0
 * @category streams
 */
export const groupsStream = (id: string, params: CheckpointStreamParams & ProjectionParams = {}) =>
  Paging.stream(Declared.groups, { params: { id }, query: Projection.toQuery(params) }, { perPage: params.take })
