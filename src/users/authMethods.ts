/**
 * A user's authentication methods and MFA actions: list, read, create, replace, rename and delete
 * methods, remove its Guardian authenticators, forget remembered browsers and clear risk assessors.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { Auth0Http } from "../Auth0Http.js"
import * as Declared from "../internal/endpoints/authMethods.js"
import * as Paging from "../internal/paging.js"
import { cappedOptions, type PageParams, pageQuery } from "./models.js"
import type { CappedStreamParams } from "./streams.js"

/**
 * `POST /users/{id}/authentication-methods` body. Each `type` needs its own
 * field: `email` an `email`, `phone` a `phone_number`, `totp` a
 * `totp_secret` (base32; may be `Redacted`, unwrapped only into the body),
 * `webauthn-roaming` and `passkey` a `key_id` and `public_key`. Auth0
 * confirms a method created this way at once.
 *
 * @since 0.1.0
 * @category models
 */
export interface CreateAuthenticationMethodBody {
  readonly type: "email" | "phone" | "totp" | "webauthn-roaming" | "passkey"
  /** 1 to 20 characters. */
  readonly name?: string | undefined
  readonly email?: string | undefined
  /** 2 to 30 characters, e.g. `+44207183875044`. */
  readonly phone_number?: string | undefined
  readonly totp_secret?: string | Redacted.Redacted<string> | undefined
  readonly preferred_authentication_method?: "sms" | "voice" | undefined
  readonly key_id?: string | undefined
  readonly public_key?: string | undefined
  readonly relying_party_identifier?: string | undefined
  readonly aaguid?: string | undefined
  readonly credential_device_type?: "single_device" | "multi_device" | undefined
  readonly credential_backed_up?: boolean | undefined
  readonly identity_user_id?: string | undefined
  readonly user_agent?: string | undefined
  readonly user_handle?: string | undefined
  readonly transports?: ReadonlyArray<string> | undefined
}

/**
 * One method of a `PUT /users/{id}/authentication-methods` body.
 *
 * @since 0.1.0
 * @category models
 */
export interface ReplacementAuthenticationMethod {
  readonly type: "email" | "phone" | "totp"
  readonly name?: string | undefined
  readonly email?: string | undefined
  readonly phone_number?: string | undefined
  readonly totp_secret?: string | Redacted.Redacted<string> | undefined
  readonly preferred_authentication_method?: "sms" | "voice" | undefined
}

/**
 * `PATCH /users/{id}/authentication-methods/{authentication_method_id}` body.
 *
 * @since 0.1.0
 * @category models
 */
export interface UpdateAuthenticationMethodBody {
  readonly name?: string | undefined
  readonly preferred_authentication_method?: "sms" | "voice" | undefined
}

/**
 * `POST /users/{id}/risk-assessments/clear` body.
 *
 * @since 0.1.0
 * @category models
 */
export interface ClearRiskAssessorsBody {
  /** The name of the connection the assessments were made for. */
  readonly connection: string
  /** Auth0 documents one: `new-device`. */
  readonly assessors: ReadonlyArray<"new-device" | (string & {})>
}

const reveal = <B extends { readonly totp_secret?: string | Redacted.Redacted<string> | undefined }>(
  body: B
): Declared.Revealed<B> =>
  (Redacted.isRedacted(body.totp_secret)
    ? { ...body, totp_secret: Redacted.value(body.totp_secret) }
    : body) as unknown as Declared.Revealed<B>

/**
 * One page of a user's authentication methods
 * (`GET /users/{id}/authentication-methods`), with `include_totals=true`.
 * Auth0 leaves `total` out when the user has none.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Users } from "effect-auth0"
 * const types = Users.authenticationMethods("auth0|640b5a0ed3534be8b2db9dd3").pipe(
 *   Effect.map((page) => page.authenticators.map((method) => method.type))
 * )
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const authenticationMethods = Effect.fn(Declared.authenticationMethods.name)(function* (
  id: string,
  params: PageParams = {}
) {
  const http = yield* Auth0Http
  return yield* http.request(Declared.authenticationMethods, {
    params: { id },
    query: pageQuery(params)
  })
})

/**
 * Every authentication method of a user, page by page, each once. Auth0
 * lists only the first 1000: past them the stream fails with
 * `LimitExceeded`, unless `stopAtCap`.
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { Users } from "effect-auth0"
 * const phones = Users.authenticationMethodsStream("auth0|640b5a0ed3534be8b2db9dd3").pipe(
 *   Stream.filter((method) => method.type === "phone"),
 *   Stream.runCollect
 * )
 * ```
 *
 * @since 0.1.0
 * @category streams
 */
export const authenticationMethodsStream = (id: string, params: Omit<CappedStreamParams, "sort"> = {}) =>
  Paging.stream(Declared.authenticationMethods, { params: { id } }, cappedOptions(params))

/**
 * One authentication method of a user
 * (`GET /users/{id}/authentication-methods/{authentication_method_id}`);
 * `NotFound` when the user or the method does not exist.
 *
 * @example
 * ```ts
 * import { Users } from "effect-auth0"
 * const program = Users.authenticationMethod("auth0|640b5a0ed3534be8b2db9dd3", "email|dev_f0O81fTcftc0kN2v")
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const authenticationMethod = Effect.fn(Declared.authenticationMethod.name)(function* (
  id: string,
  methodId: string
) {
  const http = yield* Auth0Http
  return yield* http.request(Declared.authenticationMethod, { params: { id, authentication_method_id: methodId } })
})

/**
 * Add an authentication method to a user
 * (`POST /users/{id}/authentication-methods`, 201); it is confirmed at once.
 * `Conflict` when the user already has it.
 *
 * @example
 * ```ts
 * import { Users } from "effect-auth0"
 * const program = Users.createAuthenticationMethod("auth0|640b5a0ed3534be8b2db9dd3", {
 *   type: "email",
 *   name: "Work",
 *   email: "chuck334@example.com"
 * })
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const createAuthenticationMethod = Effect.fn(Declared.createAuthenticationMethod.name)(function* (
  id: string,
  body: CreateAuthenticationMethodBody
) {
  const http = yield* Auth0Http
  return yield* http.request(Declared.createAuthenticationMethod, { params: { id }, body: reveal(body) })
})

/**
 * Replace all of a user's authentication methods with `methods`
 * (`PUT /users/{id}/authentication-methods`); returns the new ones.
 *
 * @example
 * ```ts
 * import { Redacted } from "effect"
 * import { Users } from "effect-auth0"
 * const program = Users.replaceAuthenticationMethods("auth0|640b5a0ed3534be8b2db9dd3", [
 *   { type: "phone", name: "Mobile", phone_number: "+44207183875044", preferred_authentication_method: "sms" },
 *   { type: "totp", name: "App", totp_secret: Redacted.make("5HCWXIP2MJNSUBGYVUZFLRB2HWIGXR4SYJQXNBQ") }
 * ])
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const replaceAuthenticationMethods = Effect.fn(Declared.replaceAuthenticationMethods.name)(function* (
  id: string,
  methods: ReadonlyArray<ReplacementAuthenticationMethod>
) {
  const http = yield* Auth0Http
  return yield* http.request(Declared.replaceAuthenticationMethods, { params: { id }, body: methods.map(reveal) })
})

/**
 * Rename a method or change a phone's preferred channel
 * (`PATCH /users/{id}/authentication-methods/{authentication_method_id}`).
 *
 * @example
 * ```ts
 * import { Users } from "effect-auth0"
 * const program = Users.updateAuthenticationMethod("auth0|640b5a0ed3534be8b2db9dd3", "email|dev_f0O81fTcftc0kN2v", {
 *   name: "Personal"
 * })
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const updateAuthenticationMethod = Effect.fn(Declared.updateAuthenticationMethod.name)(function* (
  id: string,
  methodId: string,
  body: UpdateAuthenticationMethodBody
) {
  const http = yield* Auth0Http
  return yield* http.request(Declared.updateAuthenticationMethod, {
    params: { id, authentication_method_id: methodId },
    body
  })
})

/**
 * Remove one authentication method of a user
 * (`DELETE /users/{id}/authentication-methods/{authentication_method_id}`, 204).
 *
 * @example
 * ```ts
 * import { Users } from "effect-auth0"
 * const program = Users.deleteAuthenticationMethod("auth0|640b5a0ed3534be8b2db9dd3", "email|dev_f0O81fTcftc0kN2v")
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const deleteAuthenticationMethod = Effect.fn(Declared.deleteAuthenticationMethod.name)(function* (
  id: string,
  methodId: string
) {
  const http = yield* Auth0Http
  yield* http.request(Declared.deleteAuthenticationMethod, { params: { id, authentication_method_id: methodId } })
})

/**
 * Remove every Guardian authenticator of a user — OTP, email, phone and push
 * (`DELETE /users/{id}/authenticators`, 204); passkeys, security keys and the
 * password stay.
 *
 * @example
 * ```ts
 * import { Users } from "effect-auth0"
 * const program = Users.deleteAuthenticators("auth0|640b5a0ed3534be8b2db9dd3")
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const deleteAuthenticators = Effect.fn(Declared.deleteAuthenticators.name)(function* (id: string) {
  const http = yield* Auth0Http
  yield* http.request(Declared.deleteAuthenticators, { params: { id } })
})

/**
 * Make every browser the user chose to remember ask for MFA again
 * (`POST /users/{id}/multifactor/actions/invalidate-remember-browser`, 204).
 *
 * @example
 * ```ts
 * import { Users } from "effect-auth0"
 * const program = Users.invalidateRememberBrowser("auth0|63d17c6a8869daf88ed7dbb5")
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const invalidateRememberBrowser = Effect.fn(Declared.invalidateRememberBrowser.name)(function* (id: string) {
  const http = yield* Auth0Http
  yield* http.request(Declared.invalidateRememberBrowser, { params: { id } })
})

/**
 * Forget what the risk assessors learnt about a user on a connection, so
 * that e.g. every device is new again
 * (`POST /users/{id}/risk-assessments/clear`, 204).
 *
 * @example
 * ```ts
 * import { Users } from "effect-auth0"
 * const program = Users.clearRiskAssessors("auth0|68879d2f642594e5c03deaa2", {
 *   connection: "Username-Password-Authentication",
 *   assessors: ["new-device"]
 * })
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const clearRiskAssessors = Effect.fn(Declared.clearRiskAssessors.name)(function* (
  id: string,
  body: ClearRiskAssessorsBody
) {
  const http = yield* Auth0Http
  yield* http.request(Declared.clearRiskAssessors, { params: { id }, body })
})
