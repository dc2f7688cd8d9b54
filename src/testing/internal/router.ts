/**
 * The fake tenant at the HTTP level: authentication, scopes, rate limits,
 * faults, paging and search in front of the store. It routes by the same
 * endpoint declarations the client sends from, so the two cannot disagree.
 * `handle` is synchronous and total: whatever a request holds, it answers.
 */
import type * as Endpoint from "../../Endpoint.js"
import * as Endpoints from "../../internal/endpoints.js"
import type * as Routes from "../../internal/routes.js"
import * as Handlers from "./handlers.js"
import { usersAuthMethods as authMethodHandlers } from "./handlers/authMethods.js"
import { jobs as jobHandlers } from "./handlers/jobs.js"
import { roles as roleHandlers } from "./handlers/roles.js"
import { tickets as ticketHandlers } from "./handlers/tickets.js"
import { rbac as rbacHandlers } from "./handlers/rbac.js"
import { usersLookup as lookupHandlers } from "./handlers/lookup.js"
import { userBlocks as userBlockHandlers } from "./handlers/userBlocks.js"
import { usersSessions as sessionHandlers } from "./handlers/sessions.js"
import { users as userHandlers } from "./handlers/users.js"
import * as Jobs from "./jobs.js"
import * as Multipart from "./multipart.js"
import { errorBody, json, oauthError, refusal } from "./responses.js"
import { SessionsState } from "./state/sessions.js"
import * as RateLimit from "./rateLimit.js"
import type { BucketRateLimitOptions, RateLimitBucket, RateLimitOptions } from "./rateLimit.js"
import { Bulk } from "./state/bulk.js"
import { type ImportJobOptions, Imports } from "./state/imports.js"
import { RbacState } from "./state/rbac.js"
import { LookupState } from "./state/lookup.js"
import { AuthMethods } from "./state/authMethods.js"
import { type Connection, makeRng, Refusal, Store } from "./store.js"

export interface FakeRequest {
  readonly method: string
  /** Path and query as sent, still percent-encoded. */
  readonly url: string
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string | undefined>>
  readonly body: string | undefined
}

export type Fault = "truncate" | "malformed" | "reset"

export interface FakeResponse {
  readonly status: number
  readonly headers: Record<string, string>
  readonly body: string
  /** Set when a fault was drawn: how the transport should spoil this answer. */
  readonly fault?: Fault | undefined
  /** Hold the answer this long first. */
  readonly delayMillis?: number | undefined
  /** Set on an injected 503 or 429, for the request log. */
  readonly injected?: "serverError" | "rateLimited" | undefined
  /** A binary body (an export file), sent instead of `body`. */
  readonly bytes?: Uint8Array<ArrayBuffer> | undefined
}

export type {
  BucketOptions,
  BucketRateLimitOptions,
  BucketState,
  RateLimitBucket,
  RateLimitOptions
} from "./rateLimit.js"

export interface FaultOptions {
  /** Shares of requests (0 to 1), drawn independently in this order. */
  readonly serverError?: number | undefined
  readonly rateLimited?: number | undefined
  readonly malformed?: number | undefined
  readonly truncate?: number | undefined
  /** Served form only: the connection is destroyed without an answer. */
  readonly reset?: number | undefined
  readonly delay?: { readonly share: number; readonly millis: number } | undefined
  /** Faults hit the token endpoint too. Default false. */
  readonly includeToken?: boolean | undefined
  /**
   * Faults hit export file downloads too, as a flaky S3 would: a 5xx or 429
   * share answers `503 SlowDown`; resets, cut-off bodies and delays as for the
   * API. Default false.
   */
  readonly includeFiles?: boolean | undefined
}

export interface TenantOptions extends Jobs.ExportJobOptions, ImportJobOptions {
  readonly domain?: string | undefined
  readonly clientId?: string | undefined
  readonly clientSecret?: string | undefined
  /** Scopes granted to client-credential tokens. Default: every scope the user endpoints know. */
  readonly scopes?: ReadonlyArray<string> | undefined
  /** Lifetime of issued tokens, in seconds. Default 86400. */
  readonly tokenLifetimeSeconds?: number | undefined
  readonly connections?: ReadonlyArray<Connection> | undefined
  readonly rateLimit?: RateLimitOptions | BucketRateLimitOptions | false | undefined
  readonly faults?: FaultOptions | undefined
  /** Seed of every random choice: ids, codes and faults. Default 1. */
  readonly seed?: number | undefined
  /** Handlers for endpoints the library does not declare (see `FakeAuth0.route`). */
  readonly routes?: ReadonlyArray<Handlers.Route> | undefined
}

export interface RecordedRequest {
  readonly method: string
  readonly url: string
  readonly body: string | undefined
  readonly status: number
  readonly at: number
  /** Set when the answer was an injected fault rather than the tenant's own. */
  readonly fault?: "serverError" | "rateLimited" | Fault | undefined
}

export interface TokenGrant {
  readonly scopes: ReadonlyArray<string>
  readonly expiresAt: number
}

export const defaultConnections: ReadonlyArray<Connection> = [
  { id: "con_ftSSLHb0O7rcUGmF", name: "Username-Password-Authentication", strategy: "auth0" },
  { id: "con_G00gle0auth2Fake", name: "google-oauth2", strategy: "google-oauth2" }
]

export const allScopes: ReadonlyArray<string> = [...new Set(Endpoints.all.flatMap((e) => e.scopes))]

const MAX_BODY = 1024 * 1024
const MAX_URL = 8192
const MAX_RECORDED = 10_000

export class Tenant {
  readonly store: Store
  /** User export jobs and their files. */
  readonly jobs: Jobs.Jobs
  /** Verification-email jobs and tickets. */
  readonly bulk: Bulk
  /** Users import jobs. */
  readonly imports: Imports
  readonly rbac: RbacState
  /** Organizations, connected accounts and brute-force blocks. */
  readonly lookup: LookupState
  /** Users' authentication methods and MFA resets. */
  readonly authMethods: AuthMethods
  /** Sessions and refresh tokens, per user. */
  readonly sessions: SessionsState
  readonly domain: string
  readonly clientId: string
  readonly clientSecret: string
  readonly scopes: ReadonlyArray<string>
  readonly tokenLifetimeSeconds: number
  readonly tokens = new Map<string, TokenGrant>()
  readonly requests: Array<RecordedRequest> = []
  /** The rate limit, per bucket; its options are replaced by `setRateLimit`. */
  readonly limits: RateLimit.Buckets
  faults: FaultOptions
  private readonly faultRandom: () => number
  private readonly routes: Routes.Routes<Handlers.Routed>

  constructor(options: TenantOptions = {}) {
    const seed = options.seed ?? 1
    this.store = new Store({ connections: options.connections ?? defaultConnections, seed })
    this.faultRandom = makeRng(seed ^ 0x5f3759df)
    this.domain = options.domain ?? "fake-tenant.eu.auth0.com"
    this.clientId = options.clientId ?? "fake-client-id"
    this.clientSecret = options.clientSecret ?? "fake-client-secret"
    const extra = options.routes ?? []
    this.scopes = options.scopes ?? [...new Set([...allScopes, ...extra.flatMap((route) => route.endpoint.scopes)])]
    this.tokenLifetimeSeconds = options.tokenLifetimeSeconds ?? 86_400
    this.limits = new RateLimit.Buckets(options.rateLimit ?? false)
    this.faults = options.faults ?? {}
    this.jobs = new Jobs.Jobs(this.store, options)
    this.bulk = new Bulk(this.store)
    this.imports = new Imports(this.store, options)
    this.rbac = new RbacState(this.store)
    this.lookup = new LookupState(this.store)
    this.authMethods = new AuthMethods(this.store)
    this.sessions = new SessionsState(this.store)
    this.routes = Handlers.compile(
      Endpoints.declarations,
      {
        users: userHandlers(this.store, this.authMethods),
        usersRbac: rbacHandlers(this.rbac),
        usersLookup: lookupHandlers(this.lookup),
        usersAuthMethods: authMethodHandlers(this.authMethods),
        usersSessions: sessionHandlers(this.sessions),
        userBlocks: userBlockHandlers(this.lookup),
        jobs: jobHandlers(this.jobs, this.bulk, this.imports, this.domain),
        tickets: ticketHandlers(this.bulk, this.domain),
        roles: roleHandlers(this.store)
      },
      extra
    )
  }

  /** A bearer token the API accepts, as if issued by `/oauth/token`. */
  issueToken(
    now: number,
    scopes: ReadonlyArray<string> = this.scopes,
    lifetimeSeconds = this.tokenLifetimeSeconds
  ): string {
    const token = `fake.${this.store.alnum(40, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")}`
    this.tokens.set(token, { scopes, expiresAt: now + lifetimeSeconds * 1000 })
    return token
  }

  private tooManyRequests(bucket: RateLimitBucket, now: number): FakeResponse {
    const headers: Record<string, string> = {
      "content-type": "application/json; charset=utf-8",
      ...this.limits.headers(bucket, now)
    }
    if (this.limits.retryAfter) {
      const waitMillis = Math.max(0, Number(headers["x-ratelimit-reset"] ?? 0) * 1000 - now)
      headers["retry-after"] = String(Math.max(1, Math.ceil(waitMillis / 1000)))
    }
    return { status: 429, headers, body: errorBody(429, this.limits.message(bucket), "too_many_requests") }
  }

  private drawFault(isToken: boolean, bucket: RateLimitBucket): FakeResponse | { fault?: Fault; delayMillis?: number } {
    const f = this.faults
    if (isToken && f.includeToken !== true) return {}
    const draw = (share: number | undefined) => share !== undefined && share > 0 && this.faultRandom() < share
    if (draw(f.serverError)) {
      return {
        status: 503,
        headers: { "content-type": "application/json; charset=utf-8" },
        body: errorBody(503, "The service is temporarily unavailable (injected fault)."),
        injected: "serverError"
      }
    }
    if (draw(f.rateLimited))
      return {
        status: 429,
        headers: { "content-type": "application/json; charset=utf-8" },
        body: errorBody(429, this.limits.message(bucket), "too_many_requests"),
        injected: "rateLimited"
      }
    const out: { fault?: Fault; delayMillis?: number } = {}
    if (draw(f.malformed)) out.fault = "malformed"
    else if (draw(f.truncate)) out.fault = "truncate"
    else if (draw(f.reset)) out.fault = "reset"
    if (f.delay !== undefined && draw(f.delay.share)) out.delayMillis = f.delay.millis
    return out
  }

  handle(request: FakeRequest, now: number): FakeResponse {
    let response: FakeResponse
    try {
      response = this.route(request, now)
    } catch (error) {
      response =
        error instanceof Refusal
          ? refusal(error)
          : json(500, { statusCode: 500, error: "Internal Server Error", message: "fake tenant error" })
    }
    if (this.requests.length >= MAX_RECORDED) this.requests.shift()
    this.requests.push({
      method: request.method,
      url: request.url,
      body: request.body,
      status: response.status,
      at: now,
      ...(response.injected !== undefined || response.fault !== undefined
        ? { fault: response.injected ?? response.fault }
        : {})
    })
    return response
  }

  private route(request: FakeRequest, now: number): FakeResponse {
    if (request.url.length > MAX_URL) throw new Refusal(414, "Request-URI Too Large")
    let url: URL
    try {
      url = new URL(request.url, "http://fake.invalid")
    } catch {
      throw new Refusal(400, "Invalid request URI", "invalid_uri")
    }
    // Export files stand for a signed S3 URL: no token, no rate limit, faults only when asked for.
    if (url.pathname.startsWith(Jobs.FILES_PREFIX)) {
      if (this.faults.includeFiles !== true) return this.jobs.file(request, url, now)
      const fault = this.drawFault(false, "global")
      if ("status" in fault) {
        return { ...Jobs.s3Error(503, "SlowDown", "Please reduce your request rate."), injected: fault.injected }
      }
      // A file is bytes, not JSON: there is nothing to spoil, so a drawn `malformed` leaves it whole.
      const { fault: kind, ...rest } = fault
      return { ...this.jobs.file(request, url, now), ...rest, ...(kind === "malformed" ? {} : { fault: kind }) }
    }
    const isToken = url.pathname === "/oauth/token"
    // Classed before the endpoint is matched, so an injected 429 carries the headers of the bucket
    // the request would have spent from; a path outside the API is "global" (it 404s at no cost).
    const route = url.pathname.startsWith("/api/v2/")
      ? this.routes.find(request.method, url.pathname.slice("/api/v2".length))
      : undefined
    const bucket =
      route?.value.endpoint.bucket ?? RateLimit.bucketOf(request.method, url.pathname.slice("/api/v2".length))
    const fault = this.drawFault(isToken, bucket)
    if ("status" in fault) {
      return { ...fault, headers: { ...fault.headers, ...(isToken ? {} : this.limits.headers(bucket, now)) } }
    }
    if (request.body !== undefined && Buffer.byteLength(request.body, "utf8") > MAX_BODY) {
      throw new Refusal(413, `Payload content length greater than maximum allowed: ${MAX_BODY}`)
    }
    const answer = isToken ? this.token(request, now) : this.api(request, url, route, bucket, now)
    return { ...answer, ...fault }
  }

  private token(request: FakeRequest, now: number): FakeResponse {
    if (request.method !== "POST") throw new Refusal(404, "Not Found")
    const type = request.headers["content-type"] ?? ""
    let fields: Record<string, unknown>
    if (type.startsWith("application/x-www-form-urlencoded")) {
      fields = Object.fromEntries(new URLSearchParams(request.body ?? ""))
    } else if (type.startsWith("application/json")) {
      try {
        const parsed = JSON.parse(request.body ?? "") as unknown
        fields =
          typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)
            ? (parsed as Record<string, unknown>)
            : {}
      } catch {
        return oauthError(400, "invalid_request", "Invalid request body")
      }
    } else {
      return oauthError(400, "invalid_request", "Unsupported content type")
    }
    if (fields.grant_type !== "client_credentials") {
      return oauthError(
        403,
        "unsupported_grant_type",
        `Grant type '${String(fields.grant_type)}' not allowed for the client.`
      )
    }
    if (fields.client_id !== this.clientId || fields.client_secret !== this.clientSecret) {
      return oauthError(401, "access_denied", "Unauthorized")
    }
    const audience = `https://${this.domain}/api/v2/`
    if (fields.audience !== audience) {
      return oauthError(403, "access_denied", `Service not enabled within domain: ${String(fields.audience)}`)
    }
    const token = this.issueToken(now)
    return json(200, {
      access_token: token,
      expires_in: this.tokenLifetimeSeconds,
      scope: this.scopes.join(" "),
      token_type: "Bearer"
    })
  }

  private authorize(request: FakeRequest, endpoint: Endpoint.Any, now: number): void {
    const header = request.headers["authorization"] ?? ""
    const match = /^Bearer (.+)$/.exec(header)
    if (match === null) throw new Refusal(401, "Missing authentication")
    const grant = this.tokens.get(match[1]!)
    if (grant === undefined) throw new Refusal(401, "Invalid token")
    if (grant.expiresAt <= now) throw new Refusal(401, "Expired token received for JSON Web Token validation")
    if (!endpoint.scopes.some((s) => grant.scopes.includes(s))) {
      throw new Refusal(403, `Insufficient scope, expected any of: ${endpoint.scopes.join(",")}`, "insufficient_scope")
    }
  }

  private api(
    request: FakeRequest,
    url: URL,
    route: Routes.Match<Handlers.Routed> | undefined,
    bucket: RateLimitBucket,
    now: number
  ): FakeResponse {
    if (route === undefined) throw new Refusal(404, "Not Found")
    const { endpoint, handler } = route.value
    this.authorize(request, endpoint, now)
    if (!this.limits.take(bucket, now)) return this.tooManyRequests(bucket, now)
    const answer = handler({
      params: route.params,
      query: url.searchParams,
      body: () => this.body(request),
      headers: request.headers,
      now
    })
    const response =
      answer instanceof Refusal
        ? refusal(answer)
        : answer instanceof Handlers.Reply
          ? json(answer.status, answer.body)
          : json(endpoint.success, answer)
    return { ...response, headers: { ...response.headers, ...this.limits.headers(bucket, now) } }
  }

  private body(request: FakeRequest): unknown {
    if (request.body === undefined || request.body === "") return undefined
    const type = request.headers["content-type"] ?? ""
    const boundary = Multipart.boundaryOf(type)
    if (boundary !== undefined) return Multipart.parse(request.body, boundary)
    if (!type.startsWith("application/json")) throw new Refusal(415, "Unsupported Media Type")
    try {
      return JSON.parse(request.body) as unknown
    } catch {
      throw new Refusal(400, "Invalid request payload JSON format")
    }
  }
}
