/** The fake tenant's answers for a user's roles, permissions and groups, over its RBAC state. */
import * as Endpoint from "../../../Endpoint.js"
import * as Query from "../../../internal/codec/query.js"
import * as Endpoints from "../../../internal/endpoints.js"
import type { ResourceHandlers } from "../handlers.js"
import { checkpointPage, offsetPage } from "../pages.js"
import { projectUser, queryError } from "../queryParams.js"
import { Refusal } from "../refusal.js"
import { permissionKey, type PermissionRef, type RbacState } from "../state/rbac.js"
import type { UserRecord } from "../store.js"

const PERMISSIONS = Endpoints.usersRbac.permissions.paging
const GROUPS_OFFSET = Endpoint.offset("groups", ["groups", "start", "limit", "total"], { minPerPage: 1 })

const refOf = (item: Readonly<Record<string, unknown>>): PermissionRef => ({
  resource_server_identifier: String(item.resource_server_identifier),
  permission_name: String(item.permission_name)
})

const idOf = (item: Readonly<Record<string, unknown>>) => String(item.id)

export const rbac = (state: RbacState): ResourceHandlers<typeof Endpoints.usersRbac> => ({
  assignRoles: ({ body, params }) => state.assignRoles(params.id, body()),
  removeRoles: ({ body, params }) => state.removeRoles(params.id, body()),
  permissions: ({ params, query }) => {
    return offsetPage(PERMISSIONS, query, state.permissionsOf(params.id))
  },
  assignPermissions: ({ body, params }) => state.assignPermissions(params.id, body()),
  removePermissions: ({ body, params }) => state.removePermissions(params.id, body()),
  effectiveRoles: ({ params, query }) =>
    checkpointPage(Endpoints.usersRbac.effectiveRoles.paging, query, state.effectiveRolesOf(params.id), idOf),
  effectivePermissions: ({ params, query }) => {
    const api = Query.get(query, "resource_server_identifier")
    if (api === undefined) {
      throw queryError("Missing required property: resource_server_identifier")
    }
    if (api.length > 600)
      throw new Refusal(
        400,
        `Query validation error: 'String is too long (${api.length} chars), maximum 600' on property resource_server_identifier.`,
        "invalid_query_string"
      )
    return checkpointPage(
      Endpoints.usersRbac.effectivePermissions.paging,
      query,
      state.effectivePermissionsOf(params.id, api),
      (item) => permissionKey(refOf(item))
    )
  },
  groups: ({ params, query }) => {
    const groups = state.groupsOf(params.id)
    // The users' projection: it keeps `user_id` beside the fields asked for, which a group does not have.
    const shown = (group: Readonly<Record<string, unknown>>) => projectUser(group as unknown as UserRecord, query)
    // Checkpoint wins when asked for (as recorded for other lists); offset parameters alone get an offset page.
    const offset =
      !query.has("from") &&
      !query.has("take") &&
      (query.has("page") || query.has("per_page") || query.has("include_totals"))
    if (!offset) return checkpointPage(Endpoints.usersRbac.groups.paging, query, groups, idOf, shown)
    return offsetPage(GROUPS_OFFSET, query, groups, shown)
  }
})
