/**
 * The user operations of the Management API. Each is an `Effect` that needs
 * `Auth0Http` and fails with exactly the errors its endpoint can produce.
 * Parameters and bodies use Auth0's wire names, so Auth0's docs apply as written.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as Auth0Error from "./Auth0Error.js"
import { Auth0Http } from "./Auth0Http.js"
import * as Endpoints from "./internal/endpoints.js"
import * as ExportJob from "./internal/exportJob.js"
import * as Keyset from "./internal/keyset.js"
import * as Merge from "./internal/merge.js"
import * as Paging from "./internal/paging.js"
import { Enrollment, RecoveryCode } from "./schema/Enrollment.js"
import { Identity } from "./schema/Identity.js"
import { LogEvent } from "./schema/LogEvent.js"
import { LogsPage, RolesPage, UsersPage } from "./schema/Page.js"
import { Role } from "./schema/Role.js"
import { User } from "./schema/User.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface ProjectionParams {
  /** Fields to include (or exclude, with `include_fields: false`): a comma list or an array. */
  readonly fields?: string | ReadonlyArray<string> | undefined
  readonly include_fields?: boolean | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface PageParams {
  /** 0-based page index. */
  readonly page?: number | undefined
  /** Page size, 1 to 100. Default 50. */
  readonly per_page?: number | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface ListParams extends ProjectionParams, PageParams {
  /** A search query in Auth0's Lucene syntax; sent with `search_engine=v3`. */
  readonly q?: string | undefined
  /** `field:1` ascending or `field:-1` descending, e.g. `created_at:1`. */
  readonly sort?: string | undefined
  /** Default `v3` when `q` is given. */
  readonly search_engine?: "v1" | "v2" | "v3" | undefined
  /** Honoured by Auth0 only with `search_engine=v1`; with v3 use `q: 'identities.connection:"name"'`. */
  readonly connection?: string | undefined
  readonly primary_order?: boolean | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface LogsParams extends PageParams {
  /** e.g. `date:-1`. */
  readonly sort?: string | undefined
}

type Metadata = Readonly<Record<string, unknown>>

/**
 * `POST /users` body (besides `connection`). Which fields a connection
 * requires depends on its type: a database connection needs `email` and
 * `password`. `password` may be `Redacted`; it is unwrapped only into the body.
 *
 * @since 0.1.0
 * @category models
 */
export interface CreateBody {
  readonly email?: string | undefined
  readonly phone_number?: string | undefined
  readonly user_metadata?: Metadata | undefined
  readonly app_metadata?: Metadata | undefined
  readonly blocked?: boolean | undefined
  readonly email_verified?: boolean | undefined
  readonly phone_verified?: boolean | undefined
  readonly verify_email?: boolean | undefined
  readonly given_name?: string | undefined
  readonly family_name?: string | undefined
  readonly name?: string | undefined
  readonly nickname?: string | undefined
  readonly picture?: string | undefined
  readonly user_id?: string | undefined
  readonly password?: string | Redacted.Redacted<string> | undefined
  readonly username?: string | undefined
}

/**
 * `PATCH /users/{id}` body. Root fields are replaced; `app_metadata` and
 * `user_metadata` are merged one level deep by Auth0, a key set to `null`
 * removing it. `null` unsets a nullable root field.
 *
 * @since 0.1.0
 * @category models
 */
export interface UpdateBody {
  readonly blocked?: boolean | undefined
  readonly email_verified?: boolean | undefined
  readonly phone_verified?: boolean | undefined
  readonly email?: string | null | undefined
  readonly phone_number?: string | null | undefined
  readonly given_name?: string | null | undefined
  readonly family_name?: string | null | undefined
  readonly name?: string | null | undefined
  readonly nickname?: string | null | undefined
  readonly picture?: string | null | undefined
  readonly username?: string | null | undefined
  readonly password?: string | Redacted.Redacted<string> | null | undefined
  readonly user_metadata?: Metadata | undefined
  readonly app_metadata?: Metadata | undefined
  readonly verify_email?: boolean | undefined
  readonly verify_phone_number?: boolean | undefined
  /** Needed when changing the email, phone, username or password of a secondary identity. */
  readonly connection?: string | undefined
  readonly client_id?: string | undefined
}

/**
 * `POST /users/{id}/identities` body: the secondary account's ID token, or
 * (with a Management token) its provider and id.
 *
 * @since 0.1.0
 * @category models
 */
export type LinkBody =
  | { readonly link_with: string }
  | {
      readonly provider: string
      readonly user_id: string | number
      /** `con_` + 16 characters; needed when several database connections exist. */
      readonly connection_id?: string | undefined
    }

const fieldsParam = (fields: ProjectionParams["fields"]): string | undefined =>
  fields === undefined ? undefined : typeof fields === "string" ? fields : fields.join(",")

const projection = (params: ProjectionParams) => ({
  fields: fieldsParam(params.fields),
  include_fields: params.include_fields
})

/** Unwrap a `Redacted` password at the last moment, into the JSON body only. */
const revealPassword = <B extends { readonly password?: string | Redacted.Redacted<string> | null | undefined }>(
  body: B
) => (Redacted.isRedacted(body.password) ? { ...body, password: Redacted.value(body.password) } : body)

/** Auth0 answers a bare array when it ignores `include_totals`; read it as one page all the same. */
const bare = <T>(items: ReadonlyArray<T>, params: PageParams) => {
  const perPage = params.per_page ?? 50
  return { start: (params.page ?? 0) * perPage, limit: perPage, length: items.length }
}

const pageQuery = (params: PageParams) => ({
  include_totals: true,
  page: params.page,
  per_page: params.per_page ?? 50
})

/**
 * One page of the users matching `q` (`GET /users`), with
 * `include_totals=true`. Auth0 serves at most the first 1000 matches of a
 * query this way.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Users } from "effect-auth0"
 * const program = Effect.gen(function* () {
 *   const page = yield* Users.list({ q: 'email.domain:"example.com"', sort: "created_at:1", per_page: 100 })
 *   return page.users.map((user) => user.email)
 * })
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const list = Effect.fn(Endpoints.listUsers.name)(function* (params: ListParams = {}) {
  const http = yield* Auth0Http
  const page = yield* http.request(
    Endpoints.listUsers,
    {
      query: {
        ...pageQuery(params),
        ...projection(params),
        q: params.q,
        sort: params.sort,
        search_engine: params.search_engine ?? (params.q !== undefined ? "v3" : undefined),
        connection: params.connection,
        primary_order: params.primary_order
      }
    },
    Schema.Union(UsersPage, Schema.Array(User))
  )
  return "users" in page ? page : { ...bare(page, params), users: page }
})

/**
 * Create a user in `connection` (`POST /users`, 201). A duplicate fails with
 * `Conflict`.
 *
 * @example
 * ```ts
 * import { Effect, Redacted } from "effect"
 * import { Users } from "effect-auth0"
 * const program = Users.create("Username-Password-Authentication", {
 *   email: "chuck@example.com",
 *   password: Redacted.make("I have a password and its a secret"),
 *   app_metadata: { plan: "gold" }
 * }).pipe(Effect.catchTag("Conflict", () => Effect.logWarning("already there")))
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const create = Effect.fn(Endpoints.createUser.name)(function* (connection: string, body: CreateBody = {}) {
  const http = yield* Auth0Http
  return yield* http.request(Endpoints.createUser, { body: { connection, ...revealPassword(body) } }, User)
})

/**
 * One user by id (`GET /users/{id}`); `NotFound` when there is none.
 *
 * @example
 * ```ts
 * import { Users } from "effect-auth0"
 * const program = Users.get("auth0|63d17c4c5d69f3e86d515d1c", { fields: ["email", "app_metadata"] })
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const get = Effect.fn(Endpoints.getUser.name)(function* (id: string, params: ProjectionParams = {}) {
  const http = yield* Auth0Http
  return yield* http.request(Endpoints.getUser, { params: { id }, query: projection(params) }, User)
})

/**
 * Update a user (`PATCH /users/{id}`) and get it back as Auth0 stored it.
 *
 * @example
 * ```ts
 * import { Users } from "effect-auth0"
 * const program = Users.update("auth0|63d17c4c5d69f3e86d515d1c", { app_metadata: { admin: false, legacy_id: null } })
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const update = Effect.fn(Endpoints.updateUser.name)(function* (id: string, body: UpdateBody) {
  const http = yield* Auth0Http
  return yield* http.request(Endpoints.updateUser, { params: { id }, body: revealPassword(body) }, User)
})

const del = Effect.fn(Endpoints.deleteUser.name)(function* (id: string) {
  const http = yield* Auth0Http
  yield* http.request(Endpoints.deleteUser, { params: { id } }, Schema.Unknown)
})

export {
  /**
   * Delete a user (`DELETE /users/{id}`, 204). Auth0 answers 204 for an id
   * that does not exist too, so deleting twice succeeds.
   *
   * @example
   * ```ts
   * import { Users } from "effect-auth0"
   * const program = Users.delete("auth0|63d17c4c5d69f3e86d515d1c")
   * ```
   *
   * @since 0.1.0
   * @category operations
   */
  del as delete
}

/**
 * Remove every authentication method (MFA factor) of a user
 * (`DELETE /users/{id}/authentication-methods`, 204).
 *
 * @example
 * ```ts
 * import { Users } from "effect-auth0"
 * const program = Users.deleteAuthenticationMethods("auth0|63d17c4c5d69f3e86d515d1c")
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const deleteAuthenticationMethods = Effect.fn(Endpoints.deleteAuthenticationMethods.name)(function* (
  id: string
) {
  const http = yield* Auth0Http
  yield* http.request(Endpoints.deleteAuthenticationMethods, { params: { id } }, Schema.Unknown)
})

/**
 * Remove a legacy multifactor provider (`duo`, `google-authenticator`) from a
 * user (`DELETE /users/{id}/multifactor/{provider}`, 204).
 *
 * @example
 * ```ts
 * import { Users } from "effect-auth0"
 * const program = Users.deleteMultifactorProvider("auth0|63d17c4c5d69f3e86d515d1c", "duo")
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const deleteMultifactorProvider = Effect.fn(Endpoints.deleteMultifactorProvider.name)(function* (
  id: string,
  provider: string
) {
  const http = yield* Auth0Http
  yield* http.request(Endpoints.deleteMultifactorProvider, { params: { id, provider } }, Schema.Unknown)
})

/**
 * A user's Guardian enrollments (`GET /users/{id}/enrollments`).
 *
 * @example
 * ```ts
 * import { Users } from "effect-auth0"
 * const program = Users.enrollments("auth0|63d17c621e39d8a43b8eddc5")
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const enrollments = Effect.fn(Endpoints.enrollments.name)(function* (id: string) {
  const http = yield* Auth0Http
  return yield* http.request(Endpoints.enrollments, { params: { id } }, Schema.Array(Enrollment))
})

/**
 * Link a secondary account into `id` (`POST /users/{id}/identities`, 201);
 * returns the primary's identities. The secondary stops existing as a user.
 *
 * @example
 * ```ts
 * import { Users } from "effect-auth0"
 * const program = Users.link("auth0|63d17c6a9d503d76c056c177", { provider: "github", user_id: "23423" })
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const link = Effect.fn(Endpoints.link.name)(function* (id: string, body: LinkBody) {
  const http = yield* Auth0Http
  return yield* http.request(Endpoints.link, { params: { id }, body }, Schema.Array(Identity))
})

/**
 * Unlink `provider|secondaryId` from `primaryId`
 * (`DELETE /users/{id}/identities/{provider}/{user_id}`); it becomes a user
 * again. Returns the identities the primary keeps.
 *
 * @example
 * ```ts
 * import { Users } from "effect-auth0"
 * const program = Users.unlink("auth0|63d17c6b8869daf88ed7dbb8", "auth0", "63d17c6ce99d3933163bddc2")
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const unlink = Effect.fn(Endpoints.unlink.name)(function* (
  primaryId: string,
  provider: string,
  secondaryId: string | number
) {
  const http = yield* Auth0Http
  return yield* http.request(
    Endpoints.unlink,
    { params: { id: primaryId, provider, user_id: String(secondaryId) } },
    Schema.Array(Identity)
  )
})

/**
 * One page of a user's log events (`GET /users/{id}/logs`). Auth0 serves at
 * most the first 1000 this way.
 *
 * @example
 * ```ts
 * import { Users } from "effect-auth0"
 * const program = Users.logs("auth0|63d17c4c5d69f3e86d515d1c", { page: 0, per_page: 100, sort: "date:-1" })
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const logs = Effect.fn(Endpoints.logs.name)(function* (id: string, params: LogsParams = {}) {
  const http = yield* Auth0Http
  const page = yield* http.request(
    Endpoints.logs,
    { params: { id }, query: { ...pageQuery(params), sort: params.sort } },
    Schema.Union(LogsPage, Schema.Array(LogEvent))
  )
  return "logs" in page ? page : { ...bare(page, params), logs: page }
})

/**
 * Replace a user's Guardian recovery code
 * (`POST /users/{id}/recovery-code-regeneration`). `NotFound` when the user has
 * no MFA enrollment. The code comes back `Redacted`.
 *
 * @example
 * ```ts
 * import { Effect, Redacted } from "effect"
 * import { Users } from "effect-auth0"
 * const program = Users.regenerateRecoveryCode("auth0|63d17c639d503d76c056c16e").pipe(
 *   Effect.map(({ recovery_code }) => Redacted.value(recovery_code))
 * )
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const regenerateRecoveryCode = Effect.fn(Endpoints.regenerateRecoveryCode.name)(function* (id: string) {
  const http = yield* Auth0Http
  return yield* http.request(Endpoints.regenerateRecoveryCode, { params: { id }, body: {} }, RecoveryCode)
})

/**
 * One page of the roles assigned to a user (`GET /users/{id}/roles`).
 *
 * @example
 * ```ts
 * import { Users } from "effect-auth0"
 * const program = Users.roles("auth0|63d17c50e99d3933163bdda9", { per_page: 100 })
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const roles = Effect.fn(Endpoints.roles.name)(function* (id: string, params: PageParams = {}) {
  const http = yield* Auth0Http
  const page = yield* http.request(
    Endpoints.roles,
    { params: { id }, query: pageQuery(params) },
    Schema.Union(RolesPage, Schema.Array(Role))
  )
  return "roles" in page ? page : { ...bare(page, params), roles: page }
})

const STREAM_PAGE = 100

/**
 * Where a `Users.stream` stands: a plain JSON value that names the stream's
 * `q` and `sort` (by a hash, not the query itself) and the last sort key
 * delivered. Store it (`JSON.stringify`, or `Schema.encode(Schema.parseJson(Users.StreamCursor))`)
 * and pass it back as `after` to go on from the next user.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { Users } from "effect-auth0"
 * const Stored = Schema.parseJson(Users.StreamCursor)
 * const restore = (saved: string) => Schema.decodeUnknownSync(Stored)(saved)
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const StreamCursor = Schema.Struct({
  /** The `sort` and a hash of the `q` the cursor was made by. */
  stream: Schema.String,
  ...Keyset.Position.fields
})

/**
 * @since 0.1.0
 * @category models
 */
export interface StreamCursor extends Schema.Schema.Type<typeof StreamCursor> {}

/**
 * @since 0.1.0
 * @category models
 */
export interface StreamParams extends Omit<ListParams, "page" | "per_page" | "sort" | "search_engine"> {
  /**
   * `field:1` ascending or `field:-1` descending; default `created_at:1`.
   * Any field Auth0 sorts by works (not app_metadata or user_metadata, which
   * Auth0 refuses); dotted paths such as `identities.connection` sort by the
   * first value found, as Auth0 does.
   */
  readonly sort?: string | undefined
  /**
   * As in `list`. When `fields` leaves out a property the walk needs (the
   * sort field's top-level property, say `logins_count` or `identities` for
   * `identities.connection`, and `created_at`), the stream asks for it anyway
   * and removes it from each user before delivering it.
   */
  readonly fields?: string | ReadonlyArray<string> | undefined
  /**
   * Go on after the user this cursor came with (from `streamWithCursor`), in
   * a stream with the same `q` and `sort`; another one fails with
   * `BadRequest` (`errorCode: "invalid_cursor"`, not sent).
   */
  readonly after?: StreamCursor | undefined
}

const USERS_PATH = "/api/v2/users"

const invalidCursor = (problem: string) =>
  new Auth0Error.BadRequest({
    method: "GET",
    path: USERS_PATH,
    status: 400,
    errorCode: "invalid_cursor",
    description: `The cursor ${problem}; it cannot resume this stream, so the request was not sent`,
    sent: false
  })

/** The projection to request, and the top-level properties to drop again before delivery. */
const walkProjection = (params: ProjectionParams, roots: ReadonlyArray<string>) =>
  roots.reduce<{ request: ProjectionParams; drop: Array<string> }>(
    ({ request, drop }, root) => {
      const kept = Merge.keepField(request, root)
      return { request: kept.request, drop: kept.added ? [...drop, root] : drop }
    },
    { request: { fields: params.fields, include_fields: params.include_fields }, drop: [] }
  )

const limitExceeded = (q: string, total: number, detail: string) =>
  new Auth0Error.LimitExceeded({ method: "GET", path: USERS_PATH, total, scope: `q=${q}`, detail })

/** A sort Auth0 refuses anyway (it answers the first page with BadRequest): one query, LimitExceeded past the cap. */
const offsetUsers = (params: StreamParams, sort: string) => {
  const fetch = (page: number) =>
    Effect.map(list({ ...params, sort, page, per_page: STREAM_PAGE }), (p) => ({ ...p, items: p.users }))
  return Stream.unwrap(
    Effect.map(fetch(0), (first) =>
      Paging.pagesFrom(first, fetch, {
        perPage: STREAM_PAGE,
        stopAtCap: false,
        limitExceeded: (total) =>
          limitExceeded(
            params.q ?? "",
            total,
            `${total} matches, the sort ${sort} cannot be walked by key, and offset pages end at Auth0's 1000-result cap`
          )
      })
    )
  )
}

/** The keyset walk of `plan` from `params.after`; `deliver` gets the cursor after each user only with `positions`. */
const walkUsers = <A>(
  params: StreamParams,
  plan: Keyset.Plan,
  sort: string,
  positions: boolean,
  deliver: (user: User, cursor: StreamCursor | undefined) => A
) => {
  const roots = [...new Set([Option.getOrThrow(Merge.sortOrder(sort)).root, "created_at"])]
  const { drop, request } = walkProjection(params, roots)
  const strip = (user: User): User => drop.reduce((u, root) => Merge.omit(u, root), user)
  const start = Effect.suspend(() => {
    if (params.after === undefined) return Effect.succeed(Keyset.START)
    const decoded = Schema.decodeUnknownOption(StreamCursor)(params.after)
    if (Option.isNone(decoded)) return Effect.fail(invalidCursor("is not a Users.StreamCursor"))
    const { stream, ...position } = decoded.value
    if (stream !== plan.fingerprint) return Effect.fail(invalidCursor("was made for another q or sort"))
    if (!Keyset.fits(plan, position)) return Effect.fail(invalidCursor("does not fit this sort"))
    return Effect.succeed<Keyset.Position>(position)
  })
  return Stream.unwrap(
    Effect.map(start, (from) =>
      Keyset.walk({
        plan,
        start: from,
        perPage: STREAM_PAGE,
        positions,
        fetch: (q, order) =>
          Effect.map(
            list({ ...params, ...request, q, sort: order, page: 0, per_page: STREAM_PAGE }),
            (page) => page.users
          ),
        deliver: (user, position) =>
          deliver(
            drop.length === 0 ? user : strip(user),
            position === undefined ? undefined : { stream: plan.fingerprint, ...position }
          ),
        stuck: (q, detail) => limitExceeded(q, STREAM_PAGE, detail)
      })
    )
  )
}

/**
 * Every user matching `q`, in the requested `sort`, with bounded memory and
 * no limit on how many match. Each page is page 0 of `q` AND "sort key at or
 * past the last one delivered" (keyset paging, 100 users a page), never an
 * offset, so what the consumer does to the users meanwhile shifts nothing:
 *
 * - every user that matched when the stream started and still exists when
 *   the walk reaches its place is delivered exactly once, however the
 *   consumer (or anyone) updates users in or out of `q`, deletes or creates
 *   users; with a sort other than `created_at`, as long as nobody changes
 *   that field of a user the walk has not reached yet (it is the position);
 * - a user deleted before the walk reaches it is not delivered;
 * - a user created, or updated into `q`, during the walk is delivered (once)
 *   if its sort key comes after the walk's position when it is reached:
 *   with `created_at:1` every user created before the end is, with
 *   `created_at:-1` none is.
 *
 * Users with the same key are told apart by `created_at`, then `user_id`;
 * users without the sort field come last, walked by `created_at`, as Auth0
 * sorts them. A sort field holding a boolean or an object, which no range
 * can walk past, fails with `LimitExceeded` once the walk needs a second page.
 *
 * @example
 * ```ts
 * import { Effect, Stream } from "effect"
 * import { Users } from "effect-auth0"
 * // update each user out of the query as it arrives: none is skipped
 * const upgrade = Users.stream({ q: 'email.domain:"acme.test" AND app_metadata.plan:"trial"' }).pipe(
 *   Stream.runForEach((user) => Users.update(user.user_id, { app_metadata: { plan: "paid" } }))
 * )
 * const mostActive = Users.stream({ q: 'email.domain:"example.com"', sort: "logins_count:-1", fields: ["email"] }).pipe(
 *   Stream.map((user) => user.email),
 *   Stream.take(20),
 *   Stream.runCollect
 * )
 * ```
 *
 * @since 0.1.0
 * @category streams
 */
export const stream = (
  params: StreamParams = {}
): Stream.Stream<User, Auth0Error.For<never> | Auth0Error.LimitExceeded, Auth0Http> => {
  const sort = params.sort ?? "created_at:1"
  return Option.match(Keyset.plan(params.q, sort), {
    onNone: () =>
      params.after === undefined
        ? offsetUsers(params, sort)
        : Stream.fail(invalidCursor(`does not fit the sort ${sort}, which Auth0 does not sort users by`)),
    onSome: (plan) => walkUsers(params, plan, sort, false, (user) => user)
  })
}

/**
 * `stream`, each user with the cursor that resumes the walk after it: store
 * the cursor of the last user handled, and pass it as `after` to a stream
 * with the same `q` and `sort` to go on from the next one, in another
 * process hours later. A sort that cannot be walked by key fails with
 * `BadRequest` (not sent).
 *
 * @example
 * ```ts
 * import { Effect, Stream } from "effect"
 * import { Users } from "effect-auth0"
 * const q = 'app_metadata.plan:"trial"'
 * const job = (saved: Users.StreamCursor | undefined, save: (cursor: Users.StreamCursor) => Effect.Effect<void>) =>
 *   Users.streamWithCursor({ q, after: saved }).pipe(
 *     Stream.runForEach(({ user, cursor }) =>
 *       Effect.zipRight(Users.update(user.user_id, { app_metadata: { plan: "paid" } }), save(cursor))
 *     )
 *   )
 * ```
 *
 * @since 0.1.0
 * @category streams
 */
export const streamWithCursor = (
  params: StreamParams = {}
): Stream.Stream<
  { readonly user: User; readonly cursor: StreamCursor },
  Auth0Error.For<never> | Auth0Error.LimitExceeded,
  Auth0Http
> => {
  const sort = params.sort ?? "created_at:1"
  return Option.match(Keyset.plan(params.q, sort), {
    onNone: () => Stream.fail(invalidCursor(`cannot be kept for the sort ${sort}, which Auth0 does not sort users by`)),
    onSome: (plan) => walkUsers(params, plan, sort, true, (user, cursor) => ({ user, cursor: cursor! }))
  })
}

/**
 * @since 0.1.0
 * @category models
 */
export interface CappedStreamParams {
  readonly per_page?: number | undefined
  readonly sort?: string | undefined
  /** End quietly at Auth0's 1000-result cap instead of failing with `LimitExceeded`. Default false. */
  readonly stopAtCap?: boolean | undefined
}

/**
 * Offset pages, each entry once: an entry added before the current offset
 * shifts the rest down a page, and would come again. Within the cap of 1000,
 * so the ids held stay bounded.
 */
const capped = <A, E, R>(
  path: string,
  params: CappedStreamParams,
  fetch: (page: number, perPage: number) => Effect.Effect<Paging.Page<A>, E, R>,
  identify: (item: A) => string
) => {
  const perPage = params.per_page ?? STREAM_PAGE
  return Stream.unwrap(
    Effect.map(fetch(0, perPage), (first) => {
      const seen = new Set<string>()
      return Paging.pagesFrom(first, (page) => fetch(page, perPage), {
        perPage,
        stopAtCap: params.stopAtCap === true,
        limitExceeded: (total) =>
          new Auth0Error.LimitExceeded({
            method: "GET",
            path,
            total,
            scope: path,
            detail: `${total} results, and Auth0 lists only the first 1000; pass stopAtCap: true to end there`
          })
      }).pipe(
        Stream.filter((item) => {
          const id = identify(item)
          if (seen.has(id)) return false
          seen.add(id)
          return true
        })
      )
    })
  )
}

/**
 * Every log event of a user, page by page, each once: events logged during
 * the walk push older ones onto later pages (`date:-1`), which are not
 * delivered twice. Auth0 lists only the first 1000: past them the stream
 * fails with `LimitExceeded`, unless `stopAtCap`.
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { Users } from "effect-auth0"
 * const recent = Users.logsStream("auth0|63d17c4c5d69f3e86d515d1c", { sort: "date:-1", stopAtCap: true }).pipe(Stream.take(10))
 * ```
 *
 * @since 0.1.0
 * @category streams
 */
export const logsStream = (id: string, params: CappedStreamParams = {}) =>
  capped(
    `/api/v2${Endpoints.fillPath(Endpoints.logs.path, { id })}`,
    params,
    (page, perPage) =>
      Effect.map(logs(id, { page, per_page: perPage, sort: params.sort }), (p) => ({ ...p, items: p.logs })),
    (log) => log.log_id
  )

/**
 * Every role assigned to a user, page by page, each once (see `logsStream`
 * for the cap).
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { Users } from "effect-auth0"
 * const names = Users.rolesStream("auth0|63d17c50e99d3933163bdda9").pipe(Stream.map((role) => role.name), Stream.runCollect)
 * ```
 *
 * @since 0.1.0
 * @category streams
 */
export const rolesStream = (id: string, params: Omit<CappedStreamParams, "sort"> = {}) =>
  capped(
    `/api/v2${Endpoints.fillPath(Endpoints.roles.path, { id })}`,
    params,
    (page, perPage) => Effect.map(roles(id, { page, per_page: perPage }), (p) => ({ ...p, items: p.roles })),
    (role) => role.id
  )

const export_ = ExportJob.export_

export {
  /**
   * Every user of the tenant, or of one connection, through Auth0's user
   * export job, as a `Stream` with constant memory: no 1000-result cap, one
   * request per poll instead of one per page. Creates the job
   * (`POST /jobs/users-exports`, always NDJSON), polls `GET /jobs/{id}` on
   * `pollSchedule` (default: from 500 ms, doubling, capped at 10 s) until it is
   * `completed`, then downloads its signed `location` without the bearer token
   * and decompresses and decodes it line by line as the bytes arrive. Under
   * the layer's retry policy, a failed poll or job creation is sent again, and
   * a download that breaks off or stalls is resumed from the last byte
   * received (`Range`), so each user still arrives once. Fails with
   * `ExportFailed` when Auth0 fails the job or it is not done within `maxWait`
   * (default 1 hour); with `DecodeError` (naming the line number, never its
   * content) when a line is not a JSON object. Interrupting it stops the
   * polling or the download.
   *
   * @example
   * ```ts
   * import { Effect, Stream } from "effect"
   * import { Users } from "effect-auth0"
   * const program = Users.export({
   *   connection_id: "con_ftSSLHb0O7rcUGmF",
   *   fields: ["user_id", "email", { name: "identities[0].connection", export_as: "connection" }]
   * }).pipe(
   *   Stream.filter((user) => user.email?.endsWith("@example.com") === true),
   *   Stream.runForEach((user) => Effect.log(user.user_id))
   * )
   * ```
   *
   * @since 0.1.0
   * @category streams
   */
  export_ as export
}

/**
 * The schema of one exported user: the common fields typed and optional,
 * everything else (paths, `export_as` names) kept as `unknown`.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { Users } from "effect-auth0"
 * const user = Schema.decodeUnknownSync(Users.ExportedUser)({ email: "a@example.com", "identities[0].connection": "github" })
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const ExportedUser = ExportJob.ExportedUser

/**
 * @example
 * ```ts
 * import type { Users } from "effect-auth0"
 * const options: Users.ExportOptions = { fields: ["email", { name: "user_metadata.plan", export_as: "plan" }], limit: 100 }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type ExportOptions = ExportJob.ExportOptions

/**
 * @example
 * ```ts
 * import type { Users } from "effect-auth0"
 * const field: Users.ExportField = { name: "identities[0].connection", export_as: "connection" }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type ExportField = ExportJob.ExportField

/**
 * @since 0.1.0
 * @category models
 */
export interface ExportedUser extends ExportJob.ExportedUser {}
