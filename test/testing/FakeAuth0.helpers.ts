/**
 * Shared helpers of the FakeAuth0 suites: raw requests against a tenant, a
 * static-token client over the in-process fake, and seed shortcuts.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { Auth0Http } from "../../src/index.js"
import { FakeAuth0 } from "../../src/testing/index.js"

export const DB = "Username-Password-Authentication"
export const GOOGLE = "google-oauth2"
export const DB_CONNECTION_ID = "con_ftSSLHb0O7rcUGmF"

export type Tenant = FakeAuth0.Tenant.Service

export interface RawAnswer {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
  /** The body parsed as JSON; undefined when empty. */
  readonly json: unknown
}

export interface RawRequest {
  readonly method: string
  readonly url: string
  /** Sent as JSON (content-type application/json unless `contentType`). */
  readonly body?: unknown
  /** Sent as is (content-type application/json unless `contentType`). */
  readonly rawBody?: string | undefined
  readonly contentType?: string | undefined
  /** A bearer token; `null` sends no authorization header; default: a fresh all-scopes token. */
  readonly token?: string | null | undefined
  readonly headers?: Readonly<Record<string, string>> | undefined
}

/** One request through `tenant.handle`, as a server would receive it. */
export const raw = (tenant: Tenant, request: RawRequest): Effect.Effect<RawAnswer> =>
  Effect.gen(function* () {
    const token = request.token === undefined ? Redacted.value(yield* tenant.issueToken()) : request.token
    const headers: Record<string, string> = {}
    if (token !== null) headers.authorization = `Bearer ${token}`
    const body =
      request.rawBody !== undefined
        ? request.rawBody
        : request.body !== undefined
          ? JSON.stringify(request.body)
          : undefined
    if (body !== undefined) headers["content-type"] = request.contentType ?? "application/json"
    Object.assign(headers, request.headers)
    const answer = yield* tenant.handle({ method: request.method, url: request.url, headers, body })
    return {
      status: answer.status,
      headers: answer.headers,
      body: answer.body,
      json: answer.body === "" ? undefined : (JSON.parse(answer.body) as unknown)
    }
  })

/** `Auth0Http` with a static token over the in-process fake serving `tenant`, no retries. */
export const staticClient = (tenant: Tenant, token: Redacted.Redacted<string>) =>
  Auth0Http.layer({ domain: tenant.domain, token, retry: false }).pipe(
    Layer.provide(Layer.succeed(HttpClient.HttpClient, FakeAuth0.httpClient(tenant)))
  )

/** Seed one user; dies if the seed is refused. */
export const seedOne = (tenant: Tenant, user: FakeAuth0.SeedUser) =>
  Effect.map(Effect.orDie(tenant.seedUsers([user])), (users) => users[0]!)

/** The id without its provider prefix: `auth0|abc` → `abc`. */
export const bareId = (userId: string): string => userId.slice(userId.indexOf("|") + 1)

export const enc = (userId: string): string => encodeURIComponent(userId)

export const sortedKeys = (value: unknown): ReadonlyArray<string> =>
  typeof value === "object" && value !== null ? Object.keys(value).sort() : []

/** Let forked fibers run up to their next suspension. */
export const settle = Effect.repeatN(Effect.yieldNow(), 100)
