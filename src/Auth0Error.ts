/**
 * Everything an Auth0 tenant or the network can do to a request, as a closed
 * union of `Schema.TaggedError`s.
 *
 * Errors hold plain data only (method, path, status, Auth0's `errorCode` and
 * message, rate-limit figures): never the request, its headers or its body, so
 * neither the bearer token nor the client secret can end up in a log line.
 *
 * @since 0.1.0
 */
import * as Duration from "effect/Duration"
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"
import * as Endpoints from "./internal/endpoints.js"
import { ImportSummary } from "./schema/Job.js"

/**
 * @since 0.1.0
 * @category type ids
 */
export const TypeId: unique symbol = Symbol.for("effect-auth0/Auth0Error")

/**
 * @since 0.1.0
 * @category type ids
 */
export type TypeId = typeof TypeId

/**
 * Where the failure happened: the method and the path (never the query or headers). `route` is the
 * endpoint's path template (`/api/v2/users/{id}`) when the request was a declared endpoint's: messages
 * name it rather than the path, so that a message (in a log line, a span's status and exception event)
 * never carries the user id or email the path was filled with. `path` keeps them, for whoever reads it.
 */
const Where = {
  method: Schema.String,
  path: Schema.String,
  route: Schema.optional(Schema.String)
}

/** `GET /api/v2/users/{id}`: the request line a message names. */
const line = (e: { readonly method: string; readonly path: string; readonly route?: string | undefined }): string =>
  `${e.method} ${e.route ?? e.path}`

/** What Auth0 said: its HTTP status, and `errorCode` / `message` when the body had them. */
const Answer = {
  ...Where,
  status: Schema.Number,
  errorCode: Schema.optional(Schema.String),
  /** Auth0's own `message` (or OAuth `error_description`), verbatim. */
  description: Schema.optional(Schema.String)
}

const describe = (e: {
  readonly method: string
  readonly path: string
  readonly route?: string | undefined
  readonly status: number
  readonly errorCode?: string | undefined
  readonly description?: string | undefined
}): string =>
  `${line(e)} answered ${e.status}` +
  (e.errorCode ? ` ${e.errorCode}` : "") +
  (e.description ? `: ${e.description}` : "")

/**
 * 429 Too Many Requests. `retryAfter` is how long Auth0 asked us to wait
 * (from `Retry-After`, else until `X-RateLimit-Reset`); `limit`, `remaining`
 * and `reset` (epoch seconds) are the tenant bucket's figures when sent.
 *
 * @since 0.1.0
 * @category errors
 */
export class RateLimited extends Schema.TaggedError<RateLimited>("effect-auth0/RateLimited")("RateLimited", {
  ...Answer,
  retryAfter: Schema.optional(Schema.DurationFromMillis),
  limit: Schema.optional(Schema.Number),
  remaining: Schema.optional(Schema.Number),
  reset: Schema.optional(Schema.Number)
}) {
  /** @since 0.1.0 */
  readonly [TypeId]: TypeId = TypeId
  override get message(): string {
    return describe(this) + (this.retryAfter ? ` (retry after ${Duration.format(this.retryAfter)})` : "")
  }
}

/**
 * 404: the user (or enrollment, job, …) does not exist.
 *
 * @since 0.1.0
 * @category errors
 */
export class NotFound extends Schema.TaggedError<NotFound>("effect-auth0/NotFound")("NotFound", Answer) {
  /** @since 0.1.0 */
  readonly [TypeId]: TypeId = TypeId
  override get message(): string {
    return describe(this)
  }
}

/**
 * 401: the token is missing, invalid or expired, or the client credentials
 * were refused by `/oauth/token`.
 *
 * @since 0.1.0
 * @category errors
 */
export class Unauthorized extends Schema.TaggedError<Unauthorized>("effect-auth0/Unauthorized")(
  "Unauthorized",
  Answer
) {
  /** @since 0.1.0 */
  readonly [TypeId]: TypeId = TypeId
  override get message(): string {
    return describe(this)
  }
}

/**
 * 403: the token lacks a scope (`insufficient_scope`) or the operation is not allowed.
 *
 * @since 0.1.0
 * @category errors
 */
export class Forbidden extends Schema.TaggedError<Forbidden>("effect-auth0/Forbidden")("Forbidden", Answer) {
  /** @since 0.1.0 */
  readonly [TypeId]: TypeId = TypeId
  override get message(): string {
    return describe(this)
  }
}

/**
 * 400 (and 413, 414, 415, 422): Auth0 rejected the query or body
 * (`invalid_body`, `invalid_query_string`, `invalid_paging`, …). Also raised
 * before sending (`sent: false`) for an id that cannot stay inside its path
 * segment, and for a path, query or body string with a lone surrogate.
 *
 * @since 0.1.0
 * @category errors
 */
export class BadRequest extends Schema.TaggedError<BadRequest>("effect-auth0/BadRequest")("BadRequest", {
  ...Answer,
  /** `false` when the library refused the request before sending it (`status` is then what Auth0 would answer). */
  sent: Schema.optional(Schema.Literal(false))
}) {
  /** @since 0.1.0 */
  readonly [TypeId]: TypeId = TypeId
  override get message(): string {
    // The description of a refusal says why and that nothing was sent; "answered" would claim a round trip.
    return this.sent === false
      ? `${line(this)}${this.errorCode ? ` (${this.errorCode})` : ""}: ${this.description ?? "not sent"}`
      : describe(this)
  }
}

/**
 * 409: the user already exists, or the identity is already linked.
 *
 * @since 0.1.0
 * @category errors
 */
export class Conflict extends Schema.TaggedError<Conflict>("effect-auth0/Conflict")("Conflict", Answer) {
  /** @since 0.1.0 */
  readonly [TypeId]: TypeId = TypeId
  override get message(): string {
    return describe(this)
  }
}

/**
 * 5xx from Auth0 (or from a proxy in front of it).
 *
 * @since 0.1.0
 * @category errors
 */
export class ServerError extends Schema.TaggedError<ServerError>("effect-auth0/ServerError")("ServerError", Answer) {
  /** @since 0.1.0 */
  readonly [TypeId]: TypeId = TypeId
  override get message(): string {
    return describe(this)
  }
}

/**
 * A status this endpoint does not document (a 404 on a list, a 3xx, a 405, …).
 *
 * @since 0.1.0
 * @category errors
 */
export class UnexpectedStatus extends Schema.TaggedError<UnexpectedStatus>("effect-auth0/UnexpectedStatus")(
  "UnexpectedStatus",
  Answer
) {
  /** @since 0.1.0 */
  readonly [TypeId]: TypeId = TypeId
  override get message(): string {
    return describe(this)
  }
}

/**
 * The request never got an answer: DNS, refused or reset connection, a body
 * cut off mid-way.
 *
 * @since 0.1.0
 * @category errors
 */
export class TransportError extends Schema.TaggedError<TransportError>("effect-auth0/TransportError")(
  "TransportError",
  {
    ...Where,
    /** The platform's reason: `Transport`, `Encode`, `InvalidUrl` (sending) or `Decode` (reading the answer). */
    reason: Schema.String,
    /** The system or client error code found in the cause, e.g. `ECONNREFUSED`, `ENOTFOUND`, `ECONNRESET`. */
    code: Schema.optional(Schema.String),
    /** The code and the host it concerns (`ECONNREFUSED 127.0.0.1:4000`), never a header or a body. */
    detail: Schema.optional(Schema.String)
  }
) {
  /** @since 0.1.0 */
  readonly [TypeId]: TypeId = TypeId
  override get message(): string {
    return `${line(this)} failed in transport (${this.reason})${this.detail ? `: ${this.detail}` : ""}`
  }
}

/**
 * No complete answer within the request timeout, or Auth0 answered 408.
 *
 * @since 0.1.0
 * @category errors
 */
export class TimeoutError extends Schema.TaggedError<TimeoutError>("effect-auth0/TimeoutError")("TimeoutError", {
  ...Where,
  timeout: Schema.optional(Schema.DurationFromMillis),
  status: Schema.optional(Schema.Number)
}) {
  /** @since 0.1.0 */
  readonly [TypeId]: TypeId = TypeId
  override get message(): string {
    return this.timeout
      ? `${line(this)} timed out after ${Duration.format(this.timeout)}`
      : `${line(this)} answered ${this.status ?? 408} Request Timeout`
  }
}

/**
 * A 2xx answer whose body is not JSON or does not have the documented shape.
 *
 * @since 0.1.0
 * @category errors
 */
export class DecodeError extends Schema.TaggedError<DecodeError>("effect-auth0/DecodeError")("DecodeError", {
  ...Where,
  status: Schema.Number,
  detail: Schema.String
}) {
  /** @since 0.1.0 */
  readonly [TypeId]: TypeId = TypeId
  override get message(): string {
    return `${line(this)} answered ${this.status} with a body that did not decode: ${this.detail}`
  }
}

/**
 * An answer bigger than the layer allows: a body past `maxResponseBytes`
 * (said so by its `Content-Length`, or counted as it arrived, reading at most
 * the limit and one chunk), or an export file line past `maxLineLength`. A
 * tenant does not send such answers, so it is not retried; the body itself is
 * never kept.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Users } from "effect-auth0"
 * const program = Users.get("auth0|1").pipe(
 *   Effect.catchTag("ResponseTooLarge", (e) => Effect.logError(`over ${e.limit} bytes: ${e.message}`))
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class ResponseTooLarge extends Schema.TaggedError<ResponseTooLarge>("effect-auth0/ResponseTooLarge")(
  "ResponseTooLarge",
  {
    ...Where,
    status: Schema.Number,
    /** The limit that was passed, in bytes. */
    limit: Schema.Number,
    /** What was too large, e.g. "a body of more than 16 MiB (maxResponseBytes)". */
    detail: Schema.String
  }
) {
  /** @since 0.1.0 */
  readonly [TypeId]: TypeId = TypeId
  override get message(): string {
    return `${line(this)} answered ${this.status} with ${this.detail}`
  }
}

/**
 * A listing cannot be delivered in full: an offset list would go past Auth0's
 * 1000-result cap and the caller did not allow stopping there, or a
 * `Users.stream` sort cannot be walked by key past its first page. Raised
 * instead of ending the stream quietly with results missing.
 *
 * @since 0.1.0
 * @category errors
 */
export class LimitExceeded extends Schema.TaggedError<LimitExceeded>("effect-auth0/LimitExceeded")("LimitExceeded", {
  ...Where,
  /** How many results the listing reported. */
  total: Schema.Number,
  /** What was being listed, e.g. the search query of the range that did not fit. */
  scope: Schema.String,
  detail: Schema.String
}) {
  /** @since 0.1.0 */
  readonly [TypeId]: TypeId = TypeId
  override get message(): string {
    return `${line(this)}: ${this.scope} cannot be listed in full: ${this.detail}`
  }
}

/**
 * A `Users.export` job that did not deliver a file: Auth0 failed it
 * (`status: "failed"`, `detail` from its `status_details`), it disappeared
 * (`status: "not_found"`: Auth0 keeps jobs 24 hours), it ended in a status
 * this library does not know, or it was still `pending` / `processing` when
 * the export's `maxWait` ran out (`status` is the last one seen). Sending the
 * same export again starts a new job, so it is not retryable.
 *
 * @example
 * ```ts
 * import { Effect, Stream } from "effect"
 * import { Auth0Error, Users } from "effect-auth0"
 * const program = Users.export().pipe(
 *   Stream.runCount,
 *   Effect.catchTag("ExportFailed", (e: Auth0Error.ExportFailed) => Effect.logError(`export ${e.jobId}: ${e.detail}`))
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class ExportFailed extends Schema.TaggedError<ExportFailed>("effect-auth0/ExportFailed")("ExportFailed", {
  /** `GET /api/v2/jobs/{id}`: where the job's state was read. */
  ...Where,
  /** The export job's id, `job_…`. */
  jobId: Schema.String,
  /** The job's status (not an HTTP status): `failed`, `not_found`, an unknown one, or the last seen when the wait ran out. */
  status: Schema.String,
  detail: Schema.String
}) {
  /** @since 0.1.0 */
  readonly [TypeId]: TypeId = TypeId
  override get message(): string {
    return `user export ${this.jobId} (${this.status}): ${this.detail}`
  }
}

/**
 * A users import that did not finish: a job Auth0 failed (`detail` from its
 * `status_details`) or forgot (`status: "not_found"`), one still pending when
 * `maxWait` ran out, a job whose creation got no answer (`status: "unknown"`,
 * no `jobId`: it may or may not exist, and is not sent again), a request the
 * tenant refused (`reason` is that error's tag, e.g. `Forbidden`), or a user
 * too large for a file (`status: "too_large"`, nothing of that file sent).
 * `users` names the users of the file concerned (email, id, username or
 * phone number: never a hash); `done` is what the jobs that completed did;
 * `sent` counts the users handed to Auth0 in all.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Auth0Error, Users } from "effect-auth0"
 * const program = Users.import([{ email: "ada@example.com" }], { connection_id: "con_ftSSLHb0O7rcUGmF" }).pipe(
 *   Effect.catchTag("ImportFailed", (e: Auth0Error.ImportFailed) =>
 *     Effect.logError(`${e.message}; not imported: ${e.users.join(", ")}`)
 *   )
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class ImportFailed extends Schema.TaggedError<ImportFailed>("effect-auth0/ImportFailed")("ImportFailed", {
  ...Where,
  /** The job, `job_…`, when Auth0 created one. */
  jobId: Schema.optional(Schema.String),
  /** The job's status (not an HTTP status), or `unknown`, `rejected`, `too_large`. */
  status: Schema.String,
  detail: Schema.String,
  /** The tag of the error the tenant or the network answered with, when there was one. */
  reason: Schema.optional(Schema.String),
  users: Schema.Array(Schema.String),
  done: ImportSummary,
  sent: Schema.Number
}) {
  /** @since 0.1.0 */
  readonly [TypeId]: TypeId = TypeId
  override get message(): string {
    return `user import ${this.jobId ?? "(no job)"} (${this.status}): ${this.detail} (${this.users.length} users in its file)`
  }
}

/**
 * Failures every request can meet, whatever the endpoint.
 *
 * @since 0.1.0
 * @category models
 */
export type Common =
  | RateLimited
  | Unauthorized
  | Forbidden
  | BadRequest
  | ServerError
  | UnexpectedStatus
  | TransportError
  | TimeoutError
  | DecodeError
  | ResponseTooLarge

/**
 * Failures only some endpoints document (404 on a user, 409 on create or link).
 *
 * @since 0.1.0
 * @category models
 */
export type Specific = NotFound | Conflict

/**
 * The tags of {@link Specific}, as endpoint declarations list them.
 *
 * @since 0.1.0
 * @category models
 */
export type SpecificTag = Specific["_tag"]

/**
 * The failures of an endpoint that documents the `Tag`s beyond the common ones.
 *
 * @since 0.1.0
 * @category models
 */
export type For<Tag extends SpecificTag> = Common | Extract<Specific, { readonly _tag: Tag }>

/**
 * Any failure of this library.
 *
 * @since 0.1.0
 * @category models
 */
export type Auth0Error = Common | Specific | LimitExceeded | ExportFailed | ImportFailed

/**
 * @example
 * ```ts
 * import { Auth0Error } from "effect-auth0"
 * Auth0Error.isAuth0Error(new Error("x")) // false
 * ```
 *
 * @since 0.1.0
 * @category guards
 */
export const isAuth0Error = (u: unknown): u is Auth0Error => Predicate.hasProperty(u, TypeId)

const idempotent = new Set(["GET", "HEAD", "PUT", "DELETE", "OPTIONS"])

/**
 * What the endpoint's declaration says; a request no declaration covers is safe when its method is. The
 * token request is the Authentication API's, not a declared endpoint: asking again changes nothing.
 */
const retrySafe = (method: string, path: string): boolean =>
  path.endsWith("/oauth/token") || (Endpoints.find(method, path)?.retrySafe ?? idempotent.has(method))

/**
 * Whether sending the request again is safe and may help: a 429 always (Auth0
 * rejected it, nothing happened); a 5xx, a 408, a timeout or a transport
 * failure only where the endpoint's declaration says a retry is safe: GET, PUT
 * and DELETE, not a POST or PATCH that may already have taken effect, except
 * the two POSTs that change nothing on the tenant:
 * the token request and creating a users export job (a second job only reads
 * the users again; a job left over from a lost answer expires by itself).
 *
 * @example
 * ```ts
 * import { Auth0Error } from "effect-auth0"
 * Auth0Error.isRetryable(new Auth0Error.ServerError({ method: "POST", path: "/api/v2/users", status: 503 })) // false
 * ```
 *
 * @since 0.1.0
 * @category predicates
 */
export const isRetryable = (error: Auth0Error): boolean => {
  switch (error._tag) {
    case "RateLimited":
      return true
    case "ServerError":
    case "TimeoutError":
    case "TransportError":
      return retrySafe(error.method, error.path)
    case "ExportFailed":
    case "ImportFailed":
      return false
    default:
      return false
  }
}
