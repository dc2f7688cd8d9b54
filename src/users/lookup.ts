/**
 * The user lookups: users by email, the organizations a user belongs to and the accounts a user
 * connected, each a declaration (`internal/endpoints/lookup.ts`) and the few lines that build its query.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import { Auth0Http } from "../Auth0Http.js"
import * as Projection from "../internal/codec/projection.js"
import * as Declared from "../internal/endpoints/lookup.js"
import * as Paging from "../internal/paging.js"
import { cappedOptions, type PageParams, pageQuery, type ProjectionParams } from "./models.js"
import type { CappedStreamParams } from "./streams.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface ConnectedAccountsParams {
  /** The `next` of the previous page; absent for the first. */
  readonly from?: string | undefined
  /** Accounts per page; Auth0 documents a default of 10 and a maximum of 20. */
  readonly take?: number | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface ConnectedAccountsStreamParams {
  /** Accounts per page, 1 to 20. Default 20. */
  readonly take?: number | undefined
}

/** Auth0 documents at most 20 connected accounts a page (its schema says 100): the stream asks for 20. */
const CONNECTED_ACCOUNTS_PAGE = 20

/**
 * Every user with exactly this email (`GET /users-by-email`), one per
 * connection, in one answer (not paged). Unlike `Users.list` with `q`, it
 * reads the users themselves, so a user created a moment before is found.
 * The match is case-sensitive and Auth0 stores database users' emails in
 * lower case: pass the email lower-cased to find them.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Users } from "effect-auth0"
 * const program = Effect.gen(function* () {
 *   const users = yield* Users.listByEmail("chuck@example.com", { fields: ["user_id", "identities"] })
 *   return users.map((user) => user.user_id)
 * })
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const listByEmail = Effect.fn(Declared.listByEmail.name)(function* (
  email: string,
  params: ProjectionParams = {}
) {
  const http = yield* Auth0Http
  return yield* http.request(Declared.listByEmail, { query: { email, ...Projection.toQuery(params) } })
})

/**
 * One page of the organizations a user belongs to
 * (`GET /users/{id}/organizations`), with `include_totals=true`; `NotFound`
 * when there is no such user.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Users } from "effect-auth0"
 * const program = Effect.gen(function* () {
 *   const page = yield* Users.organizations("auth0|654e0f2209d0e266cf0aa508", { per_page: 100 })
 *   return page.organizations.map((org) => org.name)
 * })
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const organizations = Effect.fn(Declared.organizations.name)(function* (id: string, params: PageParams = {}) {
  const http = yield* Auth0Http
  return yield* http.request(Declared.organizations, {
    params: { id },
    query: pageQuery(params)
  })
})

/**
 * Every organization a user belongs to, page by page, each once. Auth0
 * lists only the first 1000: past them the stream fails with
 * `LimitExceeded`, unless `stopAtCap`.
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { Users } from "effect-auth0"
 * const ids = Users.organizationsStream("auth0|654e0f2209d0e266cf0aa508").pipe(Stream.map((org) => org.id), Stream.runCollect)
 * ```
 *
 * @since 0.1.0
 * @category streams
 */
export const organizationsStream = (id: string, params: Omit<CappedStreamParams, "sort"> = {}) =>
  Paging.stream(Declared.organizations, { params: { id } }, cappedOptions(params))

/**
 * One checkpoint page of the accounts a user connected through a connection
 * (`GET /users/{id}/connected-accounts`): pass the page's `next` as `from`
 * for the following one; the last page has no `next`. `NotFound` when there
 * is no such user.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Users } from "effect-auth0"
 * const program = Effect.gen(function* () {
 *   const first = yield* Users.connectedAccounts("auth0|63d17c4c5d69f3e86d515d1c", { take: 20 })
 *   return first.next === undefined ? first.connected_accounts : [...first.connected_accounts, ...(yield* Users.connectedAccounts("auth0|63d17c4c5d69f3e86d515d1c", { from: first.next })).connected_accounts]
 * })
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const connectedAccounts = Effect.fn(Declared.connectedAccounts.name)(function* (
  id: string,
  params: ConnectedAccountsParams = {}
) {
  const http = yield* Auth0Http
  return yield* http.request(Declared.connectedAccounts, {
    params: { id },
    query: { from: params.from, take: params.take }
  })
})

/**
 * Every account a user connected, following `next` from page to page until
 * a page names none or comes back empty, at constant memory.
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { Users } from "effect-auth0"
 * const connections = Users.connectedAccountsStream("auth0|63d17c4c5d69f3e86d515d1c").pipe(
 *   Stream.map((account) => account.connection),
 *   Stream.runCollect
 * )
 * ```
 *
 * @since 0.1.0
 * @category streams
 */
export const connectedAccountsStream = (id: string, params: ConnectedAccountsStreamParams = {}) =>
  Paging.stream(Declared.connectedAccounts, { params: { id } }, { perPage: params.take ?? CONNECTED_ACCOUNTS_PAGE })
