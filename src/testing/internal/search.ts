/**
 * The subset of Auth0's user search query syntax (search_engine v3, a Lucene dialect) that the fake
 * tenant understands, plus the `sort` and `fields`/`include_fields` parameters of `GET /api/v2/users`.
 *
 * The module is three independent stages, each pure and total:
 *   1. `tokenize`  – characters → tokens (quotes, escapes, keywords, `field:` prefixes, range brackets)
 *   2. `Parser`    – tokens → `Query` AST, rejecting everything Auth0 answers with a 400
 *   3. `matches`   – evaluates a `Query` against a user profile (plain JSON)
 *
 * Decisions where Auth0's documentation is silent (the tests pin each of them down):
 * - Adjacent clauses without an operator are combined with AND (`jane smith` = `jane AND smith`).
 *   Lucene's default is OR, but AND is what people mean when they type two terms into a user search.
 * - Values are never tokenized: a term or a phrase must equal the whole stored value (`user_id:auth0`
 *   does not match `auth0|123`). A quoted phrase and an unquoted term therefore mean the same thing;
 *   quotes only protect spaces and special characters.
 * - Only `*` is a wildcard. `?` is an ordinary character, so `name:jo?n` looks for a literal `?`.
 *   A term that starts with `*` needs at least 3 literal (non-`*`) characters in total.
 * - `&&` and `||` are rejected rather than treated as words, because silently searching for the
 *   literal text "&&" would return wrong results. `+`, `-` and `!` prefixes are not operators here;
 *   they are ordinary characters.
 * - Partial dates work as periods: a range bound that looks like an ISO date prefix (`2017`, `2017-12`,
 *   `2017-12-31`, ...) matches every stored date (not any other string) starting with it, so `[2017-01 TO 2017-12]` covers
 *   all of 2017 and `{2017-01 TO *]` starts in February.
 * - Wildcards and ranges match strings only (ranges also numbers); booleans only match `true`/`false`.
 */

// ---------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------

/** What a field is compared with. `Exact` covers both unquoted terms and quoted phrases. */
export type Value =
  | { readonly _tag: "Exact"; readonly text: string }
  /** The literal pieces between the `*`s: `jane*smith` is `["jane", "smith"]`, `*usa` is `["", "usa"]`. */
  | { readonly _tag: "Wildcard"; readonly parts: ReadonlyArray<string> }

/** One end of a range; an open end (`*`) is represented by `null` on the `Range` node. */
export interface Bound {
  readonly value: string
  readonly inclusive: boolean
}

export type Query =
  | { readonly _tag: "And"; readonly clauses: ReadonlyArray<Query> }
  | { readonly _tag: "Or"; readonly clauses: ReadonlyArray<Query> }
  | { readonly _tag: "Not"; readonly clause: Query }
  | { readonly _tag: "Exists"; readonly field: string }
  /** `field: null` is a bare term, searched in the normalized profile fields only. */
  | { readonly _tag: "Match"; readonly field: string | null; readonly value: Value }
  | { readonly _tag: "Range"; readonly field: string; readonly lower: Bound | null; readonly upper: Bound | null }

/** Raised inside the tokenizer and parser; `parse` turns it into its `{ ok: false }` result. */
export class QueryError {
  readonly _tag = "QueryError"
  constructor(readonly message: string) {}
}

/** Guards against pathological input: the parser is recursive and the tenant is single-threaded. */
export const MAX_QUERY_LENGTH = 4096
export const MAX_NESTING_DEPTH = 50

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

const isUserMetadata = (field: string): boolean => field === "user_metadata" || field.startsWith("user_metadata.")
const isMetadata = (field: string): boolean =>
  isUserMetadata(field) || field === "app_metadata" || field.startsWith("app_metadata.")
const isCaseInsensitive = (field: string): boolean => CASE_INSENSITIVE_FIELDS.has(field)

// A function declaration (not an arrow) so that TypeScript treats calls as never returning.
function fail(detail: string, position: number): never {
  throw new QueryError(`Query validation error: '${detail}' near position ${position}`)
}

// ---------------------------------------------------------------------------------------------
// 1. Tokenizer
// ---------------------------------------------------------------------------------------------

type Token =
  | { readonly kind: "(" | ")" | "AND" | "OR" | "NOT" | "TO"; readonly pos: number }
  | { readonly kind: "field"; readonly name: string; readonly pos: number }
  | { readonly kind: "phrase"; readonly text: string; readonly pos: number }
  /** An unquoted term, escapes resolved and split on unescaped `*` (one part means no wildcard). */
  | { readonly kind: "word"; readonly parts: ReadonlyArray<string>; readonly pos: number }
  | { readonly kind: "rangeOpen" | "rangeClose"; readonly inclusive: boolean; readonly pos: number }

const isSpace = (c: string): boolean => /\s/.test(c)
const WORD_DELIMITERS: ReadonlySet<string> = new Set(["(", ")", "[", "]", "{", "}", '"'])

const tokenize = (input: string): ReadonlyArray<Token> => {
  const tokens: Array<Token> = []
  let i = 0
  // Inside `[... TO ...]` and right after `field:` a colon is part of the value, so timestamps such as
  // `last_login:[2017-12-31T10:00 TO *]` need no escaping. Anywhere else it ends a field name.
  let inRange = false
  let fieldEnd = -1

  while (i < input.length) {
    const c = input[i]!
    if (isSpace(c)) {
      i++
      continue
    }
    const start = i
    switch (c) {
      case "(":
      case ")":
        tokens.push({ kind: c, pos: i++ })
        continue
      case "[":
      case "{":
        if (inRange) fail("ranges cannot be nested", i)
        inRange = true
        tokens.push({ kind: "rangeOpen", inclusive: c === "[", pos: i++ })
        continue
      case "]":
      case "}":
        if (!inRange) fail(`unexpected "${c}"`, i)
        inRange = false
        tokens.push({ kind: "rangeClose", inclusive: c === "]", pos: i++ })
        continue
      case '"': {
        let text = ""
        i++
        for (;;) {
          if (i >= input.length) fail("unterminated quoted string", start)
          const ch = input[i]!
          if (ch === '"') break
          if (ch === "\\") {
            if (i + 1 >= input.length) fail("unterminated quoted string", start)
            text += input[i + 1]
            i += 2
          } else {
            text += ch
            i++
          }
        }
        i++
        tokens.push({ kind: "phrase", text, pos: start })
        continue
      }
    }

    const colonIsLiteral = inRange || start === fieldEnd
    const parts: Array<string> = [""]
    let escaped = false
    while (i < input.length) {
      const ch = input[i]!
      if (ch === "\\") {
        if (i + 1 >= input.length) fail("a query cannot end with an escape character", i)
        parts[parts.length - 1] += input[i + 1]
        escaped = true
        i += 2
      } else if (isSpace(ch) || WORD_DELIMITERS.has(ch) || (ch === ":" && !colonIsLiteral)) {
        break
      } else if (ch === "*") {
        parts.push("")
        i++
      } else {
        parts[parts.length - 1] += ch
        i++
      }
    }

    if (i < input.length && input[i] === ":" && !colonIsLiteral) {
      if (i === start) fail('unexpected ":" without a field name', i)
      if (parts.length > 1) fail("wildcards are not allowed in field names", start)
      tokens.push({ kind: "field", name: parts[0]!, pos: start })
      fieldEnd = ++i
      continue
    }

    const raw = input.slice(start, i)
    if (!escaped && (raw === "AND" || raw === "OR" || raw === "NOT" || (raw === "TO" && inRange))) {
      tokens.push({ kind: raw, pos: start })
    } else if (!escaped && (raw === "&&" || raw === "||")) {
      fail(`unsupported operator "${raw}", use AND / OR`, start)
    } else {
      tokens.push({ kind: "word", parts, pos: start })
    }
  }
  return tokens
}

// ---------------------------------------------------------------------------------------------
// 2. Parser — recursive descent. Grammar (precedence NOT > AND > OR):
//   query   := or EOF
//   or      := and ("OR" and)*
//   and     := unary (["AND"] unary)*          -- a missing operator means AND
//   unary   := "NOT" unary | primary
//   primary := "(" or ")" | FIELD fieldval | value          -- value uses the enclosing field group, if any
//   fieldval:= "(" or ")" | value                           -- `email:("a" OR "b")` sets the group's field
//   value   := PHRASE | WORD | ("[" | "{") bound "TO" bound ("]" | "}")
// ---------------------------------------------------------------------------------------------

const startsClause = (token: Token | undefined): boolean =>
  token !== undefined &&
  (token.kind === "(" ||
    token.kind === "NOT" ||
    token.kind === "field" ||
    token.kind === "phrase" ||
    token.kind === "word" ||
    token.kind === "rangeOpen")

const show = (token: Token): string => {
  switch (token.kind) {
    case "field":
      return `${token.name}:`
    case "phrase":
      return `"${token.text}"`
    case "word":
      return token.parts.join("*")
    case "rangeOpen":
      return token.inclusive ? "[" : "{"
    case "rangeClose":
      return token.inclusive ? "]" : "}"
    default:
      return token.kind
  }
}

const validateFieldName = (name: string, pos: number): string => {
  if (name.split(".").some((segment) => segment === "")) fail(`invalid field name "${name}"`, pos)
  return name
}

class Parser {
  private index = 0
  private depth = 0

  constructor(
    private readonly tokens: ReadonlyArray<Token>,
    private readonly inputLength: number
  ) {}

  parse(): Query {
    if (this.tokens.length === 0) fail("empty query", 0)
    const query = this.or(null)
    const rest = this.peek()
    if (rest !== undefined) fail(`unexpected "${show(rest)}"`, rest.pos)
    return query
  }

  private peek(): Token | undefined {
    return this.tokens[this.index]
  }

  private next(): Token | undefined {
    return this.tokens[this.index++]
  }

  private position(): number {
    return this.peek()?.pos ?? this.inputLength
  }

  private nested<A>(body: () => A): A {
    if (++this.depth > MAX_NESTING_DEPTH)
      fail(`query is nested deeper than ${MAX_NESTING_DEPTH} levels`, this.position())
    const result = body()
    this.depth--
    return result
  }

  /** `field` is the field of an enclosing `field:( ... )` group; bare values inside it use it. */
  private or(field: string | null): Query {
    const clauses = [this.and(field)]
    while (this.peek()?.kind === "OR") {
      this.next()
      if (!startsClause(this.peek())) fail("OR must be followed by a query term", this.position())
      clauses.push(this.and(field))
    }
    return clauses.length === 1 ? clauses[0]! : { _tag: "Or", clauses }
  }

  private and(field: string | null): Query {
    const clauses = [this.unary(field)]
    for (;;) {
      if (this.peek()?.kind === "AND") {
        this.next()
        if (!startsClause(this.peek())) fail("AND must be followed by a query term", this.position())
      } else if (!startsClause(this.peek())) {
        break
      }
      clauses.push(this.unary(field))
    }
    return clauses.length === 1 ? clauses[0]! : { _tag: "And", clauses }
  }

  private unary(field: string | null): Query {
    if (this.peek()?.kind !== "NOT") return this.primary(field)
    this.next()
    if (!startsClause(this.peek())) fail("NOT must be followed by a query term", this.position())
    return this.nested(() => ({ _tag: "Not", clause: this.unary(field) }))
  }

  private group(field: string | null): Query {
    const open = this.next()!
    return this.nested(() => {
      if (this.peek()?.kind === ")") fail("empty parentheses", open.pos)
      const query = this.or(field)
      if (this.next()?.kind !== ")") fail("missing closing parenthesis", open.pos)
      return query
    })
  }

  private primary(field: string | null): Query {
    const token = this.peek()
    if (token === undefined) return fail("unexpected end of query", this.inputLength)
    switch (token.kind) {
      case "(":
        return this.group(field)
      case "field":
        if (field !== null) fail(`field "${token.name}" inside the value group of field "${field}"`, token.pos)
        this.next()
        return this.fieldValue(validateFieldName(token.name, token.pos), token.pos)
      case "phrase":
      case "word":
      case "rangeOpen":
        return this.value(field)
      case "AND":
      case "OR":
        return fail(`${token.kind} is missing its left-hand query term`, token.pos)
      default:
        return fail(`unexpected "${show(token)}"`, token.pos)
    }
  }

  private fieldValue(field: string, pos: number): Query {
    const token = this.peek()
    if (field === "_exists_") {
      this.next()
      if (token?.kind === "phrase" || (token?.kind === "word" && token.parts.length === 1)) {
        const name = token.kind === "phrase" ? token.text : token.parts[0]!
        if (name === "") fail("_exists_ requires a field name", token.pos)
        return { _tag: "Exists", field: validateFieldName(name, token.pos) }
      }
      return fail("_exists_ requires a field name", token?.pos ?? this.inputLength)
    }
    if (token?.kind === "(") return this.group(field)
    if (token?.kind === "phrase" || token?.kind === "word" || token?.kind === "rangeOpen") return this.value(field)
    return fail(`missing value for field "${field}"`, pos)
  }

  private value(field: string | null): Query {
    const token = this.next()!
    switch (token.kind) {
      case "phrase":
        if (field === null && token.text === "") fail("empty query term", token.pos)
        return { _tag: "Match", field, value: { _tag: "Exact", text: token.text } }
      case "word": {
        if (token.parts.length === 1) return { _tag: "Match", field, value: { _tag: "Exact", text: token.parts[0]! } }
        if (field !== null && isUserMetadata(field)) fail("wildcards are not allowed on user_metadata", token.pos)
        const literal = token.parts.join("")
        if (token.parts[0] === "" && literal.length < 3) {
          fail(`a leading wildcard needs at least 3 literal characters: ${show(token)}`, token.pos)
        }
        return { _tag: "Match", field, value: { _tag: "Wildcard", parts: token.parts } }
      }
      case "rangeOpen": {
        if (field === null) return fail("a range needs a field, e.g. logins_count:[1 TO 5]", token.pos)
        if (isUserMetadata(field)) fail("ranges are not allowed on user_metadata", token.pos)
        const lower = this.bound()
        if (this.next()?.kind !== "TO") fail("a range must look like [from TO to]", token.pos)
        const upper = this.bound()
        const close = this.next()
        if (close?.kind !== "rangeClose") return fail("unterminated range", token.pos)
        return {
          _tag: "Range",
          field,
          lower: lower === null ? null : { value: lower, inclusive: token.inclusive },
          upper: upper === null ? null : { value: upper, inclusive: close.inclusive }
        }
      }
      default:
        return fail(`unexpected "${show(token)}"`, token.pos)
    }
  }

  /** `null` is an open end (`*`). */
  private bound(): string | null {
    const token = this.next()
    if (token?.kind === "phrase") return token.text
    if (token?.kind === "word") {
      if (token.parts.length === 1) return token.parts[0]!
      if (token.parts.length === 2 && token.parts[0] === "" && token.parts[1] === "") return null
      return fail("wildcards are not allowed inside a range", token.pos)
    }
    return fail("invalid range bound", token?.pos ?? this.inputLength)
  }
}

/** Parses a `q` parameter. Total: every string (and even a non-string) yields a result, nothing throws. */
export const parse = (q: string): { ok: true; query: Query } | { ok: false; error: string } => {
  if (typeof q !== "string") return { ok: false, error: "Query validation error: 'the query must be a string'" }
  if (q.length > MAX_QUERY_LENGTH) {
    return { ok: false, error: `Query validation error: 'the query is longer than ${MAX_QUERY_LENGTH} characters'` }
  }
  try {
    return { ok: true, query: new Parser(tokenize(q), q.length).parse() }
  } catch (error) {
    if (error instanceof QueryError) return { ok: false, error: error.message }
    // Only a bug gets here; a 400 is still a better answer for the fake tenant than a crash.
    return { ok: false, error: "Query validation error: 'internal parser error'" }
  }
}

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
