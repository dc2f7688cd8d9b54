/** The fake tenant's answers for the user endpoints, over its store. */
import * as Endpoints from "../../../internal/endpoints.js"
import type { ResourceHandlers } from "../handlers.js"
import type { AuthMethods } from "../state/authMethods.js"
import { iso, offsetPage } from "../pages.js"
import { projectUser, queryError } from "../queryParams.js"
import * as Search from "../search.js"
import { Refusal, type Store, type UserRecord } from "../store.js"

const listUsers = (store: Store, query: URLSearchParams) => {
  const engine = query.get("search_engine")
  if (engine !== null && engine !== "v3") {
    throw queryError(`search_engine ${engine} is no longer supported; use v3`)
  }
  let users: Array<UserRecord> = [...store.users.values()]
  const q = query.get("q")
  if (q !== null && q.trim() !== "") {
    const parsed = Search.parse(q)
    if (!parsed.ok) throw new Refusal(400, parsed.error, "invalid_query_string")
    users = users.filter((user) => Search.matches(parsed.query, user))
  }
  const sort = query.get("sort")
  if (sort !== null && sort !== "") {
    const order = Search.compareBy(sort)
    if (!order.ok) throw queryError(order.error)
    users.sort(order.compare)
  }
  return offsetPage(Endpoints.users.list.paging, query, users, (user: UserRecord) =>
    projectUser(structuredClone(user), query)
  )
}

export const users = (store: Store, authMethods: AuthMethods): ResourceHandlers<typeof Endpoints.users> => ({
  list: ({ query }) => listUsers(store, query),
  create: ({ body, now }) => store.create(body(), iso(now)),
  get: ({ params, query }) => {
    const user = store.get(params.id)
    if (user === undefined) throw new Refusal(404, "The user does not exist.", "inexistent_user")
    return projectUser(user, query)
  },
  update: ({ body, now, params }) => store.update(params.id, body() ?? {}, iso(now)),
  delete: ({ params }) => store.delete(params.id),
  // The methods the list shows go too, with the store's enrollments and legacy factors.
  deleteAuthenticationMethods: ({ params }) => authMethods.deleteAll(params.id),
  deleteMultifactorProvider: ({ params }) => store.deleteMultifactorProvider(params.id, params.provider),
  enrollments: ({ params }) => store.enrollmentsOf(params.id),
  link: ({ body, now, params }) => store.link(params.id, body(), iso(now)),
  unlink: ({ now, params }) => store.unlink(params.id, params.provider, params.user_id, iso(now)),
  logs: ({ params, query }) => {
    const order = Search.compareBy(query.get("sort") ?? "date:-1")
    if (!order.ok) throw queryError(order.error)
    return offsetPage(Endpoints.users.logs.paging, query, [...store.logsOf(params.id)].sort(order.compare))
  },
  regenerateRecoveryCode: ({ params }) => ({ recovery_code: store.regenerateRecoveryCode(params.id) }),
  roles: ({ params, query }) => offsetPage(Endpoints.users.roles.paging, query, store.rolesOf(params.id))
})
