/**
 * The checks behind the fallible `Query` builders: what Auth0's grammar cannot say, or refuses, is
 * caught here as a `reason`, before any text exists.
 */
import * as Either from "effect/Either"
import { DATE_FIELDS } from "./fields.js"
import { BARE_NUMBER, type Bound, type Node } from "./render.js"

/** Why a builder refused its input, naming the rule and never the value (it may be user data). */
export type Refused = { readonly field: string; readonly reason: string }

const refuse = (field: string, reason: string): Either.Either<never, Refused> => Either.left({ field, reason })

/** Suffix and infix wildcards need this many literal characters (Auth0: `name:*usa` ok, `name:*sa` not). */
export const LEADING_WILDCARD_MIN = 3

/** Auth0 refuses wildcards and ranges on `user_metadata`; the types say so too, this is for untyped callers. */
const userMetadata = (field: string): boolean => field === "user_metadata" || field.startsWith("user_metadata.")

export const prefix = (field: string, value: string): Either.Either<Node, Refused> =>
  value === ""
    ? refuse(field, "a prefix must not be empty (use exists to ask for any value)")
    : wildcard(field, [value, ""])

export const wildcard = (field: string, parts: ReadonlyArray<string>): Either.Either<Node, Refused> => {
  if (userMetadata(field)) return refuse(field, "Auth0 allows no wildcards on user_metadata")
  if (parts.length < 2) return refuse(field, "a wildcard needs at least two pieces, with a * between each two")
  if (parts[0] === "" && parts.join("").length < LEADING_WILDCARD_MIN) {
    return refuse(field, `a leading wildcard needs at least ${LEADING_WILDCARD_MIN} literal characters`)
  }
  return Either.right({ _tag: "Wildcard", field, parts })
}

/** The ISO 8601 forms Auth0 documents for date ranges, down to a partial `2017-12`; UTC only. */
const ISO = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?Z?)?)?)?$/

const isCalendarDate = (match: RegExpExecArray): boolean => {
  const [, y, mo = "01", d = "01", h = "00", mi = "00", s = "00"] = match
  const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)))
  return (
    date.getUTCFullYear() === Number(y) &&
    date.getUTCMonth() === Number(mo) - 1 &&
    date.getUTCDate() === Number(d) &&
    date.getUTCHours() === Number(h) &&
    date.getUTCMinutes() === Number(mi) &&
    date.getUTCSeconds() === Number(s)
  )
}

const boundText = (
  field: string,
  value: Date | string | number,
  which: string
): Either.Either<Omit<Bound, "inclusive">, Refused> => {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return refuse(field, `the ${which} bound is an invalid Date`)
    const iso = value.toISOString()
    return ISO.test(iso)
      ? Either.right({ text: iso, bare: true })
      : refuse(field, `the ${which} bound is outside years 0000-9999`)
  }
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return refuse(field, `the ${which} bound is not a finite number`)
    return Either.right({ text: String(value), bare: BARE_NUMBER.test(String(value)) })
  }
  if (DATE_FIELDS.has(field)) {
    const match = ISO.exec(value)
    if (match === null || !isCalendarDate(match)) {
      return refuse(field, `the ${which} bound is not an ISO date (YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)`)
    }
    return Either.right({ text: value, bare: true })
  }
  if (value === "") return refuse(field, `the ${which} bound is empty (leave it out for an open end)`)
  // A quoted range bound is `"` (~["\""] | "\\\"")+ `"` in the lexer: a `\` before the closing quote would
  // read as an escaped quote and swallow the rest of the query, so no escaping of `\` exists there.
  if (value.includes("\\")) return refuse(field, `the ${which} bound contains a backslash, which a range cannot quote`)
  return Either.right({ text: value, bare: false })
}

export interface RangeBounds {
  readonly gt?: Date | string | number
  readonly gte?: Date | string | number
  readonly lt?: Date | string | number
  readonly lte?: Date | string | number
}

const end = (
  field: string,
  inclusive: Date | string | number | undefined,
  exclusive: Date | string | number | undefined,
  which: string
): Either.Either<Bound | undefined, Refused> => {
  if (inclusive !== undefined && exclusive !== undefined) {
    return refuse(field, `the ${which} bound is given both inclusive and exclusive`)
  }
  const value = inclusive ?? exclusive
  if (value === undefined) return Either.right(undefined)
  return Either.map(boundText(field, value, which), (b) => ({ ...b, inclusive: inclusive !== undefined }))
}

export const range = (field: string, bounds: RangeBounds): Either.Either<Node, Refused> =>
  userMetadata(field)
    ? refuse(field, "Auth0 allows no ranges on user_metadata")
    : Either.flatMap(end(field, bounds.gte, bounds.gt, "lower"), (lower) =>
        Either.map(end(field, bounds.lte, bounds.lt, "upper"), (upper): Node => ({
          _tag: "Range",
          field,
          lower,
          upper
        }))
      )
