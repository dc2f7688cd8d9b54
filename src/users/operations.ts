/**
 * The user operations, one request each: a declaration (`internal/endpoints/users.ts`) and the few lines
 * that turn the caller's parameters into its query and body.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { Auth0Http } from "../Auth0Http.js"
import * as Projection from "../internal/codec/projection.js"
import * as Declared from "../internal/endpoints/users.js"
import {
  type CreateBody,
  type LinkBody,
  type ListParams,
  type LogsParams,
  type PageParams,
  pageQuery,
  type ProjectionParams,
  queryText,
  type UpdateBody
} from "./models.js"

type Revealed<B extends { readonly password?: unknown }> = Omit<B, "password"> & {
  readonly password?: Exclude<B["password"], Redacted.Redacted<string>>
}

/** Unwrap a `Redacted` password at the last moment, into the JSON body only. */
const revealPassword = <B extends { readonly password?: string | Redacted.Redacted<string> | null | undefined }>(
  body: B
): Revealed<B> =>
  (Redacted.isRedacted(body.password)
    ? { ...body, password: Redacted.value(body.password) }
    : body) as unknown as Revealed<B>

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
export const list = Effect.fn(Declared.list.name)(function* (params: ListParams = {}) {
  const http = yield* Auth0Http
  const q = queryText(params.q)
  return yield* http.request(Declared.list, {
    query: {
      ...pageQuery(params),
      ...Projection.toQuery(params),
      q,
      sort: params.sort,
      search_engine: params.search_engine ?? (q !== undefined ? "v3" : undefined),
      connection: params.connection,
      primary_order: params.primary_order
    }
  })
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
export const create = Effect.fn(Declared.create.name)(function* (connection: string, body: CreateBody = {}) {
  const http = yield* Auth0Http
  return yield* http.request(Declared.create, { body: { connection, ...revealPassword(body) } })
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
export const get = Effect.fn(Declared.get.name)(function* (id: string, params: ProjectionParams = {}) {
  const http = yield* Auth0Http
  return yield* http.request(Declared.get, { params: { id }, query: Projection.toQuery(params) })
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
export const update = Effect.fn(Declared.update.name)(function* (id: string, body: UpdateBody) {
  const http = yield* Auth0Http
  return yield* http.request(Declared.update, { params: { id }, body: revealPassword(body) })
})

const del = Effect.fn(Declared.delete.name)(function* (id: string) {
  const http = yield* Auth0Http
  yield* http.request(Declared.delete, { params: { id } })
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
export const deleteAuthenticationMethods = Effect.fn(Declared.deleteAuthenticationMethods.name)(function* (id: string) {
  const http = yield* Auth0Http
  yield* http.request(Declared.deleteAuthenticationMethods, { params: { id } })
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
export const deleteMultifactorProvider = Effect.fn(Declared.deleteMultifactorProvider.name)(function* (
  id: string,
  provider: string
) {
  const http = yield* Auth0Http
  yield* http.request(Declared.deleteMultifactorProvider, { params: { id, provider } })
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
export const enrollments = Effect.fn(Declared.enrollments.name)(function* (id: string) {
  const http = yield* Auth0Http
  return yield* http.request(Declared.enrollments, { params: { id } })
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
export const link = Effect.fn(Declared.link.name)(function* (id: string, body: LinkBody) {
  const http = yield* Auth0Http
  return yield* http.request(Declared.link, { params: { id }, body })
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
export const unlink = Effect.fn(Declared.unlink.name)(function* (
  primaryId: string,
  provider: string,
  secondaryId: string | number
) {
  const http = yield* Auth0Http
  return yield* http.request(Declared.unlink, { params: { id: primaryId, provider, user_id: String(secondaryId) } })
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
export const logs = Effect.fn(Declared.logs.name)(function* (id: string, params: LogsParams = {}) {
  const http = yield* Auth0Http
  return yield* http.request(Declared.logs, { params: { id }, query: { ...pageQuery(params), sort: params.sort } })
})

/**
 * Replace a user's Guardian recovery code
 * (`POST /users/{id}/recovery-code-regeneration`). `NotFound` when there is
 * no such user; Auth0 answers with a code for a user without a confirmed MFA
 * enrollment too (as recorded). The code comes back `Redacted`.
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
export const regenerateRecoveryCode = Effect.fn(Declared.regenerateRecoveryCode.name)(function* (id: string) {
  const http = yield* Auth0Http
  return yield* http.request(Declared.regenerateRecoveryCode, { params: { id }, body: {} })
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
export const roles = Effect.fn(Declared.roles.name)(function* (id: string, params: PageParams = {}) {
  const http = yield* Auth0Http
  return yield* http.request(Declared.roles, { params: { id }, query: pageQuery(params) })
})
