/**
 * The fake tenant's lookups beside the users: the organizations each user belongs to, the accounts
 * each connected, and the brute-force blocks on identifiers. Blocks are the tenant's, not a user's:
 * they name an identifier, an IP and a connection, and `GET /user-blocks/{id}` finds them through the
 * user's identifiers. None of it touches the user's `blocked` flag.
 */
import { Refusal } from "../refusal.js"
import type { Store, UserRecord } from "../store.js"

export interface OrganizationRecord extends Record<string, unknown> {
  readonly id: string
  readonly name: string
}

export interface ConnectedAccountRecord extends Record<string, unknown> {
  readonly id: string
  readonly connection: string
  readonly connection_id: string
  readonly strategy: string
  readonly access_type: string
  readonly created_at: string
}

export interface BlockRecord {
  readonly identifier: string
  readonly ip: string
  readonly connection: string
}

/** Emails, usernames and phone numbers are matched as Auth0 stores emails: in lower case. */
const fold = (identifier: string) => identifier.toLowerCase()

const identifiersOf = (user: UserRecord): Set<string> =>
  new Set([user.email, user.username, user.phone_number].filter((v): v is string => typeof v === "string").map(fold))

const connectionsOf = (user: UserRecord): Set<string> =>
  new Set(((user.identities as Array<Record<string, unknown>> | undefined) ?? []).map((i) => String(i.connection)))

export class LookupState {
  /** By user id. */
  readonly organizations = new Map<string, Array<OrganizationRecord>>()
  /** By user id. */
  readonly connectedAccounts = new Map<string, Array<ConnectedAccountRecord>>()
  blocks: Array<BlockRecord> = []

  constructor(readonly store: Store) {
    store.onDelete.push((id) => {
      this.organizations.delete(id)
      this.connectedAccounts.delete(id)
    })
  }

  /** The user, or Auth0's 404; entries kept for a user deleted since are never shown. */
  user(id: string): UserRecord {
    const user = this.store.users.get(id)
    if (user === undefined) throw new Refusal(404, "The user does not exist.", "inexistent_user")
    return user
  }

  /** Exact and case-sensitive, as Auth0 matches (it stores database emails in lower case). */
  usersByEmail(email: string): ReadonlyArray<UserRecord> {
    return [...this.store.users.values()].filter((user) => user.email === email).map((user) => structuredClone(user))
  }

  organizationsOf(id: string): ReadonlyArray<OrganizationRecord> {
    this.user(id)
    return structuredClone(this.organizations.get(id) ?? [])
  }

  /** Joining twice changes nothing, as adding a member twice does on Auth0. */
  join(id: string, organizations: ReadonlyArray<OrganizationRecord>): void {
    this.user(id)
    const held = this.organizations.get(id) ?? []
    for (const org of organizations) {
      if (!held.some((h) => h.id === org.id)) held.push(structuredClone(org))
    }
    this.organizations.set(id, held)
  }

  connectedAccountsOf(id: string): ReadonlyArray<ConnectedAccountRecord> {
    this.user(id)
    return structuredClone(this.connectedAccounts.get(id) ?? [])
  }

  connect(id: string, accounts: ReadonlyArray<ConnectedAccountRecord>): void {
    this.user(id)
    const held = this.connectedAccounts.get(id) ?? []
    for (const account of accounts) {
      if (held.some((h) => h.id === account.id))
        throw new Refusal(409, `Connected account ${account.id} already exists`)
      held.push(structuredClone(account))
    }
    this.connectedAccounts.set(id, held)
  }

  /** A block counts once per identifier, IP and connection. */
  block(blocks: ReadonlyArray<BlockRecord>): void {
    for (const block of blocks) {
      const same = (b: BlockRecord) =>
        fold(b.identifier) === fold(block.identifier) && b.ip === block.ip && b.connection === block.connection
      if (!this.blocks.some(same)) this.blocks.push({ ...block })
    }
  }

  private ofUser(user: UserRecord): (block: BlockRecord) => boolean {
    const identifiers = identifiersOf(user)
    const connections = connectionsOf(user)
    return (block) => identifiers.has(fold(block.identifier)) && connections.has(block.connection)
  }

  blocksOfUser(id: string): ReadonlyArray<BlockRecord> {
    return this.blocks.filter(this.ofUser(this.user(id))).map((block) => ({ ...block }))
  }

  blocksOfIdentifier(identifier: string): ReadonlyArray<BlockRecord> {
    return this.blocks.filter((block) => fold(block.identifier) === fold(identifier)).map((block) => ({ ...block }))
  }

  unblockUser(id: string): void {
    const ofUser = this.ofUser(this.user(id))
    this.blocks = this.blocks.filter((block) => !ofUser(block))
  }

  unblockIdentifier(identifier: string): void {
    this.blocks = this.blocks.filter((block) => fold(block.identifier) !== fold(identifier))
  }
}
