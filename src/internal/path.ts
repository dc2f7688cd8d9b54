/**
 * Path segments and bodies as they go on the wire: what cannot be sent, filling a template with
 * percent-encoded values.
 */
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
  // A file's bytes are not text (and walking their indices would cost a string per byte).
  if (ArrayBuffer.isView(body) || body instanceof Blob) return undefined
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

/** The Management API path of a request, as sent and as errors name it: `/api/v2` and the filled template. */
export const apiPath = (template: string, params: Readonly<Record<string, string>> = {}): string =>
  `/api/v2${fillPath(template, params)}`
