/**
 * Stage 3 of the fake tenant's user search (see `search.ts` for the syntax and its decisions):
 * a parsed `Query` evaluated against a user profile, and the `sort` and `fields`/`include_fields`
 * parameters of `GET /api/v2/users`.
 */
import type { Bound, Query, Value } from "./search.js"

/** `user_metadata` and its fields, where Auth0 refuses wildcards and ranges. */
export const isUserMetadata = (field: string): boolean =>
  field === "user_metadata" || field.startsWith("user_metadata.")

/** Auth0 lower-cases these when indexing, so searches on them ignore case. */
const CASE_INSENSITIVE_FIELDS: ReadonlySet<string> = new Set([
  "email",
  "email.domain",
  "name",
  "given_name",
  "family_name",
  "nickname"
])

/** Where a bare term (no `field:`) is looked for. Metadata is deliberately absent. */
const PROFILE_FIELDS: ReadonlyArray<string> = [
  "email",
  "name",
  "given_name",
  "family_name",
  "nickname",
  "username",
  "user_id",
  "phone_number"
]

const NUMBER = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/
const DATE_PREFIX = /^\d{4}(-\d{2}(-\d{2}([T ][\d:.]*Z?)?)?)?$/

const isMetadata = (field: string): boolean =>
  isUserMetadata(field) || field === "app_metadata" || field.startsWith("app_metadata.")
const isCaseInsensitive = (field: string): boolean => CASE_INSENSITIVE_FIELDS.has(field)

// ---------------------------------------------------------------------------------------------
// 3. Evaluator
// ---------------------------------------------------------------------------------------------

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** Arrays are transparent to paths (Auth0: "ignore the array level"), at any depth. */
const flatten = (values: ReadonlyArray<unknown>): Array<unknown> => {
  const out: Array<unknown> = []
  const stack = [...values].reverse()
  while (stack.length > 0) {
    const value = stack.pop()
    if (Array.isArray(value)) {
      for (let k = value.length - 1; k >= 0; k--) stack.push(value[k])
    } else {
      out.push(value)
    }
  }
  return out
}

/** All values at a dotted path. Own properties only, so `constructor` or `__proto__` find nothing. */
const valuesAt = (root: unknown, path: string): Array<unknown> => {
  if (path === "email.domain") {
    return valuesAt(root, "email").flatMap((email) =>
      typeof email === "string" && email.includes("@") ? [email.slice(email.lastIndexOf("@") + 1)] : []
    )
  }
  let current: Array<unknown> = [root]
  for (const segment of path.split(".")) {
    const next: Array<unknown> = []
    for (const value of flatten(current)) {
      if (isRecord(value) && Object.hasOwn(value, segment)) next.push(value[segment])
    }
    current = next
  }
  return flatten(current)
}

/** Auth0 does not index null, empty arrays or empty objects, so they do not "exist". */
const isIndexed = (value: unknown): boolean => {
  const stack: Array<unknown> = [value]
  while (stack.length > 0) {
    const current = stack.pop()
    if (Array.isArray(current)) stack.push(...current)
    else if (isRecord(current)) stack.push(...Object.values(current))
    else if (current !== null && current !== undefined) return true
  }
  return false
}

const wildcardMatch = (text: string, parts: ReadonlyArray<string>): boolean => {
  const first = parts[0]!
  const last = parts[parts.length - 1]!
  if (text.length < first.length + last.length || !text.startsWith(first) || !text.endsWith(last)) return false
  // Leftmost placement of each middle piece is optimal for `*`-only patterns.
  const end = text.length - last.length
  let position = first.length
  for (let k = 1; k < parts.length - 1; k++) {
    const found = text.indexOf(parts[k]!, position)
    if (found === -1 || found + parts[k]!.length > end) return false
    position = found + parts[k]!.length
  }
  return true
}

const matchesValue = (stored: unknown, value: Value, caseInsensitive: boolean): boolean => {
  const fold = (s: string) => (caseInsensitive ? s.toLowerCase() : s)
  if (value._tag === "Wildcard") {
    return typeof stored === "string" && wildcardMatch(fold(stored), value.parts.map(fold))
  }
  switch (typeof stored) {
    case "string":
      return fold(stored) === fold(value.text)
    case "number":
      return NUMBER.test(value.text) && Number(value.text) === stored
    case "boolean":
      return String(stored) === value.text
    default:
      return false
  }
}

/** Sign of stored − bound, or `undefined` when they cannot be compared (e.g. a number against "abc"). */
const compareToBound = (stored: unknown, bound: string, caseInsensitive: boolean): number | undefined => {
  if (typeof stored === "number") {
    return NUMBER.test(bound) ? Math.sign(stored - Number(bound)) : undefined
  }
  if (typeof stored === "string") {
    const a = caseInsensitive ? stored.toLowerCase() : stored
    const b = caseInsensitive ? bound.toLowerCase() : bound
    // A partial date names a whole period: every date inside it compares equal to the bound. Only dates:
    // a nickname "2017b" is after "2017", or a range from "2017" exclusive would skip it.
    if (DATE_PREFIX.test(bound) && DATE_PREFIX.test(stored) && a.startsWith(b)) return 0
    return a < b ? -1 : a > b ? 1 : 0
  }
  return undefined
}

const inRange = (stored: unknown, lower: Bound | null, upper: Bound | null, caseInsensitive: boolean): boolean => {
  if (typeof stored !== "number" && typeof stored !== "string") return false
  if (lower !== null) {
    const c = compareToBound(stored, lower.value, caseInsensitive)
    if (c === undefined || (lower.inclusive ? c < 0 : c <= 0)) return false
  }
  if (upper !== null) {
    const c = compareToBound(stored, upper.value, caseInsensitive)
    if (c === undefined || (upper.inclusive ? c > 0 : c >= 0)) return false
  }
  return true
}

/** Does `user` satisfy `query`? Total over any JSON-ish user. */
export const matches = (query: Query, user: Readonly<Record<string, unknown>>): boolean => {
  switch (query._tag) {
    case "And":
      return query.clauses.every((clause) => matches(clause, user))
    case "Or":
      return query.clauses.some((clause) => matches(clause, user))
    case "Not":
      return !matches(query.clause, user)
    case "Exists":
      return valuesAt(user, query.field).some(isIndexed)
    case "Match": {
      const fields = query.field === null ? PROFILE_FIELDS : [query.field]
      return fields.some((field) =>
        valuesAt(user, field).some((stored) => matchesValue(stored, query.value, isCaseInsensitive(field)))
      )
    }
    case "Range":
      return valuesAt(user, query.field).some((stored) =>
        inRange(stored, query.lower, query.upper, isCaseInsensitive(query.field))
      )
  }
}

// ---------------------------------------------------------------------------------------------
// sort and fields / include_fields
// ---------------------------------------------------------------------------------------------

type SortKey = string | number | boolean

const typeRank = (key: SortKey): number => (typeof key === "number" ? 0 : typeof key === "boolean" ? 1 : 2)

const compareKeys = (a: SortKey, b: SortKey): number => {
  if (typeof a !== typeof b) return typeRank(a) - typeRank(b)
  return a < b ? -1 : a > b ? 1 : 0
}

/**
 * Parses `sort=field:1|field:-1` into a comparator. Users without a sortable value for the field come
 * last in both directions (Elasticsearch's `missing: _last`); `Array.prototype.sort` is stable, so ties
 * keep the caller's order. Sorting by app_metadata / user_metadata is rejected, as Auth0 does.
 */
export const compareBy = (
  sort: string
):
  | { ok: true; compare: (a: Record<string, unknown>, b: Record<string, unknown>) => number }
  | { ok: false; error: string } => {
  const match = typeof sort === "string" ? /^(.+):(1|-1)$/.exec(sort.trim()) : null
  if (match === null) {
    return { ok: false, error: `Sort validation error: '${String(sort)}' must look like field:1 or field:-1` }
  }
  const field = match[1]!
  if (field.split(".").some((segment) => segment === "") || /[\s*:]/.test(field)) {
    return { ok: false, error: `Sort validation error: invalid field name '${field}'` }
  }
  if (isMetadata(field)) {
    return { ok: false, error: `Sort validation error: sorting by app_metadata or user_metadata is not supported` }
  }
  const direction = match[2] === "1" ? 1 : -1
  const caseInsensitive = isCaseInsensitive(field)
  const keyOf = (user: Record<string, unknown>): SortKey | undefined => {
    for (const value of valuesAt(user, field)) {
      if (typeof value === "string") return caseInsensitive ? value.toLowerCase() : value
      if (typeof value === "number" || typeof value === "boolean") return value
    }
    return undefined
  }
  const compare = (a: Record<string, unknown>, b: Record<string, unknown>): number => {
    const ka = keyOf(a)
    const kb = keyOf(b)
    if (ka === undefined || kb === undefined) return ka === kb ? 0 : ka === undefined ? 1 : -1
    return direction * compareKeys(ka, kb)
  }
  return { ok: true, compare }
}

/**
 * Applies `fields` + `include_fields` to one user (top-level keys only, as in Auth0). With
 * `include = true` the listed fields are kept, and `user_id` always is; with `include = false` the listed
 * fields are dropped (including `user_id`, if asked). An empty list means "no projection".
 */
export const project = (
  user: Record<string, unknown>,
  fields: ReadonlyArray<string>,
  include: boolean
): Record<string, unknown> => {
  const listed = new Set(fields.map((field) => field.trim()).filter((field) => field !== ""))
  const entries = Object.entries(user)
  if (listed.size === 0) return Object.fromEntries(entries)
  // Object.fromEntries defines properties, so a `__proto__` key is copied as data, not as a prototype.
  return Object.fromEntries(
    entries.filter(([key]) => (include ? listed.has(key) || key === "user_id" : !listed.has(key)))
  )
}
