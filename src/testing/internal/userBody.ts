/**
 * The create and update bodies of a user as Auth0 checks them: which properties each takes, their
 * types and lengths, the metadata rules, each refusal worded as Auth0 words it; and how metadata
 * merges and what an identity's `profileData` keeps.
 */
import { Refusal } from "./refusal.js"

const ROOT_STRINGS: Record<string, readonly [number, number]> = {
  given_name: [1, 150],
  family_name: [1, 150],
  name: [1, 300],
  nickname: [1, 300],
  username: [1, 128],
  picture: [1, 2048],
  email: [3, 512],
  phone_number: [2, 20],
  password: [1, 1024],
  user_id: [0, 255],
  connection: [1, 512],
  client_id: [1, 512]
}
export const CREATE_FIELDS = new Set([
  "connection",
  "email",
  "phone_number",
  "user_metadata",
  "app_metadata",
  "blocked",
  "email_verified",
  "phone_verified",
  "verify_email",
  "given_name",
  "family_name",
  "name",
  "nickname",
  "picture",
  "user_id",
  "password",
  "username"
])
export const UPDATE_FIELDS = new Set([...CREATE_FIELDS, "verify_phone_number", "client_id", "verify_password"])
const BOOLEANS = new Set([
  "blocked",
  "email_verified",
  "phone_verified",
  "verify_email",
  "verify_phone_number",
  "verify_password"
])
const NULLABLE = new Set([
  "email",
  "phone_number",
  "given_name",
  "family_name",
  "name",
  "nickname",
  "picture",
  "username",
  "password"
])
const METADATA_LIMIT = 16 * 1024

// Callers write `<problem>' on property <name> ('`; Auth0 ends such a message with the property's
// description in parentheses, which the fake does not know: it ends at the name instead of at "(''".
export const invalid = (message: string) =>
  new Refusal(
    400,
    /' on property \S+ \('$/.test(message)
      ? `Payload validation error: '${message.slice(0, -" ('".length)}.`
      : `Payload validation error: '${message}'`,
    "invalid_body"
  )

export const isObject = (u: unknown): u is Record<string, unknown> =>
  typeof u === "object" && u !== null && !Array.isArray(u)

const typeName = (u: unknown) => (u === null ? "null" : Array.isArray(u) ? "array" : typeof u)

/** Check a create or update body against Auth0's schema; the first problem wins, as in Auth0's messages. */
export const validateBody = (
  body: unknown,
  allowed: ReadonlySet<string>,
  update: boolean
): Refusal | Record<string, unknown> => {
  if (!isObject(body)) return invalid(`Expected type object but found type ${typeName(body)}`)
  for (const [key, value] of Object.entries(body)) {
    if (!allowed.has(key)) return invalid(`Additional properties not allowed: ${key}`)
    if (value === null && update && NULLABLE.has(key)) continue
    if (BOOLEANS.has(key)) {
      if (typeof value !== "boolean")
        return invalid(`Expected type boolean but found type ${typeName(value)}' on property ${key} ('`)
    } else if (key === "user_metadata" || key === "app_metadata") {
      if (!isObject(value))
        return invalid(`Expected type object but found type ${typeName(value)}' on property ${key} ('`)
      for (const k of Object.keys(value)) {
        if (k.includes(".") || k.includes("$")) return invalid(`Metadata keys must not contain '.' or '$': ${k}`)
      }
      if (JSON.stringify(value).length > METADATA_LIMIT) return invalid(`${key} is larger than ${METADATA_LIMIT} bytes`)
    } else if (key in ROOT_STRINGS) {
      if (typeof value !== "string")
        return invalid(`Expected type string but found type ${typeName(value)}' on property ${key} ('`)
      const [min, max] = ROOT_STRINGS[key]!
      if (value.length < min)
        return invalid(`String is too short (${value.length} chars), minimum ${min}' on property ${key} ('`)
      if (value.length > max)
        return invalid(`String is too long (${value.length} chars), maximum ${max}' on property ${key} ('`)
      if (key === "email" && !/^[^\s@]+@[^\s@]+$/.test(value))
        return invalid(`Object didn't pass validation for format email: ${value}' on property email ('`)
      if (key === "phone_number" && !/^\+[0-9]{1,15}$/.test(value))
        return invalid(`String does not match pattern ^\\+[0-9]{1,15}$: ${value}' on property phone_number ('`)
      if (key === "user_id" && /\s/.test(value)) return invalid(`user_id must not contain whitespace`)
    }
  }
  return body
}

/** `app_metadata` / `user_metadata` update: one level deep, `null` deleting a key, `{}` clearing all. */
export const mergeMetadata = (
  current: unknown,
  patch: Record<string, unknown>
): Record<string, unknown> | undefined => {
  if (Object.keys(patch).length === 0) return undefined
  const next: Record<string, unknown> = isObject(current) ? { ...current } : {}
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete next[key]
    // defineProperty, not assignment: a key named __proto__ is data here, not the prototype.
    else Object.defineProperty(next, key, { value, enumerable: true, writable: true, configurable: true })
  }
  return Object.keys(next).length === 0 ? undefined : next
}

const PROFILE_KEYS = [
  "email",
  "email_verified",
  "name",
  "username",
  "given_name",
  "family_name",
  "nickname",
  "picture",
  "phone_number",
  "phone_verified"
]

/** An identity's `profileData`: the profile the user was given, not what the tenant filled in. */
export const profileOf = (user: Record<string, unknown>, defaulted: ReadonlySet<string>): Record<string, unknown> => {
  const profile: Record<string, unknown> = {}
  for (const key of PROFILE_KEYS) if (user[key] !== undefined && !defaulted.has(key)) profile[key] = user[key]
  return profile
}
