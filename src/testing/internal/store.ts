/**
 * The fake tenant's data: users, their logs, roles and enrollments, with the
 * rules Auth0 applies when they change. Synchronous and self-contained: one
 * call is one atomic change, so no request can leave the store half-written.
 */
import { createHash } from "node:crypto"
import { Refusal } from "./refusal.js"
import { CREATE_FIELDS, invalid, isObject, mergeMetadata, profileOf, UPDATE_FIELDS, validateBody } from "./userBody.js"

export { Refusal } from "./refusal.js"
export { invalid } from "./userBody.js"

export type Json = null | boolean | number | string | ReadonlyArray<Json> | { readonly [key: string]: Json }
export type UserRecord = Record<string, unknown> & { user_id: string }

/** mulberry32: small, fast, and the same sequence for the same seed. */
export const makeRng = (seed: number) => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export interface Connection {
  readonly id: string
  readonly name: string
  /** `auth0` for database connections, else the social / enterprise provider. */
  readonly strategy: string
}

export interface Role {
  readonly id: string
  readonly name: string
  readonly description?: string
}

export interface Enrollment {
  readonly id: string
  readonly status: "pending" | "confirmed"
  readonly type: string
  readonly name?: string
  readonly phone_number?: string
  readonly auth_method?: string
  readonly enrolled_at?: string
}

export interface LogRecord extends Record<string, unknown> {
  readonly log_id: string
  readonly date: string
  readonly type: string
}

const clone = <A>(a: A): A => structuredClone(a)

export interface StoreOptions {
  readonly connections: ReadonlyArray<Connection>
  readonly seed: number
}

export class Store {
  readonly users = new Map<string, UserRecord>()
  readonly logs = new Map<string, Array<LogRecord>>()
  readonly roles = new Map<string, Role>()
  readonly userRoles = new Map<string, Array<string>>()
  readonly enrollments = new Map<string, Array<Enrollment>>()
  /** Per user, the profile fields the tenant filled in (name, nickname, picture) rather than was given. */
  readonly defaulted = new Map<string, Set<string>>()
  readonly connections: ReadonlyArray<Connection>
  readonly random: () => number
  private logCounter = 0

  constructor(options: StoreOptions) {
    this.connections = options.connections
    this.random = makeRng(options.seed)
  }

  hex(length: number): string {
    let s = ""
    for (let i = 0; i < length; i++) s += Math.floor(this.random() * 16).toString(16)
    return s
  }

  alnum(length: number, alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"): string {
    let s = ""
    for (let i = 0; i < length; i++) s += alphabet[Math.floor(this.random() * alphabet.length)]
    return s
  }

  connection(name: string): Connection | undefined {
    return this.connections.find((c) => c.name === name)
  }

  /** A copy, so callers can never reach into the store. */
  get(id: string): UserRecord | undefined {
    const user = this.users.get(id)
    return user === undefined ? undefined : clone(user)
  }

  private require(id: string): UserRecord {
    const user = this.users.get(id)
    if (user === undefined) throw new Refusal(404, "The user does not exist.", "inexistent_user")
    return user
  }

  /** Users by lower-cased email, so a duplicate check does not scan the tenant. */
  private readonly byEmail = new Map<string, Set<string>>()

  private emailKey(user: UserRecord | undefined): string | undefined {
    return typeof user?.email === "string" ? user.email.toLowerCase() : undefined
  }

  /** Every write of a user goes through here, to keep the email index true. */
  private put(user: UserRecord): void {
    this.unindex(user.user_id)
    this.users.set(user.user_id, user)
    const key = this.emailKey(user)
    if (key !== undefined) this.byEmail.set(key, (this.byEmail.get(key) ?? new Set()).add(user.user_id))
  }

  private unindex(id: string): void {
    const key = this.emailKey(this.users.get(id))
    if (key === undefined) return
    const ids = this.byEmail.get(key)
    ids?.delete(id)
    if (ids?.size === 0) this.byEmail.delete(key)
  }

  /** The user of `connection` with this email, if any. */
  idByEmail(connection: string, email: string): string | undefined {
    const lower = email.toLowerCase()
    for (const id of this.byEmail.get(lower) ?? []) {
      const identities = (this.users.get(id)?.identities as Array<Record<string, unknown>> | undefined) ?? []
      if (identities.some((i) => i.connection === connection)) return id
    }
    return undefined
  }

  private emailTaken(connection: string, email: string, except?: string): boolean {
    const lower = email.toLowerCase()
    for (const id of this.byEmail.get(lower) ?? []) {
      const user = this.users.get(id)
      if (user === undefined || user.user_id === except) continue
      const identities = (user.identities as Array<Record<string, unknown>> | undefined) ?? []
      if (String(user.email ?? "").toLowerCase() === lower && identities.some((i) => i.connection === connection)) {
        return true
      }
    }
    return false
  }

  /**
   * `POST /users`. Seeding passes `requirePassword: false` and `extras`: fields only Auth0 itself sets
   * (`created_at`, `logins_count`, `last_login`, `multifactor`, …).
   */
  create(
    body: unknown,
    now: string,
    options: { readonly requirePassword?: boolean; readonly extras?: Readonly<Record<string, unknown>> } = {}
  ): UserRecord {
    const checked = validateBody(body, CREATE_FIELDS, false)
    if (checked instanceof Refusal) throw checked
    if (typeof checked.connection !== "string") throw invalid("Missing required property: connection")
    const connection = this.connection(checked.connection)
    if (connection === undefined) throw new Refusal(400, "The connection does not exist.", "inexistent_connection")
    const isDatabase = connection.strategy === "auth0"
    if (
      isDatabase &&
      checked.email === undefined &&
      checked.username === undefined &&
      checked.phone_number === undefined
    ) {
      throw invalid("Missing required property: email")
    }
    if (isDatabase && options.requirePassword !== false && checked.password === undefined) {
      throw invalid("Missing required property: password")
    }
    const email = typeof checked.email === "string" ? checked.email.toLowerCase() : undefined
    if (email !== undefined && this.emailTaken(connection.name, email)) {
      throw new Refusal(409, "The user already exists.", "auth0_idp_error")
    }
    const rawId = typeof checked.user_id === "string" && checked.user_id !== "" ? checked.user_id : this.hex(24)
    const user_id = `${connection.strategy}|${rawId}`
    if (this.users.has(user_id)) throw new Refusal(409, "The user already exists.", "auth0_idp_error")
    const user: UserRecord = { user_id, created_at: now, updated_at: now }
    if (email !== undefined) user.email = email
    user.email_verified = checked.email_verified === true
    for (const key of ["username", "phone_number", "given_name", "family_name", "blocked", "phone_verified"]) {
      if (checked[key] !== undefined) user[key] = checked[key]
    }
    user.name = (checked.name as string | undefined) ?? email ?? (checked.username as string | undefined) ?? user_id
    user.nickname =
      (checked.nickname as string | undefined) ??
      email?.split("@")[0] ??
      (checked.username as string | undefined) ??
      rawId
    // Drawn whether used or not, so that the ids a seed gives stay the same.
    const noEmailHash = this.hex(32)
    user.picture =
      (checked.picture as string | undefined) ??
      `https://s.gravatar.com/avatar/${email === undefined ? noEmailHash : gravatarHash(email)}?s=480&r=pg&d=https%3A%2F%2Fcdn.auth0.com%2Favatars%2F${String(user.nickname).slice(0, 2).toLowerCase()}.png`
    this.defaulted.set(user_id, new Set(["name", "nickname", "picture"].filter((key) => checked[key] === undefined)))
    user.identities = [
      { connection: connection.name, user_id: rawId, provider: connection.strategy, isSocial: !isDatabase }
    ]
    if (isObject(checked.user_metadata) && Object.keys(checked.user_metadata).length > 0)
      user.user_metadata = checked.user_metadata
    if (isObject(checked.app_metadata) && Object.keys(checked.app_metadata).length > 0)
      user.app_metadata = checked.app_metadata
    Object.assign(user, structuredClone(options.extras ?? {}), { user_id })
    this.put(user)
    return clone(user)
  }

  update(id: string, body: unknown, now: string): UserRecord {
    const user = this.require(id)
    const checked = validateBody(body, UPDATE_FIELDS, true)
    if (checked instanceof Refusal) throw checked
    if (checked.password !== undefined && checked.email !== undefined) {
      throw new Refusal(400, "Cannot update password and email simultaneously", "invalid_body")
    }
    if (checked.password !== undefined && checked.email_verified !== undefined) {
      throw new Refusal(400, "Cannot update password and email_verified simultaneously", "invalid_body")
    }
    if (checked.username !== undefined && checked.password !== undefined) {
      throw new Refusal(400, "Cannot update username and password simultaneously", "invalid_body")
    }
    const next: UserRecord = { ...user }
    for (const [key, value] of Object.entries(checked)) {
      if (key === "user_metadata" || key === "app_metadata") {
        const merged = mergeMetadata(next[key], value as Record<string, unknown>)
        if (merged === undefined) delete next[key]
        else next[key] = merged
      } else if (key === "password") {
        if (value !== null) next.last_password_reset = now
      } else if (["connection", "client_id", "verify_email", "verify_phone_number", "verify_password"].includes(key)) {
        continue
      } else if (value === null) {
        delete next[key]
      } else {
        next[key] = key === "email" ? String(value).toLowerCase() : value
        this.defaulted.get(id)?.delete(key)
      }
    }
    if (typeof checked.email === "string") {
      const primary = (next.identities as Array<Record<string, unknown>>)[0]
      if (primary && this.emailTaken(String(primary.connection), checked.email, id)) {
        throw new Refusal(409, "The specified new email already exists", "email_conflict")
      }
    }
    next.updated_at = now
    this.put(next)
    return clone(next)
  }

  /** What else the tenant holds of a user (sessions, permissions, …), dropped with it. */
  readonly onDelete: Array<(id: string) => void> = []

  delete(id: string): void {
    for (const forget of this.onDelete) forget(id)
    this.unindex(id)
    this.users.delete(id)
    this.defaulted.delete(id)
    this.logs.delete(id)
    this.userRoles.delete(id)
    this.enrollments.delete(id)
  }

  deleteAuthenticationMethods(id: string): void {
    const user = this.require(id)
    this.enrollments.delete(id)
    delete user.multifactor
  }

  deleteMultifactorProvider(id: string, provider: string): void {
    const user = this.require(id)
    if (provider !== "duo" && provider !== "google-authenticator") {
      throw new Refusal(
        400,
        `Path validation error: 'No enum match for: "${provider}"' on property provider`,
        "invalid_uri"
      )
    }
    const remaining = ((user.multifactor as Array<string> | undefined) ?? []).filter((p) => p !== provider)
    if (remaining.length === 0) delete user.multifactor
    else user.multifactor = remaining
  }

  enrollmentsOf(id: string): ReadonlyArray<Enrollment> {
    this.require(id)
    return clone(this.enrollments.get(id) ?? [])
  }

  link(id: string, body: unknown, now: string): ReadonlyArray<unknown> {
    const primary = this.require(id)
    if (!isObject(body) || Object.keys(body).length === 0)
      throw invalid("Expected type object with at least 1 property")
    let secondaryId: string
    if ("link_with" in body) {
      if (Object.keys(body).length !== 1)
        throw invalid("link_with must not be sent with provider, user_id or connection_id")
      if (typeof body.link_with !== "string") throw invalid("Expected type string on property link_with")
      secondaryId = subjectOf(body.link_with)
    } else {
      for (const key of Object.keys(body)) {
        if (!["provider", "user_id", "connection_id"].includes(key))
          throw invalid(`Additional properties not allowed: ${key}`)
      }
      if (typeof body.provider !== "string" || body.provider === "")
        throw invalid("Missing required property: provider")
      if (typeof body.user_id !== "string" && typeof body.user_id !== "number")
        throw invalid("Missing required property: user_id")
      if (
        body.connection_id !== undefined &&
        (typeof body.connection_id !== "string" || !/^con_[A-Za-z0-9]{16}$/.test(body.connection_id))
      ) {
        throw invalid("String does not match pattern ^con_[A-Za-z0-9]{16}$' on property connection_id ('")
      }
      const raw = String(body.user_id)
      // Auth0 accepts the secondary id with or without its provider prefix (the recordings send it prefixed).
      secondaryId = raw.startsWith(`${body.provider}|`) ? raw : `${body.provider}|${raw}`
    }
    if (secondaryId === id) throw new Refusal(400, "Main identity and the new one are the same.", "invalid_body")
    const identities = primary.identities as Array<Record<string, unknown>>
    if (identities.some((i) => `${i.provider}|${i.user_id}` === secondaryId)) {
      throw new Refusal(409, "Specified identity already exists", "identity_conflict")
    }
    const secondary = this.users.get(secondaryId)
    if (secondary === undefined) throw new Refusal(400, "The user to link does not exist.", "invalid_body")
    const moved = (secondary.identities as Array<Record<string, unknown>>).map((identity) => ({
      profileData: profileOf(secondary, this.defaulted.get(secondaryId) ?? new Set()),
      ...identity
    }))
    const first = identities[0]
    const primaryIdentities =
      first === undefined
        ? []
        : [{ profileData: profileOf(primary, this.defaulted.get(id) ?? new Set()), ...first }, ...identities.slice(1)]
    const next: UserRecord = { ...primary, identities: [...primaryIdentities, ...moved], updated_at: now }
    this.put(next)
    this.delete(secondaryId)
    return clone(next.identities as Array<unknown>)
  }

  unlink(id: string, provider: string, secondaryId: string, now: string): ReadonlyArray<unknown> {
    const primary = this.require(id)
    const identities = primary.identities as Array<Record<string, unknown>>
    const index = identities.findIndex((i) => i.provider === provider && String(i.user_id) === secondaryId)
    if (index === 0) throw new Refusal(400, "Main identity cannot be removed", "invalid_uri")
    if (index === -1) return clone(identities)
    const identity = identities[index]!
    const { profileData, ...bare } = identity
    const remaining = identities.filter((_, i) => i !== index)
    this.put({ ...primary, identities: remaining, updated_at: now })
    const restoredId = `${provider}|${secondaryId}`
    const restored: UserRecord = {
      ...(isObject(profileData) ? profileData : {}),
      user_id: restoredId,
      identities: [bare],
      created_at: now,
      updated_at: now
    }
    this.put(restored)
    return clone(remaining)
  }

  addLog(userId: string, event: Partial<LogRecord> & { readonly type: string }, now: string): LogRecord {
    const sequence = String(++this.logCounter).padStart(20, "0")
    const log: LogRecord = {
      date: now,
      description: "",
      user_id: userId,
      ...event,
      log_id: event.log_id ?? `900${now.replace(/\D/g, "").padEnd(17, "0")}${sequence}`
    }
    const list = this.logs.get(userId) ?? []
    list.push(log)
    this.logs.set(userId, list)
    return clone(log)
  }

  logsOf(id: string): ReadonlyArray<LogRecord> {
    this.require(id)
    return this.logs.get(id) ?? []
  }

  rolesOf(id: string): ReadonlyArray<Role> {
    this.require(id)
    return (this.userRoles.get(id) ?? []).flatMap((roleId) => {
      const role = this.roles.get(roleId)
      return role === undefined ? [] : [clone(role)]
    })
  }

  /** Auth0 answers a code for a user with no confirmed enrollment too (TestUserManager_RegenerateRecoveryCode). */
  regenerateRecoveryCode(id: string): string {
    this.require(id)
    return this.alnum(24)
  }
}

/** Gravatar's key: the md5 of the (lower-cased, trimmed) email, as Auth0's default picture has it (TestUserManager_Create). */
export const gravatarHash = (email: string): string =>
  createHash("md5").update(email.trim().toLowerCase(), "utf8").digest("hex")

/** The `sub` of a secondary account's ID token; the fake checks no signature. */
const subjectOf = (jwt: string): string => {
  const payload = jwt.split(".")[1]
  if (payload === undefined) throw invalid("link_with is not a JWT")
  try {
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as unknown
    if (isObject(claims) && typeof claims.sub === "string") return claims.sub
  } catch {
    // fall through to the refusal
  }
  throw invalid("link_with is not a JWT with a sub claim")
}
