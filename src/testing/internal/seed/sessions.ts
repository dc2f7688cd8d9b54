/**
 * Seeding and inspecting a user's sessions and refresh tokens in the fake tenant. Auth0 has no
 * endpoint that creates either (they come from logins), so a test puts them in place here.
 */
import * as Effect from "effect/Effect"
import type * as Router from "../router.js"
import { guard, iso, type SeedError } from "../seed.js"
import type { RefreshTokenRecord, SessionRecord } from "../state/sessions.js"

export type { RefreshTokenRecord, SessionRecord } from "../state/sessions.js"

/**
 * A session to seed: any of Auth0's fields. `id` defaults to a fresh one, the dates to now (expiring
 * in 3 days idle, 30 days in all), `clients` to none, `authentication` to a password login now.
 *
 * @since 0.1.0
 * @category models
 */
export interface SeedSession extends Readonly<Record<string, unknown>> {
  readonly id?: string
  readonly created_at?: string
}

/**
 * A refresh token to seed: any of Auth0's fields. `id` defaults to a fresh one, `created_at` to now,
 * `session_id`, `idle_expires_at` and `expires_at` to `null`, `client_id` to the tenant's client,
 * `rotating` to false, `resource_servers` to the Management API with `offline_access`. A `session_id`
 * must name a session of the user.
 *
 * @since 0.1.0
 * @category models
 */
export interface SeedRefreshToken extends Readonly<Record<string, unknown>> {
  readonly id?: string
  readonly created_at?: string
  readonly session_id?: string | null
}

/**
 * @since 0.1.0
 * @category models
 */
export interface SessionsSeeding {
  /** Put sessions in place for an existing user (`SeedError` 404 otherwise, 409 for an id taken). */
  readonly seedSessions: (
    userId: string,
    sessions: ReadonlyArray<SeedSession>
  ) => Effect.Effect<ReadonlyArray<SessionRecord>, SeedError>
  /** Put refresh tokens in place for an existing user, each bound to one of its sessions or to none. */
  readonly seedRefreshTokens: (
    userId: string,
    tokens: ReadonlyArray<SeedRefreshToken>
  ) => Effect.Effect<ReadonlyArray<RefreshTokenRecord>, SeedError>
  /** A user's sessions now, in the order the API lists them. */
  readonly sessionsOf: (userId: string) => Effect.Effect<ReadonlyArray<SessionRecord>>
  /** A user's refresh tokens now, in the order the API lists them. */
  readonly refreshTokensOf: (userId: string) => Effect.Effect<ReadonlyArray<RefreshTokenRecord>>
}

const ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
const DAY = 86_400_000

const later = (now: string, days: number) => new Date(Date.parse(now) + days * DAY).toISOString()

/** The seeding functions over one tenant, as `FakeAuth0.make` spreads them into the service. */
export const sessionsSeeding = (tenant: Router.Tenant): SessionsSeeding => {
  const state = tenant.sessions
  const freshId = () => tenant.store.alnum(32, ID_ALPHABET)
  return {
    seedSessions: (userId, seeds) =>
      Effect.flatMap(iso, (now) =>
        guard(() => {
          const records = seeds.map((seed): SessionRecord => ({
            id: freshId(),
            created_at: now,
            updated_at: now,
            authenticated_at: now,
            idle_expires_at: later(now, 3),
            expires_at: later(now, 30),
            last_interacted_at: now,
            device: { initial_user_agent: "Mozilla/5.0", initial_ip: "203.0.113.7", initial_asn: "64496" },
            clients: [],
            authentication: { methods: [{ name: "pwd", timestamp: now }] },
            ...seed,
            user_id: userId
          }))
          state.addSessions(userId, records)
          return records
        })
      ),
    seedRefreshTokens: (userId, seeds) =>
      Effect.flatMap(iso, (now) =>
        guard(() => {
          const records = seeds.map((seed): RefreshTokenRecord => ({
            id: freshId(),
            created_at: now,
            idle_expires_at: null,
            expires_at: null,
            client_id: tenant.clientId,
            rotating: false,
            resource_servers: [{ audience: `https://${tenant.domain}/api/v2/`, scopes: "openid offline_access" }],
            ...seed,
            session_id: seed.session_id ?? null,
            user_id: userId
          }))
          state.addRefreshTokens(userId, records)
          return records
        })
      ),
    sessionsOf: (userId) => Effect.sync(() => state.sessionsOf(userId).map((session) => structuredClone(session))),
    refreshTokensOf: (userId) => Effect.sync(() => state.refreshTokensOf(userId).map((token) => structuredClone(token)))
  }
}
