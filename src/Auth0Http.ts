/**
 * The seam every operation goes through: base URL, bearer token, status to
 * typed error, decoding, timeouts and retries, over an `HttpClient` you
 * provide (`FetchHttpClient.layer`, `NodeHttpClient.layerUndici`, or the fake
 * tenant of `effect-auth0/testing`).
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { identity } from "effect/Function"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import type * as Auth0Error from "./Auth0Error.js"
import type * as Endpoint from "./Endpoint.js"
import * as Body from "./internal/body.js"
import * as Download from "./internal/download.js"
import * as Pacer from "./internal/pacer.js"
import * as Paging from "./internal/paging.js"
import * as Send from "./internal/send.js"
import * as Redirects from "./internal/redirects.js"
import * as Retry from "./Retry.js"
import * as TokenProvider from "./TokenProvider.js"

/**
 * @since 0.1.0
 * @category tags
 */
export class Auth0Http extends Context.Tag("effect-auth0/Auth0Http")<Auth0Http, Auth0Http.Service>() {}

/**
 * @since 0.1.0
 */
export declare namespace Auth0Http {
  /**
   * @since 0.1.0
   * @category models
   */
  export interface Service {
    /** `https://{domain}/api/v2`, or the override. */
    readonly apiUrl: string
    /**
     * Send one request to a declared endpoint and decode the answer with its
     * declared response (one page of a paged endpoint), or with `schema`;
     * everything but a 2xx is a typed failure.
     */
    readonly request: {
      <E extends Endpoint.Any>(
        endpoint: E,
        input: Endpoint.Input<E>
      ): Effect.Effect<Endpoint.Success<E>, Auth0Error.For<Endpoint.Errors<E>>>
      <E extends Endpoint.Any, A, I>(
        endpoint: E,
        input: Endpoint.Input<E>,
        schema: Schema.Schema<A, I>
      ): Effect.Effect<A, Auth0Error.For<Endpoint.Errors<E>>>
    }
    /**
     * Stream the bytes at an absolute URL that Auth0 handed out (an export
     * file's signed `location`), through the same `HttpClient` but without the
     * bearer token: it must not travel to a third-party host. A connection
     * that fails mid-way, or sends nothing for the layer's `timeout`, is
     * resumed (`Range`) under the layer's retry policy. A redirect is not
     * followed (`UnexpectedStatus`): a signed URL is signed for its own host.
     */
    readonly download: (url: string) => Stream.Stream<Uint8Array, Auth0Error.Common>
  }
}

/**
 * Call a declared endpoint through the `Auth0Http` in context: the library's
 * own, or one declared with `Endpoint.make` for what the library lacks, with
 * the same tokens, retries, pacing, typed errors and span.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { Auth0Http, Endpoint } from "effect-auth0"
 * const activeUsers = Endpoint.make({
 *   name: "Stats.activeUsers",
 *   method: "GET",
 *   path: "/stats/active-users",
 *   success: 200,
 *   retrySafe: true,
 *   scopes: ["read:stats"],
 *   bucket: "global",
 *   response: Schema.Number
 * })
 * const program = Auth0Http.request(activeUsers, {})
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const request = <E extends Endpoint.Any>(
  endpoint: E,
  input: Endpoint.Input<E>
): Effect.Effect<Endpoint.Success<E>, Auth0Error.For<Endpoint.Errors<E>>, Auth0Http> =>
  Effect.flatMap(Auth0Http, (http) => http.request(endpoint, input))

/**
 * Every item of a paged endpoint (declared with `Endpoint.offset` or
 * `Endpoint.checkpoint` paging), walked as its paging says: offset pages to
 * Auth0's 1000-result cap (then `LimitExceeded`, unless `stopAtCap`), each
 * item once by the paging's `key`; checkpoint pages from `next` to `next`.
 *
 * @example
 * ```ts
 * import { Schema, Stream } from "effect"
 * import { Auth0Http, Endpoint } from "effect-auth0"
 * const sessions = Endpoint.make({
 *   name: "Users.sessions",
 *   method: "GET",
 *   path: "/users/{id}/sessions",
 *   success: 200,
 *   retrySafe: true,
 *   scopes: ["read:sessions"],
 *   bucket: "readUsers",
 *   query: Endpoint.query<{ readonly from?: string; readonly take?: number }>(),
 *   response: Schema.Struct({ id: Schema.String }),
 *   paging: Endpoint.checkpoint("sessions")
 * })
 * const ids = Auth0Http.stream(sessions, { params: { id: "auth0|1" } }).pipe(
 *   Stream.map((session) => session.id),
 *   Stream.runCollect
 * )
 * ```
 *
 * @since 0.1.0
 * @category streams
 */
export const stream = <E extends Endpoint.Any>(
  endpoint: E,
  input: Endpoint.Input<E>,
  options: Paging.StreamOptions = {}
): Stream.Stream<
  Schema.Schema.Type<E["response"]>,
  Auth0Error.For<Endpoint.Errors<E>> | Auth0Error.LimitExceeded,
  Auth0Http
> => Paging.stream(endpoint, input, options)

/**
 * @since 0.1.0
 * @category models
 */
export type RequestInput<Path extends string = string> = Endpoint.Input<
  Endpoint.Endpoint<Path, Schema.Schema.AnyNoContext, Endpoint.QueryRecord, unknown>
>

/**
 * @since 0.1.0
 * @category models
 */
export interface CommonOptions {
  /** The tenant's domain, e.g. `tenant.eu.auth0.com` (or a custom domain): no scheme, no path. */
  readonly domain: string
  /**
   * Send everything to this origin instead of `https://{domain}`: the API at
   * `{baseUrl}/api/v2`, the token endpoint at `{baseUrl}/oauth/token`. The
   * only way to use plain `http`, for the fake tenant and loopback tests.
   */
  readonly baseUrl?: string | undefined
  /** A retry policy (see `Retry.policy`), or `false` to send each request once. Default `Retry.defaultPolicy`. */
  readonly retry?: Retry.Policy | false | undefined
  /** Per attempt, from sending to the last byte of the answer. Default 30 seconds. */
  readonly timeout?: Duration.DurationInput | undefined
  /**
   * Hold requests while the tenant's rate-limit bucket is (estimated) empty,
   * reading `X-RateLimit-*` from every answer, instead of sending them into
   * 429s. Shared by every fiber that uses this layer. Default true.
   */
  readonly pacing?: boolean | undefined
  /**
   * The longest the pacer holds a request on one reading of the bucket. Auth0's
   * buckets refill within a second or so, so a reading that says "empty" for
   * longer (a reset a year ahead, a proxy's stale header) is read again: at the
   * bound the request at the head of the queue is sent as a probe, and its
   * answer is the new reading. One probe per bound, never the whole queue.
   * Default 10 seconds.
   */
  readonly maxPacingWait?: Duration.DurationInput | undefined
  /** At most this many requests in flight at once from this layer. Default: no limit. */
  readonly maxConcurrency?: number | undefined
  /**
   * The largest answer read, in bytes, for the API and the token endpoint: a
   * 2xx past it fails with `ResponseTooLarge` after reading at most the limit
   * (at once when its `Content-Length` says so); an error answer past it keeps
   * its status and loses its body. Default 16 MiB: Auth0's largest answer is
   * a page of 100 users, about 4 MB with both metadata objects at their 16 KB cap.
   * Export files are not bounded by it (see `Users.export`'s `maxLineLength`).
   */
  readonly maxResponseBytes?: number | undefined
  /**
   * Wrap the `HttpClient` (proxies, extra headers, tracing). It wraps a client
   * that refuses redirects; a wrapper that follows them itself
   * (`HttpClient.followRedirects`) would undo that, so do not add one.
   */
  readonly transformClient?: ((client: HttpClient.HttpClient) => HttpClient.HttpClient) | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface StaticTokenOptions extends CommonOptions {
  /** A Management API token. */
  readonly token: Redacted.Redacted<string>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface ClientCredentialsOptions extends CommonOptions {
  readonly clientId: string
  readonly clientSecret: Redacted.Redacted<string>
  /** Default `https://{domain}/api/v2/`. */
  readonly audience?: string | undefined
  /** Fetch a new token this long before the current one expires. Default 5 minutes. */
  readonly refreshBefore?: Duration.DurationInput | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export type Options = StaticTokenOptions | ClientCredentialsOptions

const HOST_NAME = /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*(:\d{1,5})?$/

/** What is wrong with a value that is not a host name, without echoing it (it may carry credentials). */
const notAHost = (domain: string): string => {
  if (domain === "") return "an empty string"
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(domain)
  if (scheme !== null) return `a URL with scheme ${scheme[1]!.toLowerCase()}`
  if (domain.includes("@")) return "a user name before an @"
  if (/[/?#]/.test(domain)) return "a path, query or fragment after the host"
  if (/\s/.test(domain)) return "white space"
  if (domain.startsWith(".") || domain.endsWith(".") || domain.includes("..")) return "an empty label between dots"
  if (/:(?!\d{1,5}$)/.test(domain)) return "a port that is not 1 to 5 digits"
  return "a character a host name cannot hold"
}

/**
 * Why `domain` is not a bare host name, or undefined when it is.
 *
 * @example
 * ```ts
 * import { Auth0Http } from "effect-auth0"
 * Auth0Http.domainProblem("https://tenant.auth0.com")
 * // "must be a host name like tenant.eu.auth0.com, without scheme or path (got a URL with scheme https)"
 * ```
 *
 * @since 0.1.0
 * @category validation
 */
export const domainProblem = (domain: string): string | undefined =>
  HOST_NAME.test(domain)
    ? undefined
    : `must be a host name like tenant.eu.auth0.com, without scheme or path (got ${notAHost(domain)})`

/**
 * Why `baseUrl` is not an http(s) origin, or undefined when it is.
 *
 * @example
 * ```ts
 * import { Auth0Http } from "effect-auth0"
 * Auth0Http.baseUrlProblem("http://127.0.0.1:4000") // undefined
 * Auth0Http.baseUrlProblem("ftp://example.com") // "must be an http or https URL (got scheme ftp)"
 * ```
 *
 * @since 0.1.0
 * @category validation
 */
export const baseUrlProblem = (baseUrl: string): string | undefined => {
  let url: URL
  try {
    url = new URL(baseUrl)
  } catch {
    return "is not a URL (like http://127.0.0.1:4000)"
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return `must be an http or https URL (got scheme ${url.protocol.slice(0, -1)})`
  }
  if (url.username !== "" || url.password !== "") return "must not carry credentials"
  if (url.search !== "" || url.hash !== "") return "must not have a query or fragment"
  return undefined
}

/** A bad option as what `layerConfig` fails with too: the layer's one error type for configuration. */
const invalidOption = (name: string, problem: string): ConfigError.ConfigError =>
  ConfigError.InvalidData([name], `${name} ${problem}`)

/** `https://{domain}`, or the `baseUrl`; a malformed one is a `ConfigError`, not a throw. */
const origin = (options: CommonOptions): Either.Either<string, ConfigError.ConfigError> => {
  const problem = domainProblem(options.domain)
  if (problem !== undefined) return Either.left(invalidOption("domain", problem))
  if (options.baseUrl === undefined) return Either.right(`https://${options.domain}`)
  const baseProblem = baseUrlProblem(options.baseUrl)
  if (baseProblem !== undefined) return Either.left(invalidOption("baseUrl", baseProblem))
  return Either.right(options.baseUrl.replace(/\/+$/, ""))
}

/**
 * The client every request to Auth0 goes through, the token request included.
 * The platform's own span is off: it would record full URLs (ids, search
 * text) and the raw request, whose headers hold the token; the operation's
 * span (`Users.get`, …) stands for each call. With it off no trace headers
 * are sent either (the platform adds them to its span's requests only):
 * they would leave the caller's system for Auth0, which has no use for them.
 */
const wrapClient = (client: HttpClient.HttpClient, options: CommonOptions): HttpClient.HttpClient =>
  client.pipe(
    Redirects.refuse,
    HttpClient.withTracerDisabledWhen(() => true),
    options.transformClient ?? identity
  )

/**
 * Build the service over the `HttpClient` and `TokenProvider` in context.
 *
 * @example
 * ```ts
 * import { Effect, Layer, Redacted } from "effect"
 * import { Auth0Http, TokenProvider } from "effect-auth0"
 * const live = Layer.effect(Auth0Http.Auth0Http, Auth0Http.make({ domain: "tenant.eu.auth0.com" })).pipe(
 *   Layer.provide(TokenProvider.layerStatic(Redacted.make("token")))
 * )
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  options: CommonOptions
): Effect.Effect<Auth0Http.Service, ConfigError.ConfigError, HttpClient.HttpClient | TokenProvider.TokenProvider> =>
  Effect.gen(function* () {
    const apiUrl = `${yield* origin(options)}/api/v2`
    const tokens = yield* TokenProvider.TokenProvider
    const client = wrapClient(yield* HttpClient.HttpClient, options)
    const timeout = Duration.decode(options.timeout ?? "30 seconds")
    const maxResponseBytes = yield* responseLimit(options)
    const retry = options.retry === undefined ? Retry.defaultPolicy : options.retry
    // Off means not there at all: neither the pacer's gate nor a semaphore on the path of every request.
    const pacers =
      options.pacing === false
        ? undefined
        : yield* Pacer.perBucket({ maxWait: Duration.decode(options.maxPacingWait ?? "10 seconds") })
    const concurrency =
      options.maxConcurrency === undefined
        ? identity
        : (yield* Effect.makeSemaphore(options.maxConcurrency)).withPermits(1)

    const request = Send.makeRequest({ apiUrl, tokens, client, timeout, maxResponseBytes, retry, pacers, concurrency })

    const download = (url: string): Stream.Stream<Uint8Array, Auth0Error.Common> =>
      Download.download(client, url, timeout, retry, maxResponseBytes)

    return Auth0Http.of({ apiUrl, request: request as Auth0Http.Service["request"], download })
  })

const responseLimit = (options: CommonOptions): Either.Either<number, ConfigError.ConfigError> => {
  const limit = options.maxResponseBytes ?? Body.DEFAULT_MAX_RESPONSE_BYTES
  const problem = Body.limitProblem(limit)
  return problem === undefined ? Either.right(limit) : Either.left(invalidOption("maxResponseBytes", problem))
}

const tokenLayer = (
  options: Options
): Layer.Layer<TokenProvider.TokenProvider, ConfigError.ConfigError, HttpClient.HttpClient> => {
  if ("token" in options) return TokenProvider.layerStatic(options.token)
  const root = origin(options)
  if (Either.isLeft(root)) return Layer.fail(root.left)
  const limit = responseLimit(options)
  if (Either.isLeft(limit)) return Layer.fail(limit.left)
  return TokenProvider.layerClientCredentials({
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    audience: options.audience ?? `https://${options.domain}/api/v2/`,
    tokenUrl: `${root.right}/oauth/token`,
    timeout: options.timeout,
    refreshBefore: options.refreshBefore,
    maxResponseBytes: limit.right
  })
}

/**
 * `Auth0Http` with a static token or client credentials; needs only an
 * `HttpClient`.
 *
 * @example
 * ```ts
 * import { FetchHttpClient } from "@effect/platform"
 * import { Effect, Layer, Redacted } from "effect"
 * import { Auth0Http, Retry, Users } from "effect-auth0"
 *
 * const Auth0Live = Auth0Http.layer({
 *   domain: "tenant.eu.auth0.com",
 *   clientId: "abc",
 *   clientSecret: Redacted.make("s3cret"),
 *   retry: Retry.policy({ times: 5 }),
 *   timeout: "10 seconds"
 * }).pipe(Layer.provide(FetchHttpClient.layer))
 *
 * const program = Users.get("auth0|63d17c4c5d69f3e86d515d1c").pipe(Effect.provide(Auth0Live))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<Auth0Http, ConfigError.ConfigError, HttpClient.HttpClient> =>
  Layer.effect(Auth0Http, make(options)).pipe(
    Layer.provide(
      Layer.suspend(() => tokenLayer(options)).pipe(
        Layer.provide(
          Layer.effect(
            HttpClient.HttpClient,
            Effect.map(HttpClient.HttpClient, (client) => wrapClient(client, options))
          )
        )
      )
    )
  )

const optional = <A>(config: Config.Config<A>) => Config.map(Config.option(config), Option.getOrUndefined)

// The message says why (`AUTH0_DOMAIN must be a host name … (got a URL with scheme https)`), not just "is not valid".
const checked = (name: string, problem: (value: string) => string | undefined) =>
  Config.string(name).pipe(
    Config.mapOrFail((value) => {
      const why = problem(value)
      return why === undefined ? Either.right(value) : Either.left(ConfigError.InvalidData([], `${name} ${why}`))
    })
  )

/** Set, whatever its value: to tell a conflict, never to read a secret. */
const isSet = (name: string) => Config.map(Config.option(Config.string(name)), Option.isSome)

/**
 * Configuration from the environment (or any `ConfigProvider`):
 * `AUTH0_DOMAIN`, then `AUTH0_TOKEN`, or `AUTH0_CLIENT_ID` +
 * `AUTH0_CLIENT_SECRET` (+ `AUTH0_AUDIENCE`); `AUTH0_BASE_URL` overrides the
 * origin. Missing or malformed values, or both kinds of credentials at once,
 * fail the layer with a `ConfigError` that says why (never with a value of a
 * secret).
 *
 * @example
 * ```ts
 * import { NodeHttpClient } from "@effect/platform-node"
 * import { Effect, Layer } from "effect"
 * import { Auth0Http, Users } from "effect-auth0"
 *
 * const Auth0Live = Auth0Http.layerConfig({ timeout: "10 seconds" }).pipe(Layer.provide(NodeHttpClient.layerUndici))
 * const program = Users.list({ q: "email_verified:false" }).pipe(Effect.provide(Auth0Live))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  overrides: Omit<CommonOptions, "domain"> & { readonly refreshBefore?: Duration.DurationInput | undefined } = {}
): Layer.Layer<Auth0Http, ConfigError.ConfigError, HttpClient.HttpClient> => {
  const credentials: Config.Config<
    | { readonly token: Redacted.Redacted<string> }
    | {
        readonly clientId: string
        readonly clientSecret: Redacted.Redacted<string>
        readonly audience: string | undefined
      }
  > = Config.redacted("AUTH0_TOKEN").pipe(
    Config.map((token) => ({ token })),
    Config.orElse(() =>
      Config.all({
        clientId: Config.string("AUTH0_CLIENT_ID"),
        clientSecret: Config.redacted("AUTH0_CLIENT_SECRET"),
        audience: optional(Config.string("AUTH0_AUDIENCE"))
      })
    )
  )
  // Both kinds of credentials set is a mistake to report, not a choice to make silently for the caller.
  const exclusive = Config.all({
    token: isSet("AUTH0_TOKEN"),
    client: Config.all([isSet("AUTH0_CLIENT_ID"), isSet("AUTH0_CLIENT_SECRET")]).pipe(
      Config.map(([id, secret]) => id || secret)
    )
  }).pipe(
    Config.mapOrFail(({ client, token }) =>
      token && client
        ? Either.left(
            ConfigError.InvalidData(
              [],
              "AUTH0_TOKEN and AUTH0_CLIENT_ID / AUTH0_CLIENT_SECRET are both set: set a static token or client credentials, not both"
            )
          )
        : Either.right(undefined)
    )
  )
  const config = Config.all({
    domain: checked("AUTH0_DOMAIN", domainProblem),
    baseUrl: optional(checked("AUTH0_BASE_URL", baseUrlProblem)),
    exclusive,
    credentials
  })
  return Layer.unwrapEffect(
    Effect.map(config, ({ baseUrl, credentials, domain }) =>
      layer({ ...overrides, ...(baseUrl !== undefined ? { baseUrl } : {}), domain, ...credentials })
    )
  )
}
