/**
 * Tickets: one-time URLs that let a user change their password or verify
 * their email, for your own mail or UI. The URL is a credential: it comes
 * back `Redacted`.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import { Auth0Http } from "./Auth0Http.js"
import * as Declared from "./internal/endpoints/tickets.js"

/**
 * A password-change ticket (`POST /tickets/password-change`, 201) for a
 * user, by `user_id` (or `email` and `connection_id`). `NotFound` when there is
 * no such user.
 *
 * @example
 * ```ts
 * import { Effect, Redacted } from "effect"
 * import { Tickets } from "effect-auth0"
 * const url = Tickets.passwordChange({
 *   user_id: "auth0|63d17c3f13efda064d3ac6d1",
 *   result_url: "https://example.com/change-password",
 *   ttl_sec: 3600
 * }).pipe(Effect.map(({ ticket }) => Redacted.value(ticket)))
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const passwordChange = Effect.fn(Declared.passwordChange.name)(function* (body: Declared.PasswordChangeBody) {
  const http = yield* Auth0Http
  return yield* http.request(Declared.passwordChange, { body })
})

/**
 * An email-verification ticket (`POST /tickets/email-verification`, 201).
 *
 * @example
 * ```ts
 * import { Tickets } from "effect-auth0"
 * const program = Tickets.emailVerification({ user_id: "auth0|63d17c3e9d503d76c056c156", ttl_sec: 3600 })
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const emailVerification = Effect.fn(Declared.emailVerification.name)(function* (
  body: Declared.EmailVerificationBody
) {
  const http = yield* Auth0Http
  return yield* http.request(Declared.emailVerification, { body })
})

/**
 * @since 0.1.0
 * @category models
 */
export type PasswordChangeBody = Declared.PasswordChangeBody

/**
 * @since 0.1.0
 * @category models
 */
export type EmailVerificationBody = Declared.EmailVerificationBody
