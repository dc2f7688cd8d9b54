/**
 * The subset of Auth0's user search query syntax (search_engine v3, a Lucene dialect) that the fake
 * tenant understands, plus the `sort` and `fields`/`include_fields` parameters of `GET /api/v2/users`.
 *
 * The module is three independent stages, each pure and total:
 *   1. `tokenize`  – characters → tokens (quotes, escapes, keywords, `field:` prefixes, range brackets)
 *   2. `Parser`    – tokens → `Query` AST, rejecting everything Auth0 answers with a 400
 *   3. `matches`   – evaluates a `Query` against a user profile (plain JSON), with `sort` and
 *                   `fields` beside it: in `searchEval.ts`, re-exported here
 *
 * Decisions where Auth0's documentation is silent (the tests pin each of them down):
 * - Adjacent clauses without an operator are combined with AND (`jane smith` = `jane AND smith`).
 *   Lucene's default is OR, but AND is what people mean when they type two terms into a user search.
 * - Values are never tokenized: a term or a phrase must equal the whole stored value (`user_id:auth0`
 *   does not match `auth0|123`). A quoted phrase and an unquoted term therefore mean the same thing;
 *   quotes only protect spaces and special characters.
 * - Only `*` is a wildcard. `?` is an ordinary character, so `name:jo?n` looks for a literal `?`
 *   (Auth0 does not support `?`; the escaped `\?` a query builder writes means the same).
 *   A term that starts with `*` needs at least 3 literal (non-`*`) characters in total.
 * - `&&` and `||` are rejected rather than treated as words, because silently searching for the
 *   literal text "&&" would return wrong results. The `+`/`-` modifiers, `!`, boosts (`^`), fuzzy
 *   and proximity (`~`) and regexes (`/`) are not supported: unescaped, they are a 400, never
 *   literal text (a `-` right after `field:` or before a digit stays literal: `user_id:-*`, `-1`). So are an unescaped `"` inside a
 *   term or right after a phrase (`name:"a"b"`) and an unescaped `:` inside a value: the grammar
 *   is Lucene classic's, so that a query the fake answers is one Auth0 parses the same way.
 * - A quoted range bound is lexed as Lucene does (`"` (~["\""] | "\\\"")+ `"`, longest match): a
 *   bound ending in `\` runs on into the rest of the query and fails.
 * - Partial dates work as periods: a range bound that looks like an ISO date prefix (`2017`, `2017-12`,
 *   `2017-12-31`, ...) matches every stored date (not any other string) starting with it, so `[2017-01 TO 2017-12]` covers
 *   all of 2017 and `{2017-01 TO *]` starts in February.
 * - Wildcards and ranges match strings only (ranges also numbers); booleans only match `true`/`false`.
 */
import { isUserMetadata } from "./searchEval.js"

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
const WORD_DELIMITERS: ReadonlySet<string> = new Set(["(", ")", "[", "]", "{", "}"])
/** Lucene's boost, fuzzy, NOT and regex characters: in a term only escaped, since the fake has none of them. */
const OUTSIDE_TERM: ReadonlySet<string> = new Set(["^", "~", "!", "/"])
/** A quoted range bound, longest match first, as Lucene's lexer takes it. */
const RANGE_QUOTED = /^"((?:\\"|[^"])+)"/

const tokenize = (input: string): ReadonlyArray<Token> => {
  const tokens: Array<Token> = []
  let i = 0
  // Inside `[... TO ...]` a colon is part of the bound (Lucene's RANGE_GOOP), so timestamps such as
  // `last_login:[2017-12-31T10:00 TO *]` need no escaping. In a value after `field:` it is an error, as
  // in Lucene; anywhere else it ends a field name.
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
        if (inRange) {
          // Lucene's RANGE_QUOTED: `"` (~["\""] | "\\\"")+ `"`, the longest match, then escapes dropped. A bound
          // ending in `\` reads `\"` as an escaped quote and runs on, as there.
          const quoted = RANGE_QUOTED.exec(input.slice(i))
          if (quoted === null) fail("invalid quoted range bound", start)
          if (/(^|[^\\])(\\\\)*\\$/.test(quoted[1]!)) fail("a range bound cannot end with an escape character", start)
          text = quoted[1]!.replace(/\\([\s\S])/g, "$1")
          i += quoted[0].length
        } else {
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
        }
        // `name:"a"b"` is an unescaped quote inside a phrase: never searched as `"a"` AND b.
        const after = input[i]
        if (after !== undefined && !isSpace(after) && after !== ")" && !(inRange && (after === "]" || after === "}"))) {
          fail(`unexpected "${after}" right after a quoted string (escape a quote inside it as \\")`, i)
        }
        tokens.push({ kind: "phrase", text, pos: start })
        continue
      }
    }

    const afterField = start === fieldEnd
    // A `-` right after `field:` or before a digit stays literal, as the fake always read it (`user_id:-*`, `-1`).
    if (!inRange && (c === "+" || (c === "-" && !afterField && !/\d/.test(input[i + 1] ?? "")))) {
      fail(`"${c}" starts a term only escaped (\\${c}): as an operator it is not supported`, i)
    }
    const parts: Array<string> = [""]
    let escaped = false
    while (i < input.length) {
      const ch = input[i]!
      if (ch === "\\") {
        if (i + 1 >= input.length) fail("a query cannot end with an escape character", i)
        parts[parts.length - 1] += input[i + 1]
        escaped = true
        i += 2
      } else if (ch === '"') {
        fail('unexpected " inside a term (escape it as \\")', i)
      } else if (ch === ":" && afterField && !inRange) {
        fail('unexpected ":" inside a value (escape it as \\: or quote the value)', i)
      } else if (isSpace(ch) || WORD_DELIMITERS.has(ch) || (ch === ":" && !inRange)) {
        break
      } else if (!inRange && OUTSIDE_TERM.has(ch)) {
        fail(`unsupported special character "${ch}" (escape it with \\)`, i)
      } else if (ch === "*") {
        parts.push("")
        i++
      } else {
        parts[parts.length - 1] += ch
        i++
      }
    }

    if (i < input.length && input[i] === ":" && !inRange) {
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

export { compareBy, matches, project } from "./searchEval.js"
