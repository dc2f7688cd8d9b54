/**
 * One declaration per Management API endpoint. The client operations and the
 * fake tenant both read these, so the method, path, success status, scopes
 * and documented errors cannot drift apart.
 */
import type * as Auth0Error from "../Auth0Error.js"

export type Method = "GET" | "POST" | "PATCH" | "PUT" | "DELETE"

/** The names of a path template's `{name}` segments: `"/users/{id}/multifactor/{provider}"` gives `"id" | "provider"`. */
export type PathParamNames<Path extends string> = Path extends `${string}{${infer Name}}${infer Rest}`
  ? Name | PathParamNames<Rest>
  : never

/**
 * The values a path template needs, one per `{name}` segment, so that a missing or misspelled one does not
 * compile; a template only known as `string` takes any.
 */
export type PathParams<Path extends string> = string extends Path
  ? Readonly<Record<string, string>>
  : { readonly [K in PathParamNames<Path>]: string }

export interface Endpoint<Extra extends Auth0Error.SpecificTag = Auth0Error.SpecificTag, Path extends string = string> {
  /** The public operation, also its span name. */
  readonly name: string
  readonly method: Method
  /** Relative to `/api/v2`; `{name}` marks a segment that comes from the caller. */
  readonly path: Path
  readonly success: 200 | 201 | 202 | 204
  /**
   * Whether sending it again after a 5xx, a timeout or a lost answer is safe: a read, a delete or a
   * POST that changes nothing a second time would not. The retry rule reads this.
   */
  readonly retrySafe: boolean
  /** The statuses beyond the common ones that this endpoint documents. */
  readonly errors: ReadonlyArray<Extra>
  /** Any one of these grants access. */
  readonly scopes: ReadonlyArray<string>
  /** The rate-limit bucket that serves it: the client paces each bucket on its own, the fake limits it. */
  readonly bucket: Bucket
  /** The key of the items in an `include_totals=true` envelope. */
  readonly envelope?: "users" | "logs" | "roles"
}

/**
 * The Management API's rate-limit buckets as Auth0's self-service plans have them: "Read Users",
 * "Write Users" and "All other Endpoints Combined" (`global`). Auth0 links Read Users to
 * `GET /users` only; that reads of one user and of its sub-resources count there too is an
 * assumption (user logs are a read of a user, not the tenant's `/logs` of the Read Logs bucket).
 * Auth0's table has `POST,PATCH` and `DELETE` on two Write Users rows with the same figures and
 * does not say whether they share a bucket: one shared bucket is the stricter guess. On plans
 * without these buckets (Enterprise, Free) every class is one global bucket, which the pacers of
 * the classes then share as pacers of several processes do.
 */
export type Bucket = "readUsers" | "writeUsers" | "global"

const endpoint = <const Extra extends Auth0Error.SpecificTag = never, const Path extends string = string>(
  e: Endpoint<Extra, Path>
): Endpoint<Extra, Path> => e

export const listUsers = endpoint({
  name: "Users.list",
  method: "GET",
  path: "/users",
  retrySafe: true,
  success: 200,
  errors: [],
  scopes: ["read:users"],
  bucket: "readUsers",
  envelope: "users"
})

export const createUser = endpoint({
  name: "Users.create",
  method: "POST",
  path: "/users",
  retrySafe: false,
  success: 201,
  errors: ["Conflict"],
  scopes: ["create:users"],
  bucket: "writeUsers"
})

export const getUser = endpoint({
  name: "Users.get",
  method: "GET",
  path: "/users/{id}",
  retrySafe: true,
  success: 200,
  errors: ["NotFound"],
  scopes: ["read:users", "read:current_user", "read:user_idp_tokens"],
  bucket: "readUsers"
})

export const updateUser = endpoint({
  name: "Users.update",
  method: "PATCH",
  path: "/users/{id}",
  retrySafe: false,
  success: 200,
  errors: ["NotFound", "Conflict"],
  scopes: ["update:users", "update:users_app_metadata", "update:current_user_metadata"],
  bucket: "writeUsers"
})

export const deleteUser = endpoint({
  name: "Users.delete",
  method: "DELETE",
  path: "/users/{id}",
  retrySafe: true,
  success: 204,
  errors: [],
  scopes: ["delete:users", "delete:current_user"],
  bucket: "writeUsers"
})

export const deleteAuthenticationMethods = endpoint({
  name: "Users.deleteAuthenticationMethods",
  method: "DELETE",
  path: "/users/{id}/authentication-methods",
  retrySafe: true,
  success: 204,
  errors: ["NotFound"],
  scopes: ["delete:authentication_methods"],
  bucket: "writeUsers"
})

export const deleteMultifactorProvider = endpoint({
  name: "Users.deleteMultifactorProvider",
  method: "DELETE",
  path: "/users/{id}/multifactor/{provider}",
  retrySafe: true,
  success: 204,
  errors: ["NotFound"],
  scopes: ["update:users"],
  bucket: "writeUsers"
})

export const enrollments = endpoint({
  name: "Users.enrollments",
  method: "GET",
  path: "/users/{id}/enrollments",
  retrySafe: true,
  success: 200,
  errors: ["NotFound"],
  scopes: ["read:users", "read:current_user"],
  bucket: "readUsers"
})

export const link = endpoint({
  name: "Users.link",
  method: "POST",
  path: "/users/{id}/identities",
  retrySafe: false,
  success: 201,
  errors: ["NotFound", "Conflict"],
  scopes: ["update:users", "update:current_user_identities"],
  bucket: "writeUsers"
})

export const unlink = endpoint({
  name: "Users.unlink",
  method: "DELETE",
  path: "/users/{id}/identities/{provider}/{user_id}",
  retrySafe: true,
  success: 200,
  errors: ["NotFound"],
  scopes: ["update:users", "update:current_user_identities"],
  bucket: "writeUsers"
})

export const logs = endpoint({
  name: "Users.logs",
  method: "GET",
  path: "/users/{id}/logs",
  retrySafe: true,
  success: 200,
  errors: ["NotFound"],
  scopes: ["read:logs", "read:logs_users"],
  bucket: "readUsers",
  envelope: "logs"
})

export const regenerateRecoveryCode = endpoint({
  name: "Users.regenerateRecoveryCode",
  method: "POST",
  path: "/users/{id}/recovery-code-regeneration",
  retrySafe: false,
  success: 200,
  errors: ["NotFound"],
  scopes: ["update:users"],
  bucket: "writeUsers"
})

export const roles = endpoint({
  name: "Users.roles",
  method: "GET",
  path: "/users/{id}/roles",
  retrySafe: true,
  success: 200,
  errors: ["NotFound"],
  scopes: ["read:users", "read:roles", "read:role_members"],
  bucket: "readUsers",
  envelope: "roles"
})

export const createExportJob = endpoint({
  name: "Users.export",
  method: "POST",
  path: "/jobs/users-exports",
  retrySafe: true,
  success: 200,
  errors: [],
  scopes: ["read:users"],
  bucket: "global"
})

export const getJob = endpoint({
  name: "Jobs.get",
  method: "GET",
  path: "/jobs/{id}",
  retrySafe: true,
  success: 200,
  errors: ["NotFound"],
  scopes: ["create:users", "read:users"],
  bucket: "global"
})

/** Every user endpoint, for the fake tenant's router and for tests that walk them all. */
export const all: ReadonlyArray<Endpoint> = [
  listUsers,
  createUser,
  getUser,
  updateUser,
  deleteUser,
  deleteAuthenticationMethods,
  deleteMultifactorProvider,
  enrollments,
  link,
  unlink,
  logs,
  regenerateRecoveryCode,
  roles,
  createExportJob,
  getJob
]

// In a `u` regex a surrogate class matches only a surrogate without its pair: a pair is one code point.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u
const LONE_SURROGATES = /[\uD800-\uDFFF]/gu

/**
 * True when `value` is well-formed UTF-16, that is, has a UTF-8 encoding. A
 * lone surrogate has none: `encodeURIComponent` throws on it, and
 * `URLSearchParams` and `TextEncoder` silently turn it into U+FFFD, which
 * would send another value than the caller's.
 */
export const isWellFormed = (value: string): boolean => !LONE_SURROGATE.test(value)

const SURROGATE_PROBLEM = "holds a lone UTF-16 surrogate, which has no UTF-8 encoding"

/** Why a caller's value cannot be a path segment, or undefined when it can. */
export const segmentProblem = (value: string): string | undefined =>
  value === ""
    ? "is empty"
    : value === "." || value === ".."
      ? `is "${value}", which URLs resolve as a relative path`
      : isWellFormed(value)
        ? undefined
        : SURROGATE_PROBLEM

/**
 * Where in a JSON body a string (a value or a key) holds a lone surrogate, as
 * a dotted path (`app_metadata.note`), or undefined when there is none.
 * `JSON.stringify` would write it as a `\ud800` escape: valid JSON, but a
 * value no UTF-8 system can store, which Auth0 would reject or alter.
 */
export const bodyProblem = (body: unknown, at: string = "the body"): string | undefined => {
  if (typeof body === "string") return isWellFormed(body) ? undefined : at
  if (typeof body !== "object" || body === null) return undefined
  if (Array.isArray(body)) {
    for (let i = 0; i < body.length; i++) {
      const found = bodyProblem(body[i], `${at}[${i}]`)
      if (found !== undefined) return found
    }
    return undefined
  }
  for (const key of Object.keys(body)) {
    const where = at === "the body" ? key : `${at}.${key}`
    if (!isWellFormed(key)) return at === "the body" ? "a key of the body" : `a key under ${at}`
    const found = bodyProblem((body as Record<string, unknown>)[key], where)
    if (found !== undefined) return found
  }
  return undefined
}

/**
 * Percent-encode one segment: `auth0|1` becomes `auth0%7C1`, and a `/`, `?`,
 * `#` or `%` stays inside its segment. Never throws: a lone surrogate (which
 * `segmentProblem` refuses before anything is sent) shows as U+FFFD, so that
 * the error can still name the path.
 */
const encodeSegment = (value: string): string =>
  encodeURIComponent(isWellFormed(value) ? value : value.replace(LONE_SURROGATES, "\uFFFD"))

/** The declaration of a request by its method and path relative to `/api/v2` (still encoded). */
export const declared = (method: string, path: string): Endpoint | undefined =>
  all.find((e) => e.method === method && matchPath(e.path, path) !== undefined)

/** The declaration a Management API request was sent for, by its method and whole path (`/api/v2/…`). */
export const find = (method: string, path: string): Endpoint | undefined =>
  path.startsWith("/api/v2/") ? declared(method, path.slice("/api/v2".length)) : undefined

const segmentNames = new Map<string, ReadonlyArray<string>>()

/** The `{name}` segments of a template that `params` has no string for (a caller without the types). */
export const missingParams = (template: string, params: Readonly<Record<string, unknown>>): ReadonlyArray<string> => {
  // Read once per template: this runs on every request.
  let names = segmentNames.get(template)
  if (names === undefined) {
    names = Array.from(template.matchAll(/\{(\w+)\}/g), (m) => m[1]!)
    segmentNames.set(template, names)
  }
  return names.filter((name) => typeof params[name] !== "string")
}

/** Fill `{name}` segments with percent-encoded values (see `encodeSegment`). */
export const fillPath = (template: string, params: Readonly<Record<string, string>>): string =>
  template.replace(/\{(\w+)\}/g, (_, name: string) => encodeSegment(params[name] ?? ""))

/**
 * Match a request path (relative to `/api/v2`, still encoded) against a
 * template; the values come back decoded. Raw `|` is accepted as well as
 * `%7C`, as Auth0 does.
 */
export const matchPath = (template: string, path: string): Record<string, string> | undefined => {
  const want = template.split("/")
  const got = path.split("/")
  if (want.length !== got.length) return undefined
  const params: Record<string, string> = {}
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!
    const g = got[i]!
    if (w.startsWith("{")) {
      if (g === "") return undefined
      try {
        params[w.slice(1, -1)] = decodeURIComponent(g)
      } catch {
        return undefined
      }
    } else if (w !== g) {
      return undefined
    }
  }
  return params
}
