/**
 * The user streams: every user matching a query by keyset, each user with a
 * resumable cursor, and a user's logs and roles page by page.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as Auth0Error from "../Auth0Error.js"
import type { Auth0Http } from "../Auth0Http.js"
import * as Declared from "../internal/endpoints/users.js"
import * as Keyset from "../internal/keyset.js"
import * as Merge from "../internal/merge.js"
import * as Paging from "../internal/paging.js"
import type { User } from "../schema/User.js"
import { cappedOptions, type ListParams, type ProjectionParams, queryText } from "./models.js"
import { list } from "./operations.js"

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
 * What `streamWithCursor` delivers: a user and the cursor that resumes the walk after it.
 *
 * @since 0.1.0
 * @category models
 */
export interface UserWithCursor {
  readonly user: User
  readonly cursor: StreamCursor
}

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

/**
 * The path errors of the users list name. Shared by the user modules; not re-exported by `Users`.
 *
 * @since 0.1.0
 * @category internal
 */
export const USERS_PATH = "/api/v2/users"

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
            queryText(params.q) ?? "",
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
  input: StreamParams = {}
): Stream.Stream<User, Auth0Error.For<never> | Auth0Error.LimitExceeded, Auth0Http> => {
  // Rendered once: the walk and-s its own ranges with the text, which parenthesises a Query's OR.
  const q = queryText(input.q)
  const params: StreamParams = { ...input, q }
  const sort = params.sort ?? "created_at:1"
  return Option.match(Keyset.plan(q, sort), {
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
  input: StreamParams = {}
): Stream.Stream<UserWithCursor, Auth0Error.For<never> | Auth0Error.LimitExceeded, Auth0Http> => {
  const q = queryText(input.q)
  const params: StreamParams = { ...input, q }
  const sort = params.sort ?? "created_at:1"
  return Option.match(Keyset.plan(q, sort), {
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
  Paging.stream(Declared.logs, { params: { id }, query: { sort: params.sort } }, cappedOptions(params))

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
  Paging.stream(Declared.roles, { params: { id } }, cappedOptions(params))
