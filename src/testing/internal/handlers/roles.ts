/** The fake tenant's answers for a role's members: offset pages, or checkpoint pages whenever `take` is sent. */
import * as Page from "../../../internal/codec/page.js"
import * as Endpoints from "../../../internal/endpoints.js"
import type { Call, ResourceHandlers } from "../handlers.js"
import { intParam, paginate } from "../queryParams.js"
import { Refusal } from "../refusal.js"
import type { Store, UserRecord } from "../store.js"

const member = (user: UserRecord) => ({
  user_id: user.user_id,
  ...(user.email !== undefined ? { email: user.email } : {}),
  ...(user.picture !== undefined ? { picture: user.picture } : {}),
  ...(user.name !== undefined ? { name: user.name } : {})
})

const roleOf = (store: Store, id: string) => {
  if (!store.roles.has(id)) throw new Refusal(404, "The role does not exist.", "inexistent_role")
}

/** The members in user id order, the order Auth0 answered them in (and the one its cursor follows). */
const membersOf = (store: Store, roleId: string): ReadonlyArray<UserRecord> =>
  [...store.userRoles]
    .filter(([, roles]) => roles.includes(roleId))
    .map(([userId]) => store.users.get(userId))
    .filter((user): user is UserRecord => user !== undefined)
    .sort((a, b) => (a.user_id < b.user_id ? -1 : a.user_id > b.user_id ? 1 : 0))

const cursor = (userId: string) => Buffer.from(`0,${userId}`, "utf8").toString("base64")

const afterCursor = (from: string): string => {
  const decoded = Buffer.from(from, "base64").toString("utf8")
  const comma = decoded.indexOf(",")
  if (comma < 0 || cursor(decoded.slice(comma + 1)) !== from)
    throw new Refusal(400, "Invalid value for from parameter.", "invalid_query_string")
  return decoded.slice(comma + 1)
}

const listMembers =
  (store: Store) =>
  ({ params, query }: Call) => {
    const roleId = (params as { readonly id: string }).id
    roleOf(store, roleId)
    const members = membersOf(store, roleId)
    // Checkpoint wins: with `take` Auth0 answers `{ users, next? }` whatever offset parameters come with it.
    if (query.has("take") || query.has("from")) {
      const take = intParam(query, "take", 1, 100) ?? 50
      const from = query.get("from")
      const after = from === null || from === "" ? undefined : afterCursor(from)
      const start = after === undefined ? 0 : members.findIndex((user) => user.user_id > after)
      const page = start < 0 ? [] : members.slice(start, start + take)
      const more = start >= 0 && start + take < members.length
      return Page.checkpointEnvelope(
        Endpoints.roles.usersCheckpoint.paging,
        page.map(member),
        more ? cursor(page[page.length - 1]!.user_id) : undefined
      )
    }
    const page = paginate(query, members, 1)
    const items = page.items.map(member)
    return page.totals ? Page.envelope(Endpoints.roles.users.paging, { ...page, items }) : items
  }

export const roles = (store: Store): ResourceHandlers<typeof Endpoints.roles> => ({
  users: listMembers(store),
  usersCheckpoint: listMembers(store),
  assignUsers: ({ body, params }) => {
    roleOf(store, params.id)
    const users = (body() as { readonly users?: unknown } | undefined)?.users
    if (!Array.isArray(users) || users.length === 0 || users.some((u) => typeof u !== "string"))
      throw new Refusal(400, "Payload validation error: 'Missing required property: users'.", "invalid_body")
    const unknown = (users as ReadonlyArray<string>).filter((id) => !store.users.has(id))
    if (unknown.length > 0) throw new Refusal(404, "The user does not exist.", "inexistent_user")
    for (const id of users as ReadonlyArray<string>) {
      const held = store.userRoles.get(id) ?? []
      if (!held.includes(params.id)) store.userRoles.set(id, [...held, params.id])
    }
    return {}
  }
})
