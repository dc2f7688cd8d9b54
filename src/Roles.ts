/**
 * A role's members: one page of them, all of them as a stream past Auth0's
 * 1000-result cap, and assigning the role to users.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import type * as Schema from "effect/Schema"
import type * as Stream from "effect/Stream"
import type * as Auth0Error from "./Auth0Error.js"
import { Auth0Http } from "./Auth0Http.js"
import * as Declared from "./internal/endpoints/roles.js"
import * as Paging from "./internal/paging.js"
import { pageQuery } from "./users/models.js"

/**
 * A member of a role: `user_id`, and `email`, `picture`, `name` as Auth0 lists them.
 *
 * @since 0.1.0
 * @category schemas
 */
export const RoleMember = Declared.RoleMember

/**
 * @since 0.1.0
 * @category models
 */
export interface RoleMember extends Schema.Schema.Type<typeof RoleMember> {}

/**
 * One page of a role's members (`GET /roles/{id}/users`, offset paging with
 * `include_totals=true`). Offset pages end at the 1000th member: use
 * `usersStream` for more.
 *
 * @example
 * ```ts
 * import { Roles } from "effect-auth0"
 * const program = Roles.users("rol_zSUKzFss3Awl0pFr", { page: 0, per_page: 50 })
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const users = Effect.fn(Declared.users.name)(function* (
  id: string,
  params: { readonly page?: number | undefined; readonly per_page?: number | undefined } = {}
) {
  const http = yield* Auth0Http
  return yield* http.request(Declared.users, {
    params: { id },
    query: pageQuery(params)
  })
})

/**
 * Every member of a role, by checkpoint pages (`from`, `take`) from `next` to
 * `next`: no cap, constant memory.
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { Roles } from "effect-auth0"
 * const emails = Roles.usersStream("rol_zSUKzFss3Awl0pFr").pipe(Stream.map((member) => member.email), Stream.runCollect)
 * ```
 *
 * @since 0.1.0
 * @category streams
 */
export const usersStream = (
  id: string,
  options: { readonly take?: number | undefined } = {}
): Stream.Stream<RoleMember, Auth0Error.For<"NotFound"> | Auth0Error.LimitExceeded, Auth0Http> =>
  Paging.stream(Declared.usersCheckpoint, { params: { id } }, { perPage: options.take ?? 50 })

/**
 * Assign the role to users (`POST /roles/{id}/users`); assigning it again
 * changes nothing. `NotFound` for a role or user that does not exist.
 *
 * @example
 * ```ts
 * import { Roles } from "effect-auth0"
 * const program = Roles.assignUsers("rol_zSUKzFss3Awl0pFr", ["auth0|63d16bcb97278b07324c3021"])
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const assignUsers = Effect.fn(Declared.assignUsers.name)(function* (id: string, userIds: ReadonlyArray<string>) {
  const http = yield* Auth0Http
  yield* http.request(Declared.assignUsers, { params: { id }, body: { users: userIds } })
})
