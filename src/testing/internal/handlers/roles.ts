/** The fake tenant's answers for a role's members: offset pages, or checkpoint pages whenever `take` is sent. */
import * as Endpoints from "../../../internal/endpoints.js"
import type { Call, ResourceHandlers } from "../handlers.js"
import { checkpointPage, offsetPage } from "../pages.js"
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

const listMembers =
  (store: Store) =>
  ({ params, query }: Call) => {
    const roleId = (params as { readonly id: string }).id
    roleOf(store, roleId)
    const members = membersOf(store, roleId)
    // Checkpoint wins: with `take` Auth0 answers `{ users, next? }` whatever offset parameters come with it.
    if (query.has("take") || query.has("from")) {
      return checkpointPage(Endpoints.roles.usersCheckpoint.paging, query, members, (user) => user.user_id, member)
    }
    return offsetPage(Endpoints.roles.users.paging, query, members, member)
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
