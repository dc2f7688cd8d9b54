/**
 * A user's sessions and refresh tokens: list them (checkpoint pages, or a stream of all), delete them,
 * and revoke access (one session or all, with or without its refresh tokens).
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import { Auth0Http } from "../Auth0Http.js"
import * as Declared from "../internal/endpoints/sessions.js"
import * as Paging from "../internal/paging.js"
import { type CheckpointParams, checkpointQuery, type CheckpointStreamParams } from "./models.js"

/**
 * `POST /users/{id}/revoke-access`: without `session_id`, every session of the user is revoked; the
 * refresh tokens of the revoked sessions go too unless `preserve_refresh_tokens`.
 *
 * @since 0.1.0
 * @category models
 */
export interface RevokeAccessBody {
  /** At most 50 characters. */
  readonly session_id?: string | undefined
  readonly preserve_refresh_tokens?: boolean | undefined
}

/**
 * One page of a user's sessions (`GET /users/{id}/sessions`): `{ sessions, next? }`. Pass `next` as
 * `from` for the page after; an empty page or one without `next` is the last. `NotFound` for an
 * unknown user.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Users } from "effect-auth0"
 * const program = Effect.gen(function* () {
 *   const page = yield* Users.sessions("auth0|63d17c4c5d69f3e86d515d1c", { take: 20 })
 *   return page.sessions.map((session) => session.last_interacted_at)
 * })
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const sessions = Effect.fn(Declared.sessions.name)(function* (id: string, params: CheckpointParams = {}) {
  const http = yield* Auth0Http
  return yield* http.request(Declared.sessions, { params: { id }, query: checkpointQuery(params) })
})

/**
 * Every session of a user, following `next` from page to page until a page names none or is empty,
 * with constant memory.
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { Users } from "effect-auth0"
 * const clients = Users.sessionsStream("auth0|63d17c4c5d69f3e86d515d1c").pipe(
 *   Stream.flatMap((session) => Stream.fromIterable(session.clients ?? [])),
 *   Stream.map((client) => client.client_id),
 *   Stream.runCollect
 * )
 * ```
 *
 * @since 0.1.0
 * @category streams
 */
export const sessionsStream = (id: string, params: CheckpointStreamParams = {}) =>
  Paging.stream(Declared.sessions, { params: { id } }, { perPage: params.take })

/**
 * End every session of a user (`DELETE /users/{id}/sessions`). Auth0 accepts it with 202 and deletes
 * asynchronously. `NotFound` for an unknown user.
 *
 * @example
 * ```ts
 * import { Users } from "effect-auth0"
 * const program = Users.deleteSessions("auth0|63d17c4c5d69f3e86d515d1c")
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const deleteSessions = Effect.fn(Declared.deleteSessions.name)(function* (id: string) {
  const http = yield* Auth0Http
  yield* http.request(Declared.deleteSessions, { params: { id } })
})

/**
 * One page of a user's refresh tokens (`GET /users/{id}/refresh-tokens`): `{ tokens, next? }`, paged
 * as `sessions` is.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Users } from "effect-auth0"
 * const program = Effect.gen(function* () {
 *   const page = yield* Users.refreshTokens("auth0|63d17c4c5d69f3e86d515d1c")
 *   return page.tokens.filter((token) => token.session_id === null).map((token) => token.client_id)
 * })
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const refreshTokens = Effect.fn(Declared.refreshTokens.name)(function* (
  id: string,
  params: CheckpointParams = {}
) {
  const http = yield* Auth0Http
  return yield* http.request(Declared.refreshTokens, { params: { id }, query: checkpointQuery(params) })
})

/**
 * Every refresh token of a user, following `next` as `sessionsStream` does.
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { Users } from "effect-auth0"
 * const rotating = Users.refreshTokensStream("auth0|63d17c4c5d69f3e86d515d1c").pipe(
 *   Stream.filter((token) => token.rotating === true),
 *   Stream.runCount
 * )
 * ```
 *
 * @since 0.1.0
 * @category streams
 */
export const refreshTokensStream = (id: string, params: CheckpointStreamParams = {}) =>
  Paging.stream(Declared.refreshTokens, { params: { id } }, { perPage: params.take })

/**
 * Revoke every refresh token of a user (`DELETE /users/{id}/refresh-tokens`, 202, deleted
 * asynchronously by Auth0). `NotFound` for an unknown user.
 *
 * @example
 * ```ts
 * import { Users } from "effect-auth0"
 * const program = Users.deleteRefreshTokens("auth0|63d17c4c5d69f3e86d515d1c")
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const deleteRefreshTokens = Effect.fn(Declared.deleteRefreshTokens.name)(function* (id: string) {
  const http = yield* Auth0Http
  yield* http.request(Declared.deleteRefreshTokens, { params: { id } })
})

/**
 * Log a user out (`POST /users/{id}/revoke-access`, 202): one session with `session_id`, else all of
 * them, and the refresh tokens of those sessions unless `preserve_refresh_tokens`. A `session_id`
 * over 50 characters fails with `BadRequest`; an unknown user with `NotFound`.
 *
 * @example
 * ```ts
 * import { Users } from "effect-auth0"
 * const everywhere = Users.revokeAccess("auth0|63d17c4c5d69f3e86d515d1c")
 * const oneDevice = Users.revokeAccess("auth0|63d17c4c5d69f3e86d515d1c", {
 *   session_id: "sess_3K1rQbM6",
 *   preserve_refresh_tokens: true
 * })
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const revokeAccess = Effect.fn(Declared.revokeAccess.name)(function* (id: string, body: RevokeAccessBody = {}) {
  const http = yield* Auth0Http
  yield* http.request(Declared.revokeAccess, { params: { id }, body })
})
