/** Seeding and inspecting users' authentication methods and MFA resets in the fake tenant. */
import * as Effect from "effect/Effect"
import type * as Router from "../router.js"
import { guard, iso, type SeedError } from "../seed.js"
import type { MethodRecord, RiskAssessorsCleared } from "../state/authMethods.js"

/**
 * An authentication method to seed: the `POST` body of its type (`email`
 * needs `email`, `phone` a `phone_number`, `totp` a `totp_secret`, …; `push`,
 * `recovery-code`, `webauthn-platform` and `password` too), plus what only
 * Auth0 sets. The id is made as Auth0 makes it (`<type>|dev_…`) unless given.
 *
 * @since 0.1.0
 * @category models
 */
export interface SeedAuthenticationMethod extends Readonly<Record<string, unknown>> {
  readonly type: string
  readonly id?: string
  readonly name?: string
  readonly email?: string
  readonly phone_number?: string
  readonly totp_secret?: string
  readonly preferred_authentication_method?: "sms" | "voice"
  readonly created_at?: string
  readonly last_auth_at?: string
  /** Default true. */
  readonly confirmed?: boolean
}

/**
 * @since 0.1.0
 * @category models
 */
export type StoredAuthenticationMethod = MethodRecord

/**
 * @since 0.1.0
 * @category models
 */
export type { RiskAssessorsCleared }

/**
 * @since 0.1.0
 * @category models
 */
export interface AuthMethodsSeeding {
  /** Add methods to a user; returns them as `GET` shows them (masked). */
  readonly seedAuthenticationMethods: (
    userId: string,
    methods: ReadonlyArray<SeedAuthenticationMethod>
  ) => Effect.Effect<ReadonlyArray<Record<string, unknown>>, SeedError>
  /** A user's methods as stored: email and phone unmasked, never the TOTP secret. */
  readonly authenticationMethodsOf: (userId: string) => Effect.Effect<ReadonlyArray<StoredAuthenticationMethod>>
  /** When each `invalidate-remember-browser` of the user came, oldest first. */
  readonly rememberBrowserInvalidations: (userId: string) => Effect.Effect<ReadonlyArray<string>>
  /** Each `risk-assessments/clear` of the user, oldest first. */
  readonly riskAssessorsCleared: (userId: string) => Effect.Effect<ReadonlyArray<RiskAssessorsCleared>>
}

export const authMethodsSeeding = (tenant: Router.Tenant): AuthMethodsSeeding => {
  const state = tenant.authMethods
  return {
    seedAuthenticationMethods: (userId, methods) =>
      Effect.flatMap(iso, (now) => guard(() => state.seed(userId, methods, now))),
    authenticationMethodsOf: (userId) => Effect.sync(() => state.stored(userId)),
    rememberBrowserInvalidations: (userId) =>
      Effect.sync(() => [...(state.rememberBrowserInvalidations.get(userId) ?? [])]),
    riskAssessorsCleared: (userId) => Effect.sync(() => [...(state.riskAssessorsCleared.get(userId) ?? [])])
  }
}
