/**
 * The fake tenant's authentication methods, per user, with Auth0's rules: ids of the form
 * `<type>|dev_<16 characters>`, the body each type needs, masked emails and phone numbers on reads,
 * and the remembered-browser and risk-assessor resets, kept for tests to inspect.
 */
import { invalid, isObject } from "../userBody.js"
import { Refusal } from "../refusal.js"
import type { Store } from "../store.js"

export interface MethodRecord {
  readonly id: string
  readonly type: string
  readonly created_at: string
  readonly confirmed: boolean
  name?: string
  readonly email?: string
  readonly phone_number?: string
  /** Kept so that seeding can give one; never answered. */
  readonly totp_secret?: string
  preferred_authentication_method?: string
  readonly key_id?: string
  readonly public_key?: string
  readonly relying_party_identifier?: string
  readonly last_auth_at?: string
}

/** A `POST /users/{id}/risk-assessments/clear` the tenant received. */
export interface RiskAssessorsCleared {
  readonly connection: string
  readonly assessors: ReadonlyArray<string>
  readonly at: string
}

const CREATE_TYPES = ["phone", "email", "totp", "webauthn-roaming", "passkey"]
const REPLACE_TYPES = ["phone", "email", "totp"]
const SEED_TYPES = [...CREATE_TYPES, "push", "recovery-code", "webauthn-platform", "password"]
/** What `DELETE /users/{id}/authenticators` removes: Guardian's factors, not passkeys, keys or the password. */
const AUTHENTICATOR_TYPES = new Set(["phone", "email", "totp", "push", "recovery-code"])
/** The property each type cannot do without. */
const REQUIRED: Readonly<Record<string, ReadonlyArray<string>>> = {
  email: ["email"],
  phone: ["phone_number"],
  totp: ["totp_secret"],
  "webauthn-roaming": ["key_id", "public_key"],
  passkey: ["key_id", "public_key"]
}
const STRINGS: Readonly<Record<string, readonly [number, number]>> = {
  name: [1, 20],
  email: [3, 512],
  phone_number: [2, 30],
  totp_secret: [1, 512],
  key_id: [1, 512],
  public_key: [1, 2048],
  relying_party_identifier: [1, 255],
  aaguid: [1, 64],
  identity_user_id: [1, 255],
  user_agent: [1, 1024],
  user_handle: [1, 255],
  credential_device_type: [1, 32]
}
const CREATE_FIELDS = new Set([
  "type",
  "preferred_authentication_method",
  "credential_backed_up",
  "transports",
  ...Object.keys(STRINGS)
])
const REPLACE_FIELDS = new Set([
  "type",
  "name",
  "email",
  "phone_number",
  "totp_secret",
  "preferred_authentication_method"
])
const UPDATE_FIELDS = new Set(["name", "preferred_authentication_method"])
const PREFERRED = ["sms", "voice"]
const ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

const typeName = (u: unknown) => (u === null ? "null" : Array.isArray(u) ? "array" : typeof u)

/** The first problem of a body, worded as Auth0's payload validation words it; `at` prefixes array items. */
const check = (body: unknown, allowed: ReadonlySet<string>, types: ReadonlyArray<string> | undefined, at = "") => {
  if (!isObject(body)) throw invalid(`Expected type object but found type ${typeName(body)}${at}`)
  for (const [key, value] of Object.entries(body)) {
    if (!allowed.has(key)) throw invalid(`Additional properties not allowed: ${key}${at}`)
    const property = `' on property ${at === "" ? key : `${at.slice(4)}.${key}`} ('`
    if (key in STRINGS || key === "type" || key === "preferred_authentication_method") {
      if (typeof value !== "string") throw invalid(`Expected type string but found type ${typeName(value)}${property}`)
    }
    const bounds = STRINGS[key]
    if (bounds !== undefined && typeof value === "string") {
      if (value.length < bounds[0])
        throw invalid(`String is too short (${value.length} chars), minimum ${bounds[0]}${property}`)
      if (value.length > bounds[1])
        throw invalid(`String is too long (${value.length} chars), maximum ${bounds[1]}${property}`)
    }
    if (key === "preferred_authentication_method" && !PREFERRED.includes(value as string))
      throw invalid(`No enum match for: "${String(value)}"${property}`)
    if (key === "email" && !/^[^\s@]+@[^\s@]+$/.test(value as string))
      throw invalid(`Object didn't pass validation for format email: ${String(value)}${property}`)
    if (key === "credential_backed_up" && typeof value !== "boolean")
      throw invalid(`Expected type boolean but found type ${typeName(value)}${property}`)
    if (key === "transports" && (!Array.isArray(value) || value.some((t) => typeof t !== "string")))
      throw invalid(`Expected type array of strings${property}`)
  }
  if (types === undefined) return body
  if (body.type === undefined) throw invalid(`Missing required property: type${at}`)
  if (!types.includes(body.type as string)) {
    throw invalid(
      `No enum match for: "${String(body.type)}"' on property ${at === "" ? "type" : `${at.slice(4)}.type`} ('`
    )
  }
  for (const field of REQUIRED[body.type as string] ?? []) {
    if (body[field] === undefined) throw invalid(`Missing required property: ${field}${at}`)
  }
  return body
}

/** `chuck334@example.com` as Auth0 reads it back: `chuc****@exam*******`. */
export const maskEmail = (email: string): string => {
  const at = email.lastIndexOf("@")
  const local = email.slice(0, at)
  const domain = email.slice(at + 1)
  return `${local.length > 4 ? local.slice(0, 4) : ""}****@${domain.slice(0, 4)}${"*".repeat(Math.max(0, domain.length - 4))}`
}

/** `+44207183875044` as Auth0 reads it back: `XXXXXXXXXXX5044`. */
export const maskPhone = (phone: string): string => "X".repeat(Math.max(0, phone.length - 4)) + phone.slice(-4)

type View = "read" | "write" | "replace"

/**
 * A method as one of Auth0's answers shows it, keys in the recorded order: reads (`GET`) carry
 * `confirmed` and mask the email and phone; the `POST` and `PATCH` answers mask but leave `confirmed` out;
 * the `PUT` answer shows both as given.
 */
const show = (method: MethodRecord, view: View): Record<string, unknown> => {
  const masked = view !== "replace"
  const out: Record<string, unknown> = { id: method.id, type: method.type }
  if (view === "read") out.confirmed = method.confirmed
  if (method.name !== undefined) out.name = method.name
  if (method.email !== undefined) out.email = masked ? maskEmail(method.email) : method.email
  if (method.phone_number !== undefined)
    out.phone_number = masked ? maskPhone(method.phone_number) : method.phone_number
  if (method.key_id !== undefined) out.key_id = method.key_id
  if (method.public_key !== undefined) out.public_key = method.public_key
  if (method.relying_party_identifier !== undefined) out.relying_party_identifier = method.relying_party_identifier
  out.created_at = method.created_at
  if (method.last_auth_at !== undefined) out.last_auth_at = method.last_auth_at
  if (method.type === "phone") {
    if (method.preferred_authentication_method !== undefined)
      out.preferred_authentication_method = method.preferred_authentication_method
    const channel = method.preferred_authentication_method ?? "sms"
    out.authentication_methods = [{ id: `${channel}|${method.id.slice(method.id.indexOf("|") + 1)}`, type: channel }]
  }
  if (view === "read") return out
  // The write answers put `id` last (as recorded).
  const { id, ...rest } = out
  return { ...rest, id }
}

export class AuthMethods {
  private readonly methods = new Map<string, Array<MethodRecord>>()
  /** Per user, when each `invalidate-remember-browser` came. */
  readonly rememberBrowserInvalidations = new Map<string, Array<string>>()
  readonly riskAssessorsCleared = new Map<string, Array<RiskAssessorsCleared>>()

  constructor(private readonly store: Store) {
    store.onDelete.push((id) => {
      this.methods.delete(id)
      this.rememberBrowserInvalidations.delete(id)
      this.riskAssessorsCleared.delete(id)
    })
  }

  private require(userId: string): Array<MethodRecord> {
    if (!this.store.users.has(userId)) throw new Refusal(404, "The user does not exist.", "inexistent_user")
    let list = this.methods.get(userId)
    if (list === undefined) {
      list = []
      this.methods.set(userId, list)
    }
    return list
  }

  private find(userId: string, methodId: string): MethodRecord {
    const method = this.require(userId).find((m) => m.id === methodId)
    if (method === undefined)
      throw new Refusal(404, "Authentication method not found.", "inexistent_authentication_method")
    return method
  }

  private make(body: Record<string, unknown>, now: string): MethodRecord {
    const type = String(body.type)
    const record: Record<string, unknown> = {
      id: `${type}|dev_${this.store.alnum(16, ID_ALPHABET)}`,
      type,
      created_at: now,
      confirmed: true
    }
    for (const key of [
      "name",
      "email",
      "phone_number",
      "totp_secret",
      "preferred_authentication_method",
      "key_id",
      "public_key",
      "relying_party_identifier"
    ]) {
      if (typeof body[key] === "string") record[key] = body[key]
    }
    return record as unknown as MethodRecord
  }

  /** The user's methods as `GET` shows them, oldest first. */
  list(userId: string): ReadonlyArray<Record<string, unknown>> {
    return this.require(userId).map((m) => show(m, "read"))
  }

  get(userId: string, methodId: string): Record<string, unknown> {
    return show(this.find(userId, methodId), "read")
  }

  create(userId: string, body: unknown, now: string): Record<string, unknown> {
    const list = this.require(userId)
    const checked = check(body, CREATE_FIELDS, CREATE_TYPES)
    const duplicate = list.some(
      (m) =>
        m.type === checked.type &&
        ((m.email !== undefined && m.email === checked.email) ||
          (m.phone_number !== undefined && m.phone_number === checked.phone_number) ||
          (m.key_id !== undefined && m.key_id === checked.key_id) ||
          m.type === "totp")
    )
    if (duplicate) throw new Refusal(409, "Authentication method already exists.", "already_exists")
    const method = this.make(checked, now)
    list.push(method)
    return show(method, "write")
  }

  /** `PUT`: every method replaced by the body's, checked whole before anything changes. */
  replace(userId: string, body: unknown, now: string): ReadonlyArray<Record<string, unknown>> {
    this.require(userId)
    if (!Array.isArray(body)) throw invalid(`Expected type array but found type ${typeName(body)}`)
    const checked = body.map((item, i) => check(item, REPLACE_FIELDS, REPLACE_TYPES, ` at [${i}]`))
    const methods = checked.map((item) => this.make(item, now))
    this.methods.set(userId, methods)
    return methods.map((m) => show(m, "replace"))
  }

  update(userId: string, methodId: string, body: unknown): Record<string, unknown> {
    const method = this.find(userId, methodId)
    const checked = check(body ?? {}, UPDATE_FIELDS, undefined)
    if (checked.preferred_authentication_method !== undefined && method.type !== "phone") {
      throw new Refusal(
        400,
        "preferred_authentication_method can only be set on a phone authentication method.",
        "invalid_body"
      )
    }
    if (typeof checked.name === "string") method.name = checked.name
    if (typeof checked.preferred_authentication_method === "string")
      method.preferred_authentication_method = checked.preferred_authentication_method
    return show(method, "write")
  }

  delete(userId: string, methodId: string): void {
    this.find(userId, methodId)
    this.methods.set(
      userId,
      this.require(userId).filter((m) => m.id !== methodId)
    )
  }

  /** `DELETE /users/{id}/authentication-methods`: these, and the store's enrollments and legacy factors. */
  deleteAll(userId: string): void {
    this.store.deleteAuthenticationMethods(userId)
    this.methods.delete(userId)
  }

  /** `DELETE /users/{id}/authenticators`: Guardian's factors and enrollments; passkeys and keys stay. */
  deleteAuthenticators(userId: string): void {
    const list = this.require(userId)
    this.methods.set(
      userId,
      list.filter((m) => !AUTHENTICATOR_TYPES.has(m.type))
    )
    this.store.enrollments.delete(userId)
  }

  invalidateRememberBrowser(userId: string, now: string): void {
    this.require(userId)
    this.rememberBrowserInvalidations.set(userId, [...(this.rememberBrowserInvalidations.get(userId) ?? []), now])
  }

  clearRiskAssessors(userId: string, body: unknown, now: string): void {
    this.require(userId)
    if (!isObject(body)) throw invalid(`Expected type object but found type ${typeName(body)}`)
    for (const key of Object.keys(body)) {
      if (key !== "connection" && key !== "assessors") throw invalid(`Additional properties not allowed: ${key}`)
    }
    if (body.connection === undefined) throw invalid("Missing required property: connection")
    if (body.assessors === undefined) throw invalid("Missing required property: assessors")
    const { assessors, connection } = body
    if (typeof connection !== "string")
      throw invalid(`Expected type string but found type ${typeName(connection)}' on property connection ('`)
    if (connection.length < 1 || connection.length > 128)
      throw invalid(
        `String is too ${connection.length < 1 ? "short" : "long"} (${connection.length} chars), ${connection.length < 1 ? "minimum 1" : "maximum 128"}' on property connection ('`
      )
    if (!Array.isArray(assessors))
      throw invalid(`Expected type array but found type ${typeName(assessors)}' on property assessors ('`)
    for (const assessor of assessors) {
      if (assessor !== "new-device") throw invalid(`No enum match for: "${String(assessor)}"' on property assessors ('`)
    }
    this.riskAssessorsCleared.set(userId, [
      ...(this.riskAssessorsCleared.get(userId) ?? []),
      { connection, assessors: assessors as Array<string>, at: now }
    ])
  }

  /** Seeding: methods as Auth0 would hold them, each type's required fields checked as `POST` checks them. */
  seed(
    userId: string,
    methods: ReadonlyArray<Readonly<Record<string, unknown>>>,
    now: string
  ): ReadonlyArray<Record<string, unknown>> {
    const list = this.require(userId)
    const seeded = methods.map(({ confirmed, created_at, id, last_auth_at, ...body }): MethodRecord => {
      if (typeof id === "string" && list.some((m) => m.id === id)) {
        throw new Refusal(409, "Authentication method already exists.", "already_exists")
      }
      return {
        ...this.make(check(body, CREATE_FIELDS, SEED_TYPES), now),
        ...(typeof id === "string" ? { id } : {}),
        ...(typeof created_at === "string" ? { created_at } : {}),
        ...(typeof confirmed === "boolean" ? { confirmed } : {}),
        ...(typeof last_auth_at === "string" ? { last_auth_at } : {})
      }
    })
    list.push(...seeded)
    return seeded.map((m) => show(m, "read"))
  }

  /** Inspection: the user's methods as stored (unmasked; no TOTP secret). */
  stored(userId: string): ReadonlyArray<MethodRecord> {
    return (this.methods.get(userId) ?? []).map(({ totp_secret: _, ...rest }) => structuredClone(rest))
  }
}
