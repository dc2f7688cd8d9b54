/** The fake tenant's answers for a user's roles, permissions and groups, over its RBAC state. */
import * as Endpoint from "../../../Endpoint.js"
import * as Page from "../../../internal/codec/page.js"
import * as Query from "../../../internal/codec/query.js"
import * as Endpoints from "../../../internal/endpoints.js"
import type { ResourceHandlers } from "../handlers.js"
import { intParam, paginate, projectUser, queryError } from "../queryParams.js"
import { Refusal } from "../refusal.js"
import { permissionKey, type PermissionRef, type RbacState } from "../state/rbac.js"
import type { UserRecord } from "../store.js"

const PERMISSIONS = Endpoints.usersRbac.permissions.paging
const GROUPS_OFFSET = Endpoint.offset("groups", ["groups", "start", "limit", "total"], { minPerPage: 1 })

/**
 * A cursor names the last item delivered, not an offset (Auth0's are opaque too): items added or
 * removed before it shift nothing on the next page.
 */
const cursorOf = (key: string) => Buffer.from(key, "utf8").toString("base64url")

const afterCursor = (from: string): string => {
  const key = Buffer.from(from, "base64url").toString("utf8")
  if (key === "" || cursorOf(key) !== from) throw queryError("Invalid checkpoint: from")
  return key
}

/** One checkpoint page of `items` (sorted by `keyOf`): `take` after the one `from` names, `next` while more follow. */
const checkpointPage = <T>(
  paging: Endpoint.CheckpointPaging,
  query: URLSearchParams,
  items: ReadonlyArray<T>,
  keyOf: (item: T) => string,
  project: (item: T) => unknown = (item) => item
) => {
  const take = intParam(query, "take", 1, 100) ?? 50
  const from = Query.get(query, "from")
  const after = from === undefined ? undefined : afterCursor(from)
  const start = after === undefined ? 0 : items.findIndex((item) => keyOf(item) > after)
  const rest = start === -1 ? [] : items.slice(start)
  const page = rest.slice(0, take)
  const last = page[page.length - 1]
  const next = rest.length > take && last !== undefined ? cursorOf(keyOf(last)) : undefined
  return Page.checkpointEnvelope(paging, page.map(project), next)
}

const refOf = (item: Readonly<Record<string, unknown>>): PermissionRef => ({
  resource_server_identifier: String(item.resource_server_identifier),
  permission_name: String(item.permission_name)
})

const idOf = (item: Readonly<Record<string, unknown>>) => String(item.id)

export const rbac = (state: RbacState): ResourceHandlers<typeof Endpoints.usersRbac> => ({
  assignRoles: ({ body, params }) => state.assignRoles(params.id, body()),
  removeRoles: ({ body, params }) => state.removeRoles(params.id, body()),
  permissions: ({ params, query }) => {
    const page = paginate(query, state.permissionsOf(params.id), PERMISSIONS.minPerPage ?? 1)
    return page.totals ? Page.envelope(PERMISSIONS, page) : page.items
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
    const page = paginate(query, groups, GROUPS_OFFSET.minPerPage ?? 1)
    const items = page.items.map(shown)
    return page.totals ? Page.envelope(GROUPS_OFFSET, { ...page, items }) : items
  }
})
