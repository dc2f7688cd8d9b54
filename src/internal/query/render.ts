/**
 * The grammar side of `Query`: the tree a query is, and how it becomes Auth0's user search (v3,
 * Lucene classic) text. Escaping follows the classic QueryParser's lexer:
 *
 * - inside a phrase (`"…"`) every character is literal except `"` and `\`, written `\"` and `\\`;
 * - in an unquoted term (field names, wildcard pieces) every character of the union of Lucene's and
 *   Elasticsearch's reserved sets, and whitespace, is written with a backslash before it;
 * - range bounds are bare when they are a number or an ISO date (`RANGE_GOOP` allows `:` and `-`),
 *   otherwise a phrase.
 */

export type Node =
  | { readonly _tag: "Eq"; readonly field: string; readonly value: string | number | boolean }
  | { readonly _tag: "OneOf"; readonly field: string; readonly values: ReadonlyArray<string | number | boolean> }
  | { readonly _tag: "Wildcard"; readonly field: string; readonly parts: ReadonlyArray<string> }
  | {
      readonly _tag: "Range"
      readonly field: string
      readonly lower: Bound | undefined
      readonly upper: Bound | undefined
    }
  | { readonly _tag: "Exists"; readonly field: string }
  | { readonly _tag: "Not"; readonly clause: Node }
  | { readonly _tag: "And"; readonly clauses: ReadonlyArray<Node> }
  | { readonly _tag: "Or"; readonly clauses: ReadonlyArray<Node> }

/** A validated bound: `bare` text is a number or an ISO date, anything else is rendered as a phrase. */
export interface Bound {
  readonly text: string
  readonly bare: boolean
  readonly inclusive: boolean
}

/** Lucene classic's term specials, Elasticsearch's reserved characters, and `<`, `>`, `=`, `&`, `|`. */
const TERM_SPECIAL =
  /[+\-=&|!(){}[\]^"~*?:\\/<> \t\n\r\f\v\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]/gu

/** A value as a phrase: only `\` and `"` are special inside quotes. */
export const phrase = (value: string): string => `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`

/** A literal piece of an unquoted term: every character that could mean something is escaped. */
export const escapeTerm = (text: string): string => text.replace(TERM_SPECIAL, (c) => `\\${c}`)

/** A dotted field path: each segment escaped as a term, the dots between them kept. */
export const fieldName = (field: string): string => field.split(".").map(escapeTerm).join(".")

/** A number Lucene reads as one bare term: digits with an optional fraction, no sign or exponent. */
/** A number Lucene reads as one term unquoted (no sign, no exponent). */
export const BARE_NUMBER = /^\d+(\.\d+)?$/

const scalar = (value: string | number | boolean): string =>
  typeof value === "boolean"
    ? String(value)
    : typeof value === "number" && BARE_NUMBER.test(String(value))
      ? String(value)
      : phrase(String(value))

const bound = (b: Bound | undefined): string => (b === undefined ? "*" : b.bare ? b.text : phrase(b.text))

const isLeaf = (node: Node): boolean => node._tag !== "Not" && node._tag !== "And" && node._tag !== "Or"

/**
 * An operand of `AND`/`NOT`: an `OR` already brings its parentheses; an `AND` inside another
 * operator gets them, since classic Lucene has no real precedence (`a OR b AND c` is not `a OR (b AND c)`).
 * `NOT NOT x` is a parse error there, so a negation under `NOT` is parenthesised too.
 */
const operand = (node: Node, under: "And" | "Or" | "Not"): string => {
  const text = render(node)
  if (isLeaf(node) || node._tag === "Or") return text
  if (node._tag === "Not") return under === "Not" ? `(${text})` : text
  return `(${text})`
}

/** The text of a query; total, since every tree `Query` builds is valid. */
export const render = (node: Node): string => {
  switch (node._tag) {
    case "Eq":
      return `${fieldName(node.field)}:${scalar(node.value)}`
    case "OneOf":
      return node.values.length === 1
        ? `${fieldName(node.field)}:${scalar(node.values[0]!)}`
        : `${fieldName(node.field)}:(${node.values.map(scalar).join(" OR ")})`
    case "Wildcard":
      return `${fieldName(node.field)}:${node.parts.map(escapeTerm).join("*")}`
    case "Range":
      return `${fieldName(node.field)}:${node.lower?.inclusive === false ? "{" : "["}${bound(node.lower)} TO ${bound(
        node.upper
      )}${node.upper?.inclusive === false ? "}" : "]"}`
    case "Exists":
      return `_exists_:${fieldName(node.field)}`
    case "Not":
      return `NOT ${operand(node.clause, "Not")}`
    case "And":
      return node.clauses.length === 1
        ? render(node.clauses[0]!)
        : node.clauses.map((clause) => operand(clause, "And")).join(" AND ")
    case "Or":
      // Always parenthesised, as in Auth0's own `(NOT _exists_:logins_count OR logins_count:0)`, so that
      // whatever the text is and-ed with (a stream's range, a caller's string) applies to all of it.
      return node.clauses.length === 1
        ? render(node.clauses[0]!)
        : `(${node.clauses.map((clause) => operand(clause, "Or")).join(" OR ")})`
  }
}
