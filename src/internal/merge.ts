/**
 * What `Users.stream` needs to walk a search in any sort by keyset: the key
 * Auth0 sorts each user by, computed client-side the way Auth0 computes it,
 * and a projection that keeps that key in every user fetched.
 */
import * as Option from "effect/Option"

// ---------------------------------------------------------------------------------------------
// The sort order
// ---------------------------------------------------------------------------------------------

export type SortKey = string | number | boolean

/** Auth0 lower-cases these when indexing, so it sorts them ignoring case. */
const FOLDED: ReadonlySet<string> = new Set(["email", "email.domain", "name", "given_name", "family_name", "nickname"])

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const sortable = (value: unknown): SortKey | undefined =>
  typeof value === "string" || typeof value === "number" || typeof value === "boolean" ? value : undefined

const domain = (value: unknown): SortKey | undefined =>
  typeof value === "string" && value.includes("@") ? value.slice(value.lastIndexOf("@") + 1) : undefined

/**
 * The first value at a dotted path, in document order, that `pick` makes a
 * key of. Arrays are transparent at every level (`identities.connection`
 * reads each identity); absent properties are skipped.
 */
const firstKey = (
  value: unknown,
  path: ReadonlyArray<string>,
  at: number,
  pick: (leaf: unknown) => SortKey | undefined
): SortKey | undefined => {
  if (Array.isArray(value)) {
    for (const element of value) {
      const key = firstKey(element, path, at, pick)
      if (key !== undefined) return key
    }
    return undefined
  }
  if (at === path.length) return pick(value)
  const segment = path[at]!
  return isRecord(value) && Object.hasOwn(value, segment) ? firstKey(value[segment], path, at + 1, pick) : undefined
}

/** How many values `pick` makes keys of at a dotted path, counting up to two: more than one only through an array. */
const keyCount = (
  value: unknown,
  path: ReadonlyArray<string>,
  at: number,
  pick: (leaf: unknown) => SortKey | undefined
): number => {
  if (Array.isArray(value)) {
    let count = 0
    for (const element of value) {
      count += keyCount(element, path, at, pick)
      if (count > 1) return count
    }
    return count
  }
  if (at === path.length) return pick(value) === undefined ? 0 : 1
  const segment = path[at]!
  return isRecord(value) && Object.hasOwn(value, segment) ? keyCount(value[segment], path, at + 1, pick) : 0
}

/** Numbers before booleans before strings, as Auth0 answers when one field holds several types. */
const typeRank = (key: SortKey): number => (typeof key === "number" ? 0 : typeof key === "boolean" ? 1 : 2)

export const compareKeys = (a: SortKey, b: SortKey): number =>
  typeof a !== typeof b ? typeRank(a) - typeRank(b) : a < b ? -1 : a > b ? 1 : 0

/** How Auth0 orders users for one `sort` parameter. */
export interface SortOrder {
  readonly field: string
  /** The top-level property that holds the field: what a `fields` projection must keep. */
  readonly root: string
  readonly direction: 1 | -1
  /** The value Auth0 sorts `user` by (case-folded where Auth0 folds), `undefined` when it has none. */
  readonly keyOf: (user: Readonly<Record<string, unknown>>) => SortKey | undefined
  /**
   * Whether the user holds more than one value of the field (`identities.connection`
   * with several identities): a range query matches such a user by any of them.
   */
  readonly severalKeys: (user: Readonly<Record<string, unknown>>) => boolean
  readonly compare: (a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>) => number
}

/**
 * Auth0's order for `sort=field:1|field:-1`, on users as it returns them:
 * strings compare by code unit (ISO dates therefore chronologically),
 * case-folded for the fields Auth0 lower-cases; numbers numerically; users
 * without a value come last in both directions. `None` for what Auth0 cannot
 * sort by (a malformed sort, app_metadata or user_metadata).
 */
export const sortOrder = (sort: string): Option.Option<SortOrder> => {
  const match = /^(.+):(1|-1)$/.exec(sort.trim())
  if (match === null) return Option.none()
  const field = match[1]!
  const path = field.split(".")
  if (path.some((segment) => segment === "") || /[\s*:]/.test(field)) return Option.none()
  if (path[0] === "app_metadata" || path[0] === "user_metadata") return Option.none()
  const direction = match[2] === "1" ? 1 : -1
  const folded = FOLDED.has(field)
  const keyOf = (user: Readonly<Record<string, unknown>>): SortKey | undefined => {
    const key = field === "email.domain" ? firstKey(user, ["email"], 0, domain) : firstKey(user, path, 0, sortable)
    return folded && typeof key === "string" ? key.toLowerCase() : key
  }
  return Option.some({
    field,
    root: path[0]!,
    direction,
    keyOf,
    severalKeys: (user) => field !== "email.domain" && keyCount(user, path, 0, sortable) > 1,
    compare: (a, b) => {
      const ka = keyOf(a)
      const kb = keyOf(b)
      if (ka === undefined || kb === undefined) return ka === kb ? 0 : ka === undefined ? 1 : -1
      return direction * compareKeys(ka, kb)
    }
  })
}

// ---------------------------------------------------------------------------------------------
// Keeping the sort field in a projection
// ---------------------------------------------------------------------------------------------

/** `fields` and `include_fields`, as `Users.list` takes them. */
export interface Projection {
  readonly fields?: string | ReadonlyArray<string> | undefined
  readonly include_fields?: boolean | undefined
}

/**
 * The projection to request so that every user carries the top-level
 * property `root`, and whether it must be dropped again before delivery
 * (because the caller's projection left it out). `user_id` is never dropped:
 * every `User` has one.
 */
export const keepField = (
  projection: Projection,
  root: string
): { readonly request: Projection; readonly added: boolean } => {
  const { fields } = projection
  const listed = (typeof fields === "string" ? fields.split(",") : (fields ?? []))
    .map((field) => field.trim())
    .filter((field) => field !== "")
  if (listed.length === 0) return { request: projection, added: false }
  if (projection.include_fields !== false) {
    return listed.includes(root) || root === "user_id"
      ? { request: projection, added: false }
      : { request: { fields: [...listed, root], include_fields: true }, added: true }
  }
  if (!listed.includes(root)) return { request: projection, added: false }
  const rest = listed.filter((field) => field !== root)
  return {
    request:
      rest.length === 0 ? { fields: undefined, include_fields: undefined } : { fields: rest, include_fields: false },
    added: root !== "user_id"
  }
}

/** `user` without the property `key`. */
export const omit = <U extends object>(user: U, key: string): U => {
  const { [key]: _dropped, ...rest } = user as Record<string, unknown>
  return rest as U
}
