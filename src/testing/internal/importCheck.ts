/**
 * One user of an import file checked against Auth0's bulk-import schema: each
 * problem as Auth0's job errors report it (`{ code, message, path }`, JSON
 * Schema validator wording). The fake checks what changes an outcome: types,
 * the email format, the bcrypt hash, the custom hash's algorithm and value,
 * the MFA factors.
 */
import { isObject } from "./userBody.js"

export interface ImportProblem {
  readonly code: string
  readonly message: string
  readonly path?: string
}

const typeName = (u: unknown) =>
  u === null ? "null" : Array.isArray(u) ? "array" : Number.isInteger(u) ? "integer" : typeof u

const STRINGS = [
  "email",
  "phone_number",
  "user_id",
  "username",
  "given_name",
  "family_name",
  "name",
  "nickname",
  "picture",
  "password_hash"
]
const BOOLEANS = ["email_verified", "phone_verified", "blocked"]
const OBJECTS = ["app_metadata", "user_metadata", "custom_password_hash"]
const ALGORITHMS = ["argon2", "bcrypt", "hmac", "ldap", "md4", "md5", "sha1", "sha256", "sha512", "pbkdf2", "scrypt"]
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/
const BCRYPT = /^\$2[ab]\$\d\d\$[./A-Za-z0-9]{53}$/
const TOTP = /^[A-Z2-7]+$/
const E164 = /^\+[0-9]{1,15}$/

const wrongType = (path: string, expected: string, value: unknown): ImportProblem => ({
  code: "INVALID_TYPE",
  message: `Expected type ${expected} but found type ${typeName(value)}`,
  path
})

const pattern = (path: string, regex: RegExp, value: string): ImportProblem => ({
  code: "PATTERN",
  message: `String does not match pattern ${regex.source}: ${value}`,
  path
})

const factorProblems = (factors: unknown): Array<ImportProblem> => {
  if (!Array.isArray(factors)) return [wrongType("mfa_factors", "array", factors)]
  const problems: Array<ImportProblem> = []
  factors.forEach((factor: unknown, i) => {
    const path = `mfa_factors/${i}`
    const keys = isObject(factor) ? Object.keys(factor) : []
    if (!isObject(factor) || keys.length !== 1 || !["totp", "phone", "email"].includes(keys[0]!)) {
      problems.push({ code: "ANY_OF_MISSING", message: "Data does not match any schemas from 'oneOf'", path })
      return
    }
    const kind = keys[0]!
    const inner = factor[kind]
    const field = kind === "totp" ? "secret" : "value"
    const value = isObject(inner) ? inner[field] : undefined
    if (typeof value !== "string") {
      problems.push({
        code: "OBJECT_REQUIRED",
        message: `Missing required property: ${field}`,
        path: `${path}/${kind}`
      })
    } else if (kind === "totp" && !TOTP.test(value)) {
      problems.push(pattern(`${path}/totp/secret`, TOTP, value))
    } else if (kind === "phone" && !E164.test(value)) {
      problems.push(pattern(`${path}/phone/value`, E164, value))
    }
  })
  return problems
}

const hashProblems = (hash: Record<string, unknown>): Array<ImportProblem> => {
  const problems: Array<ImportProblem> = []
  if (typeof hash.algorithm !== "string" || !ALGORITHMS.includes(hash.algorithm)) {
    problems.push({
      code: "ENUM_MISMATCH",
      message: `No enum match for: ${JSON.stringify(hash.algorithm ?? null)}`,
      path: "custom_password_hash/algorithm"
    })
  }
  const value = isObject(hash.hash) ? hash.hash.value : undefined
  if (typeof value !== "string") {
    problems.push({
      code: "OBJECT_REQUIRED",
      message: "Missing required property: value",
      path: "custom_password_hash/hash"
    })
  }
  return problems
}

/** Every problem of one user of the file, in the order of its properties; none for a valid user. */
export const check = (user: unknown): ReadonlyArray<ImportProblem> => {
  if (!isObject(user)) return [wrongType("", "object", user)]
  const problems: Array<ImportProblem> = []
  for (const key of STRINGS) {
    if (user[key] !== undefined && typeof user[key] !== "string") problems.push(wrongType(key, "string", user[key]))
  }
  for (const key of BOOLEANS) {
    if (user[key] !== undefined && typeof user[key] !== "boolean") problems.push(wrongType(key, "boolean", user[key]))
  }
  for (const key of OBJECTS) {
    if (user[key] !== undefined && !isObject(user[key])) problems.push(wrongType(key, "object", user[key]))
  }
  if (user.email === undefined && user.username === undefined && user.phone_number === undefined) {
    problems.push({ code: "ANY_OF_MISSING", message: "Data does not match any schemas from 'anyOf'", path: "" })
  }
  if (typeof user.email === "string" && !EMAIL.test(user.email)) {
    problems.push({
      code: "FORMAT",
      message: `Object didn't pass validation for format email: ${user.email}`,
      path: "email"
    })
  }
  if (typeof user.password_hash === "string" && !BCRYPT.test(user.password_hash)) {
    problems.push({
      code: "PATTERN",
      message: "String does not match pattern for a bcrypt hash ($2a$ or $2b$)",
      path: "password_hash"
    })
  }
  if (isObject(user.custom_password_hash)) problems.push(...hashProblems(user.custom_password_hash))
  if (user.mfa_factors !== undefined) problems.push(...factorProblems(user.mfa_factors))
  return problems
}
