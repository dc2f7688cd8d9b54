/**
 * The brute-force blocks of the Management API (`/user-blocks`): the
 * identifier and IP pairs Auth0 stopped after too many failed logins. They
 * are not the user's `blocked` flag: unblocking does not clear it, and
 * `Users.update(id, { blocked: false })` does not lift these. Each operation
 * is an `Effect` that needs `Auth0Http` and fails with exactly the errors its
 * endpoint can produce.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import { Auth0Http } from "./Auth0Http.js"
import * as Declared from "./internal/endpoints/userBlocks.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface GetParams {
  /**
   * With `true`, the blocks are listed only when Brute Force Protection is
   * enabled and set to block logins (an empty list when it is disabled).
   */
  readonly consider_brute_force_enablement?: boolean | undefined
}

/**
 * The blocks on any identifier of a user (`GET /user-blocks/{id}`): its
 * email, username and phone number; `NotFound` when there is no such user.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { UserBlocks } from "effect-auth0"
 * const program = Effect.gen(function* () {
 *   const { blocked_for } = yield* UserBlocks.get("auth0|63d17c5a3416c557f7d03762")
 *   return blocked_for.map((block) => block.ip)
 * })
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const get = Effect.fn(Declared.get.name)(function* (id: string, params: GetParams = {}) {
  const http = yield* Auth0Http
  return yield* http.request(Declared.get, {
    params: { id },
    query: { consider_brute_force_enablement: params.consider_brute_force_enablement }
  })
})

/**
 * The blocks on one identifier (`GET /user-blocks?identifier=`): an email,
 * username or phone number, whether or not a user has it.
 *
 * @example
 * ```ts
 * import { UserBlocks } from "effect-auth0"
 * const program = UserBlocks.getByIdentifier("chuck@example.com")
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const getByIdentifier = Effect.fn(Declared.getByIdentifier.name)(function* (
  identifier: string,
  params: GetParams = {}
) {
  const http = yield* Auth0Http
  return yield* http.request(Declared.getByIdentifier, {
    query: { identifier, consider_brute_force_enablement: params.consider_brute_force_enablement }
  })
})

/**
 * Lift every block on a user's identifiers (`DELETE /user-blocks/{id}`,
 * 204); the user's `blocked` flag stays as it is. `NotFound` when there is
 * no such user.
 *
 * @example
 * ```ts
 * import { UserBlocks } from "effect-auth0"
 * const program = UserBlocks.unblock("auth0|63d17c61df1ce171262c7ea8")
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const unblock = Effect.fn(Declared.unblock.name)(function* (id: string) {
  const http = yield* Auth0Http
  yield* http.request(Declared.unblock, { params: { id } })
})

/**
 * Lift every block on one identifier (`DELETE /user-blocks?identifier=`, 204).
 *
 * @example
 * ```ts
 * import { UserBlocks } from "effect-auth0"
 * const program = UserBlocks.unblockByIdentifier("test-user135")
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const unblockByIdentifier = Effect.fn(Declared.unblockByIdentifier.name)(function* (identifier: string) {
  const http = yield* Auth0Http
  yield* http.request(Declared.unblockByIdentifier, { query: { identifier } })
})
