/**
 * An in-memory Auth0 tenant at the HTTP level. Requests go through the real
 * `Auth0Http` (encoding, tokens, decoding, error mapping, retries), so a test
 * against the fake exercises what production runs.
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import type * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Runtime from "effect/Runtime"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import * as Auth0Http from "../Auth0Http.js"
import * as Router from "./internal/router.js"
import { type RbacSeeding, rbacSeeding } from "./internal/seed/rbac.js"
import { guard, iso, type SeedError } from "./internal/seed.js"
import { type LookupSeeding, lookupSeeding } from "./internal/seed/lookup.js"
import { type AuthMethodsSeeding, authMethodsSeeding } from "./internal/seed/authMethods.js"
import { type SessionsSeeding, sessionsSeeding } from "./internal/seed/sessions.js"
import * as Server from "./internal/server.js"
import { type Enrollment, type LogRecord, Refusal, type Role, type UserRecord } from "./internal/store.js"

/**
 * @since 0.1.0
 * @category models
 */
export type Options = Router.TenantOptions

export type {
  /**
   * @since 0.1.0
   * @category models
   */
  BucketOptions,
  /**
   * @since 0.1.0
   * @category models
   */
  BucketRateLimitOptions,
  /**
   * @since 0.1.0
   * @category models
   */
  BucketState,
  /**
   * @since 0.1.0
   * @category models
   */
  FakeRequest,
  /**
   * @since 0.1.0
   * @category models
   */
  FakeResponse,
  /**
   * @since 0.1.0
   * @category models
   */
  FaultOptions,
  /**
   * @since 0.1.0
   * @category models
   */
  RateLimitBucket,
  /**
   * @since 0.1.0
   * @category models
   */
  RateLimitOptions,
  /**
   * @since 0.1.0
   * @category models
   */
  RecordedRequest
} from "./internal/router.js"

export {
  /**
   * @since 0.1.0
   * @category routes
   */
  refuse,
  /**
   * @since 0.1.0
   * @category routes
   */
  reply,
  /**
   * @since 0.1.0
   * @category routes
   */
  route
} from "./internal/route.js"

export type {
  /**
   * @since 0.1.0
   * @category routes
   */
  Call as RouteCall,
  /**
   * @since 0.1.0
   * @category routes
   */
  Route
} from "./internal/handlers.js"

export {
  /**
   * @since 0.1.0
   * @category errors
   */
  SeedError
} from "./internal/seed.js"

export type {
  /**
   * @since 0.1.0
   * @category seeding
   */
  LookupSeeding,
  /**
   * @since 0.1.0
   * @category seeding
   */
  SeedBlock,
  /**
   * @since 0.1.0
   * @category seeding
   */
  SeedConnectedAccount,
  /**
   * @since 0.1.0
   * @category seeding
   */
  SeedOrganization
} from "./internal/seed/lookup.js"

/**
 * A user to seed: the `POST /users` body, plus fields only Auth0 sets itself.
 * `password` is optional here.
 *
 * @since 0.1.0
 * @category models
 */
export interface SeedUser extends Readonly<Record<string, unknown>> {
  readonly connection: string
  readonly email?: string
  readonly created_at?: string
  readonly updated_at?: string
  readonly logins_count?: number
  readonly last_login?: string
  readonly last_ip?: string
  readonly multifactor?: ReadonlyArray<string>
}

const SERVER_FIELDS = ["created_at", "updated_at", "logins_count", "last_login", "last_ip", "multifactor"]

/**
 * @since 0.1.0
 * @category tags
 */
export class Tenant extends Context.Tag("effect-auth0/testing/Tenant")<Tenant, Tenant.Service>() {}

/**
 * @since 0.1.0
 */
export declare namespace Tenant {
  /**
   * @since 0.1.0
   * @category models
   */
  export interface Service extends RbacSeeding, LookupSeeding, AuthMethodsSeeding, SessionsSeeding {
    readonly domain: string
    readonly clientId: string
    readonly clientSecret: Redacted.Redacted<string>
    /** Answer one raw HTTP request, as the tenant's server would. */
    readonly handle: (request: Router.FakeRequest) => Effect.Effect<Router.FakeResponse>
    readonly seedUsers: (users: ReadonlyArray<SeedUser>) => Effect.Effect<ReadonlyArray<UserRecord>, SeedError>
    readonly seedLogs: (
      userId: string,
      events: ReadonlyArray<Partial<LogRecord> & { readonly type: string }>
    ) => Effect.Effect<ReadonlyArray<LogRecord>, SeedError>
    readonly seedRoles: (roles: ReadonlyArray<Role>) => Effect.Effect<void>
    readonly assignRoles: (userId: string, roleIds: ReadonlyArray<string>) => Effect.Effect<void, SeedError>
    readonly seedEnrollments: (userId: string, enrollments: ReadonlyArray<Enrollment>) => Effect.Effect<void, SeedError>
    readonly user: (id: string) => Effect.Effect<Option.Option<UserRecord>>
    readonly users: Effect.Effect<ReadonlyArray<UserRecord>>
    /** A token the API accepts, for `Auth0Http.layer({ token })`; default: every scope, the tenant's lifetime. */
    readonly issueToken: (options?: {
      readonly scopes?: ReadonlyArray<string> | undefined
      readonly lifetimeSeconds?: number | undefined
    }) => Effect.Effect<Redacted.Redacted<string>>
    /** Every request received so far (the last 10,000), with the status it got. */
    readonly requests: Effect.Effect<ReadonlyArray<Router.RecordedRequest>>
    /** The global bucket (in the single-bucket form, the one bucket), refilled to now. */
    readonly rateLimitState: Effect.Effect<Option.Option<Router.BucketState>>
    /** Every bucket there is, refilled to now, by name; the single-bucket form is `global` alone. */
    readonly rateLimitBuckets: Effect.Effect<Partial<Record<Router.RateLimitBucket, Router.BucketState>>>
    /** Change the limits from now on; a bucket keeps its tokens (capped at its new size). */
    readonly setRateLimit: (
      options: Router.RateLimitOptions | Router.BucketRateLimitOptions | false
    ) => Effect.Effect<void>
    readonly setFaults: (faults: Router.FaultOptions) => Effect.Effect<void>
  }
}

/**
 * A fresh tenant (no users; two connections: `Username-Password-Authentication`
 * and `google-oauth2`).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { FakeAuth0 } from "effect-auth0/testing"
 * const program = Effect.gen(function* () {
 *   const tenant = yield* FakeAuth0.make({ seed: 42 })
 *   yield* tenant.seedUsers([{ connection: "Username-Password-Authentication", email: "a@example.com" }])
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options = {}): Effect.Effect<Tenant.Service> =>
  Effect.sync(() => {
    const tenant = new Router.Tenant(options)
    const store = tenant.store
    return Tenant.of({
      ...rbacSeeding(tenant),
      ...lookupSeeding(tenant),
      ...authMethodsSeeding(tenant),
      ...sessionsSeeding(tenant),
      domain: tenant.domain,
      clientId: tenant.clientId,
      clientSecret: Redacted.make(tenant.clientSecret),
      handle: (request) => Effect.map(Clock.currentTimeMillis, (now) => tenant.handle(request, now)),
      seedUsers: (users) =>
        Effect.flatMap(iso, (now) =>
          guard(() =>
            users.map((seed) => {
              const body: Record<string, unknown> = {}
              const extras: Record<string, unknown> = {}
              for (const [key, value] of Object.entries(seed)) {
                if (SERVER_FIELDS.includes(key)) extras[key] = value
                else body[key] = value
              }
              return store.create(body, now, { requirePassword: false, extras })
            })
          )
        ),
      seedLogs: (userId, events) =>
        Effect.flatMap(iso, (now) =>
          guard(() => {
            if (!store.users.has(userId)) throw new Refusal(404, `no user ${userId}`)
            return events.map((event) => store.addLog(userId, event, now))
          })
        ),
      seedRoles: (roles) =>
        Effect.sync(() => {
          for (const role of roles) store.roles.set(role.id, role)
        }),
      assignRoles: (userId, roleIds) =>
        guard(() => {
          if (!store.users.has(userId)) throw new Refusal(404, `no user ${userId}`)
          const unknown = roleIds.filter((id) => !store.roles.has(id))
          if (unknown.length > 0) throw new Refusal(404, `no role ${unknown.join(", ")}`)
          store.userRoles.set(userId, [...new Set([...(store.userRoles.get(userId) ?? []), ...roleIds])])
        }),
      seedEnrollments: (userId, enrollments) =>
        guard(() => {
          if (!store.users.has(userId)) throw new Refusal(404, `no user ${userId}`)
          store.enrollments.set(userId, [...(store.enrollments.get(userId) ?? []), ...enrollments])
        }),
      user: (id) => Effect.sync(() => Option.fromNullable(store.get(id))),
      users: Effect.sync(() => [...store.users.values()].map((user) => structuredClone(user))),
      issueToken: (opts = {}) =>
        Effect.map(Clock.currentTimeMillis, (now) =>
          Redacted.make(tenant.issueToken(now, opts.scopes ?? tenant.scopes, opts.lifetimeSeconds))
        ),
      requests: Effect.sync(() => [...tenant.requests]),
      rateLimitState: Effect.map(Clock.currentTimeMillis, (now) => Option.fromNullable(tenant.limits.state(now))),
      rateLimitBuckets: Effect.map(Clock.currentTimeMillis, (now) => tenant.limits.states(now)),
      setRateLimit: (rateLimit) =>
        Effect.sync(() => {
          tenant.limits.options = rateLimit
        }),
      setFaults: (faults) =>
        Effect.sync(() => {
          tenant.faults = faults
        })
    })
  })

const bodyText = (request: HttpClientRequest.HttpClientRequest): string | undefined => {
  switch (request.body._tag) {
    case "Empty":
      return undefined
    case "Uint8Array":
      return new TextDecoder().decode(request.body.body)
    case "Raw":
      return typeof request.body.body === "string" ? request.body.body : undefined
    default:
      return undefined
  }
}

const utf8 = new TextEncoder()

/** A body stream that sends half of the body, then fails as a dropped connection would. */
const cutOff = (body: string | Uint8Array): ReadableStream<Uint8Array> =>
  new ReadableStream({
    start(controller) {
      const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body
      controller.enqueue(bytes.subarray(0, Math.floor(bytes.length / 2)))
      controller.error(new Error("connection closed before the body was complete (injected fault)"))
    }
  })

/**
 * An `HttpClient` that answers from `tenant` in process: no sockets.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { FakeAuth0 } from "effect-auth0/testing"
 * const client = Effect.map(FakeAuth0.make(), FakeAuth0.httpClient)
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const httpClient = (tenant: Tenant.Service): HttpClient.HttpClient =>
  HttpClient.make((request, url) =>
    Effect.gen(function* () {
      const answer = yield* tenant.handle({
        method: request.method,
        url: `${url.pathname}${url.search}`,
        headers: request.headers,
        body: bodyText(request)
      })
      if (answer.delayMillis !== undefined && answer.delayMillis > 0) yield* Effect.sleep(answer.delayMillis)
      if (answer.fault === "reset") {
        return yield* new HttpClientError.RequestError({
          request,
          reason: "Transport",
          description: "connection reset by the fake tenant (injected fault)"
        })
      }
      const noBody = answer.status === 204 || answer.status === 304
      const body = noBody
        ? null
        : answer.fault === "truncate"
          ? cutOff(answer.bytes ?? answer.body)
          : answer.bytes !== undefined
            ? answer.bytes
            : answer.fault === "malformed"
              ? Server.spoil(answer.body)
              : answer.body
      // A whole body declares its length, as the served fake and Auth0 do: `Auth0Http` then reads it
      // without streaming. A cut-off one cannot.
      if (typeof body === "string" || body instanceof Uint8Array) {
        const bytes = typeof body === "string" ? utf8.encode(body) : body
        const headers = { ...answer.headers, "content-length": String(bytes.length) }
        return HttpClientResponse.fromWeb(request, new Response(bytes, { status: answer.status, headers }))
      }
      return HttpClientResponse.fromWeb(request, new Response(body, { status: answer.status, headers: answer.headers }))
    })
  )

/**
 * The fake `HttpClient` and its `Tenant`, for people who build `Auth0Http`
 * themselves (point it at the tenant's `domain`, `clientId` and `clientSecret`).
 *
 * @example
 * ```ts
 * import { Effect, Layer, Redacted } from "effect"
 * import { Auth0Http, Users } from "effect-auth0"
 * import { FakeAuth0 } from "effect-auth0/testing"
 * const program = Users.list().pipe(
 *   Effect.provide(
 *     Auth0Http.layer({ domain: "fake-tenant.eu.auth0.com", clientId: "fake-client-id", clientSecret: Redacted.make("fake-client-secret") }).pipe(
 *       Layer.provide(FakeAuth0.layerHttpClient())
 *     )
 *   )
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerHttpClient = (options: Options = {}): Layer.Layer<HttpClient.HttpClient | Tenant> =>
  Layer.effectContext(
    Effect.map(make(options), (tenant) =>
      Context.make(Tenant, tenant).pipe(Context.add(HttpClient.HttpClient, httpClient(tenant)))
    )
  )

/**
 * The real `Auth0Http` (client credentials against the fake's `/oauth/token`)
 * over the in-process fake, plus its `Tenant`. `client` sets the `Auth0Http`
 * options (retry, timeout, …).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Users } from "effect-auth0"
 * import { FakeAuth0 } from "effect-auth0/testing"
 * const program = Effect.gen(function* () {
 *   const tenant = yield* FakeAuth0.Tenant
 *   const [seeded] = yield* tenant.seedUsers([{ connection: "Username-Password-Authentication", email: "a@example.com" }])
 *   return yield* Users.get(seeded!.user_id)
 * }).pipe(Effect.provide(FakeAuth0.layer()))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options: Options & { readonly client?: Omit<Auth0Http.CommonOptions, "domain"> | undefined } = {}
): Layer.Layer<Auth0Http.Auth0Http | Tenant, ConfigError.ConfigError> =>
  Layer.unwrapEffect(
    Effect.map(make(options), (tenant) => {
      const tenantLayer = Layer.succeed(Tenant, tenant)
      const auth0 = Auth0Http.layer({
        ...options.client,
        domain: tenant.domain,
        clientId: tenant.clientId,
        clientSecret: tenant.clientSecret
      }).pipe(Layer.provide(Layer.succeed(HttpClient.HttpClient, httpClient(tenant))))
      return Layer.merge(auth0, tenantLayer)
    })
  )

/**
 * A tenant on a real loopback HTTP server (node:http) for as long as the
 * scope lasts; yields its URL (give it to `Auth0Http.layer` as `baseUrl`).
 * Serves `tenant` when given, else a new tenant made from the options.
 *
 * @example
 * ```ts
 * import { NodeHttpClient } from "@effect/platform-node"
 * import { Effect, Layer } from "effect"
 * import { Auth0Http, Users } from "effect-auth0"
 * import { FakeAuth0 } from "effect-auth0/testing"
 * const program = Effect.scoped(
 *   Effect.gen(function* () {
 *     const tenant = yield* FakeAuth0.make()
 *     const baseUrl = yield* FakeAuth0.serve({ tenant })
 *     const live = Auth0Http.layer({ domain: tenant.domain, baseUrl, clientId: tenant.clientId, clientSecret: tenant.clientSecret })
 *     return yield* Users.list().pipe(Effect.provide(live.pipe(Layer.provide(NodeHttpClient.layerUndici))))
 *   })
 * )
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const serve = (
  options: Options & {
    readonly port?: number | undefined
    readonly host?: string | undefined
    readonly tenant?: Tenant.Service | undefined
  } = {}
): Effect.Effect<string, ServeError, Scope.Scope> =>
  Effect.gen(function* () {
    const tenant = options.tenant ?? (yield* make(options))
    const runtime = yield* Effect.runtime<never>()
    const handle = (request: Router.FakeRequest) => Runtime.runSync(runtime)(tenant.handle(request))
    const server = yield* Effect.acquireRelease(
      Effect.tryPromise({
        try: () => Server.listen(handle, { port: options.port, host: options.host }),
        catch: (error) => new ServeError({ reason: String(error) })
      }),
      (server) => Effect.promise(server.close)
    )
    return server.url
  })

/**
 * The loopback server could not listen (port taken, …).
 *
 * @since 0.1.0
 * @category errors
 */
export class ServeError extends Schema.TaggedError<ServeError>("effect-auth0/testing/ServeError")("ServeError", {
  reason: Schema.String
}) {}
