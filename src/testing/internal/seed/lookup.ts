/**
 * Seeding and inspecting the fake tenant's lookups: organizations a user belongs to, accounts a user
 * connected, brute-force blocks on identifiers.
 */
import * as Effect from "effect/Effect"
import { Refusal } from "../refusal.js"
import type * as Router from "../router.js"
import { guard, iso, type SeedError } from "../seed.js"
import type { BlockRecord, ConnectedAccountRecord, OrganizationRecord } from "../state/lookup.js"

/**
 * An organization to put a user in; `id` defaults to a fresh `org_…`.
 *
 * @since 0.1.0
 * @category models
 */
export interface SeedOrganization extends Readonly<Record<string, unknown>> {
  readonly id?: string
  readonly name: string
  readonly display_name?: string
  readonly branding?: Readonly<Record<string, unknown>>
  readonly metadata?: Readonly<Record<string, string>>
}

/**
 * An account connected through `connection` (a connection of the tenant); the rest defaults
 * (`id` a fresh `cac_…`, `access_type` `offline`, `created_at` now).
 *
 * @since 0.1.0
 * @category models
 */
export interface SeedConnectedAccount extends Readonly<Record<string, unknown>> {
  readonly connection: string
  readonly id?: string
  readonly access_type?: string
  readonly scopes?: ReadonlyArray<string>
  readonly created_at?: string
  readonly expires_at?: string
  readonly organization_id?: string
}

/**
 * A brute-force block: logins with `identifier` from `ip` stopped on `connection` (default: the
 * tenant's first database connection).
 *
 * @since 0.1.0
 * @category models
 */
export interface SeedBlock {
  readonly identifier: string
  readonly ip: string
  readonly connection?: string
}

/**
 * @since 0.1.0
 * @category models
 */
export interface LookupSeeding {
  /** Make the user a member of these organizations (again is no change). */
  readonly seedOrganizations: (
    userId: string,
    organizations: ReadonlyArray<SeedOrganization>
  ) => Effect.Effect<ReadonlyArray<OrganizationRecord>, SeedError>
  /** The organizations a user belongs to; empty for an unknown user. */
  readonly organizationsOf: (userId: string) => Effect.Effect<ReadonlyArray<OrganizationRecord>>
  readonly seedConnectedAccounts: (
    userId: string,
    accounts: ReadonlyArray<SeedConnectedAccount>
  ) => Effect.Effect<ReadonlyArray<ConnectedAccountRecord>, SeedError>
  /** The accounts a user connected; empty for an unknown user. */
  readonly connectedAccountsOf: (userId: string) => Effect.Effect<ReadonlyArray<ConnectedAccountRecord>>
  /** Block identifiers from IPs, as brute-force protection would; independent of any user's `blocked` flag. */
  readonly seedBlocks: (blocks: ReadonlyArray<SeedBlock>) => Effect.Effect<ReadonlyArray<BlockRecord>, SeedError>
  /** Every brute-force block of the tenant. */
  readonly blocks: Effect.Effect<ReadonlyArray<BlockRecord>>
}

const ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

const orEmpty = <A>(f: () => ReadonlyArray<A>): ReadonlyArray<A> => {
  try {
    return f()
  } catch (error) {
    if (error instanceof Refusal) return []
    throw error
  }
}

export const lookupSeeding = (tenant: Router.Tenant): LookupSeeding => {
  const { lookup, store } = tenant
  const connection = (name: string) => {
    const found = store.connection(name)
    if (found === undefined) throw new Refusal(400, `no connection ${name}`)
    return found
  }
  return {
    seedOrganizations: (userId, organizations) =>
      guard(() => {
        const records = organizations.map((org): OrganizationRecord => ({
          ...org,
          id: org.id ?? `org_${store.alnum(16, ALNUM)}`
        }))
        lookup.join(userId, records)
        return structuredClone(records)
      }),
    organizationsOf: (userId) => Effect.sync(() => orEmpty(() => lookup.organizationsOf(userId))),
    seedConnectedAccounts: (userId, accounts) =>
      Effect.flatMap(iso, (now) =>
        guard(() => {
          const records = accounts.map((account): ConnectedAccountRecord => {
            const via = connection(account.connection)
            return {
              id: `cac_${store.alnum(16, ALNUM)}`,
              access_type: "offline",
              created_at: now,
              ...account,
              connection: via.name,
              connection_id: via.id,
              strategy: via.strategy
            }
          })
          lookup.connect(userId, records)
          return structuredClone(records)
        })
      ),
    connectedAccountsOf: (userId) => Effect.sync(() => orEmpty(() => lookup.connectedAccountsOf(userId))),
    seedBlocks: (blocks) =>
      guard(() => {
        const database = store.connections.find((c) => c.strategy === "auth0")
        const records = blocks.map((block): BlockRecord => {
          const name = block.connection ?? database?.name
          if (name === undefined) throw new Refusal(400, "no database connection to block on")
          return { identifier: block.identifier, ip: block.ip, connection: connection(name).name }
        })
        lookup.block(records)
        return records
      }),
    blocks: Effect.sync(() => lookup.blocks.map((block) => ({ ...block })))
  }
}
