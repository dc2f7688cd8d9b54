/**
 * From what came back over the wire to an `Auth0Error`.
 */
import type * as HttpClientError from "@effect/platform/HttpClientError"
import type * as Headers from "@effect/platform/Headers"
import * as Duration from "effect/Duration"
import * as Auth0Error from "../Auth0Error.js"
import * as ErrorBody from "./codec/errorBody.js"
import * as HeaderTime from "./headerTime.js"

interface Where {
  readonly method: string
  readonly path: string
}

/** A rate-limit figure: a non-negative decimal integer, as Auth0 sends them (not `0x10`, `-1` or `1e3`). */
const headerCount = (headers: Headers.Headers, name: string): number | undefined => {
  const raw = headers[name]?.trim()
  if (raw === undefined || !/^\d+$/.test(raw)) return undefined
  const n = Number(raw)
  return Number.isFinite(n) ? n : undefined
}

/** The tenant bucket's figures, present on successes and 429s alike. */
export const rateLimitHeaders = (headers: Headers.Headers) => ({
  limit: headerCount(headers, "x-ratelimit-limit"),
  remaining: headerCount(headers, "x-ratelimit-remaining"),
  reset: headerCount(headers, "x-ratelimit-reset")
})

/**
 * How long Auth0 asked us to wait: `Retry-After` (delay-seconds or an HTTP
 * date), else until `X-RateLimit-Reset` (epoch seconds, a timestamp and not a
 * delta). Both instants are read against the answer's `Date` (the server's
 * clock, see `HeaderTime.serverNow`), and every wait is at most a day; a
 * `Retry-After` outside RFC 9110's grammar is ignored.
 */
export const retryAfter = (headers: Headers.Headers, nowMillis: number): Duration.Duration | undefined => {
  const server = HeaderTime.serverNow(headers, nowMillis)
  const after = headers["retry-after"]
  const asked = after === undefined ? undefined : HeaderTime.retryAfterMillis(after, server)
  if (asked !== undefined) return Duration.millis(asked)
  const reset = headerCount(headers, "x-ratelimit-reset")
  return reset === undefined ? undefined : Duration.millis(HeaderTime.boundedWait(reset * 1000, server))
}

/**
 * Map a non-2xx answer. `documented` lists the statuses beyond the common ones
 * that the endpoint declares; a 404 or 409 elsewhere is `UnexpectedStatus`.
 */
export const fromStatus = (
  where: Where,
  status: number,
  headers: Headers.Headers,
  bodyText: string,
  documented: ReadonlyArray<Auth0Error.SpecificTag>,
  nowMillis: number
): Auth0Error.Auth0Error => {
  const answer = { ...where, status, ...ErrorBody.read(bodyText) }
  if (status === 429) {
    const { limit, remaining, reset } = rateLimitHeaders(headers)
    const wait = retryAfter(headers, nowMillis)
    return new Auth0Error.RateLimited({
      ...answer,
      ...(wait !== undefined ? { retryAfter: wait } : {}),
      ...(limit !== undefined ? { limit } : {}),
      ...(remaining !== undefined ? { remaining } : {}),
      ...(reset !== undefined ? { reset } : {})
    })
  }
  if (status === 401) return new Auth0Error.Unauthorized(answer)
  if (status === 403) return new Auth0Error.Forbidden(answer)
  if (status === 404 && documented.includes("NotFound")) return new Auth0Error.NotFound(answer)
  if (status === 409 && documented.includes("Conflict")) return new Auth0Error.Conflict(answer)
  if (status === 408) return new Auth0Error.TimeoutError({ ...where, status })
  if (status === 400 || status === 413 || status === 414 || status === 415 || status === 422) {
    return new Auth0Error.BadRequest(answer)
  }
  if (status >= 500) return new Auth0Error.ServerError(answer)
  return new Auth0Error.UnexpectedStatus(answer)
}

/** A system or client error code: `ECONNREFUSED`, `ENOTFOUND`, `UND_ERR_SOCKET`, … */
const CODE = /^[A-Z][A-Z0-9_]{2,40}$/

interface Why {
  readonly code?: string
  readonly host?: string
}

const field = (o: object, name: string): unknown => (o as Record<string, unknown>)[name]

/**
 * The first coded error down the cause chain (`fetch` wraps it: `TypeError:
 * fetch failed` → `cause: Error { code, address, port }`; an AggregateError
 * of a dual-stack connect holds it in `errors`), and the host it names. Only
 * the code and the host are read, never a message: a client's message may
 * quote a URL or a header.
 */
const why = (cause: unknown, depth = 0): Why => {
  if (depth > 6 || typeof cause !== "object" || cause === null) return {}
  const code = field(cause, "code")
  if (typeof code === "string" && CODE.test(code)) {
    const address = field(cause, "address")
    const port = field(cause, "port")
    const hostname = field(cause, "hostname")
    const host =
      typeof address === "string" && address !== ""
        ? typeof port === "number" || typeof port === "string"
          ? `${address.includes(":") ? `[${address}]` : address}:${port}`
          : address
        : typeof hostname === "string" && hostname !== ""
          ? hostname
          : undefined
    return { code, ...(host !== undefined ? { host } : {}) }
  }
  const errors = field(cause, "errors")
  if (Array.isArray(errors)) {
    for (const inner of errors) {
      const found = why(inner, depth + 1)
      if (found.code !== undefined) return found
    }
  }
  return why(field(cause, "cause"), depth + 1)
}

/** The request's host (never its path or query: ids and search text), when its URL parses. */
const requestHost = (error: HttpClientError.HttpClientError): string | undefined => {
  try {
    return new URL(error.request.url).host
  } catch {
    return undefined
  }
}

/**
 * A platform transport failure, reduced to its reason, the cause's code and
 * the host (`ECONNREFUSED 127.0.0.1:4000`, `ENOTFOUND tenant.example.com`)
 * and the platform's description: the platform error itself holds the
 * request, and with it the token.
 */
export const fromHttpClientError = (
  where: Where,
  error: HttpClientError.HttpClientError
): Auth0Error.TransportError => {
  const found = why(error.cause)
  const host = found.host ?? requestHost(error)
  const head = [found.code, host].filter((part) => part !== undefined && part !== "").join(" ")
  const detail = [head, error.description].filter((part) => part !== undefined && part !== "").join(": ")
  return new Auth0Error.TransportError({
    ...where,
    reason: error.reason,
    ...(found.code !== undefined ? { code: found.code } : {}),
    ...(detail !== "" ? { detail } : {})
  })
}

/** Before sending: Auth0 would answer 400 `invalid_uri`, so fail the same way without the round trip. */
export const invalidSegment = (where: Where, name: string, problem: string): Auth0Error.BadRequest =>
  new Auth0Error.BadRequest({
    ...where,
    status: 400,
    errorCode: "invalid_uri",
    description: `The ${name} ${problem}; it cannot be sent as a path segment, so the request was not sent`,
    sent: false
  })

/**
 * Before sending: a query value or a body string that has no UTF-8 encoding.
 * Sent anyway it would reach Auth0 as another value (U+FFFD in its place), so
 * a search would silently match something else.
 */
export const unencodable = (where: Where, place: string, errorCode: string): Auth0Error.BadRequest =>
  new Auth0Error.BadRequest({
    ...where,
    status: 400,
    errorCode,
    description: `${place} holds a lone UTF-16 surrogate, which has no UTF-8 encoding, so the request was not sent`,
    sent: false
  })
